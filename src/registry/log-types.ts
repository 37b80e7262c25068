/**
 * The registry of log types: the 16 diagnostic categories of seed 004, each described once.
 * Every other module reads this; nothing else repeats a category list or a field list.
 */

import {
  enrichedM365AuditColumns,
  enrichedM365AuditKeys,
  graphActivityColumns,
  graphActivityKeys,
  networkAccessTrafficColumns,
  networkAccessTrafficKeys,
  remoteNetworkHealthColumns,
  remoteNetworkHealthKeys,
  riskDetectionColumns,
  riskDetectionKeys,
  riskyServicePrincipalColumns,
  riskyServicePrincipalKeys,
  riskyUserColumns,
  riskyUserKeys,
  servicePrincipalRiskDetectionColumns,
  servicePrincipalRiskDetectionKeys,
} from './schemas/columns.ts';
import { DirectoryAudit } from './schemas/directory-audit.ts';
import {
  EnrichedM365Audit,
  NetworkAccessTraffic,
  RemoteNetworkHealth,
} from './schemas/global-secure-access.ts';
import { MicrosoftGraphActivity } from './schemas/graph-activity.ts';
import { ProvisioningObjectSummary } from './schemas/provisioning.ts';
import {
  RiskDetection,
  RiskyServicePrincipal,
  RiskyUser,
  ServicePrincipalRiskDetection,
} from './schemas/risk.ts';
import { SIGN_IN_BETA_ONLY, SignIn } from './schemas/sign-in.ts';
import type { ColumnDef, LogType } from './types.ts';

const col = (name: string, type: ColumnDef['type'], ...path: string[]): ColumnDef => ({ name, type, path });

const auditColumns: readonly ColumnDef[] = [
  col('activity_display_name', 'string', 'activityDisplayName'),
  col('category', 'string', 'category'),
  col('logged_by_service', 'string', 'loggedByService'),
  col('operation_type', 'string', 'operationType'),
  col('result', 'string', 'result'),
  col('correlation_id', 'string', 'correlationId'),
  col('initiated_by_user_id', 'string', 'initiatedBy', 'user', 'id'),
  col('initiated_by_user_display_name', 'string', 'initiatedBy', 'user', 'displayName'),
  col('initiated_by_user_principal_name', 'string', 'initiatedBy', 'user', 'userPrincipalName'),
  col('initiated_by_app_id', 'string', 'initiatedBy', 'app', 'appId'),
  col('initiated_by_app_display_name', 'string', 'initiatedBy', 'app', 'displayName'),
  { name: 'target_ids', type: 'string[]', path: ['targetResources'], each: ['id'] },
  { name: 'target_display_names', type: 'string[]', path: ['targetResources'], each: ['displayName'] },
];

const signInColumns: readonly ColumnDef[] = [
  col('user_id', 'string', 'userId'),
  col('user_principal_name', 'string', 'userPrincipalName'),
  col('user_display_name', 'string', 'userDisplayName'),
  col('app_id', 'string', 'appId'),
  col('app_display_name', 'string', 'appDisplayName'),
  col('ip_address', 'string', 'ipAddress'),
  col('client_app_used', 'string', 'clientAppUsed'),
  col('correlation_id', 'string', 'correlationId'),
  col('conditional_access_status', 'string', 'conditionalAccessStatus'),
  col('error_code', 'int', 'status', 'errorCode'),
  col('location_city', 'string', 'location', 'city'),
  col('location_state', 'string', 'location', 'state'),
  col('location_country_or_region', 'string', 'location', 'countryOrRegion'),
  col('device_browser', 'string', 'deviceDetail', 'browser'),
  col('device_operating_system', 'string', 'deviceDetail', 'operatingSystem'),
  col('resource_id', 'string', 'resourceId'),
  col('resource_display_name', 'string', 'resourceDisplayName'),
  col('service_principal_id', 'string', 'servicePrincipalId'),
  col('service_principal_name', 'string', 'servicePrincipalName'),
  col('risk_detail', 'string', 'riskDetail'),
  col('risk_level_aggregated', 'string', 'riskLevelAggregated'),
  col('risk_level_during_sign_in', 'string', 'riskLevelDuringSignIn'),
  col('risk_state', 'string', 'riskState'),
  col('is_interactive', 'bool', 'isInteractive'),
  col('user_type', 'string', 'userType'),
  col('authentication_requirement', 'string', 'authenticationRequirement'),
  col('token_issuer_type', 'string', 'tokenIssuerType'),
  col('original_request_id', 'string', 'originalRequestId'),
  col('user_agent', 'string', 'userAgent'),
  col('sign_in_event_types', 'string[]', 'signInEventTypes'),
  col('risk_event_types_v2', 'string[]', 'riskEventTypes_v2'),
];

