/**
 * Global Secure Access exports: NetworkAccessTrafficLogs, RemoteNetworkHealthLogs and
 * EnrichedOffice365AuditLogs. No Graph v1.0 resource serves these, so each shape is the
 * `properties` of a diagnostic record derived from its Log Analytics table (entra-formats.md
 * Appendix A, am-ref 2024): property names are the camelCase of the column names, LA types map
 * string → Str, datetime → DateTime, int/long → Int, real → Num, bool → Bool, dynamic → unknown.
 * LA system columns are left out (TenantId = the workspace, SourceSystem, Type, _BilledSize,
 * _IsBillable; TimeGenerated too where the table has its own event time).
 * No real export of these categories was available: the key casing is [INFERRED] from the
 * MicrosoftGraphActivityLogs exports, which use exactly this camelCase rule.
 */
import { Type } from '@sinclair/typebox';
import { DateTime, Int, Opt, Str } from './common.ts';

/**
 * NetworkAccessTraffic. Id: `transactionId` ("unique identifier that representing a roundtrip of
 * request response"). Record time: `timeGenerated`, "the date and time (UTC) that the event was
 * generated": the 2024 table has no other event time (the 2023 table's `TimeStamp`, "the connection
 * was created", is gone).
 */
export const NetworkAccessTraffic = Type.Object({
  transactionId: Type.String({ minLength: 1 }),
  timeGenerated: DateTime,
  /** QuickAccess, PrivateAccess. */
  accessType: Opt(Str),
  /** Allowed, Denied. */
  action: Opt(Str),
  agentVersion: Opt(Str),
  appId: Opt(Str),
  connectionId: Opt(Str),
  /** Open, Active, Closed. */
  connectionStatus: Opt(Str),
  connectorId: Opt(Str),
  connectorIp: Opt(Str),
  connectorName: Opt(Str),
  description: Opt(Str),
  destinationFqdn: Opt(Str),
  destinationIp: Opt(Str),
  destinationPort: Opt(Int),
  destinationUrl: Opt(Str),
  destinationWebCategories: Opt(Str),
  /** Client, Branch. */
  deviceCategory: Opt(Str),
  deviceId: Opt(Str),
  deviceOperatingSystem: Opt(Str),
  deviceOperatingSystemVersion: Opt(Str),
  filteringProfileId: Opt(Str),
  filteringProfileName: Opt(Str),
  initiatingProcessName: Opt(Str),
  /** IPv4, IPv6. */
  networkProtocol: Opt(Str),
  originHeader: Opt(Str),
  policyId: Opt(Str),
  policyName: Opt(Str),
  policyRuleId: Opt(Str),
  processingRegion: Opt(Str),
  receivedBytes: Opt(Int),
  referrerHeader: Opt(Str),
  resourceTenantId: Opt(Str),
  ruleName: Opt(Str),
  sentBytes: Opt(Int),
  sessionId: Opt(Str),
  sourceIp: Opt(Str),
  sourcePort: Opt(Int),
  threatType: Opt(Str),
  trafficType: Opt(Str),
  transportProtocol: Opt(Str),
  userId: Opt(Str),
  userPrincipalName: Opt(Str),
  xForwardedFor: Opt(Str),
});

/**
 * RemoteNetworkHealthLogs. Id: `id` ("a unique identifier for each remoteNetworkHealthEvent").
 * Record time: `createdDateTime` ("the date and time (UTC) that the event was generated"); the
 * table's TimeGenerated is the LA ingestion column and is left out.
 */
export const RemoteNetworkHealth = Type.Object({
  id: Type.String({ minLength: 1 }),
  createdDateTime: DateTime,
  bgpRoutesAdvertisedCount: Opt(Int),
  description: Opt(Str),
  destinationIp: Opt(Str),
  receivedBytes: Opt(Int),
  remoteNetworkId: Opt(Str),
  sentBytes: Opt(Int),
  sourceIp: Opt(Str),
  // Documented values: tunnelDisconnected, tunnelConnected, bgpDisconnected, bgpConnected,
  // remoteNetworkAlive, unknownFutureValue. A string column in LA, so kept open here.
  status: Opt(Str),
});

/**
 * EnrichedMicrosoft365AuditLogs. Id: `id` ("unique identifier of an audit record"). Record time:
 * `timeGenerated`, "the date and time in UTC when the user performed the activity": the table has
 * no other time column (the Office 365 Management Activity API calls this CreationTime).
 */
export const EnrichedM365Audit = Type.Object({
  id: Type.String({ minLength: 1 }),
  timeGenerated: DateTime,
  /** Admin, System, Application, Service Principal, Other. */
  actorUserType: Opt(Str),
  /** LA `dynamic`: the workload-specific activity fields. */
  additionalProperties: Opt(Type.Unknown()),
  clientIp: Opt(Str),
  deviceId: Opt(Str),
  deviceOperatingSystem: Opt(Str),
  deviceOperatingSystemVersion: Opt(Str),
  objectId: Opt(Str),
  operation: Opt(Str),
  /** The Office 365 tenant GUID. */
  organizationId: Opt(Str),
  /** AuditLogRecordType number. */
  recordType: Opt(Int),
  /** Succeeded, PartiallySucceeded, Failed. */
  resultStatus: Opt(Str),
  sourceIp: Opt(Str),
  uniqueTokenId: Opt(Str),
  /** The acting user's UPN (not an object id), per the table's description. */
  userId: Opt(Str),
  userKey: Opt(Str),
  userType: Opt(Str),
  workload: Opt(Str),
});
