import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  riskDetection,
  riskyServicePrincipal,
  riskyUser,
} from '../../../../test/fixtures/secondary-samples.ts';
import { findLogType, LOG_TYPES, logType } from '../../../registry/log-types.ts';
import type { LogType } from '../../../registry/types.ts';
import { canonicalJson } from '../../../security/canonical-json.ts';
import { generateHour, tenantFor } from '../../../simulate/engine.ts';
import { GENERATORS } from '../../../simulate/generators/index.ts';
import { DAY, HOUR, type SimContext } from '../../../simulate/types.ts';
import { ByteSink } from './byte-sink.ts';
import { type ShapeOptions, select, shape } from './shape.ts';
import { type ByteShaper, byteShaper, csvField } from './shape-bytes.ts';

type Json = Record<string, unknown>;

const OPTIONS: ShapeOptions[] = [
  { includeUnknownEnumMembers: false, readsConditionalAccess: true },
  { includeUnknownEnumMembers: true, readsConditionalAccess: true },
  { includeUnknownEnumMembers: false, readsConditionalAccess: false },
  { includeUnknownEnumMembers: true, readsConditionalAccess: false },
];

/** A day of a small simulated tenant (every generator), by category. */
function simulatedDay(): Map<string, Json[]> {
  const from = Date.UTC(2026, 2, 2);
  const ctx: SimContext = { tenant: tenantFor('text-shape', 40), seed: 'text-shape', from, to: from + DAY };
  const out = new Map<string, Json[]>();
  for (let h = 0; h < 24; h++) {
    for (const [category, record] of generateHour(ctx, GENERATORS, from + h * HOUR)) {
      const list = out.get(category) ?? [];
      list.push(record as Json);
      out.set(category, list);
    }
  }
  return out;
}

/** The export's CSV line from shape(): csvField per column, objects and arrays as canonical JSON. */
function csvExpected(type: LogType, record: Json, opts: ShapeOptions): string {
  const shaped = shape(type, 'beta', record, opts);
  return Object.keys(type.schema.properties)
    .filter((c) => c !== 'appliedConditionalAccessPolicies' || opts.readsConditionalAccess)
    .map((c) => {
      const v = shaped[c];
      return csvField(v !== null && typeof v === 'object' ? canonicalJson(v) : v);
    })
    .join(',');
}

/** What the shaper appends for one record, as text. */
function run(shaper: ByteShaper, mode: 'json' | 'csv', text: string): string {
  const sink = new ByteSink(16);
  sink.text('<');
  shaper[mode](Buffer.from(text), sink);
  sink.text('>');
  const out = sink.take().toString('utf8');
  assert.ok(out.startsWith('<') && out.endsWith('>'), 'writes only after what the sink held');
  return out.slice(1, -1);
}

/** What the shaper's Graph mode appends for one record, as text. */
function runGraph(shaper: ByteShaper, text: string, fields?: readonly string[]): string {
  const sink = new ByteSink(16);
  sink.text('[');
  shaper.graph(Buffer.from(text), sink, fields);
  sink.text(']');
  return sink.take().toString('utf8').slice(1, -1);
}

/** Selections a client might send: a few schema properties, a repeat, an unknown name. */
function selections(type: LogType): Array<readonly string[] | undefined> {
  const props = Object.keys(type.schema.properties);
  return [
    undefined,
    [],
    ['id', props[props.length - 1]!, props[1]!],
    ['appliedConditionalAccessPolicies', 'id', 'id'],
    ['id', 'notAProperty'],
  ];
}

/**
 * Graph mode equals select(shape()) for each version and selection: the same JSON value, the
 * top-level members in the same order (nested objects come in canonical order instead).
 */
function checkGraph(type: LogType, records: readonly Json[], opts: ShapeOptions, expectSlow: number) {
  for (const version of ['v1.0', 'beta'] as const) {
    for (const fields of selections(type)) {
      const shaper = byteShaper(type, opts, version);
      const before = shaper.slow;
      for (const r of records) {
        const text = canonicalJson(r);
        const expected = select(shape(type, version, JSON.parse(text) as Json, opts), fields);
        const got = JSON.parse(runGraph(shaper, text, fields)) as Json;
        const label = `${type.category} ${version} ${String(fields)} ${r.id}`;
        assert.deepEqual(Object.keys(got), Object.keys(expected), label);
        assert.equal(canonicalJson(got), canonicalJson(expected), label);
      }
      // An unknown name in $select takes the slow path (shape() then select()), as does odd text.
      const hidden = (f: string) => f === 'appliedConditionalAccessPolicies' && !opts.readsConditionalAccess;
      const unknown = fields?.some((f) => !(f in type.schema.properties) && !hidden(f)) ? records.length : 0;
      const slow = shaper.slow - before;
      if (version === 'beta') assert.equal(slow, expectSlow + unknown, `${type.category} graph slow`);
      else assert.ok(slow <= records.length, `${type.category} graph slow`);
    }
  }
}

