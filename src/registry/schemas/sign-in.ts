/**
 * signIn: the v1.0 resource plus the beta fields (entra-formats.md §1.2, §1.4), so that the four
 * Entra sign-in kinds (interactive, non-interactive, service principal, managed identity) and
 * AD FS sign-ins share one shape, told apart by `signInEventTypes` and the category they arrive in.
 */
import { Type } from '@sinclair/typebox';
import {
  appliedConditionalAccessPolicyResult,
  Bool,
  conditionalAccessStatus,
  DateTime,
  Enum,
  Int,
  KeyValue,
  Opt,
  riskDetail,
  riskLevel,
  riskState,
  SignInLocation,
  Str,
  StrList,
  signInEventType,
  tokenIssuerType,
} from './common.ts';

export const SignInStatus = Type.Object({
  errorCode: Opt(Int),
  failureReason: Opt(Str),
  additionalDetails: Opt(Str),
});
export const DeviceDetail = Type.Object({
  deviceId: Opt(Str),
  displayName: Opt(Str),
  operatingSystem: Opt(Str),
  browser: Opt(Str),
  browserId: Opt(Str),
  isCompliant: Opt(Bool),
  isManaged: Opt(Bool),
  trustType: Opt(Str),
});
export const AppliedConditionalAccessPolicy = Type.Object({
  id: Opt(Str),
  displayName: Opt(Str),
  enforcedGrantControls: Opt(StrList),
  enforcedSessionControls: Opt(StrList),
  result: Opt(Enum(appliedConditionalAccessPolicyResult)),
  // Beta adds these; diagnostic exports carry the two condition sets as integer flags (§1.4).
  conditionsSatisfied: Opt(Type.Union([Int, Str])),
  conditionsNotSatisfied: Opt(Type.Union([Int, Str])),
});
export const AuthenticationDetail = Type.Object({
  authenticationMethod: Opt(Str),
  authenticationMethodDetail: Opt(Str),
  authenticationStepDateTime: Opt(DateTime),
  authenticationStepRequirement: Opt(Str),
  authenticationStepResultDetail: Opt(Str),
  succeeded: Opt(Bool),
});
export const AuthenticationAppDeviceDetails = Type.Object({
  appVersion: Opt(Str),
  clientApp: Opt(Str),
  deviceId: Opt(Str),
  operatingSystem: Opt(Str),
});
export const ManagedIdentity = Type.Object({
  associatedResourceId: Opt(Str),
  federatedTokenId: Opt(Str),
  federatedTokenIssuer: Opt(Str),
  msiType: Opt(Enum(['none', 'userAssigned', 'systemAssigned', 'unknownFutureValue'] as const)),
});
export const NetworkLocationDetail = Type.Object({
  networkNames: Opt(StrList),
  networkType: Opt(
    Enum([
      'intranet',
      'extranet',
      'namedNetwork',
      'trusted',
      'trustedNamedLocation',
      'unknownFutureValue',
    ] as const),
  ),
});
export const AuthenticationRequirementPolicy = Type.Object({
  detail: Opt(Str),
  requirementProvider: Opt(Str),
});
export const SessionLifetimePolicy = Type.Object({ detail: Opt(Str), expirationRequirement: Opt(Str) });

export const SignIn = Type.Object({
  id: Type.String({ minLength: 1 }),
  createdDateTime: DateTime,
  // v1.0
  appDisplayName: Opt(Str),
  appId: Opt(Str),
  appliedConditionalAccessPolicies: Opt(Type.Array(AppliedConditionalAccessPolicy)),
  authenticationAppDeviceDetails: Opt(AuthenticationAppDeviceDetails),
  clientAppUsed: Opt(Str),
  conditionalAccessStatus: Opt(Enum(conditionalAccessStatus)),
  correlationId: Opt(Str),
  deviceDetail: Opt(DeviceDetail),
  homeTenantId: Opt(Str),
  ipAddress: Opt(Str),
  isInteractive: Opt(Bool),
  location: Opt(SignInLocation),
  resourceDisplayName: Opt(Str),
  resourceId: Opt(Str),
  resourceTenantId: Opt(Str),
  riskDetail: Opt(Enum(riskDetail)),
  riskEventTypes: Opt(StrList),
  riskEventTypes_v2: Opt(StrList),
  riskLevelAggregated: Opt(Enum(riskLevel)),
  riskLevelDuringSignIn: Opt(Enum(riskLevel)),
  riskState: Opt(Enum(riskState)),
  servicePrincipalId: Opt(Str),
  servicePrincipalName: Opt(Str),
  status: Opt(SignInStatus),
  userAgent: Opt(Str),
  userDisplayName: Opt(Str),
  // Non-nullable in CSDL, but null for service principal and managed identity sign-ins in practice (§3.5).
  userId: Opt(Str),
  userPrincipalName: Opt(Str),
  // beta
  appOwnerTenantId: Opt(Str),
  appTokenProtectionStatus: Opt(Str),
  authenticationContextClassReferences: Opt(Type.Array(Type.Object({ id: Opt(Str), detail: Opt(Str) }))),
  authenticationDetails: Opt(Type.Array(AuthenticationDetail)),
  authenticationMethodsUsed: Opt(StrList),
  authenticationProcessingDetails: Opt(Type.Array(KeyValue)),
  authenticationProtocol: Opt(Str),
  authenticationRequirement: Opt(Str),
  authenticationRequirementPolicies: Opt(Type.Array(AuthenticationRequirementPolicy)),
  autonomousSystemNumber: Opt(Int),
  azureResourceId: Opt(Str),
  clientCredentialType: Opt(Str),
  conditionalAccessAudiences: Opt(StrList),
  crossTenantAccessType: Opt(Str),
  federatedCredentialId: Opt(Str),
  flaggedForReview: Opt(Bool),
  globalSecureAccessIpAddress: Opt(Str),
  homeTenantName: Opt(Str),
  incomingTokenType: Opt(Str),
  ipAddressFromResourceProvider: Opt(Str),
  isTenantRestricted: Opt(Bool),
  isThroughGlobalSecureAccess: Opt(Bool),
  managedServiceIdentity: Opt(ManagedIdentity),
  networkLocationDetails: Opt(Type.Array(NetworkLocationDetail)),
  originalRequestId: Opt(Str),
  originalTransferMethod: Opt(Str),
  processingTimeInMilliseconds: Opt(Int),
  resourceOwnerTenantId: Opt(Str),
  resourceServicePrincipalId: Opt(Str),
  servicePrincipalCredentialKeyId: Opt(Str),
  servicePrincipalCredentialThumbprint: Opt(Str),
  sessionId: Opt(Str),
  sessionLifetimePolicies: Opt(Type.Array(SessionLifetimePolicy)),
  signInEventTypes: Opt(Type.Array(Enum(signInEventType))),
  signInIdentifier: Opt(Str),
  signInIdentifierType: Opt(Str),
  tokenIssuerName: Opt(Str),
  tokenIssuerType: Opt(Enum(tokenIssuerType)),
  uniqueTokenIdentifier: Opt(Str),
  userType: Opt(Enum(['member', 'guest', 'unknownFutureValue'] as const)),
});
