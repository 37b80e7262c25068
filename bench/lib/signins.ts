/**
 * Sign-ins for the ingest benchmark: the simulator's interactive sign-ins (src/simulate) for a
 * 3,000-user tenant, hour after hour from a Monday, until `n` records. Deterministic per seed.
 */
import { generateHour, tenantFor } from '../../src/simulate/engine.ts';
import { interactiveSignIns } from '../../src/simulate/generators/signins.ts';
import { DAY, HOUR, type SimContext } from '../../src/simulate/types.ts';

export function* signIns(
  n: number,
  seed: number,
  users = 3000,
  from = Date.UTC(2026, 0, 5), // a Monday
): Generator<Record<string, unknown>> {
  const ctx: SimContext = {
    tenant: tenantFor(String(seed), users),
    seed: String(seed),
    from,
    to: from + 365 * DAY,
  };
  let left = n;
  for (let h = 0; left > 0; h++) {
    for (const [, record] of generateHour(ctx, [interactiveSignIns], from + h * HOUR)) {
      yield record;
      if (--left === 0) return;
    }
  }
}
