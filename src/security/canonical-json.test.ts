import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import canonicalize from 'canonicalize';
import { SAMPLES } from '../../test/fixtures/samples.ts';
import { canonicalJson, canonicalRecordJson, immutable } from './canonical-json.ts';

describe('canonicalJson (RFC 8785)', () => {
  it('matches the reference implementation on every sample record', () => {
    for (const [category, record] of Object.entries(SAMPLES)) {
      assert.equal(canonicalJson(record), canonicalize(record), category);
    }
  });

  it('sorts keys by UTF-16 code units and writes numbers the ECMAScript way', () => {
    // RFC 8785 §3.2.3 sorting example keys, and §3.2.2.3 number serialisation.
    const value = {
      '\u20ac': 'Euro',
      '\r': 'CR',
      '\ufb33': 'Hebrew',
      '1': 'One',
      '\u{1f600}': 'Emoji',
      '\u0080': 'Ctl',
      '\u00f6': 'o',
    };
    assert.equal(
      canonicalJson(value),
      '{"\\r":"CR","1":"One","\u0080":"Ctl","\u00f6":"o","\u20ac":"Euro","\u{1f600}":"Emoji","\ufb33":"Hebrew"}',
    );
    assert.equal(
      canonicalJson([1e21, 1e-7, -0, 0.1, 333333333.3333333, 4.5]),
      '[1e+21,1e-7,0,0.1,333333333.3333333,4.5]',
    );
  });

  it('orders array-index-like keys as strings too (the hand-written path)', () => {
    const value = { b: { '10': 'ten', '9': 'nine', x: 1 }, a: [{ '2': 0, '10': 1 }] };
    assert.equal(canonicalJson(value), canonicalize(value));
    assert.equal(canonicalJson(value), '{"a":[{"10":1,"2":0}],"b":{"10":"ten","9":"nine","x":1}}');
  });

  it('drops undefined members, keeps nulls, nests', () => {
    assert.equal(
      canonicalJson({ b: undefined, a: null, c: [undefined, { z: 1, y: [true] }] }),
      '{"a":null,"c":[null,{"y":[true],"z":1}]}',
    );
  });

  it('refuses values JSON cannot hold', () => {
    assert.throws(() => canonicalJson(Number.NaN), /NaN/);
    assert.throws(() => canonicalJson(10n), /bigint/);
  });

  it('canonicalRecordJson writes the same text, with or without immutable values', () => {
    for (const [category, record] of Object.entries(SAMPLES)) {
      const r = record as Record<string, unknown>;
      assert.equal(canonicalRecordJson(r), canonicalize(r), category);
      // The same record holding its nested values as shared immutable ones.
      const shared: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(r))
        shared[k] = v !== null && typeof v === 'object' ? immutable(structuredClone(v)) : v;
      assert.equal(canonicalRecordJson(shared), canonicalize(r), `${category} (immutable values)`);
    }
    const odd = { z: undefined, '10': 1, '9': [2], a: immutable({ y: 1, x: [{ b: 2, a: 1 }] }) };
    assert.equal(canonicalRecordJson(odd), canonicalize(odd));
    // Layouts are remembered per key order: the same keys inserted in another order, other values.
    for (const r of [
      { b: 1, a: 'x', c: null },
      { a: 'y', c: [1], b: 2 },
      { b: 3, a: 'z', c: { q: 1 } },
      { b: undefined, a: 'w', c: 0 },
    ])
      assert.equal(canonicalRecordJson(r), canonicalize(r));
  });

  it('immutable freezes deeply: the remembered text cannot go stale', () => {
    const v = immutable({ a: { b: [1, { c: 2 }] } });
    assert.ok(Object.isFrozen(v.a) && Object.isFrozen(v.a.b) && Object.isFrozen(v.a.b[1]));
    assert.throws(() => {
      (v.a.b[1] as { c: number }).c = 3;
    }, TypeError);
  });
});
