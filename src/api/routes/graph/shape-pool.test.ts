import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { logType } from '../../../registry/log-types.ts';
import { canonicalJson } from '../../../security/canonical-json.ts';
import { generateHour, tenantFor } from '../../../simulate/engine.ts';
import { GENERATORS } from '../../../simulate/generators/index.ts';
import { HOUR, type SimContext } from '../../../simulate/types.ts';
import { ByteSink } from './byte-sink.ts';
import type { ShapeOptions } from './shape.ts';
import { shapeBatch } from './shape-batch.ts';
import { ShapePool } from './shape-pool.ts';

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
        const pieces = await Promise.all(batches.map((b) => pool.shape(type, opts, format, b)));
        for (let i = 0; i < batches.length; i++) {
          const out = new ByteSink(1024);
          shapeBatch(type, opts, format, batches[i]!, out);
          assert.ok(out.take().equals(pieces[i]!), `${format} batch ${i}`);
        }
      }
    }
  });

  it('leaves the records it was given intact (they are copied, not transferred away)', async () => {
    const before = records.map((r) => r.toString());
    await pool.shape(
      type,
      { includeUnknownEnumMembers: false, readsConditionalAccess: true },
      'json',
      records,
    );
    assert.deepEqual(
      records.map((r) => r.toString()),
      before,
    );
  });
});
