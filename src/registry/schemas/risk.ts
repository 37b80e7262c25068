/**
 * ID Protection records (entra-formats.md §1.4, Appendix A AADRiskyUsers, AADUserRiskEvents,
 * AADRiskyServicePrincipals, AADServicePrincipalRiskEvents): riskyUser, riskDetection,
 * riskyServicePrincipal and servicePrincipalRiskDetection in the Graph v1.0 shape
 * (property lists from npm-v1 `microsoft-graph.d.ts`).
 *
 * Record times:
 * - riskyUser, riskyServicePrincipal: `riskLastUpdatedDateTime`, their only timestamp (a risky
 *   principal is a state that is re-emitted whenever it changes).
 * - riskDetection, servicePrincipalRiskDetection: `activityDateTime`, when the risky activity
 *   happened ("Date and time that the risky activity occurred"). `detectedDateTime` (when ID
 *   Protection flagged it; later for offline detections) and `lastUpdatedDateTime` stay optional.
 */
import { Type } from '@sinclair/typebox';
import {
  Bool,
  DateTime,
  Enum,
  Opt,
  riskDetail,
  riskLevel,
  riskState,
  SignInLocation,
  Str,
  StrList,
  tokenIssuerType,
} from './common.ts';

// Enum members in CSDL ordinal order. Appendix A names the first three activityType members and all
// riskDetectionTimingType members; `servicePrincipal` (ordinal 3, evolvable) comes from npm-v1.
export const activityType = ['signin', 'user', 'unknownFutureValue', 'servicePrincipal'] as const;
export const riskDetectionTimingType = [
  'notDefined',
  'realtime',
  'nearRealtime',
  'offline',
  'unknownFutureValue',
] as const;

/** riskUserActivity: what changed the user's risk. */
export const RiskUserActivity = Type.Object({ detail: Opt(Enum(riskDetail)), riskEventTypes: Opt(StrList) });
/** riskServicePrincipalActivity: what changed the service principal's risk. */
export const RiskServicePrincipalActivity = Type.Object({
  detail: Opt(Enum(riskDetail)),
  riskEventTypes: Opt(StrList),
});

const riskyUserProperties = {
  isDeleted: Opt(Bool),
  isProcessing: Opt(Bool),
  riskDetail: Opt(Enum(riskDetail)),
  riskLevel: Opt(Enum(riskLevel)),
  riskState: Opt(Enum(riskState)),
  userDisplayName: Opt(Str),
  userPrincipalName: Opt(Str),
};

/** riskyUserHistoryItem (base riskyUser): one entry of a risky user's `history`. */
export const RiskyUserHistoryItem = Type.Object({
  id: Opt(Str),
  riskLastUpdatedDateTime: Opt(DateTime),
  ...riskyUserProperties,
  activity: Opt(RiskUserActivity),
  initiatedBy: Opt(Str),
  userId: Opt(Str),
});

/** riskyUser. Record time: riskLastUpdatedDateTime. */
export const RiskyUser = Type.Object({
  id: Type.String({ minLength: 1 }),
  riskLastUpdatedDateTime: DateTime,
  ...riskyUserProperties,
  // Navigation property: only present with $expand=history; not in the AADRiskyUsers export.
  history: Opt(Type.Array(RiskyUserHistoryItem)),
});

/** riskDetection. Record time: activityDateTime. */
export const RiskDetection = Type.Object({
  id: Type.String({ minLength: 1 }),
  activityDateTime: DateTime,
  activity: Opt(Enum(activityType)),
  // A JSON-encoded string in Graph (e.g. "[{\"Key\":\"userAgent\",\"Value\":\"...\"}]"); LA makes it dynamic.
  additionalInfo: Opt(Str),
  correlationId: Opt(Str),
  detectedDateTime: Opt(DateTime),
  detectionTimingType: Opt(Enum(riskDetectionTimingType)),
  ipAddress: Opt(Str),
  lastUpdatedDateTime: Opt(DateTime),
  location: Opt(SignInLocation),
  requestId: Opt(Str),
  riskDetail: Opt(Enum(riskDetail)),
  // A String in Graph v1.0, not the riskEventType enum: new detection types appear without a schema change.
  riskEventType: Opt(Str),
  riskLevel: Opt(Enum(riskLevel)),
  riskState: Opt(Enum(riskState)),
  source: Opt(Str),
  tokenIssuerType: Opt(Enum(tokenIssuerType)),
  userDisplayName: Opt(Str),
  userId: Opt(Str),
  userPrincipalName: Opt(Str),
  // beta
  mitreTechniqueId: Opt(Str),
  riskType: Opt(Str),
});

const riskyServicePrincipalProperties = {
  appId: Opt(Str),
  displayName: Opt(Str),
  isEnabled: Opt(Bool),
  isProcessing: Opt(Bool),
  riskDetail: Opt(Enum(riskDetail)),
  riskLevel: Opt(Enum(riskLevel)),
  riskState: Opt(Enum(riskState)),
  servicePrincipalType: Opt(Str),
  // The AADRiskyServicePrincipals table calls Graph's isEnabled `AccountEnabled`; exports may carry either.
  accountEnabled: Opt(Bool),
};

/** riskyServicePrincipalHistoryItem (base riskyServicePrincipal). */
export const RiskyServicePrincipalHistoryItem = Type.Object({
  id: Opt(Str),
  riskLastUpdatedDateTime: Opt(DateTime),
  ...riskyServicePrincipalProperties,
  activity: Opt(RiskServicePrincipalActivity),
  initiatedBy: Opt(Str),
});

/** riskyServicePrincipal. Record time: riskLastUpdatedDateTime. */
export const RiskyServicePrincipal = Type.Object({
  id: Type.String({ minLength: 1 }),
  riskLastUpdatedDateTime: DateTime,
  ...riskyServicePrincipalProperties,
  // Navigation property: only present with $expand=history.
  history: Opt(Type.Array(RiskyServicePrincipalHistoryItem)),
});

/** servicePrincipalRiskDetection. Record time: activityDateTime. */
export const ServicePrincipalRiskDetection = Type.Object({
  id: Type.String({ minLength: 1 }),
  activityDateTime: DateTime,
  activity: Opt(Enum(activityType)),
  additionalInfo: Opt(Str),
  appId: Opt(Str),
  correlationId: Opt(Str),
  detectedDateTime: Opt(DateTime),
  detectionTimingType: Opt(Enum(riskDetectionTimingType)),
  ipAddress: Opt(Str),
  keyIds: Opt(StrList),
  lastUpdatedDateTime: Opt(DateTime),
  location: Opt(SignInLocation),
  requestId: Opt(Str),
  riskDetail: Opt(Enum(riskDetail)),
  riskEventType: Opt(Str),
  riskLevel: Opt(Enum(riskLevel)),
  riskState: Opt(Enum(riskState)),
  servicePrincipalDisplayName: Opt(Str),
  servicePrincipalId: Opt(Str),
  source: Opt(Str),
  tokenIssuerType: Opt(Enum(tokenIssuerType)),
});
