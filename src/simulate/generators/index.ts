/** Every generator of a simulated tenant, in a stable order (the order records are produced in an hour). */
import type { Generator } from '../types.ts';
import { attackScenarios } from './attacks.ts';
import { customSecurityAttributeAudits, directoryAudits } from './audits.ts';
import { enrichedOffice365Audit, networkAccessTraffic, remoteNetworkHealth } from './global-secure-access.ts';
import { graphActivity } from './graph-activity.ts';
import { provisioningCycles } from './provisioning.ts';
import { signInGenerators } from './signins.ts';

export const GENERATORS: readonly Generator[] = [
  ...signInGenerators,
  attackScenarios,
  directoryAudits,
  customSecurityAttributeAudits,
  provisioningCycles,
  graphActivity,
  networkAccessTraffic,
  remoteNetworkHealth,
  enrichedOffice365Audit,
];
