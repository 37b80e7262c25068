import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { logType } from '../../../registry/log-types.ts';
import { canonicalJson } from '../../../security/canonical-json.ts';
import { generateHour, tenantFor } from '../../../simulate/engine.ts';
import { GENERATORS } from '../../../simulate/generators/index.ts';
import { HOUR, type SimContext } from '../../../simulate/types.ts';
import { ByteSink } from './byte-sink.ts';
import type { ShapeOptions } from './shape.ts';
import { lines, shapeBatch } from './shape-batch.ts';
import { ShapePool } from './shape-pool.ts';

const NL = Buffer.from('\n');

/** A few hours of a simulated tenant's interactive sign-ins, as stored (canonical JSON bytes). */
function signIns(): Buffer[] {
  const from = Date.UTC(2026, 2, 2);
  const ctx: SimContext = {
    tenant: tenantFor('shape-pool', 600),
    seed: 'shape-pool',
    from,
    to: from + 14 * HOUR,
  };
  const out: Buffer[] = [];
  for (let h = 8; h < 14; h++) {
    for (const [category, record] of generateHour(ctx, GENERATORS, from + h * HOUR)) {
      if (category === 'SignInLogs') out.push(Buffer.from(canonicalJson(record)));
    }
  }
  return out;
}

describe('shaping in worker threads', () => {
  const pool = new ShapePool(2);
  after(() => pool.close());
  const type = logType('SignInLogs');
  const records = signIns();

  it('gives the same bytes as shaping in the thread, for JSON and CSV, with many batches in flight', async () => {
    assert.ok(records.length > 100, `${records.length} records`);
    const options: ShapeOptions[] = [
      { includeUnknownEnumMembers: false, readsConditionalAccess: true },
      { includeUnknownEnumMembers: true, readsConditionalAccess: false },
    ];
    for (const opts of options) {
      for (const format of ['json', 'csv'] as const) {
        const batches = [records, records.slice(1, 50), records.slice(7)];
        const joined = () => batches.map((b) => Buffer.concat(b.flatMap((r) => [r, NL])).subarray(0, -1));
        // A batch in a pooled buffer is copied; one that owns its memory moves to the worker.
        const pieces = await Promise.all(
          joined().map((b, i) => pool.shape(type, opts, format, i === 1 ? b : Buffer.from(b))),
        );
        const expected = joined();
        for (let i = 0; i < batches.length; i++) {
          const out = new ByteSink(1024);
          shapeBatch(type, opts, format, lines(expected[i]!), out);
          assert.ok(out.take().equals(pieces[i]!), `${format} batch ${i}`);
        }
      }
    }
  });

  it('leaves a batch that shares its memory intact (copied, not moved)', async () => {
    const joined = Buffer.concat([Buffer.from('x'), ...records.slice(0, 20).flatMap((r) => [NL, r])]);
    const shared = joined.subarray(2);
    const before = shared.toString();
    const opts = { includeUnknownEnumMembers: false, readsConditionalAccess: true };
    const piece = await pool.shape(type, opts, 'json', shared);
    assert.equal(shared.toString(), before);
    assert.equal(piece.toString().split(',\n').length, 21);
  });
});
