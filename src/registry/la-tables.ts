/**
 * The Log Analytics row of each log type: the columns of its Entra table (entra-formats.md
 * Appendix A, am-ref 2024; names, order and Kusto types exactly as listed there) and, for each
 * column, where its value comes from in the stored Graph-shaped record. Data only: records/la-row.ts
 * compiles it into row builders.
 *
 * Left out everywhere: the hidden system columns `_BilledSize` (real) and `_IsBillable` (string),
 * which Log Analytics computes at ingestion (see LA_OMITTED_COLUMNS). Nothing else is left out.
 *
 * Conventions:
 * - `TimeGenerated` is `{ system: 'timeGenerated' }`: the caller supplies it. In Azure it is the
 *   ingestion time, 1–3 minutes after the record's own time (entra-formats.md §3.5). idtrail passes
 *   the record's time (`record[type.timeField]`), not its `ingested_at`: a back-filled import then
 *   keeps its real times, and the same record always gives the same row. The three tables whose
 *   record carries `timeGenerated` itself (MicrosoftGraphActivityLogs, NetworkAccessTraffic,
 *   EnrichedMicrosoft365AuditLogs: their schemas are the LA column set) take it from the record.
 * - `TenantId` is "the Log Analytics workspace ID" (`{ system: 'workspace' }`, the tenant unless the
 *   caller names a workspace); `AADTenantId`/`AadTenantId` is the Entra tenant.
 * - Envelope-like columns (ResultType, ResultSignature, ResultDescription, Identity, Location,
 *   CallerIpAddress, CorrelationId, DurationMs, Level, OperationName, OperationVersion, ResourceId)
 *   are `{ envelope: ... }`: derived per family exactly as records/envelope.ts `toEnvelope` derives
 *   the envelope field of the same name (null where the envelope leaves it out).
 * - Complex values in `string` columns are serialized JSON (`as: 'json'`); in `dynamic` columns they
 *   are kept as values. Scalars in `string` columns are stringified (an int ASN becomes "8075").
 * - `Resource`/`ResourceGroup` are "Microsoft.aadiam" and `SourceSystem` is "Azure AD", as in a real
 *   2025 AuditLogs row (where `ResourceProvider` was empty); the same is assumed for the sign-in
 *   tables **[INFERRED]**.
 */

/** Kusto column types. Appendix A uses all but `guid`. */
export type LaType = 'string' | 'datetime' | 'dynamic' | 'bool' | 'int' | 'long' | 'real' | 'guid';

/** A path into the Graph-shaped record, e.g. ['status', 'errorCode']. */
export type LaPath = readonly string[];

/** Envelope fields (records/envelope.ts) an LA column can take its value from. */
export type LaEnvelopeField =
  | 'operationName'
  | 'operationVersion'
  | 'resourceId'
  | 'resultType'
  | 'resultSignature'
  | 'resultDescription'
  | 'durationMs'
  | 'callerIpAddress'
  | 'correlationId'
  | 'identity'
  | 'level'
  | 'location';

/**
 * Values that come from outside the record: `tenant` (the Entra tenant id), `workspace` (the LA
 * workspace id; the tenant unless given), `timeGenerated` (supplied by the caller), `type` (the LA
 * table name), `sourceSystem` (LA_SOURCE_SYSTEM), `category` (the diagnostic category),
 * `operationName`/`operationVersion` (the log type's static values).
 */
export type LaSystemValue =
  | 'tenant'
  | 'workspace'
  | 'timeGenerated'
  | 'type'
  | 'sourceSystem'
  | 'category'
  | 'operationName'
  | 'operationVersion';

/**
 * Named derivations, for what a path cannot say:
 * - `signInIsRisky`: true when riskState is atRisk/confirmedCompromised or riskLevelDuringSignIn /
 *   riskLevelAggregated is low/medium/high; else null when a level is `hidden` (no ID Protection
 *   licence); else false when a level is `none` or riskState is none/confirmedSafe/remediated/
 *   dismissed; else (nothing known) null.
 * - `auditInitiatedBy`: initiatedBy with only the populated branch (`{user}` or `{app}`, else `{}`),
 *   as the export's properties and LA rows carry it (records/envelope.ts; a real 2025 row agrees).
 */
export type LaDerivation = 'signInIsRisky' | 'auditInitiatedBy';

/**
 * How a path's value is transformed:
 * - `json`: the value is complex (object/array); a `string` column holds it as serialized JSON, a
 *   `dynamic` column as is. A value that is already a string is kept.
 * - `parseJson`: the record holds serialized JSON (riskDetection.additionalInfo); a `dynamic`
 *   column parses it (keeping the string if it does not parse), a `string` column keeps the string.
 * - `capitalize`: 'success' → 'Success'.
 */
export type LaTransform = 'json' | 'parseJson' | 'capitalize';

export type LaSource =
  /** A value of the record; `or` is used when it is null or absent. */
  | { path: LaPath; as?: LaTransform; or?: LaSource }
  | { envelope: LaEnvelopeField }
  | { system: LaSystemValue }
  | { derive: LaDerivation }
  | { const: string | number | boolean }
  /** No data for this column: always null. */
  | { none: true };

export interface LaColumn {
  name: string;
  type: LaType;
  from: LaSource;
}

/** Appendix A columns every table lists that idtrail leaves out (LA computes them at ingestion). */
export const LA_OMITTED_COLUMNS: readonly string[] = ['_BilledSize', '_IsBillable'];
/** The `SourceSystem` value of Entra's tables. */
export const LA_SOURCE_SYSTEM = 'Azure AD';
/** `Resource` and `ResourceGroup` of Entra's tables (parsed by LA from `/tenants/<tid>/providers/Microsoft.aadiam`). */
export const LA_AADIAM = 'Microsoft.aadiam';

