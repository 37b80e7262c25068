/**
 * The Azure Monitor envelope's fields, derived from a Graph-shaped record, per mapping family
 * (entra-formats.md §3.5). One definition serves both the envelope (records/envelope.ts) and the
 * Log Analytics columns that mirror it (records/la-row.ts).
 */
import type { LaEnvelopeField } from '../registry/la-tables.ts';
import type { LogType } from '../registry/types.ts';

type Json = Record<string, unknown>;
export type EnvelopeField = LaEnvelopeField;
export type EnvelopeGetter = (r: Json, ctx: { tenantId: string }) => unknown;
type Getter = EnvelopeGetter;

function pathGetter(path: readonly string[]): (r: Json) => unknown {
  return (r) => {
    let v: unknown = r;
    for (const p of path) {
      if (v === null || typeof v !== 'object') return undefined;
      v = (v as Json)[p];
    }
    return v;
  };
}

/** The populated initiator branch only ({user} or {app}), as exports write `initiatedBy`. */
export function auditInitiatorBranch(r: Json): Json {
  const user = initiator(r, 'user');
  if (user) return { user };
  const app = initiator(r, 'app');
  return app ? { app } : {};
}

const RESOURCE_ID_CACHE = { tenant: '', id: '' };
function resourceId(tenantId: string): string {
  if (RESOURCE_ID_CACHE.tenant !== tenantId) {
    RESOURCE_ID_CACHE.tenant = tenantId;
    RESOURCE_ID_CACHE.id = `/tenants/${tenantId}/providers/Microsoft.aadiam`;
  }
  return RESOURCE_ID_CACHE.id;
}

const initiator = (r: Json, branch: 'user' | 'app'): Json | null | undefined => {
  const i = r.initiatedBy;
  return i !== null && typeof i === 'object' ? ((i as Json)[branch] as Json | null | undefined) : undefined;
};

const cache = new Map<string, Getter>();

/** A getter for one envelope field of a log type's records (undefined where Entra omits it). */
export function envelopeField(type: LogType, field: EnvelopeField): Getter {
  const key = `${type.category}\u0000${field}`;
  let g = cache.get(key);
  if (!g) {
    g = build(type, field);
    cache.set(key, g);
  }
  return g;
}

function build(type: LogType, field: EnvelopeField): Getter {
  const none: Getter = () => undefined;
  switch (field) {
    case 'operationVersion': {
      const v = type.operationVersion;
      return () => v;
    }
    case 'resourceId':
      return (_r, ctx) => resourceId(ctx.tenantId);
    case 'level':
      return () => 4;
  }
  const staticOperationName: Getter = () => type.operationName;
  switch (type.family) {
    case 'audit':
      switch (field) {
        case 'operationName':
          return (r) => r.activityDisplayName;
        case 'resultSignature':
          return () => 'None';
        case 'durationMs':
          return () => 0;
        case 'callerIpAddress':
          return (r) => initiator(r, 'user')?.ipAddress ?? '<null>';
        case 'correlationId':
          return (r) => r.correlationId;
        case 'identity':
          return (r) => initiator(r, 'user')?.displayName ?? initiator(r, 'app')?.displayName ?? '';
        default:
          return none;
      }
    case 'signIn': {
      const isManagedIdentity = type.category === 'ManagedIdentitySignInLogs';
      const code = pathGetter(['status', 'errorCode']);
      switch (field) {
        case 'operationName':
          return staticOperationName;
        case 'resultType':
          return (r) => String(code(r) ?? 0);
        case 'resultSignature':
          return (r) => {
            const c = code(r);
            return c === 0 || c === undefined || c === null ? 'SUCCESS' : 'FAILURE';
          };
        case 'resultDescription': {
          const reason = pathGetter(['status', 'failureReason']);
          return (r) => reason(r) ?? undefined;
        }
        case 'durationMs':
          return () => 0;
        case 'callerIpAddress':
          return isManagedIdentity ? none : (r) => r.ipAddress ?? undefined;
        case 'correlationId':
          return (r) => r.correlationId;
        case 'identity':
          return (r) => {
            const kinds = r.signInEventTypes;
            const service =
              Array.isArray(kinds) && kinds.some((t) => t === 'servicePrincipal' || t === 'managedIdentity');
            return service ? undefined : r.userDisplayName;
          };
        case 'location': {
          const country = pathGetter(['location', 'countryOrRegion']);
          return isManagedIdentity ? none : (r) => country(r) ?? undefined;
        }
      }
      return none;
    }
    case 'provisioning':
      switch (field) {
        case 'operationName':
          return staticOperationName;
        case 'resultType': {
          const status = pathGetter(['provisioningStatusInfo', 'status']);
          return (r) => {
            const v = status(r);
            return typeof v === 'string' && v ? v[0]!.toUpperCase() + v.slice(1) : undefined;
          };
        }
        case 'durationMs':
          return (r) => r.durationInMilliseconds ?? 0;
        case 'correlationId':
          return (r) => r.changeId;
        case 'identity':
          return (r) => r.id;
        default:
          return none;
      }
    default:
      switch (field) {
        case 'operationName':
          return staticOperationName;
        case 'resultSignature':
          return () => 'None';
        case 'correlationId':
          return (r) => r.correlationId ?? r.requestId;
        default:
          return none;
      }
  }
}
