/** provisioningObjectSummary (v1.0, plus beta's deprecated action/statusInfo) — entra-formats.md §1.2, §1.4. */
import { Type } from '@sinclair/typebox';
import {
  DateTime,
  Enum,
  Identity,
  Int,
  initiatorType,
  ModifiedProperty,
  Opt,
  provisioningAction,
  provisioningResult,
  provisioningStatusErrorCategory,
  provisioningStepType,
  Str,
} from './common.ts';

/** detailsInfo is an open type with no declared properties. */
const DetailsInfo = Type.Record(Type.String(), Type.Unknown());
const ProvisioningSystem = Type.Composite([Identity, Type.Object({ details: Opt(DetailsInfo) })]);
const ProvisionedIdentity = Type.Composite([
  Identity,
  Type.Object({ details: Opt(DetailsInfo), identityType: Opt(Str) }),
]);
const Initiator = Type.Composite([Identity, Type.Object({ initiatorType: Opt(Enum(initiatorType)) })]);
const ProvisioningStep = Type.Object({
  name: Opt(Str),
  description: Opt(Str),
  details: Opt(DetailsInfo),
  provisioningStepType: Opt(Enum(provisioningStepType)),
  status: Opt(Enum(provisioningResult)),
});
const ProvisioningErrorInfo = Type.Object({
  additionalDetails: Opt(Str),
  errorCategory: Opt(Enum(provisioningStatusErrorCategory)),
  errorCode: Opt(Str),
  reason: Opt(Str),
  recommendedAction: Opt(Str),
});

export const ProvisioningObjectSummary = Type.Object({
  id: Type.String({ minLength: 1 }),
  activityDateTime: DateTime,
  changeId: Opt(Str),
  cycleId: Opt(Str),
  durationInMilliseconds: Opt(Int),
  initiatedBy: Opt(Initiator),
  jobId: Opt(Str),
  modifiedProperties: Opt(Type.Array(ModifiedProperty)),
  provisioningAction: Opt(Enum(provisioningAction)),
  provisioningStatusInfo: Opt(
    Type.Object({ status: Opt(Enum(provisioningResult)), errorInformation: Opt(ProvisioningErrorInfo) }),
  ),
  provisioningSteps: Opt(Type.Array(ProvisioningStep)),
  servicePrincipal: Opt(Identity),
  sourceIdentity: Opt(ProvisionedIdentity),
  sourceSystem: Opt(ProvisioningSystem),
  targetIdentity: Opt(ProvisionedIdentity),
  targetSystem: Opt(ProvisioningSystem),
  tenantId: Opt(Str),
  action: Opt(Str),
  statusInfo: Opt(Type.Object({ status: Opt(Enum(provisioningResult)) })),
});