// --- source helpers --------------------------------------------------------------------------

const p = (...path: string[]): LaSource => ({ path });
const json = (...path: string[]): LaSource => ({ path, as: 'json' });
const env = (envelope: LaEnvelopeField): LaSource => ({ envelope });
const sys = (system: LaSystemValue): LaSource => ({ system });
const NONE: LaSource = { none: true };
const AADIAM: LaSource = { const: LA_AADIAM };

type Spec = readonly (readonly [name: string, type: LaType])[];

/** Builds a table's columns: names and types from Appendix A, sources from a per-family map. */
function table(sources: Readonly<Record<string, LaSource>>, spec: Spec): readonly LaColumn[] {
  return spec.map(([name, type]) => {
    const from = sources[name];
    if (!from) throw new Error(`la-tables: no source for column '${name}'`);
    return { name, type, from };
  });
}

// Columns every table has.
const STANDARD: Record<string, LaSource> = {
  SourceSystem: sys('sourceSystem'),
  TenantId: sys('workspace'),
  TimeGenerated: sys('timeGenerated'),
  Type: sys('type'),
};

// --- sign-ins: SigninLogs, AADNonInteractiveUserSignInLogs, AADServicePrincipalSignInLogs,
// AADManagedIdentitySignInLogs, ADFSSignInLogs (one signIn record shape, §1.2/§1.4) ------------

const SIGN_IN: Record<string, LaSource> = {
  ...STANDARD,
  AADTenantId: sys('tenant'),
  // §3.5: exports carry `alternateSignInName`; Graph's signInIdentifier has the same meaning.
  AlternateSignInName: { path: ['alternateSignInName'], or: p('signInIdentifier') },
  AppDisplayName: p('appDisplayName'),
  AppId: p('appId'),
  AppliedConditionalAccessPolicies: json('appliedConditionalAccessPolicies'),
  AppliedEventListeners: json('appliedEventListeners'),
  AuthenticationContextClassReferences: json('authenticationContextClassReferences'),
  AuthenticationDetails: json('authenticationDetails'),
  AuthenticationMethodsUsed: json('authenticationMethodsUsed'),
  AuthenticationProcessingDetails: json('authenticationProcessingDetails'),
  AuthenticationProtocol: p('authenticationProtocol'),
  AuthenticationRequirement: p('authenticationRequirement'),
  AuthenticationRequirementPolicies: json('authenticationRequirementPolicies'),
  AutonomousSystemNumber: p('autonomousSystemNumber'),
  Category: sys('category'),
  ClientAppUsed: p('clientAppUsed'),
  // dynamic in SigninLogs, string (JSON) in the other sign-in tables.
  ConditionalAccessPolicies: json('appliedConditionalAccessPolicies'),
  ConditionalAccessStatus: p('conditionalAccessStatus'),
  CorrelationId: env('correlationId'),
  CreatedDateTime: p('createdDateTime'),
  CrossTenantAccessType: p('crossTenantAccessType'),
  DeviceDetail: json('deviceDetail'),
  DurationMs: env('durationMs'),
  FederatedCredentialId: p('federatedCredentialId'),
  FlaggedForReview: p('flaggedForReview'),
  HomeTenantId: p('homeTenantId'),
  Id: p('id'),
  Identity: env('identity'),
  IPAddress: p('ipAddress'),
  IPAddressFromResourceProvider: p('ipAddressFromResourceProvider'),
  IsInteractive: p('isInteractive'),
  // docs-old lists an `isRisky` filter (§2.2); no Graph property today, so derived unless present.
  IsRisky: { path: ['isRisky'], or: { derive: 'signInIsRisky' } },
  Level: env('level'),
  Location: env('location'),
  LocationDetails: json('location'),
  MfaDetail: json('mfaDetail'),
  NetworkLocationDetails: json('networkLocationDetails'),
  OperationName: env('operationName'),
  OperationVersion: env('operationVersion'),
  OriginalRequestId: p('originalRequestId'),
  ProcessingTimeInMilliseconds: p('processingTimeInMilliseconds'),
  ProcessingTimeInMs: p('processingTimeInMilliseconds'),
  // ADFS: "primary or secondary authentication"; no record field carries it.
  Requirement: NONE,
  Resource: AADIAM,
  ResourceDisplayName: p('resourceDisplayName'),
  ResourceGroup: AADIAM,
  // The Azure resource id of the log source (as the envelope's); the signed-in resource's id is ResourceIdentity.
  ResourceId: env('resourceId'),
  ResourceIdentity: p('resourceId'),
  ResourceProvider: NONE,
  ResourceServicePrincipalId: p('resourceServicePrincipalId'),
  ResourceTenantId: p('resourceTenantId'),
  ResultDescription: env('resultDescription'),
  ResultSignature: env('resultSignature'),
  ResultType: env('resultType'),
  RiskDetail: p('riskDetail'),
  RiskEventTypes: json('riskEventTypes'),
  RiskEventTypes_V2: json('riskEventTypes_v2'),
  // Undocumented (empty description in Appendix A); signIn has no plain riskLevel.
  RiskLevel: NONE,
  RiskLevelAggregated: p('riskLevelAggregated'),
  RiskLevelDuringSignIn: p('riskLevelDuringSignIn'),
  RiskState: p('riskState'),
  ServicePrincipalCredentialKeyId: p('servicePrincipalCredentialKeyId'),
  ServicePrincipalCredentialThumbprint: p('servicePrincipalCredentialThumbprint'),
  ServicePrincipalId: p('servicePrincipalId'),
  ServicePrincipalName: p('servicePrincipalName'),
  SessionLifetimePolicies: json('sessionLifetimePolicies'),
  SignInEventTypes: json('signInEventTypes'),
  SignInIdentifier: p('signInIdentifier'),
  SignInIdentifierType: p('signInIdentifierType'),
  Status: json('status'),
  TokenIssuerName: p('tokenIssuerName'),
  TokenIssuerType: p('tokenIssuerType'),
  UniqueTokenIdentifier: p('uniqueTokenIdentifier'),
  UserAgent: p('userAgent'),
  UserDisplayName: p('userDisplayName'),
  UserId: p('userId'),
  UserPrincipalName: p('userPrincipalName'),
  UserType: p('userType'),
};

