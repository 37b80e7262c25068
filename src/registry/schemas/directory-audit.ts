/** directoryAudit (v1.0, plus beta's userAgent) — entra-formats.md §1.2 and §1.4. */
import { Type } from '@sinclair/typebox';
import {
  DateTime,
  Enum,
  groupType,
  Identity,
  KeyValue,
  ModifiedProperty,
  Opt,
  operationResult,
  Str,
} from './common.ts';

export const UserIdentity = Type.Composite([
  Identity,
  // homeTenantId/homeTenantName/userType: open-type extras seen in v1.0 responses (§1.3), beta auditUserIdentity.
  Type.Object({
    ipAddress: Opt(Str),
    userPrincipalName: Opt(Str),
    homeTenantId: Opt(Str),
    homeTenantName: Opt(Str),
  }),
]);
export const AppIdentity = Type.Object({
  appId: Opt(Str),
  displayName: Opt(Str),
  servicePrincipalId: Opt(Str),
  servicePrincipalName: Opt(Str),
});
export const AuditActivityInitiator = Type.Object({ user: Opt(UserIdentity), app: Opt(AppIdentity) });
export const TargetResource = Type.Object({
  id: Opt(Str),
  displayName: Opt(Str),
  type: Opt(Str),
  userPrincipalName: Opt(Str),
  groupType: Opt(Enum(groupType)),
  modifiedProperties: Opt(Type.Array(ModifiedProperty)),
});

export const DirectoryAudit = Type.Object({
  id: Type.String({ minLength: 1 }),
  activityDateTime: DateTime,
  activityDisplayName: Type.String({ minLength: 1 }),
  category: Type.String({ minLength: 1 }),
  loggedByService: Opt(Str),
  operationType: Opt(Str),
  correlationId: Opt(Str),
  result: Opt(Enum(operationResult)),
  resultReason: Opt(Str),
  initiatedBy: AuditActivityInitiator,
  targetResources: Opt(Type.Array(TargetResource)),
  additionalDetails: Opt(Type.Array(KeyValue)),
  userAgent: Opt(Str),
});
