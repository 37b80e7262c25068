/**
 * MicrosoftGraphActivityLogs: the `properties` of one diagnostic record. Graph serves no resource
 * for it, so the property set is the Log Analytics table's (entra-formats.md Appendix A) with the
 * LA system columns left out (TenantId = the workspace, TimeGenerated's LA copy, SourceSystem,
 * Type, _BilledSize, _IsBillable). Names are the camelCase the export uses (LA `IPAddress` →
 * `ipAddress`, `ATContent` → `atContent`); real exports (elastic/integrations graphactivitylogs
 * fixtures, 2024) confirm these names and carry the LA `AadTenantId` as `tenantId`.
 *
 * Id: `requestId`, "the identifier representing the request", one per HTTP request. (`operationId`
 * is shared by the requests of one $batch; `clientRequestId` is client-supplied.)
 * Record time: `timeGenerated`, "the date and time the request was received". The table has no
 * other request time (TokenIssuedAt is the token's), and exports carry it inside `properties`,
 * equal to the envelope `time`.
 */
import { Type } from '@sinclair/typebox';
import { DateTime, Int, Opt, Str } from './common.ts';

export const MicrosoftGraphActivity = Type.Object({
  requestId: Type.String({ minLength: 1 }),
  timeGenerated: DateTime,
  /** LA `AadTenantId`. */
  tenantId: Opt(Str),
  apiVersion: Opt(Str),
  appId: Opt(Str),
  // "Reserved for future use"; exports send "".
  atContent: Opt(Str),
  atContentH: Opt(Str),
  atContentP: Opt(Str),
  // int in LA (0 public client, 1 client secret, 2 certificate); exports send it as a string ("2").
  clientAuthMethod: Opt(Type.Union([Int, Str])),
  clientRequestId: Opt(Str),
  durationMs: Opt(Int),
  identityProvider: Opt(Str),
  ipAddress: Opt(Str),
  /** The Azure region that served the request, e.g. "West Europe". */
  location: Opt(Str),
  operationId: Opt(Str),
  requestMethod: Opt(Str),
  requestUri: Opt(Str),
  responseSizeBytes: Opt(Int),
  responseStatusCode: Opt(Int),
  /** Space-separated app roles from the token. */
  roles: Opt(Str),
  /** Space-separated delegated scopes from the token. */
  scopes: Opt(Str),
  servicePrincipalId: Opt(Str),
  signInActivityId: Opt(Str),
  tokenIssuedAt: Opt(DateTime),
  userAgent: Opt(Str),
  userId: Opt(Str),
  /** Space-separated directory role template ids. */
  wids: Opt(Str),
});