const SigninLogs = table(SIGN_IN, [
  ['AADTenantId', 'string'],
  ['AlternateSignInName', 'string'],
  ['AppDisplayName', 'string'],
  ['AppId', 'string'],
  ['AppliedConditionalAccessPolicies', 'string'],
  ['AppliedEventListeners', 'dynamic'],
  ['AuthenticationContextClassReferences', 'string'],
  ['AuthenticationDetails', 'string'],
  ['AuthenticationMethodsUsed', 'string'],
  ['AuthenticationProcessingDetails', 'string'],
  ['AuthenticationProtocol', 'string'],
  ['AuthenticationRequirement', 'string'],
  ['AuthenticationRequirementPolicies', 'string'],
  ['AutonomousSystemNumber', 'string'],
  ['Category', 'string'],
  ['ClientAppUsed', 'string'],
  ['ConditionalAccessPolicies', 'dynamic'],
  ['ConditionalAccessStatus', 'string'],
  ['CorrelationId', 'string'],
  ['CreatedDateTime', 'datetime'],
  ['CrossTenantAccessType', 'string'],
  ['DeviceDetail', 'dynamic'],
  ['DurationMs', 'long'],
  ['FlaggedForReview', 'bool'],
  ['HomeTenantId', 'string'],
  ['Id', 'string'],
  ['Identity', 'string'],
  ['IPAddress', 'string'],
  ['IPAddressFromResourceProvider', 'string'],
  ['IsInteractive', 'bool'],
  ['IsRisky', 'bool'],
  ['Level', 'string'],
  ['Location', 'string'],
  ['LocationDetails', 'dynamic'],
  ['MfaDetail', 'dynamic'],
  ['NetworkLocationDetails', 'string'],
  ['OperationName', 'string'],
  ['OperationVersion', 'string'],
  ['OriginalRequestId', 'string'],
  ['ProcessingTimeInMilliseconds', 'string'],
  ['Resource', 'string'],
  ['ResourceDisplayName', 'string'],
  ['ResourceGroup', 'string'],
  ['ResourceId', 'string'],
  ['ResourceIdentity', 'string'],
  ['ResourceProvider', 'string'],
  ['ResourceServicePrincipalId', 'string'],
  ['ResourceTenantId', 'string'],
  ['ResultDescription', 'string'],
  ['ResultSignature', 'string'],
  ['ResultType', 'string'],
  ['RiskDetail', 'string'],
  ['RiskEventTypes', 'string'],
  ['RiskEventTypes_V2', 'string'],
  ['RiskLevel', 'string'],
  ['RiskLevelAggregated', 'string'],
  ['RiskLevelDuringSignIn', 'string'],
  ['RiskState', 'string'],
  ['ServicePrincipalId', 'string'],
  ['ServicePrincipalName', 'string'],
  ['SessionLifetimePolicies', 'string'],
  ['SignInIdentifier', 'string'],
  ['SignInIdentifierType', 'string'],
  ['SourceSystem', 'string'],
  ['Status', 'dynamic'],
  ['TimeGenerated', 'datetime'],
  ['TokenIssuerName', 'string'],
  ['TokenIssuerType', 'string'],
  ['Type', 'string'],
  ['UniqueTokenIdentifier', 'string'],
  ['UserAgent', 'string'],
  ['UserDisplayName', 'string'],
  ['UserId', 'string'],
  ['UserPrincipalName', 'string'],
  ['UserType', 'string'],
]);

const AADNonInteractiveUserSignInLogs = table(SIGN_IN, [
  ['AlternateSignInName', 'string'],
  ['AppDisplayName', 'string'],
  ['AppId', 'string'],
  ['AppliedEventListeners', 'dynamic'],
  ['AuthenticationContextClassReferences', 'string'],
  ['AuthenticationDetails', 'string'],
  ['AuthenticationMethodsUsed', 'string'],
  ['AuthenticationProcessingDetails', 'string'],
  ['AuthenticationProtocol', 'string'],
  ['AuthenticationRequirement', 'string'],
  ['AuthenticationRequirementPolicies', 'string'],
  ['AutonomousSystemNumber', 'string'],
  ['Category', 'string'],
  ['ClientAppUsed', 'string'],
  ['ConditionalAccessPolicies', 'string'],
  ['ConditionalAccessStatus', 'string'],
  ['CorrelationId', 'string'],
  ['CreatedDateTime', 'datetime'],
  ['CrossTenantAccessType', 'string'],
  ['DeviceDetail', 'string'],
  ['DurationMs', 'long'],
  ['HomeTenantId', 'string'],
  ['Id', 'string'],
  ['Identity', 'string'],
  ['IPAddress', 'string'],
  ['IsInteractive', 'bool'],
  ['IsRisky', 'bool'],
  ['Level', 'string'],
  ['Location', 'string'],
  ['LocationDetails', 'string'],
  ['MfaDetail', 'string'],
  ['NetworkLocationDetails', 'string'],
  ['OperationName', 'string'],
  ['OperationVersion', 'string'],
  ['OriginalRequestId', 'string'],
  ['ProcessingTimeInMs', 'string'],
  ['ResourceDisplayName', 'string'],
  ['ResourceGroup', 'string'],
  ['ResourceIdentity', 'string'],
  ['ResourceServicePrincipalId', 'string'],
  ['ResourceTenantId', 'string'],
  ['ResultDescription', 'string'],
  ['ResultSignature', 'string'],
  ['ResultType', 'string'],
  ['RiskDetail', 'string'],
  ['RiskEventTypes', 'string'],
  ['RiskEventTypes_V2', 'string'],
  ['RiskLevelAggregated', 'string'],
  ['RiskLevelDuringSignIn', 'string'],
  ['RiskState', 'string'],
  ['ServicePrincipalId', 'string'],
  ['SessionLifetimePolicies', 'string'],
  ['SignInEventTypes', 'string'],
  ['SignInIdentifierType', 'string'],
  ['SourceSystem', 'string'],
  ['Status', 'string'],
  ['TenantId', 'string'],
  ['TimeGenerated', 'datetime'],
  ['TokenIssuerName', 'string'],
  ['TokenIssuerType', 'string'],
  ['Type', 'string'],
  ['UniqueTokenIdentifier', 'string'],
  ['UserAgent', 'string'],
  ['UserDisplayName', 'string'],
  ['UserId', 'string'],
  ['UserPrincipalName', 'string'],
  ['UserType', 'string'],
]);

