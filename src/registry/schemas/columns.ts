/**
 * Typed storage columns and id/time keys for the ID Protection, Graph activity and Global Secure
 * Access log types (schemas in risk.ts, graph-activity.ts, global-secure-access.ts).
 * Columns hold the fields people filter and group on; the store adds `id`, `time` and `tenant`
 * itself, so none is listed here. Names are the snake_case of the property path; LA `long`
 * columns (byte counts) are 'bigint'.
 */
import type { ColumnDef, LogType } from '../types.ts';

type Keys = Pick<LogType, 'idField' | 'timeField'>;

const col = (name: string, type: ColumnDef['type'], ...path: string[]): ColumnDef => ({ name, type, path });

// riskyUser: the record id is the user's object id, so there is no separate user_id column.
export const riskyUserKeys: Keys = { idField: 'id', timeField: 'riskLastUpdatedDateTime' };
export const riskyUserColumns: readonly ColumnDef[] = [
  col('user_principal_name', 'string', 'userPrincipalName'),
  col('user_display_name', 'string', 'userDisplayName'),
  col('risk_level', 'string', 'riskLevel'),
  col('risk_state', 'string', 'riskState'),
  col('risk_detail', 'string', 'riskDetail'),
  col('is_deleted', 'bool', 'isDeleted'),
  col('is_processing', 'bool', 'isProcessing'),
];

export const riskDetectionKeys: Keys = { idField: 'id', timeField: 'activityDateTime' };
export const riskDetectionColumns: readonly ColumnDef[] = [
  col('user_id', 'string', 'userId'),
  col('user_principal_name', 'string', 'userPrincipalName'),
  col('user_display_name', 'string', 'userDisplayName'),
  col('risk_event_type', 'string', 'riskEventType'),
  col('risk_level', 'string', 'riskLevel'),
  col('risk_state', 'string', 'riskState'),
  col('risk_detail', 'string', 'riskDetail'),
  col('detection_timing_type', 'string', 'detectionTimingType'),
  col('activity', 'string', 'activity'),
  col('source', 'string', 'source'),
  col('ip_address', 'string', 'ipAddress'),
  col('request_id', 'string', 'requestId'),
  col('correlation_id', 'string', 'correlationId'),
  col('location_country_or_region', 'string', 'location', 'countryOrRegion'),
  col('detected_date_time', 'timestamp', 'detectedDateTime'),
];

// riskyServicePrincipal: the record id is the service principal's object id.
export const riskyServicePrincipalKeys: Keys = { idField: 'id', timeField: 'riskLastUpdatedDateTime' };
export const riskyServicePrincipalColumns: readonly ColumnDef[] = [
  col('app_id', 'string', 'appId'),
  col('display_name', 'string', 'displayName'),
  col('service_principal_type', 'string', 'servicePrincipalType'),
  col('risk_level', 'string', 'riskLevel'),
  col('risk_state', 'string', 'riskState'),
  col('risk_detail', 'string', 'riskDetail'),
  col('is_enabled', 'bool', 'isEnabled'),
  col('is_processing', 'bool', 'isProcessing'),
];

export const servicePrincipalRiskDetectionKeys: Keys = { idField: 'id', timeField: 'activityDateTime' };
export const servicePrincipalRiskDetectionColumns: readonly ColumnDef[] = [
  col('service_principal_id', 'string', 'servicePrincipalId'),
  col('service_principal_display_name', 'string', 'servicePrincipalDisplayName'),
  col('app_id', 'string', 'appId'),
  col('risk_event_type', 'string', 'riskEventType'),
  col('risk_level', 'string', 'riskLevel'),
  col('risk_state', 'string', 'riskState'),
  col('risk_detail', 'string', 'riskDetail'),
  col('detection_timing_type', 'string', 'detectionTimingType'),
  col('activity', 'string', 'activity'),
  col('source', 'string', 'source'),
  col('ip_address', 'string', 'ipAddress'),
  col('request_id', 'string', 'requestId'),
  col('correlation_id', 'string', 'correlationId'),
  col('key_ids', 'string[]', 'keyIds'),
  col('detected_date_time', 'timestamp', 'detectedDateTime'),
];

