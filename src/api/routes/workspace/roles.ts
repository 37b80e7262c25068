/** Who may use the workspace (KQL): every role that can read some log table. */
import { LOG_TYPES } from '../../../registry/log-types.ts';
import { LOG_READER_ROLES, type RoleName } from '../../../registry/roles.ts';

/** The log readers, and the attribute-log roles, which see only their own table. */
export const WORKSPACE_ROLES: readonly RoleName[] = [
  ...new Set([...LOG_READER_ROLES, ...LOG_TYPES.flatMap((t) => (t.readRoles ?? []) as RoleName[])]),
];
