/**
 * The NDJSON path writes ids, token ids and times straight into its buffer from drawn bits and
 * milliseconds: the bytes must be the strings the object path makes from the same draws.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JsonWriter } from '../json.ts';
import { Bits128, Rng } from '../rng.ts';
import { fmtTime, guid, requestId, tokenId, writeId, writeTime, writeTokenId } from './risk-state.ts';

describe('ids and times written as bytes', () => {
  it('equal the strings made from the same draws', () => {
    const a = new Rng('bytes');
    const b = new Rng('bytes');
    const bits = new Bits128();
    for (let i = 0; i < 5000; i++) {
      const w = new JsonWriter(16);
      writeId(w, bits.draw(b), true);
      writeId(w, bits.draw(b), false);
      writeTokenId(w, b);
      assert.equal(w.text(), requestId(a) + guid(a) + tokenId(a));
    }
  });

  it('times: every hour, minute and second, fractions of a millisecond, across years', () => {
    const rng = new Rng('times');
    const w = new JsonWriter(16);
    for (let i = 0; i < 20_000; i++) {
      // Whole and fractional milliseconds, from 1999 to 2040, some on exact second boundaries.
      const base = Date.UTC(1999, 0, 1) + Math.floor(rng.next() * 41 * 365.25 * 86_400_000);
      const ms = i % 4 === 0 ? Math.floor(base / 1000) * 1000 : base + rng.next();
      w.pos = 0;
      writeTime(w, ms);
      assert.equal(w.text(), fmtTime(ms), String(ms));
    }
  });
});
