import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LOG_TYPES, logType } from '../registry/log-types.ts';
import { columnsJson } from './row-json.ts';

/** What the scratch files held before: an object of the columns, stringified. */
function viaObject(columns: readonly { name: string }[], values: readonly unknown[]): string {
  const o: Record<string, unknown> = {};
  for (let c = 0; c < columns.length; c++) o[columns[c]!.name] = values[c] ?? null;
  return JSON.stringify(o);
}

describe('columnsJson', () => {
  it('is the JSON of an object of the columns in column order, absent values as null', () => {
    const samples: unknown[] = [
      'plain',
      'quote " backslash \\ newline \n tab \t control \u0001 line sep \u2028 é ✓ 😀',
      '',
      0,
      -1.5,
      50126,
      Number.NaN,
      true,
      false,
      null,
      undefined,
      ['a', 'b "c"'],
      [],
      { nested: { k: 1 } },
      '2026-11-22T09:00:00.123Z',
    ];
    for (const type of LOG_TYPES) {
      for (let shift = 0; shift < samples.length; shift++) {
        const values = type.columns.map((_, c) => samples[(c + shift) % samples.length]);
        const text = columnsJson(type, values);
        assert.equal(text, viaObject(type.columns, values), `${type.category} shift ${shift}`);
        assert.deepEqual(
          Object.keys(JSON.parse(text)),
          type.columns.map((c) => c.name),
        );
      }
      // Fewer values than columns: the rest are null.
      assert.equal(columnsJson(type, []), viaObject(type.columns, []));
    }
  });

  it('keeps each log type to its own columns', () => {
    const a = logType('SignInLogs');
    const b = logType('AuditLogs');
    assert.notEqual(columnsJson(a, []), columnsJson(b, []));
    assert.equal(columnsJson(a, []), viaObject(a.columns, []));
  });
});
