/**
 * ArcSight Common Event Format (CEF) for syslog destinations with `format: "cef"`:
 * `CEF:0|Microsoft|Entra ID|1.0|<Signature ID>|<Name>|<Severity>|<Extension>`.
 *
 * Signature ID is the category (the event class a SIEM rule keys on), Name the envelope's
 * operationName ("Sign-in activity", an audit's activityDisplayName…), Severity 0–10 from the
 * record's risk level or its outcome. The extension maps the fields SIEMs correlate on, from the
 * envelope and its Graph-shaped properties, per mapping family (registry `family`).
 *
 * Hand-written: CEF is a line of escaping rules (CEF Implementation Standard, "Character
 * Encoding"); the npm CEF packages are unmaintained or only parse.
 */
import net from 'node:net';
import { findLogType } from '../registry/log-types.ts';
import type { LogType } from '../registry/types.ts';

type Json = Record<string, unknown>;

export const CEF_VENDOR = 'Microsoft';
export const CEF_PRODUCT = 'Entra ID';
export const CEF_VERSION = '1.0';

/** Header fields: backslash and pipe are escaped; a line break would end the event, so it becomes a space. */
export function escapeHeader(v: string): string {
  return v.replace(/[\\|]/g, (c) => `\\${c}`).replace(/\r\n|[\r\n]/g, ' ');
}

/** Extension values: backslash and equals are escaped, line breaks written as `\n` / `\r`. */
export function escapeExtension(v: string): string {
  return v.replace(/[\\=\r\n]/g, (c) => (c === '\r' ? '\\r' : c === '\n' ? '\\n' : `\\${c}`));
}

const get = (o: unknown, ...path: string[]): unknown => {
  let v = o;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Json)[p];
  }
  return v;
};
const str = (v: unknown): string | undefined =>
  typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined;
const ip = (v: unknown): string | undefined => (typeof v === 'string' && net.isIP(v) ? v : undefined);

type Outcome = 'success' | 'failure' | undefined;

function outcome(type: LogType, env: Json, p: Json): Outcome {
  switch (type.family) {
    case 'signIn':
      return env.resultType === undefined ? undefined : env.resultType === '0' ? 'success' : 'failure';
    case 'audit':
      return p.result === 'success'
        ? 'success'
        : p.result === 'failure' || p.result === 'timeout'
          ? 'failure'
          : undefined;
    case 'provisioning': {
      const s = str(get(p, 'provisioningStatusInfo', 'status'))?.toLowerCase();
      return s === 'success' ? 'success' : s === 'failure' ? 'failure' : undefined;
    }
    case 'graphActivity': {
      const code = Number(p.responseStatusCode);
      return Number.isFinite(code) && code > 0 ? (code < 400 ? 'success' : 'failure') : undefined;
    }
    default:
      return undefined;
  }
}

const RISK_SEVERITY: Record<string, number> = { high: 8, medium: 5, low: 3, none: 1 };

function severity(p: Json, result: Outcome): number {
  const risk = str(p.riskLevel) ?? str(p.riskLevelDuringSignIn);
  if (risk && risk in RISK_SEVERITY && risk !== 'none') return RISK_SEVERITY[risk]!;
  return result === 'failure' ? 5 : 3;
}

/** The extension's key/value pairs for one envelope, in a stable order; absent values are left out. */
export function cefExtension(type: LogType, tenant: string, env: Json): Array<[string, string]> {
  const p = (env.properties ?? {}) as Json;
  const user = get(p, 'initiatedBy', 'user');
  const time = Date.parse(String(p[type.timeField] ?? env.time));
  const result = outcome(type, env, p);
  const target =
    type.family === 'audit'
      ? (str(get(p, 'targetResources', '0', 'userPrincipalName')) ??
        str(get(p, 'targetResources', '0', 'displayName')))
      : type.family === 'provisioning'
        ? str(get(p, 'targetIdentity', 'displayName'))
        : undefined;
  const pairs: Array<[string, string | undefined]> = [
    ['rt', Number.isNaN(time) ? undefined : String(time)],
    ['cat', type.category],
    ['act', str(env.operationName)],
    ['outcome', result],
    ['src', ip(p.ipAddress) ?? ip(get(user, 'ipAddress')) ?? ip(env.callerIpAddress)],
    [
      'suser',
      str(p.userPrincipalName) ??
        str(get(user, 'userPrincipalName')) ??
        (type.family === 'provisioning' ? str(get(p, 'initiatedBy', 'displayName')) : undefined),
    ],
    ['suid', str(p.userId) ?? str(get(user, 'id'))],
    ['duser', target],
    [
      'app',
      str(p.appDisplayName) ??
        str(get(p, 'initiatedBy', 'app', 'displayName')) ??
        str(p.servicePrincipalDisplayName) ??
        str(p.appId),
    ],
    ['requestMethod', str(p.requestMethod)],
    ['request', str(p.requestUri)],
    ['requestClientApplication', str(p.userAgent)],
    ['msg', str(env.resultDescription) ?? str(p.resultReason) ?? str(get(p, 'status', 'failureReason'))],
    ['externalId', str(p[type.idField])],
    ['cs1Label', 'tenantId'],
    ['cs1', tenant],
    ['cs2Label', 'correlationId'],
    ['cs2', str(env.correlationId)],
    ['cs3Label', 'location'],
    ['cs3', str(env.location)],
    ['cs4Label', 'riskLevel'],
    ['cs4', str(p.riskLevel) ?? str(p.riskLevelDuringSignIn)],
  ];
  const out: Array<[string, string]> = [];
  for (let i = 0; i < pairs.length; i++) {
    const [k, v] = pairs[i]!;
    if (k.endsWith('Label')) {
      // A label only with its value.
      const value = pairs[i + 1]![1];
      if (value !== undefined) out.push([k, v!]);
      continue;
    }
    if (v !== undefined) out.push([k, v]);
  }
  return out;
}

/** One CEF event (no line break) for an envelope of a category. */
export function cefEvent(category: string, tenant: string, env: Json): string {
  const type = findLogType(category);
  if (!type) throw new Error(`unknown category '${category}'`);
  const p = (env.properties ?? {}) as Json;
  const sev = severity(p, outcome(type, env, p));
  const name = str(env.operationName) ?? category;
  const header = [CEF_VENDOR, CEF_PRODUCT, CEF_VERSION, category, name, String(sev)].map(escapeHeader);
  const ext = cefExtension(type, tenant, env)
    .map(([k, v]) => `${k}=${escapeExtension(v)}`)
    .join(' ');
  return `CEF:0|${header.join('|')}|${ext}`;
}