// clientAuthMethod is left out: exports send it as a string ("2") though LA types it int.
export const graphActivityKeys: Keys = { idField: 'requestId', timeField: 'timeGenerated' };
export const graphActivityColumns: readonly ColumnDef[] = [
  col('app_id', 'string', 'appId'),
  col('user_id', 'string', 'userId'),
  col('service_principal_id', 'string', 'servicePrincipalId'),
  col('ip_address', 'string', 'ipAddress'),
  col('request_method', 'string', 'requestMethod'),
  col('request_uri', 'string', 'requestUri'),
  col('response_status_code', 'int', 'responseStatusCode'),
  col('api_version', 'string', 'apiVersion'),
  col('operation_id', 'string', 'operationId'),
  col('client_request_id', 'string', 'clientRequestId'),
  col('sign_in_activity_id', 'string', 'signInActivityId'),
  col('duration_ms', 'int', 'durationMs'),
  col('response_size_bytes', 'int', 'responseSizeBytes'),
  col('location', 'string', 'location'),
  col('user_agent', 'string', 'userAgent'),
];

export const networkAccessTrafficKeys: Keys = { idField: 'transactionId', timeField: 'timeGenerated' };
export const networkAccessTrafficColumns: readonly ColumnDef[] = [
  col('user_principal_name', 'string', 'userPrincipalName'),
  col('user_id', 'string', 'userId'),
  col('device_id', 'string', 'deviceId'),
  col('source_ip', 'string', 'sourceIp'),
  col('destination_ip', 'string', 'destinationIp'),
  col('destination_port', 'int', 'destinationPort'),
  col('destination_fqdn', 'string', 'destinationFqdn'),
  col('traffic_type', 'string', 'trafficType'),
  col('access_type', 'string', 'accessType'),
  col('action', 'string', 'action'),
  col('policy_name', 'string', 'policyName'),
  col('threat_type', 'string', 'threatType'),
  col('connection_id', 'string', 'connectionId'),
  col('sent_bytes', 'bigint', 'sentBytes'),
  col('received_bytes', 'bigint', 'receivedBytes'),
];

export const remoteNetworkHealthKeys: Keys = { idField: 'id', timeField: 'createdDateTime' };
export const remoteNetworkHealthColumns: readonly ColumnDef[] = [
  col('remote_network_id', 'string', 'remoteNetworkId'),
  col('status', 'string', 'status'),
  col('source_ip', 'string', 'sourceIp'),
  col('destination_ip', 'string', 'destinationIp'),
  col('bgp_routes_advertised_count', 'int', 'bgpRoutesAdvertisedCount'),
  col('sent_bytes', 'bigint', 'sentBytes'),
  col('received_bytes', 'bigint', 'receivedBytes'),
  col('description', 'string', 'description'),
];

// organizationId is the tenant, which the store keeps itself.
export const enrichedM365AuditKeys: Keys = { idField: 'id', timeField: 'timeGenerated' };
export const enrichedM365AuditColumns: readonly ColumnDef[] = [
  col('user_id', 'string', 'userId'),
  col('user_key', 'string', 'userKey'),
  col('user_type', 'string', 'userType'),
  col('actor_user_type', 'string', 'actorUserType'),
  col('operation', 'string', 'operation'),
  col('workload', 'string', 'workload'),
  col('record_type', 'int', 'recordType'),
  col('result_status', 'string', 'resultStatus'),
  col('object_id', 'string', 'objectId'),
  col('client_ip', 'string', 'clientIp'),
  col('source_ip', 'string', 'sourceIp'),
  col('device_id', 'string', 'deviceId'),
  col('unique_token_id', 'string', 'uniqueTokenId'),
];
