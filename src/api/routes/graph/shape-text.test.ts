import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
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
import { type ShapeOptions, shape } from './shape.ts';
import { csvField, textShaper } from './shape-text.ts';

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

/** The export's CSV line as shape() + csvField made it (before the text shaper). */
function csvOld(type: LogType, record: Json, opts: ShapeOptions): string {
  const shaped = shape(type, 'beta', record, opts);
  return Object.keys(type.schema.properties)
    .filter((c) => c !== 'appliedConditionalAccessPolicies' || opts.readsConditionalAccess)
    .map((c) => csvField(shaped[c]))
    .join(',');
}

/** CSV fields compared as values: objects and arrays are JSON text, whose key order may differ. */
function sameCsv(actual: string, expected: string, what: string) {
  const [a] = parse(actual, { relax_quotes: false }) as string[][];
  const [e] = parse(expected) as string[][];
  assert.equal(a!.length, e!.length, what);
  for (let i = 0; i < e!.length; i++) {
    const x = a![i]!;
    const y = e![i]!;
    if (/^[[{]/.test(y)) assert.deepEqual(JSON.parse(x), JSON.parse(y), `${what}, field ${i}`);
    else assert.equal(x, y, `${what}, field ${i}`);
  }
}

function check(type: LogType, records: readonly Json[], expectSlow = 0) {
  for (const opts of OPTIONS) {
    const shaper = textShaper(type, opts);
    const slowBefore = shaper.slow;
    for (const r of records) {
      const text = canonicalJson(r);
      const expected = shape(type, 'beta', JSON.parse(text) as Json, opts);
      assert.deepEqual(JSON.parse(shaper.json(text)), expected, `${type.category} ${r.id}`);
      sameCsv(shaper.csv(text), csvOld(type, JSON.parse(text) as Json, opts), `${type.category} ${r.id} csv`);
    }
    assert.equal(shaper.slow - slowBefore, expectSlow * 2, `${type.category}: records on the slow path`);
  }
}

describe('Graph shape on record text', () => {
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
    ]);
  });

  it('leaves Conditional Access details out of JSON and CSV for callers who may not read them', () => {
    const type = logType('SignInLogs');
    const shaper = textShaper(type, { includeUnknownEnumMembers: false, readsConditionalAccess: false });
    const text = canonicalJson(day.get('SignInLogs')![0]!);
    assert.match(text, /appliedConditionalAccessPolicies/);
    assert.doesNotMatch(shaper.json(text), /appliedConditionalAccessPolicies/);
    assert.doesNotMatch(shaper.header, /appliedConditionalAccessPolicies/);
  });

  it('takes shape() for text that is not canonical JSON, with the same result', () => {
    const type = logType('SignInLogs');
    const opts = OPTIONS[0]!;
    const shaper = textShaper(type, opts);
    const before = shaper.slow;
    const record = { id: 'x', userDisplayName: 'A', appDisplayName: 'B' };
    const unsorted = JSON.stringify(record); // keys not in canonical order
    const spaced = JSON.stringify(record, null, 1);
    for (const text of [unsorted, spaced]) {
      assert.deepEqual(JSON.parse(shaper.json(text)), shape(type, 'beta', record, opts));
    }
    assert.equal(shaper.slow - before, 2);
  });
});
