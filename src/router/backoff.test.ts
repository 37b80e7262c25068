import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backoffMs } from './backoff.ts';

test('backoff doubles from the base, stays between half and all of its step, and is capped', () => {
  const low = () => 0;
  const high = () => 0.999999;
  assert.equal(backoffMs(1, 500, 60_000, low), 250);
  assert.ok(backoffMs(1, 500, 60_000, high) < 500);
  assert.equal(backoffMs(2, 500, 60_000, low), 500);
  assert.equal(backoffMs(5, 500, 60_000, low), 4_000);
  assert.equal(backoffMs(30, 500, 60_000, low), 30_000);
  assert.ok(backoffMs(30, 500, 60_000, high) <= 60_000);
  // Jitter spreads retries of many routes failing together.
  const spread = new Set(Array.from({ length: 20 }, () => Math.round(backoffMs(4, 500, 60_000))));
  assert.ok(spread.size > 1);
});
