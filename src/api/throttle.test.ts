import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Throttle } from './throttle.ts';

describe('Throttle', () => {
  it('allows a burst of the rate, then asks to wait, then refills', () => {
    const t = new Throttle(10); // 10 per 10 s: one a second
    for (let i = 0; i < 10; i++) assert.equal(t.take('k', 1_000), 0);
    assert.equal(t.take('k', 1_000), 1);
    assert.equal(t.take('k', 1_500), 1, 'half a token is not enough');
    assert.equal(t.take('k', 2_000), 0, 'a second later one token is back');
    assert.equal(t.take('other', 2_000), 0, 'keys have their own buckets');
  });

  it('0 turns it off', () => {
    const t = new Throttle(0);
    for (let i = 0; i < 1000; i++) assert.equal(t.take('k'), 0);
  });
});