const provisioningColumns: readonly ColumnDef[] = [
  col('change_id', 'string', 'changeId'),
  col('cycle_id', 'string', 'cycleId'),
  col('job_id', 'string', 'jobId'),
  col('provisioning_action', 'string', 'provisioningAction'),
  col('status', 'string', 'provisioningStatusInfo', 'status'),
  col('service_principal_id', 'string', 'servicePrincipal', 'id'),
  col('service_principal_name', 'string', 'servicePrincipal', 'displayName'),
  col('source_system_name', 'string', 'sourceSystem', 'displayName'),
  col('target_system_name', 'string', 'targetSystem', 'displayName'),
  col('source_identity_id', 'string', 'sourceIdentity', 'id'),
  col('source_identity_name', 'string', 'sourceIdentity', 'displayName'),
  col('target_identity_id', 'string', 'targetIdentity', 'id'),
  col('target_identity_name', 'string', 'targetIdentity', 'displayName'),
  col('initiated_by_name', 'string', 'initiatedBy', 'displayName'),
  col('duration_ms', 'int', 'durationInMilliseconds'),
];

const signInKind = (
  category: string,
  laTable: string,
  table: string,
  signInEventType: string | undefined,
): LogType => ({
  category,
  laTable,
  table,
  graph: signInEventType
    ? {
        resource: 'signIn',
        path: '/auditLogs/signIns',
        // Only interactive sign-ins are in v1.0; the other kinds need beta's signInEventTypes filter (§2.2).
        version: signInEventType === 'interactiveUser' ? 'v1.0' : 'beta',
        signInEventType,
        betaOnly: SIGN_IN_BETA_ONLY,
      }
    : null,
  family: 'signIn',
  schema: SignIn,
  idField: 'id',
  timeField: 'createdDateTime',
  operationName: 'Sign-in activity',
  operationVersion: '1.0',
  columns: signInColumns,
});

/** Roles that may read the custom security attribute audit log (seed 004: Attribute Log Reader). */
export const ATTRIBUTE_LOG_READ_ROLES = ['Attribute Log Reader', 'Attribute Log Administrator'] as const;

