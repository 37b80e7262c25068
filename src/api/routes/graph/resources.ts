/**
 * The Graph resources idtrail serves, each bound to the log type(s) behind it (from the registry)
 * and the roles that may read it (entra-formats.md §2.4; seed 004 for the attribute-log roles).
 */

import type { GraphVersion } from '../../../query/odata/capabilities.ts';
import { ATTRIBUTE_LOG_READ_ROLES, logType } from '../../../registry/log-types.ts';
import { LOG_READER_ROLES, type RoleName } from '../../../registry/roles.ts';
import type { LogType } from '../../../registry/types.ts';

export interface GraphResourceRoute {
  /** Path under the version root, e.g. '/auditLogs/signIns'. */
  path: string;
  versions: readonly GraphVersion[];
  /** The log type the resource reads (beta signIns may add the other sign-in kinds per $filter). */
  type: LogType;
  roles: readonly RoleName[];
  /** The `@odata.context` entity-set path, e.g. 'auditLogs/signIns'. */
  context: string;
}

const both = ['v1.0', 'beta'] as const;

export const GRAPH_RESOURCES: readonly GraphResourceRoute[] = [
  {
    path: '/auditLogs/directoryAudits',
    versions: both,
    type: logType('AuditLogs'),
    roles: LOG_READER_ROLES,
    context: 'auditLogs/directoryAudits',
  },
  // v1.0 serves interactive sign-ins only; beta adds the other kinds by signInEventTypes (§2.2).
  {
    path: '/auditLogs/signIns',
    versions: both,
    type: logType('SignInLogs'),
    roles: LOG_READER_ROLES,
    context: 'auditLogs/signIns',
  },
  {
    path: '/auditLogs/provisioning',
    versions: both,
    type: logType('ProvisioningLogs'),
    roles: LOG_READER_ROLES,
    context: 'auditLogs/provisioning',
  },
  {
    path: '/auditLogs/customSecurityAttributeAudits',
    versions: ['beta'],
    type: logType('CustomSecurityAttributeAuditLogs'),
    // Only the attribute-log roles: a Global Administrator does not see these (seed 004).
    roles: ATTRIBUTE_LOG_READ_ROLES as readonly RoleName[],
    context: 'auditLogs/customSecurityAttributeAudits',
  },
  {
    path: '/identityProtection/riskyUsers',
    versions: both,
    type: logType('RiskyUsers'),
    roles: LOG_READER_ROLES,
    context: 'identityProtection/riskyUsers',
  },
  {
    path: '/identityProtection/riskDetections',
    versions: both,
    type: logType('UserRiskEvents'),
    roles: LOG_READER_ROLES,
    context: 'identityProtection/riskDetections',
  },
  {
    path: '/identityProtection/riskyServicePrincipals',
    versions: both,
    type: logType('RiskyServicePrincipals'),
    roles: LOG_READER_ROLES,
    context: 'identityProtection/riskyServicePrincipals',
  },
  {
    path: '/identityProtection/servicePrincipalRiskDetections',
    versions: both,
    type: logType('ServicePrincipalRiskEvents'),
    roles: LOG_READER_ROLES,
    context: 'identityProtection/servicePrincipalRiskDetections',
  },
];
