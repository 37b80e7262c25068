import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FingerprintSet, fingerprint } from './fingerprint-set.ts';

describe('FingerprintSet', () => {
  it('remembers what was added, across growth', () => {
    const set = new FingerprintSet(4);
    for (let i = 0; i < 50_000; i++) set.add(fingerprint('t', `id-${i}`));
    assert.equal(set.size, 50_000);
    for (let i = 0; i < 50_000; i++) assert.ok(set.has(fingerprint('t', `id-${i}`)));
    let falseHits = 0;
    for (let i = 50_000; i < 100_000; i++) if (set.has(fingerprint('t', `id-${i}`))) falseHits++;
    assert.equal(falseHits, 0, '53-bit fingerprints of 100k ids should not collide');
  });

  it('tells tenants apart and adds idempotently', () => {
    assert.notEqual(fingerprint('a', 'x'), fingerprint('b', 'x'));
    assert.notEqual(fingerprint('a', 'bx'), fingerprint('ab', 'x'));
    const set = new FingerprintSet();
    set.add(fingerprint('a', 'x'));
    set.add(fingerprint('a', 'x'));
    assert.equal(set.size, 1);
    assert.equal(set.has(fingerprint('b', 'x')), false);
  });

  it('fingerprints are non-zero safe integers', () => {
    for (let i = 0; i < 1000; i++) {
      const fp = fingerprint('t', String(i));
      assert.ok(Number.isSafeInteger(fp) && fp > 0);
    }
  });
});
