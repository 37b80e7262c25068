/**
 * The Azure Monitor envelope (entra-formats.md §3.5): what storage-account archives and event
 * hubs carry. `fromEnvelope` turns an exported record back into the Graph shape; `toEnvelope`
 * writes one the way Entra does, per category.
 */
import type { LogType } from '../registry/types.ts';
import { auditInitiatorBranch, type EnvelopeField, envelopeField } from './envelope-fields.ts';

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

/** Envelope keys in Entra's order, and the field that fills each. */
const ENVELOPE_KEYS: ReadonlyArray<readonly [key: string, field: EnvelopeField]> = [
  ['operationName', 'operationName'],
  ['operationVersion', 'operationVersion'],
  ['resultType', 'resultType'],
  ['resultSignature', 'resultSignature'],
  ['resultDescription', 'resultDescription'],
  ['durationMs', 'durationMs'],
  ['callerIpAddress', 'callerIpAddress'],
  ['correlationId', 'correlationId'],
  ['identity', 'identity'],
  ['Level', 'level'],
  ['location', 'location'],
];

/** What an export knows beyond the record: when idtrail received it, and the tenant's geography. */
export interface ExportContext {
  /** Receive time (ISO): a sign-in envelope's `time` is when Entra processed it, not the sign-in's. */
  receivedAt?: string;
  /** AuditLogs' `properties.tenantGeo` (Azure writes the tenant's region, e.g. "NA"). */
  tenantGeo?: string;
}

/**
 * Writes a Graph-shaped record as the envelope Entra's diagnostic settings emit for its category,
 * with the per-category quirks the reference observed (entra-formats.md §3.5). The quirks are the
 * export's only: the Log Analytics columns come from the same field getters (envelope-fields.ts)
 * without them, keeping LA's types (a datetime TimeGenerated, an int Level).
 */
export function toEnvelope(type: LogType, tenantId: string, record: Json, ctx: ExportContext = {}): Json {
  const env = baseEnvelope(type, tenantId, record);
  applyExportQuirks(type, env, record, ctx);
  return env;
}

/** US-locale, zone-less time as some categories export it: `8/22/2022 6:11:52 PM` (UTC). */
export function usLocaleTime(iso: unknown): unknown {
  if (typeof iso !== 'string') return iso;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const h = d.getUTCHours();
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()} ${h % 12 === 0 ? 12 : h % 12}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} ${h < 12 ? 'AM' : 'PM'}`;
}

/** Replaces an envelope key in place, keeping the key order Entra writes. */
function renameKey(env: Json, from: string, to: string, value: unknown): void {
  const entries = Object.entries(env).map(([k, v]) =>
    k === from ? ([to, value] as const) : ([k, v] as const),
  );
  for (const k of Object.keys(env)) delete env[k];
  for (const [k, v] of entries) env[k] = v;
}

function applyExportQuirks(type: LogType, env: Json, record: Json, ctx: ExportContext): void {
  switch (type.category) {
    case 'ADFSSignInLogs':
      // `level` in lower case holding the string "4", and a US-locale time.
      renameKey(env, 'Level', 'level', '4');
      env.time = usLocaleTime(env.time);
      return;
    case 'RiskyUsers':
    case 'UserRiskEvents':
      env.resourceId = String(env.resourceId).replace(
        '/providers/Microsoft.aadiam',
        '/providers/microsoft.aadiam',
      );
      env.time = usLocaleTime(env.time);
      return;
    case 'MicrosoftGraphActivityLogs': {
      env.resourceId = String(env.resourceId).toUpperCase();
      renameKey(env, 'Level', 'level', 'Informational');
      const status = record.responseStatusCode;
      if (status !== undefined && status !== null) env.resultSignature = String(status);
      return;
    }
    case 'AuditLogs':
      if (ctx.tenantGeo) (env.properties as Json).tenantGeo = ctx.tenantGeo;
      return;
  }
  if (type.family === 'signIn' && ctx.receivedAt) {
    // Entra stamps a sign-in's envelope when it processes it, minutes after the sign-in.
    const created = Date.parse(String(env.time));
    const received = Date.parse(ctx.receivedAt);
    if (!Number.isNaN(received) && (Number.isNaN(created) || received > created))
      env.time = new Date(received).toISOString();
  }
}

/** The envelope with each field as envelope-fields.ts derives it (the Log Analytics columns' source). */
export function baseEnvelope(type: LogType, tenantId: string, record: Json): Json {
  const ctx = { tenantId };
  const env: Json = {
    time: record[type.timeField],
    resourceId: envelopeField(type, 'resourceId')(record, ctx),
    category: type.category,
    tenantId,
  };
  for (const [key, field] of ENVELOPE_KEYS) {
    const v = envelopeField(type, field)(record, ctx);
    if (v !== undefined && v !== null) env[key] = v;
  }
  // Exports carry only the populated initiator branch (§3.5).
  env.properties =
    type.family === 'audit' ? { ...record, initiatedBy: auditInitiatorBranch(record) } : record;
  if (type.category === 'AuditLogs') {
    // AuditLogs exports copy envelope fields into properties, resultType and resultDescription as
    // "" (§3.5); `fromEnvelope` drops them again. tenantGeo comes with the export context.
    Object.assign(env.properties as Json, {
      tenantId,
      resultType: '',
      resultDescription: '',
      operationName: env.operationName,
      identity: env.identity ?? '',
    });
  }
  return env;
}