// AADServicePrincipalSignInLogs and AADManagedIdentitySignInLogs have the same 33 columns.
const WORKLOAD_SIGN_IN: Spec = [
  ['AppId', 'string'],
  ['AuthenticationContextClassReferences', 'string'],
  ['AuthenticationProcessingDetails', 'string'],
  ['Category', 'string'],
  ['ConditionalAccessPolicies', 'string'],
  ['ConditionalAccessStatus', 'string'],
  ['CorrelationId', 'string'],
  ['DurationMs', 'long'],
  ['FederatedCredentialId', 'string'],
  ['Id', 'string'],
  ['Identity', 'string'],
  ['IPAddress', 'string'],
  ['Level', 'string'],
  ['Location', 'string'],
  ['LocationDetails', 'string'],
  ['OperationName', 'string'],
  ['OperationVersion', 'string'],
  ['ResourceDisplayName', 'string'],
  ['ResourceGroup', 'string'],
  ['ResourceIdentity', 'string'],
  ['ResourceServicePrincipalId', 'string'],
  ['ResultDescription', 'string'],
  ['ResultSignature', 'string'],
  ['ResultType', 'string'],
  ['ServicePrincipalCredentialKeyId', 'string'],
  ['ServicePrincipalCredentialThumbprint', 'string'],
  ['ServicePrincipalId', 'string'],
  ['ServicePrincipalName', 'string'],
  ['SourceSystem', 'string'],
  ['TenantId', 'string'],
  ['TimeGenerated', 'datetime'],
  ['Type', 'string'],
  ['UniqueTokenIdentifier', 'string'],
];

const ADFSSignInLogs = table(SIGN_IN, [
  ['AlternateSignInName', 'string'],
  ['AppDisplayName', 'string'],
  ['AppId', 'string'],
  ['AuthenticationDetails', 'string'],
  ['AuthenticationProcessingDetails', 'string'],
  ['AuthenticationRequirement', 'string'],
  ['AuthenticationRequirementPolicies', 'string'],
  ['Category', 'string'],
  ['ConditionalAccessPolicies', 'string'],
  ['ConditionalAccessStatus', 'string'],
  ['CorrelationId', 'string'],
  ['CreatedDateTime', 'datetime'],
  ['DeviceDetail', 'string'],
  ['DurationMs', 'long'],
  ['Id', 'string'],
  ['Identity', 'string'],
  ['IPAddress', 'string'],
  ['IsInteractive', 'bool'],
  ['Level', 'string'],
  ['Location', 'string'],
  ['NetworkLocationDetails', 'string'],
  ['OperationName', 'string'],
  ['OperationVersion', 'string'],
  ['OriginalRequestId', 'string'],
  ['ProcessingTimeInMs', 'string'],
  ['Requirement', 'string'],
  ['ResourceDisplayName', 'string'],
  ['ResourceGroup', 'string'],
  ['ResourceIdentity', 'string'],
  ['ResourceTenantId', 'string'],
  ['ResultDescription', 'string'],
  ['ResultSignature', 'string'],
  ['ResultType', 'string'],
  ['SourceSystem', 'string'],
  ['Status', 'string'],
  ['TenantId', 'string'],
  ['TimeGenerated', 'datetime'],
  ['TokenIssuerName', 'string'],
  ['TokenIssuerType', 'string'],
  ['Type', 'string'],
  ['UniqueTokenIdentifier', 'string'],
  ['UserAgent', 'string'],
  ['UserDisplayName', 'string'],
  ['UserId', 'string'],
  ['UserPrincipalName', 'string'],
]);

// --- audits: AuditLogs, AADCustomSecurityAttributeAuditLogs (directoryAudit) -----------------

const AUDIT: Record<string, LaSource> = {
  ...STANDARD,
  AADOperationType: p('operationType'),
  AADTenantId: sys('tenant'),
  ActivityDateTime: p('activityDateTime'),
  ActivityDisplayName: p('activityDisplayName'),
  AdditionalDetails: json('additionalDetails'),
  CallerIpAddress: env('callerIpAddress'),
  // The audit category (UserManagement, GroupManagement…), not the diagnostic category: a real
  // AuditLogs row has Category "GroupManagement".
  Category: p('category'),
  CorrelationId: env('correlationId'),
  DurationMs: env('durationMs'),
  Id: p('id'),
  Identity: env('identity'),
  InitiatedBy: { derive: 'auditInitiatedBy' },
  Level: env('level'),
  Location: env('location'),
  LoggedByService: p('loggedByService'),
  // The activityDisplayName, as in the envelope.
  OperationName: env('operationName'),
  OperationVersion: env('operationVersion'),
  Resource: AADIAM,
  ResourceGroup: AADIAM,
  ResourceId: env('resourceId'),
  ResourceProvider: NONE,
  Result: p('result'),
  // Empty in exports (properties.resultDescription "") and in a real row: the envelope has none.
  ResultDescription: env('resultDescription'),
  ResultReason: p('resultReason'),
  ResultSignature: env('resultSignature'),
  // Likewise empty in exports and real rows (the outcome is in Result).
  ResultType: env('resultType'),
  TargetResources: json('targetResources'),
  UserAgent: p('userAgent'),
};