function check(type: LogType, records: readonly Json[], expectSlow = 0) {
  for (const opts of OPTIONS) {
    checkGraph(type, records, opts, expectSlow);
    const shaper = byteShaper(type, opts);
    const slowBefore = shaper.slow;
    for (const r of records) {
      const text = canonicalJson(r);
      const parsed = JSON.parse(text) as Json;
      // Byte for byte: the canonical JSON of shape()'s result, and its CSV line.
      assert.equal(
        run(shaper, 'json', text),
        canonicalJson(shape(type, 'beta', parsed, opts)),
        `${type.category} ${r.id}`,
      );
      assert.equal(run(shaper, 'csv', text), csvExpected(type, parsed, opts), `${type.category} ${r.id} csv`);
    }
    assert.equal(shaper.slow - slowBefore, expectSlow * 2, `${type.category}: records on the slow path`);
  }
}

describe('Graph shape on record bytes', () => {
  const day = simulatedDay();

  it("equals shape() on a day of every simulated log Graph serves, in JSON and CSV, for every caller's options", () => {
    let checked = 0;
    for (const type of LOG_TYPES.filter((t) => t.graph)) {
      const records = day.get(type.category) ?? [];
      check(type, records.slice(0, 300));
      checked += Math.min(records.length, 300);
    }
    assert.ok(checked > 1000, `checked ${checked} records`);
  });

  it('equals shape() on the risk samples and on records with extras, nulls, escapes and evolvable enums', () => {
    check(logType('RiskyUsers'), [riskyUser]);
    check(logType('UserRiskEvents'), [
      riskDetection,
      { ...riskDetection, riskDetail: 'adminConfirmedAccountSafe', riskEventType: 'unfamiliarFeatures' },
    ]);
    check(findLogType('RiskyServicePrincipals')!, [riskyServicePrincipal]);
    const signIn = day.get('SignInLogs')![0]!;
    check(logType('SignInLogs'), [
      // Extras at the top and in nested open types; explicit nulls; an empty object and array.
      {
        ...signIn,
        aaaFirst: { nested: [1, { b: null }] },
        zzzLast: 'x',
        status: { errorCode: 50126, vendorDetail: 'extra "quoted" \\ text', failureReason: null },
        location: {},
        authenticationDetails: [],
      },
      // Strings with escapes, backslashes before quotes, unicode, line breaks (CSV quoting).
      {
        ...signIn,
        userDisplayName: 'Zoë "Z" O\'Brien\\',
        userAgent: 'line1\nline2\r\n,comma\u2028',
        ipAddress: '\\"',
      },
      // Evolvable members inside collections of objects (Conditional Access results).
      {
        ...signIn,
        appliedConditionalAccessPolicies: [
          { id: 'p1', displayName: 'A', result: 'reportOnlyFailure', enforcedGrantControls: ['Mfa'] },
          { id: 'p2', displayName: 'B', result: 'success', extra: { result: 'reportOnlyFailure' } },
        ],
      },
      // Only the id; Conditional Access as the only, the last and the first member.
      { id: 'bare' },
      { appliedConditionalAccessPolicies: [{ id: 'p', result: 'reportOnlySuccess' }] },
      { aaa: 1, appliedConditionalAccessPolicies: [] },
      { appliedConditionalAccessPolicies: [], appDisplayName: 'x', zzz: null },
      // Non-ASCII keys and values (multi-byte UTF-8), commas and numbers in CSV fields.
      {
        ...signIn,
        userDisplayName: 'Ærøskøbing, 東京 🙂',
        ééExtra: { ü: 'ß', '𝄞': [1, 2.5, -3e-7] },
        zExtra: [1, 2],
      },
    ]);
  });

  it('copies a record that needs no change through byte for byte', () => {
    const type = logType('SignInLogs');
    const shaper = byteShaper(type, OPTIONS[1]!);
    // Every property of the schema present, at every level: shape() changes nothing.
    const full = JSON.parse(run(shaper, 'json', canonicalJson(day.get('SignInLogs')![0]!))) as Json;
    const text = canonicalJson(full);
    assert.equal(run(shaper, 'json', text), text);
  });

  it('leaves Conditional Access details out of JSON and CSV for callers who may not read them', () => {
    const type = logType('SignInLogs');
    const shaper = byteShaper(type, { includeUnknownEnumMembers: false, readsConditionalAccess: false });
    const text = canonicalJson(day.get('SignInLogs')![0]!);
    assert.match(text, /appliedConditionalAccessPolicies/);
    assert.doesNotMatch(run(shaper, 'json', text), /appliedConditionalAccessPolicies/);
    assert.doesNotMatch(run(shaper, 'csv', text), /reportOnly|notApplied/);
    assert.doesNotMatch(shaper.header, /appliedConditionalAccessPolicies/);
  });

  it('takes shape() for text that is not canonical JSON, with the same result', () => {
    const type = logType('SignInLogs');
    const opts = OPTIONS[0]!;
    const shaper = byteShaper(type, opts);
    const before = shaper.slow;
    const record = { id: 'x', userDisplayName: 'A', appDisplayName: 'B' };
    const unsorted = JSON.stringify(record); // keys not in canonical order
    const spaced = JSON.stringify(record, null, 1);
    for (const text of [unsorted, spaced]) {
      assert.equal(run(shaper, 'json', text), canonicalJson(shape(type, 'beta', record, opts)));
      assert.equal(run(shaper, 'csv', text), csvExpected(type, record, opts));
    }
    assert.equal(shaper.slow - before, 4);
  });
});
