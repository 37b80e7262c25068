/**
 * Account state from the HR plan: the departures the user-driven generators follow are the plan's
 * leavers, disabled at the offboarding chain's start, remembered for a bounded time, and the same
 * whatever window or hour asks (so `--follow` and a backfill agree).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildTenant } from '../tenant.ts';
import { DAY, HOUR, type SimContext } from '../types.ts';
import {
  departuresAround,
  departuresBetween,
  LEAVER_MEMORY_DAYS,
  memoryDays,
  STALE_DAYS,
  staleAttemptRate,
} from './lifecycle.ts';
import { leaverRepeatDays, lifecycleForDay } from './provisioning.ts';

const tenant = buildTenant({ seed: 5, users: 800 });
const FROM = Date.UTC(2025, 2, 3);
const TO = FROM + 30 * DAY;

describe('departures', () => {
  it('are the HR plan’s leavers, disabled when the offboarding chain starts', () => {
    const ctx: SimContext = { tenant, seed: '5', from: FROM, to: TO };
    const planned = new Map<string, number>();
    for (let d = Math.floor(FROM / DAY) - 1; d <= Math.floor(TO / DAY); d++) {
      for (const l of lifecycleForDay(ctx, d).leavers) {
        if (l.entraTime >= FROM && l.entraTime < TO) planned.set(l.user.id, l.entraTime);
      }
    }
    const deps = departuresBetween(tenant, '5', FROM, TO);
    assert.ok(deps.size >= 5, `${deps.size} leavers in 30 days`);
    assert.deepEqual(new Map([...deps].map(([id, d]) => [id, d.disabledAt])), planned);
    for (const d of deps.values()) assert.ok(d.adTime < d.disabledAt, 'AD is disabled before Entra');
  });

  it('are remembered for a bounded time, never past the leaver walk’s repeat period', () => {
    const days = memoryDays(tenant);
    assert.ok(days <= LEAVER_MEMORY_DAYS && days <= leaverRepeatDays(tenant) && days >= 30, `${days}`);
    const [dep] = [...departuresBetween(tenant, '5', FROM, TO).values()];
    const at = (t: number) =>
      departuresAround({ tenant, seed: '5', from: t, to: t + HOUR }, t).get(dep!.userId);
    const hour = Math.floor(dep!.disabledAt / HOUR) * HOUR;
    assert.equal(at(hour + 10 * DAY)?.disabledAt, dep!.disabledAt);
    assert.equal(at(hour + (days + 2) * DAY), undefined);
  });

  it('do not depend on the window asking (a backfill and --follow agree)', () => {
    const t = FROM + 12 * DAY + 5 * HOUR;
    const a = departuresAround({ tenant, seed: '5', from: FROM, to: TO }, t);
    const b = departuresAround({ tenant, seed: '5', from: t, to: t + HOUR }, t);
    assert.ok(a.size > 0);
    assert.deepEqual(b, a);
    assert.notDeepEqual(departuresAround({ tenant, seed: '6', from: t, to: t + HOUR }, t), a);
  });
});

describe('stale attempts', () => {
  it('start at the disable, fade, and stop after a few days', () => {
    assert.equal(staleAttemptRate(-1), 0);
    assert.ok(staleAttemptRate(0) > staleAttemptRate(6 * HOUR));
    assert.ok(staleAttemptRate(6 * HOUR) > staleAttemptRate(2 * DAY));
    assert.ok(staleAttemptRate(2 * DAY) > 0);
    assert.equal(staleAttemptRate(STALE_DAYS * DAY), 0);
  });
});