const AuditLogs = table(AUDIT, [
  ['AADOperationType', 'string'],
  ['AADTenantId', 'string'],
  ['ActivityDateTime', 'datetime'],
  ['ActivityDisplayName', 'string'],
  ['AdditionalDetails', 'dynamic'],
  ['Category', 'string'],
  ['CorrelationId', 'string'],
  ['DurationMs', 'long'],
  ['Id', 'string'],
  ['Identity', 'string'],
  ['InitiatedBy', 'dynamic'],
  ['Level', 'string'],
  ['Location', 'string'],
  ['LoggedByService', 'string'],
  ['OperationName', 'string'],
  ['OperationVersion', 'string'],
  ['Resource', 'string'],
  ['ResourceGroup', 'string'],
  ['ResourceId', 'string'],
  ['ResourceProvider', 'string'],
  ['Result', 'string'],
  ['ResultDescription', 'string'],
  ['ResultReason', 'string'],
  ['ResultSignature', 'string'],
  ['ResultType', 'string'],
  ['SourceSystem', 'string'],
  ['TargetResources', 'dynamic'],
  ['TimeGenerated', 'datetime'],
  ['Type', 'string'],
]);

const AADCustomSecurityAttributeAuditLogs = table(AUDIT, [
  ['AADOperationType', 'string'],
  ['AADTenantId', 'string'],
  ['ActivityDateTime', 'datetime'],
  ['ActivityDisplayName', 'string'],
  ['AdditionalDetails', 'dynamic'],
  ['CallerIpAddress', 'string'],
  ['CorrelationId', 'string'],
  ['DurationMs', 'long'],
  ['Id', 'string'],
  ['Identity', 'string'],
  ['InitiatedBy', 'dynamic'],
  ['Level', 'string'],
  ['Location', 'string'],
  ['LoggedByService', 'string'],
  ['OperationName', 'string'],
  ['OperationVersion', 'string'],
  ['Result', 'string'],
  ['ResultDescription', 'string'],
  ['ResultReason', 'string'],
  ['ResultSignature', 'string'],
  ['ResultType', 'string'],
  ['SourceSystem', 'string'],
  ['TargetResources', 'dynamic'],
  ['TenantId', 'string'],
  ['TimeGenerated', 'datetime'],
  ['Type', 'string'],
  ['UserAgent', 'string'],
]);

// --- AADProvisioningLogs (provisioningObjectSummary) ------------------------------------------

const PROVISIONING: Record<string, LaSource> = {
  ...STANDARD,
  AADTenantId: { path: ['tenantId'], or: sys('tenant') },
  Category: sys('category'),
  ChangeId: p('changeId'),
  // = changeId, as in the envelope (§3.5).
  CorrelationId: env('correlationId'),
  CycleId: p('cycleId'),
  DurationMs: env('durationMs'),
  Id: p('id'),
  InitiatedBy: json('initiatedBy'),
  JobId: p('jobId'),
  ModifiedProperties: json('modifiedProperties'),
  OperationName: env('operationName'),
  OperationVersion: env('operationVersion'),
  ProvisioningAction: p('provisioningAction'),
  ProvisioningStatusInfo: json('provisioningStatusInfo'),
  ProvisioningSteps: json('provisioningSteps'),
  ResultDescription: p('provisioningStatusInfo', 'errorInformation', 'reason'),
  ResultSignature: p('provisioningStatusInfo', 'errorInformation', 'errorCode'),
  // 'Success' / 'Failure' / 'Skipped', as in the envelope.
  ResultType: env('resultType'),
  ServicePrincipal: json('servicePrincipal'),
  SourceIdentity: json('sourceIdentity'),
  // Appendix A has one `SourceSystem` column, described as the standard agent column; the table's
  // parallel TargetSystem/SourceIdentity/TargetIdentity columns say it holds the record's
  // sourceSystem (the provisioning source) as JSON **[INFERRED]**.
  SourceSystem: json('sourceSystem'),
  TargetIdentity: json('targetIdentity'),
  TargetSystem: json('targetSystem'),
};

const AADProvisioningLogs = table(PROVISIONING, [
  ['AADTenantId', 'string'],
  ['Category', 'string'],
  ['ChangeId', 'string'],
  ['CorrelationId', 'string'],
  ['CycleId', 'string'],
  ['DurationMs', 'long'],
  ['Id', 'string'],
  ['InitiatedBy', 'string'],
  ['JobId', 'string'],
  ['ModifiedProperties', 'string'],
  ['OperationName', 'string'],
  ['OperationVersion', 'string'],
  ['ProvisioningAction', 'string'],
  ['ProvisioningStatusInfo', 'string'],
  ['ProvisioningSteps', 'string'],
  ['ResultDescription', 'string'],
  ['ResultSignature', 'string'],
  ['ResultType', 'string'],
  ['ServicePrincipal', 'string'],
  ['SourceIdentity', 'string'],
  ['SourceSystem', 'string'],
  ['TargetIdentity', 'string'],
  ['TargetSystem', 'string'],
  ['TenantId', 'string'],
  ['TimeGenerated', 'datetime'],
  ['Type', 'string'],
]);

