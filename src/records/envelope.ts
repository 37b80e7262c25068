/**
 * The Azure Monitor envelope (entra-formats.md §3.5): what storage-account archives and event
 * hubs carry. `fromEnvelope` turns an exported record back into the Graph shape; `toEnvelope`
 * writes one the way Entra does, per category.
 */
import type { LogType } from '../registry/types.ts';

export type Json = Record<string, unknown>;

/** True when a value looks like an Azure Monitor resource-log record rather than a Graph record. */
export function isEnvelope(value: unknown): value is Json {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const v = value as Json;
  const props = v.properties;
  return (
    props !== null &&
    typeof props === 'object' &&
    !Array.isArray(props) &&
    ('category' in v || 'operationName' in v || 'resourceId' in v) &&
    ('time' in v || 'Time' in v)
  );
}

/** Keys the AuditLogs export copies from the envelope into `properties` (§3.5); not Graph properties. */
const AUDIT_ENVELOPE_COPIES = [
  'tenantId',
  'resultType',
  'resultDescription',
  'operationName',
  'identity',
  'tenantGeo',
];

export interface EnvelopeProblem {
  pointer: string;
  message: string;
}

/**
 * Maps an envelope to a Graph-shaped record. Enum, time and key-case quirks are repaired later by
 * the schema-driven normaliser; this handles what depends on the envelope itself.
 */
export function fromEnvelope(type: LogType, env: Json): { record: Json; problem?: EnvelopeProblem } {
  const category = (env.category ?? env.Category) as unknown;
  if (typeof category === 'string' && category.toLowerCase() !== type.category.toLowerCase()) {
    return {
      record: {},
      problem: {
        pointer: '/category',
        message: `envelope category '${category}' does not match '${type.category}'`,
      },
    };
  }
  const record: Json = { ...(env.properties as Json) };
  switch (type.family) {
    case 'audit': {
      for (const k of AUDIT_ENVELOPE_COPIES) delete record[k];
      // Exports carry only the populated initiator branch; Graph returns both, one null.
      const init = record.initiatedBy;
      if (init && typeof init === 'object' && !Array.isArray(init)) {
        const i = init as Json;
        if (!('user' in i)) i.user = null;
        if (!('app' in i)) i.app = null;
      }
      if (record[type.timeField] === undefined) record[type.timeField] = env.time;
      break;
    }
    case 'provisioning':
      // The envelope's `identity` is the record id (§3.5).
      if (record.id === undefined && typeof env.identity === 'string') record.id = env.identity;
      break;
    default:
      if (record[type.timeField] === undefined && env.time !== undefined) record[type.timeField] = env.time;
  }
  return { record };
}

const get = (r: Json, ...path: string[]): unknown => {
  let v: unknown = r;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Json)[p];
  }
  return v;
};

/** Writes a Graph-shaped record as the envelope Entra's diagnostic settings emit for its category. */
export function toEnvelope(type: LogType, tenantId: string, record: Json): Json {
  const time = record[type.timeField];
  const base: Json = {
    time,
    resourceId: `/tenants/${tenantId}/providers/Microsoft.aadiam`,
    operationName: type.operationName,
    operationVersion: type.operationVersion,
    category: type.category,
    tenantId,
  };
  switch (type.family) {
    case 'audit': {
      const user = get(record, 'initiatedBy', 'user') as Json | null | undefined;
      const app = get(record, 'initiatedBy', 'app') as Json | null | undefined;
      const properties: Json = { ...record };
      properties.initiatedBy = user ? { user } : app ? { app } : {};
      return {
        ...base,
        operationName: record.activityDisplayName,
        resultSignature: 'None',
        durationMs: 0,
        callerIpAddress: (user?.ipAddress as string | undefined) ?? '<null>',
        correlationId: record.correlationId,
        identity: (user?.displayName ?? app?.displayName ?? '') as string,
        Level: 4,
        properties,
      };
    }
    case 'signIn': {
      const code = get(record, 'status', 'errorCode');
      const ok = code === 0 || code === undefined || code === null;
      const isServiceKind =
        Array.isArray(record.signInEventTypes) &&
        record.signInEventTypes.some((t) => t === 'servicePrincipal' || t === 'managedIdentity');
      const env: Json = {
        ...base,
        resultType: String(code ?? 0),
        resultSignature: ok ? 'SUCCESS' : 'FAILURE',
        resultDescription: get(record, 'status', 'failureReason') ?? undefined,
        durationMs: 0,
        callerIpAddress: record.ipAddress ?? undefined,
        correlationId: record.correlationId,
        identity: isServiceKind ? undefined : record.userDisplayName,
        Level: 4,
        location: get(record, 'location', 'countryOrRegion') ?? undefined,
        properties: record,
      };
      if (type.category === 'ManagedIdentitySignInLogs') {
        delete env.callerIpAddress;
        delete env.location;
      }
      return dropUndefined(env);
    }
    case 'provisioning':
      return dropUndefined({
        ...base,
        resultType: capitalize(get(record, 'provisioningStatusInfo', 'status')),
        durationMs: record.durationInMilliseconds ?? 0,
        correlationId: record.changeId,
        identity: record.id,
        Level: 4,
        properties: record,
      });
    default:
      return dropUndefined({
        ...base,
        resultSignature: 'None',
        correlationId: record.correlationId ?? record.requestId,
        Level: 4,
        properties: record,
      });
  }
}

function capitalize(v: unknown): string | undefined {
  return typeof v === 'string' && v ? v[0]!.toUpperCase() + v.slice(1) : undefined;
}

function dropUndefined(o: Json): Json {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}
