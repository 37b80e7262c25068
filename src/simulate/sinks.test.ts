/**
 * NDJSON files from `simulate --out`: `run` writes them from fragments (ndjsonSink's `lines`);
 * every file must hold exactly the JSON.stringify lines of the records `run` hands an object sink.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { run, type Sink } from './engine.ts';
import { GENERATORS } from './generators/index.ts';
import { ndjsonSink } from './sinks.ts';
import { DAY } from './types.ts';

describe('ndjsonSink', () => {
  it('writes the lines of every category exactly as JSON.stringify of the records', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'idtrail-ndjson-'));
    try {
      const to = Date.UTC(2026, 2, 10);
      const opts = { seed: 'files', users: 80, from: to - DAY, to, generators: GENERATORS };
      const expected = new Map<string, string>();
      const objects: Sink = {
        async write(category, records) {
          let text = expected.get(category) ?? '';
          for (const r of records) text += `${JSON.stringify(r)}\n`;
          expected.set(category, text);
        },
      };
      const a = await run(opts, objects);
      const sink = ndjsonSink(dir);
      const b = await run(opts, sink);
      await sink.close?.();
      assert.deepEqual(b.byCategory, a.byCategory);
      assert.equal(b.records, a.records);
      assert.ok(b.byCategory.NonInteractiveUserSignInLogs! > 1000);
      const files = readdirSync(dir).sort();
      assert.deepEqual(files, [...expected.keys()].map((c) => `${c}.ndjson`).sort());
      for (const [category, text] of expected) {
        assert.equal(readFileSync(path.join(dir, `${category}.ndjson`), 'utf8'), text, category);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('after the bulk files, live records (follow) append to them', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'idtrail-ndjson-'));
    try {
      const sink = ndjsonSink(dir);
      const to = Date.UTC(2026, 2, 10);
      await run({ seed: 'append', users: 30, from: to - 6 * 3_600_000, to, generators: GENERATORS }, sink);
      await sink.close?.(); // what `simulate --out --follow` does before following
      const file = path.join(dir, 'NonInteractiveUserSignInLogs.ndjson');
      const bulk = readFileSync(file, 'utf8');
      assert.ok(bulk.length > 0);
      const live = [{ id: 'live-1', createdDateTime: '2026-03-10T00:00:01.0000000Z' }, { id: 'live-2' }];
      await sink.write('NonInteractiveUserSignInLogs', live);
      await sink.write('NonInteractiveUserSignInLogs', [{ id: 'live-3' }]);
      await sink.write('Brand-newCategory', [{ id: 'x' }]);
      await sink.close?.();
      assert.equal(
        readFileSync(file, 'utf8'),
        `${bulk}${live.map((r) => JSON.stringify(r)).join('\n')}\n{"id":"live-3"}\n`,
      );
      assert.equal(readFileSync(path.join(dir, 'Brand-newCategory.ndjson'), 'utf8'), '{"id":"x"}\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