// --- ID Protection: AADRiskyUsers, AADUserRiskEvents, AADRiskyServicePrincipals,
// AADServicePrincipalRiskEvents (risk.ts) -------------------------------------------------------

const RISK: Record<string, LaSource> = {
  ...STANDARD,
  // AccountEnabled is Graph's isEnabled; exports may carry either (risk.ts).
  AccountEnabled: { path: ['accountEnabled'], or: p('isEnabled') },
  Activity: p('activity'),
  ActivityDateTime: p('activityDateTime'),
  // A JSON string in Graph, dynamic in LA.
  AdditionalInfo: { path: ['additionalInfo'], as: 'parseJson' },
  AppId: p('appId'),
  // Risk detections carry the related sign-in's correlationId; risky users/SPs have none (see below).
  CorrelationId: p('correlationId'),
  DetectedDateTime: p('detectedDateTime'),
  DetectionTimingType: p('detectionTimingType'),
  DisplayName: p('displayName'),
  Id: p('id'),
  IpAddress: p('ipAddress'),
  IsDeleted: p('isDeleted'),
  IsProcessing: p('isProcessing'),
  KeyIds: json('keyIds'),
  LastUpdatedDateTime: p('lastUpdatedDateTime'),
  Location: json('location'),
  OperationName: env('operationName'),
  RequestId: p('requestId'),
  RiskDetail: p('riskDetail'),
  RiskEventType: p('riskEventType'),
  RiskLastUpdatedDateTime: p('riskLastUpdatedDateTime'),
  RiskLevel: p('riskLevel'),
  RiskState: p('riskState'),
  ServicePrincipalDisplayName: p('servicePrincipalDisplayName'),
  ServicePrincipalId: p('servicePrincipalId'),
  ServicePrincipalType: p('servicePrincipalType'),
  Source: p('source'),
  TokenIssuerType: p('tokenIssuerType'),
  UserDisplayName: p('userDisplayName'),
  UserId: p('userId'),
  UserPrincipalName: p('userPrincipalName'),
};
// "The ID for correlated log analytics events": riskyUser and riskyServicePrincipal have no such field.
const RISKY_PRINCIPAL: Record<string, LaSource> = { ...RISK, CorrelationId: NONE };

const AADRiskyUsers = table(RISKY_PRINCIPAL, [
  ['CorrelationId', 'string'],
  ['Id', 'string'],
  ['IsDeleted', 'bool'],
  ['IsProcessing', 'bool'],
  ['OperationName', 'string'],
  ['RiskDetail', 'string'],
  ['RiskLastUpdatedDateTime', 'datetime'],
  ['RiskLevel', 'string'],
  ['RiskState', 'string'],
  ['SourceSystem', 'string'],
  ['TenantId', 'string'],
  ['TimeGenerated', 'datetime'],
  ['Type', 'string'],
  ['UserDisplayName', 'string'],
  ['UserPrincipalName', 'string'],
]);

const AADUserRiskEvents = table(RISK, [
  ['Activity', 'string'],
  ['ActivityDateTime', 'datetime'],
  ['AdditionalInfo', 'dynamic'],
  ['CorrelationId', 'string'],
  ['DetectedDateTime', 'datetime'],
  ['DetectionTimingType', 'string'],
  ['Id', 'string'],
  ['IpAddress', 'string'],
  ['LastUpdatedDateTime', 'datetime'],
  ['Location', 'dynamic'],
  ['OperationName', 'string'],
  ['RequestId', 'string'],
  ['RiskDetail', 'string'],
  ['RiskEventType', 'string'],
  ['RiskLevel', 'string'],
  ['RiskState', 'string'],
  ['Source', 'string'],
  ['SourceSystem', 'string'],
  ['TenantId', 'string'],
  ['TimeGenerated', 'datetime'],
  ['TokenIssuerType', 'string'],
  ['Type', 'string'],
  ['UserDisplayName', 'string'],
  ['UserId', 'string'],
  ['UserPrincipalName', 'string'],
]);

const AADRiskyServicePrincipals = table(RISKY_PRINCIPAL, [
  ['AccountEnabled', 'bool'],
  ['AppId', 'string'],
  ['CorrelationId', 'string'],
  ['DisplayName', 'string'],
  ['Id', 'string'],
  ['IsProcessing', 'bool'],
  ['OperationName', 'string'],
  ['RiskDetail', 'string'],
  ['RiskLastUpdatedDateTime', 'datetime'],
  ['RiskLevel', 'string'],
  ['RiskState', 'string'],
  ['ServicePrincipalType', 'string'],
  ['SourceSystem', 'string'],
  ['TenantId', 'string'],
  ['TimeGenerated', 'datetime'],
  ['Type', 'string'],
]);

const AADServicePrincipalRiskEvents = table(RISK, [
  ['Activity', 'string'],
  ['ActivityDateTime', 'datetime'],
  ['AdditionalInfo', 'dynamic'],
  ['AppId', 'string'],
  ['CorrelationId', 'string'],
  ['DetectedDateTime', 'datetime'],
  ['DetectionTimingType', 'string'],
  ['Id', 'string'],
  ['IpAddress', 'string'],
  ['KeyIds', 'dynamic'],
  ['LastUpdatedDateTime', 'datetime'],
  ['Location', 'dynamic'],
  ['OperationName', 'string'],
  ['RequestId', 'string'],
  ['RiskDetail', 'string'],
  ['RiskEventType', 'string'],
  ['RiskLevel', 'string'],
  ['RiskState', 'string'],
  ['ServicePrincipalDisplayName', 'string'],
  ['ServicePrincipalId', 'string'],
  ['Source', 'string'],
  ['SourceSystem', 'string'],
  ['TenantId', 'string'],
  ['TimeGenerated', 'datetime'],
  ['TokenIssuerType', 'string'],
  ['Type', 'string'],
]);