export const LOG_TYPES: readonly LogType[] = [
  {
    category: 'AuditLogs',
    laTable: 'AuditLogs',
    table: 'audit_logs',
    graph: {
      resource: 'directoryAudit',
      path: '/auditLogs/directoryAudits',
      version: 'v1.0',
      betaOnly: ['userAgent'],
    },
    family: 'audit',
    schema: DirectoryAudit,
    idField: 'id',
    timeField: 'activityDateTime',
    operationName: 'Audit activity', // per record: the activityDisplayName (see records/envelope.ts)
    operationVersion: '1.0',
    columns: auditColumns,
  },
  signInKind('SignInLogs', 'SigninLogs', 'signin_logs', 'interactiveUser'),
  signInKind(
    'NonInteractiveUserSignInLogs',
    'AADNonInteractiveUserSignInLogs',
    'noninteractive_signin_logs',
    'nonInteractiveUser',
  ),
  signInKind(
    'ServicePrincipalSignInLogs',
    'AADServicePrincipalSignInLogs',
    'service_principal_signin_logs',
    'servicePrincipal',
  ),
  signInKind(
    'ManagedIdentitySignInLogs',
    'AADManagedIdentitySignInLogs',
    'managed_identity_signin_logs',
    'managedIdentity',
  ),
  {
    category: 'ProvisioningLogs',
    laTable: 'AADProvisioningLogs',
    table: 'provisioning_logs',
    graph: {
      resource: 'provisioningObjectSummary',
      path: '/auditLogs/provisioning',
      version: 'v1.0',
      betaOnly: ['action', 'statusInfo'],
    },
    family: 'provisioning',
    schema: ProvisioningObjectSummary,
    idField: 'id',
    timeField: 'activityDateTime',
    operationName: 'Provisioning activity',
    operationVersion: '1.0',
    columns: provisioningColumns,
  },
  // AD FS sign-ins (Connect Health) are signIn-shaped in exports but not served by Graph.
  signInKind('ADFSSignInLogs', 'ADFSSignInLogs', 'adfs_signin_logs', undefined),
  {
    category: 'RiskyUsers',
    laTable: 'AADRiskyUsers',
    table: 'risky_users',
    graph: { resource: 'riskyUser', path: '/identityProtection/riskyUsers', version: 'v1.0' },
    family: 'riskyUser',
    schema: RiskyUser,
    ...riskyUserKeys,
    operationName: 'Risky user',
    operationVersion: '1.0',
    columns: riskyUserColumns,
    keyFields: ['id', 'riskLastUpdatedDateTime'],
  },
  {
    category: 'UserRiskEvents',
    laTable: 'AADUserRiskEvents',
    table: 'user_risk_events',
    graph: {
      resource: 'riskDetection',
      path: '/identityProtection/riskDetections',
      version: 'v1.0',
      betaOnly: ['mitreTechniqueId', 'riskType'],
    },
    family: 'riskDetection',
    schema: RiskDetection,
    ...riskDetectionKeys,
    operationName: 'User Risk Detection',
    operationVersion: '1.0',
    columns: riskDetectionColumns,
  },
  {
    category: 'NetworkAccessTrafficLogs',
    laTable: 'NetworkAccessTraffic',
    table: 'network_access_traffic_logs',
    graph: null,
    family: 'generic',
    schema: NetworkAccessTraffic,
    ...networkAccessTrafficKeys,
    operationName: 'Network access traffic',
    operationVersion: '1.0',
    columns: networkAccessTrafficColumns,
  },
  {
    category: 'RiskyServicePrincipals',
    laTable: 'AADRiskyServicePrincipals',
    table: 'risky_service_principals',
    graph: {
      resource: 'riskyServicePrincipal',
      path: '/identityProtection/riskyServicePrincipals',
      version: 'v1.0',
    },
    family: 'riskyServicePrincipal',
    schema: RiskyServicePrincipal,
    ...riskyServicePrincipalKeys,
    operationName: 'Risky service principal',
    operationVersion: '1.0',
    columns: riskyServicePrincipalColumns,
    keyFields: ['id', 'riskLastUpdatedDateTime'],
  },
  {
    category: 'ServicePrincipalRiskEvents',
    laTable: 'AADServicePrincipalRiskEvents',
    table: 'service_principal_risk_events',
    graph: {
      resource: 'servicePrincipalRiskDetection',
      path: '/identityProtection/servicePrincipalRiskDetections',
      version: 'v1.0',
    },
    family: 'servicePrincipalRiskDetection',
    schema: ServicePrincipalRiskDetection,
    ...servicePrincipalRiskDetectionKeys,
    operationName: 'Service Principal Risk Detection',
    operationVersion: '1.0',
    columns: servicePrincipalRiskDetectionColumns,
  },
  {
    category: 'EnrichedOffice365AuditLogs',
    laTable: 'EnrichedMicrosoft365AuditLogs',
    table: 'enriched_office365_audit_logs',
    graph: null,
    family: 'generic',
    schema: EnrichedM365Audit,
    ...enrichedM365AuditKeys,
    operationName: 'Enriched Microsoft 365 audit',
    operationVersion: '1.0',
    columns: enrichedM365AuditColumns,
  },
  {
    category: 'MicrosoftGraphActivityLogs',
    laTable: 'MicrosoftGraphActivityLogs',
    table: 'microsoft_graph_activity_logs',
    graph: null,
    family: 'graphActivity',
    schema: MicrosoftGraphActivity,
    ...graphActivityKeys,
    operationName: 'Microsoft Graph Activity',
    operationVersion: 'v1.0',
    columns: graphActivityColumns,
  },
  {
    category: 'RemoteNetworkHealthLogs',
    laTable: 'RemoteNetworkHealthLogs',
    table: 'remote_network_health_logs',
    graph: null,
    family: 'generic',
    schema: RemoteNetworkHealth,
    ...remoteNetworkHealthKeys,
    operationName: 'Remote network health',
    operationVersion: '1.0',
    columns: remoteNetworkHealthColumns,
  },
  {
    category: 'CustomSecurityAttributeAuditLogs',
    laTable: 'AADCustomSecurityAttributeAuditLogs',
    table: 'custom_security_attribute_audit_logs',
    graph: {
      resource: 'customSecurityAttributeAudit',
      path: '/auditLogs/customSecurityAttributeAudits',
      version: 'beta',
    },
    family: 'audit',
    // customSecurityAttributeAudit has directoryAudit's property set (§1.4).
    schema: DirectoryAudit,
    idField: 'id',
    timeField: 'activityDateTime',
    operationName: 'Audit activity',
    operationVersion: '1.0',
    columns: auditColumns,
    readRoles: ATTRIBUTE_LOG_READ_ROLES,
  },
];

const byLowerName = new Map<string, LogType>();
for (const t of LOG_TYPES) {
  byLowerName.set(t.category.toLowerCase(), t);
  byLowerName.set(t.laTable.toLowerCase(), t);
}
// Seed 004 writes `AADNonInteractiveUserSIgnInLogs` and the docs `NonInteractiveUserSIgnInLogs`:
// matching in any case accepts both spellings.

/** Finds a log type by its diagnostic category or Log Analytics table name, in any case. */
export function findLogType(name: string): LogType | undefined {
  return byLowerName.get(name.toLowerCase());
}

export function logType(category: string): LogType {
  const t = findLogType(category);
  if (!t) throw new Error(`unknown log category '${category}'`);
  return t;
}
