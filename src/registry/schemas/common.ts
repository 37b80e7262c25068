/**
 * Building blocks for the Graph-shaped record schemas (entra-formats.md §1.2).
 * Graph marks nearly every property nullable; records from diagnostic exports also omit keys
 * that Graph would return as null, so optional-and-nullable is the common case.
 * Objects stay open (additional properties allowed): Entra's identity types are OpenType and
 * real exports carry undocumented keys; we keep them rather than lose data.
 */
import { type TSchema, Type } from '@sinclair/typebox';

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
/** An optional, nullable property: the shape of almost every Graph property. */
export const Opt = <T extends TSchema>(schema: T) => Type.Optional(Nullable(schema));

/** DateTimeOffset, always normalised to UTC ISO 8601 ("...Z") before validation. */
export const DateTime = Type.String({ format: 'date-time' });
export const Str = Type.String();
export const Int = Type.Integer();
export const Num = Type.Number();
export const Bool = Type.Boolean();
export const StrList = Type.Array(Type.String());

/** A Graph enum: its members in CSDL order, as a union of literals. */
export const Enum = <const M extends readonly string[]>(members: M) =>
  Type.Union(
    members.map((m) => Type.Literal(m)),
    { 'x-enum': members },
  );

// Enum members in CSDL ordinal order (entra-formats.md §1.2). The ordinals matter: diagnostic
// exports sometimes carry the number instead of the name (§3.5), and normalisation maps it back.
export const operationResult = ['success', 'failure', 'timeout', 'unknownFutureValue'] as const;
export const riskDetail = [
  'none',
  'adminGeneratedTemporaryPassword',
  'userPerformedSecuredPasswordChange',
  'userPerformedSecuredPasswordReset',
  'adminConfirmedSigninSafe',
  'aiConfirmedSigninSafe',
  'userPassedMFADrivenByRiskBasedPolicy',
  'adminDismissedAllRiskForUser',
  'adminConfirmedSigninCompromised',
  'hidden',
  'adminConfirmedUserCompromised',
  'unknownFutureValue',
  'm365DAdminDismissedDetection',
  'adminConfirmedServicePrincipalCompromised',
  'adminDismissedAllRiskForServicePrincipal',
  'userChangedPasswordOnPremises',
  'adminDismissedRiskForSignIn',
  'adminConfirmedAccountSafe',
  'microsoftRevokedSessions',
] as const;
export const riskLevel = ['low', 'medium', 'high', 'hidden', 'none', 'unknownFutureValue'] as const;
export const riskState = [
  'none',
  'confirmedSafe',
  'remediated',
  'dismissed',
  'atRisk',
  'confirmedCompromised',
  'unknownFutureValue',
] as const;
export const conditionalAccessStatus = ['success', 'failure', 'notApplied', 'unknownFutureValue'] as const;
export const appliedConditionalAccessPolicyResult = [
  'success',
  'failure',
  'notApplied',
  'notEnabled',
  'unknown',
  'unknownFutureValue',
  'reportOnlySuccess',
  'reportOnlyFailure',
  'reportOnlyNotApplied',
  'reportOnlyInterrupted',
] as const;
export const groupType = ['unifiedGroups', 'azureAD', 'unknownFutureValue'] as const;
export const provisioningAction = [
  'other',
  'create',
  'delete',
  'disable',
  'update',
  'stagedDelete',
  'unknownFutureValue',
] as const;
export const provisioningResult = ['success', 'failure', 'skipped', 'warning', 'unknownFutureValue'] as const;
export const provisioningStepType = [
  'import',
  'scoping',
  'matching',
  'processing',
  'referenceResolution',
  'export',
  'unknownFutureValue',
] as const;
export const initiatorType = ['user', 'application', 'system', 'unknownFutureValue'] as const;
export const provisioningStatusErrorCategory = [
  'failure',
  'nonServiceFailure',
  'success',
  'unknownFutureValue',
] as const;
export const signInEventType = [
  'interactiveUser',
  'nonInteractiveUser',
  'servicePrincipal',
  'managedIdentity',
  'unknownFutureValue',
] as const;
export const tokenIssuerType = [
  'AzureAD',
  'ADFederationServices',
  'UnknownFutureValue',
  'AzureADBackupAuth',
  'ADFederationServicesMFAAdapter',
  'NPSExtension',
] as const;

export const KeyValue = Type.Object({ key: Opt(Str), value: Opt(Str) });
export const ModifiedProperty = Type.Object({
  displayName: Opt(Str),
  oldValue: Opt(Str),
  newValue: Opt(Str),
});
export const GeoCoordinates = Type.Object({ altitude: Opt(Num), latitude: Opt(Num), longitude: Opt(Num) });
export const SignInLocation = Type.Object({
  city: Opt(Str),
  state: Opt(Str),
  countryOrRegion: Opt(Str),
  geoCoordinates: Opt(GeoCoordinates),
});
/** identity (OpenType): displayName and id, plus whatever the source adds. */
export const Identity = Type.Object({ id: Opt(Str), displayName: Opt(Str) });