// --- MicrosoftGraphActivityLogs and Global Secure Access: the record is the LA column set in
// camelCase (graph-activity.ts, global-secure-access.ts), so each column reads its own property. ---

/** TimeGenerated for the tables whose record carries `timeGenerated` (it is their record time). */
const RECORD_TIME_GENERATED: LaSource = { path: ['timeGenerated'], or: sys('timeGenerated') };

const GRAPH_ACTIVITY: Record<string, LaSource> = {
  ...STANDARD,
  AadTenantId: { path: ['tenantId'], or: sys('tenant') },
  ApiVersion: p('apiVersion'),
  AppId: p('appId'),
  ATContent: p('atContent'),
  ATContentH: p('atContentH'),
  ATContentP: p('atContentP'),
  // int in LA; exports send "2" (graph-activity.ts): the int column coerces it.
  ClientAuthMethod: p('clientAuthMethod'),
  ClientRequestId: p('clientRequestId'),
  DurationMs: p('durationMs'),
  IdentityProvider: p('identityProvider'),
  IPAddress: p('ipAddress'),
  Location: p('location'),
  OperationId: p('operationId'),
  RequestId: p('requestId'),
  RequestMethod: p('requestMethod'),
  RequestUri: p('requestUri'),
  ResponseSizeBytes: p('responseSizeBytes'),
  ResponseStatusCode: p('responseStatusCode'),
  Roles: p('roles'),
  Scopes: p('scopes'),
  ServicePrincipalId: p('servicePrincipalId'),
  SignInActivityId: p('signInActivityId'),
  TimeGenerated: RECORD_TIME_GENERATED,
  TokenIssuedAt: p('tokenIssuedAt'),
  UserAgent: p('userAgent'),
  UserId: p('userId'),
  Wids: p('wids'),
};

const MicrosoftGraphActivityLogs = table(GRAPH_ACTIVITY, [
  ['AadTenantId', 'string'],
  ['ApiVersion', 'string'],
  ['AppId', 'string'],
  ['ATContent', 'string'],
  ['ATContentH', 'string'],
  ['ATContentP', 'string'],
  ['ClientAuthMethod', 'int'],
  ['ClientRequestId', 'string'],
  ['DurationMs', 'int'],
  ['IdentityProvider', 'string'],
  ['IPAddress', 'string'],
  ['Location', 'string'],
  ['OperationId', 'string'],
  ['RequestId', 'string'],
  ['RequestMethod', 'string'],
  ['RequestUri', 'string'],
  ['ResponseSizeBytes', 'int'],
  ['ResponseStatusCode', 'int'],
  ['Roles', 'string'],
  ['Scopes', 'string'],
  ['ServicePrincipalId', 'string'],
  ['SignInActivityId', 'string'],
  ['SourceSystem', 'string'],
  ['TenantId', 'string'],
  ['TimeGenerated', 'datetime'],
  ['TokenIssuedAt', 'datetime'],
  ['Type', 'string'],
  ['UserAgent', 'string'],
  ['UserId', 'string'],
  ['Wids', 'string'],
]);

const NETWORK_ACCESS: Record<string, LaSource> = {
  ...STANDARD,
  AccessType: p('accessType'),
  Action: p('action'),
  AgentVersion: p('agentVersion'),
  AppId: p('appId'),
  ConnectionId: p('connectionId'),
  ConnectionStatus: p('connectionStatus'),
  ConnectorId: p('connectorId'),
  ConnectorIp: p('connectorIp'),
  ConnectorName: p('connectorName'),
  Description: p('description'),
  DestinationFqdn: p('destinationFqdn'),
  DestinationIp: p('destinationIp'),
  DestinationPort: p('destinationPort'),
  DestinationUrl: p('destinationUrl'),
  DestinationWebCategories: p('destinationWebCategories'),
  DeviceCategory: p('deviceCategory'),
  DeviceId: p('deviceId'),
  DeviceOperatingSystem: p('deviceOperatingSystem'),
  DeviceOperatingSystemVersion: p('deviceOperatingSystemVersion'),
  FilteringProfileId: p('filteringProfileId'),
  FilteringProfileName: p('filteringProfileName'),
  InitiatingProcessName: p('initiatingProcessName'),
  NetworkProtocol: p('networkProtocol'),
  OriginHeader: p('originHeader'),
  PolicyId: p('policyId'),
  PolicyName: p('policyName'),
  PolicyRuleId: p('policyRuleId'),
  ProcessingRegion: p('processingRegion'),
  ReceivedBytes: p('receivedBytes'),
  ReferrerHeader: p('referrerHeader'),
  ResourceTenantId: p('resourceTenantId'),
  RuleName: p('ruleName'),
  SentBytes: p('sentBytes'),
  SessionId: p('sessionId'),
  SourceIp: p('sourceIp'),
  SourcePort: p('sourcePort'),
  ThreatType: p('threatType'),
  TimeGenerated: RECORD_TIME_GENERATED,
  TrafficType: p('trafficType'),
  TransactionId: p('transactionId'),
  TransportProtocol: p('transportProtocol'),
  UserId: p('userId'),
  UserPrincipalName: p('userPrincipalName'),
  XForwardedFor: p('xForwardedFor'),
};

const NetworkAccessTraffic = table(NETWORK_ACCESS, [
  ['AccessType', 'string'],
  ['Action', 'string'],
  ['AgentVersion', 'string'],
  ['AppId', 'string'],
  ['ConnectionId', 'string'],
  ['ConnectionStatus', 'string'],
  ['ConnectorId', 'string'],
  ['ConnectorIp', 'string'],
  ['ConnectorName', 'string'],
  ['Description', 'string'],
  ['DestinationFqdn', 'string'],
  ['DestinationIp', 'string'],
  ['DestinationPort', 'int'],
  ['DestinationUrl', 'string'],
  ['DestinationWebCategories', 'string'],
  ['DeviceCategory', 'string'],
  ['DeviceId', 'string'],
  ['DeviceOperatingSystem', 'string'],
  ['DeviceOperatingSystemVersion', 'string'],
  ['FilteringProfileId', 'string'],
  ['FilteringProfileName', 'string'],
  ['InitiatingProcessName', 'string'],
  ['NetworkProtocol', 'string'],
  ['OriginHeader', 'string'],
  ['PolicyId', 'string'],
  ['PolicyName', 'string'],
  ['PolicyRuleId', 'string'],
  ['ProcessingRegion', 'string'],
  ['ReceivedBytes', 'long'],
  ['ReferrerHeader', 'string'],
  ['ResourceTenantId', 'string'],
  ['RuleName', 'string'],
  ['SentBytes', 'long'],
  ['SessionId', 'string'],
  ['SourceIp', 'string'],
  ['SourcePort', 'int'],
  ['SourceSystem', 'string'],
  ['TenantId', 'string'],
  ['ThreatType', 'string'],
  ['TimeGenerated', 'datetime'],
  ['TrafficType', 'string'],
  ['TransactionId', 'string'],
  ['TransportProtocol', 'string'],
  ['Type', 'string'],
  ['UserId', 'string'],
  ['UserPrincipalName', 'string'],
  ['XForwardedFor', 'string'],
]);

const ENRICHED_M365: Record<string, LaSource> = {
  ...STANDARD,
  ActorUserType: p('actorUserType'),
  AdditionalProperties: json('additionalProperties'),
  ClientIp: p('clientIp'),
  DeviceId: p('deviceId'),
  DeviceOperatingSystem: p('deviceOperatingSystem'),
  DeviceOperatingSystemVersion: p('deviceOperatingSystemVersion'),
  Id: p('id'),
  ObjectId: p('objectId'),
  Operation: p('operation'),
  OrganizationId: p('organizationId'),
  RecordType: p('recordType'),
  ResultStatus: p('resultStatus'),
  SourceIp: p('sourceIp'),
  TimeGenerated: RECORD_TIME_GENERATED,
  UniqueTokenId: p('uniqueTokenId'),
  UserId: p('userId'),
  UserKey: p('userKey'),
  UserType: p('userType'),
  Workload: p('workload'),
};

const EnrichedMicrosoft365AuditLogs = table(ENRICHED_M365, [
  ['ActorUserType', 'string'],
  ['AdditionalProperties', 'dynamic'],
  ['ClientIp', 'string'],
  ['DeviceId', 'string'],
  ['DeviceOperatingSystem', 'string'],
  ['DeviceOperatingSystemVersion', 'string'],
  ['Id', 'string'],
  ['ObjectId', 'string'],
  ['Operation', 'string'],
  ['OrganizationId', 'string'],
  ['RecordType', 'int'],
  ['ResultStatus', 'string'],
  ['SourceIp', 'string'],
  ['SourceSystem', 'string'],
  ['TenantId', 'string'],
  ['TimeGenerated', 'datetime'],
  ['Type', 'string'],
  ['UniqueTokenId', 'string'],
  ['UserId', 'string'],
  ['UserKey', 'string'],
  ['UserType', 'string'],
  ['Workload', 'string'],
]);

const REMOTE_NETWORK_HEALTH: Record<string, LaSource> = {
  ...STANDARD,
  BgpRoutesAdvertisedCount: p('bgpRoutesAdvertisedCount'),
  CreatedDateTime: p('createdDateTime'),
  Description: p('description'),
  DestinationIp: p('destinationIp'),
  Id: p('id'),
  ReceivedBytes: p('receivedBytes'),
  RemoteNetworkId: p('remoteNetworkId'),
  SentBytes: p('sentBytes'),
  SourceIp: p('sourceIp'),
  Status: p('status'),
};

const RemoteNetworkHealthLogs = table(REMOTE_NETWORK_HEALTH, [
  ['BgpRoutesAdvertisedCount', 'int'],
  ['CreatedDateTime', 'datetime'],
  ['Description', 'string'],
  ['DestinationIp', 'string'],
  ['Id', 'string'],
  ['ReceivedBytes', 'long'],
  ['RemoteNetworkId', 'string'],
  ['SentBytes', 'long'],
  ['SourceIp', 'string'],
  ['SourceSystem', 'string'],
  ['Status', 'string'],
  ['TenantId', 'string'],
  ['TimeGenerated', 'datetime'],
  ['Type', 'string'],
]);

/** Every Entra LA table's columns, keyed by table name (LogType.laTable). */
export const LA_TABLES: Readonly<Record<string, readonly LaColumn[]>> = {
  SigninLogs,
  AADNonInteractiveUserSignInLogs,
  AADServicePrincipalSignInLogs: table(SIGN_IN, WORKLOAD_SIGN_IN),
  AADManagedIdentitySignInLogs: table(SIGN_IN, WORKLOAD_SIGN_IN),
  AuditLogs,
  AADProvisioningLogs,
  ADFSSignInLogs,
  AADRiskyUsers,
  AADUserRiskEvents,
  AADRiskyServicePrincipals,
  AADServicePrincipalRiskEvents,
  AADCustomSecurityAttributeAuditLogs,
  MicrosoftGraphActivityLogs,
  NetworkAccessTraffic,
  EnrichedMicrosoft365AuditLogs,
  RemoteNetworkHealthLogs,
};
