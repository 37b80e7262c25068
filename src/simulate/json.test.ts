/**
 * The fragment writer against JSON.stringify: a simulated day of every generator, once as objects
 * serialised by JSON.stringify and once as the lines the hot generators join from fragments, must
 * be the same bytes in the same order (and the generators must draw the same random numbers on
 * both paths, or the following records would differ too).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generateHour, tenantFor, writeHour } from './engine.ts';
import { GENERATORS } from './generators/index.ts';
import { hole, JsonWriter, rawHole, Template } from './json.ts';
import { DAY, HOUR, type SimContext } from './types.ts';

describe('fragment lines', () => {
  it('a day of every kind of record is byte-identical to JSON.stringify of the objects', () => {
    const from = Date.UTC(2026, 2, 2); // a Monday; the window holds attack scenarios and leavers
    const ctx: SimContext = {
      tenant: tenantFor('json-test', 1000),
      seed: 'json-test',
      from,
      to: from + 14 * DAY,
    };
    const day = from + 7 * DAY; // the second Monday
    const counts = new Map<string, number>();
    const codes = new Map<string, Set<number>>();
    /** Interactive authentication steps seen (method: result), each kind written from a template. */
    const details = new Set<string>();
    let lines = 0;
    for (let h = day; h < day + DAY; h += HOUR) {
      const objects = generateHour(ctx, GENERATORS, h);
      const writers = new Map<string, JsonWriter>();
      const n = writeHour(ctx, GENERATORS, h, (category) => {
        const w = writers.get(category) ?? new JsonWriter(1024);
        writers.set(category, w);
        return w;
      });
      assert.equal(n, objects.length, `hour ${new Date(h).toISOString()}`);
      // Lines per category, in order (JSON text never holds a raw newline).
      const text = new Map([...writers].map(([c, w]) => [c, w.text().split('\n').slice(0, -1)]));
      const next = new Map<string, number>();
      for (let i = 0; i < objects.length; i++) {
        const [category, record] = objects[i]!;
        const k = next.get(category) ?? 0;
        next.set(category, k + 1);
        assert.equal(
          text.get(category)![k],
          JSON.stringify(record),
          `${category} #${k} of ${new Date(h).toISOString()}`,
        );
        counts.set(category, (counts.get(category) ?? 0) + 1);
        if (category === 'SignInLogs')
          for (const step of (record.authenticationDetails as Array<Record<string, unknown>>) ?? [])
            details.add(`${step.authenticationMethod}: ${step.authenticationStepResultDetail}`);
        const code = (record.status as { errorCode?: number } | undefined)?.errorCode;
        if (code !== undefined) {
          const set = codes.get(category) ?? new Set<number>();
          set.add(code);
          codes.set(category, set);
        }
      }
      for (const [c, lines] of text) assert.equal(lines.length, next.get(c), c);
      lines += n;
    }
    // The day covers every sign-in kind (the lines written from fragments) and their variants.
    for (const c of [
      'SignInLogs',
      'NonInteractiveUserSignInLogs',
      'ServicePrincipalSignInLogs',
      'ManagedIdentitySignInLogs',
      'ADFSSignInLogs',
      'AuditLogs',
      'ProvisioningLogs',
      'MicrosoftGraphActivityLogs',
    ]) {
      assert.ok((counts.get(c) ?? 0) > 0, `${c} in the day`);
    }
    for (const code of [0, 50074, 50140, 50126, 500121]) {
      assert.ok(codes.get('SignInLogs')?.has(code), `interactive ${code}`);
    }
    assert.ok((codes.get('NonInteractiveUserSignInLogs')?.size ?? 0) >= 3, 'non-interactive failures');
    // Every kind of interactive step, MFA ones (per user's method) included, was compared above.
    const seen = [...details].join('\n');
    for (const d of [
      'Password: Correct password',
      'Password: Invalid username or password',
      'Previously satisfied: MFA requirement satisfied by claim in the token',
      'Previously satisfied: First factor requirement satisfied by claim in the token',
      ': MFA successfully completed',
      ': MFA denied; user declined the authentication',
    ])
      assert.ok(seen.includes(d), `a step "${d}" in the day:\n${seen}`);
    assert.ok(
      /: MFA denied; (user did not respond|phone call not answered|invalid verification code)/.test(seen),
      `an MFA timeout step in the day:\n${seen}`,
    );
    assert.ok(lines > 30_000, `${lines} lines`);
  });

  it('a template fills its holes in text order, repeated holes included', () => {
    const t = new Template(JSON.stringify({ a: rawHole(1), b: { c: hole(0), d: 'x' }, e: rawHole(1) }), 2);
    const w = new JsonWriter(4);
    t.write(w, ['zero', new TextEncoder().encode('{"one":1}')]);
    assert.equal(w.text(), '{"a":{"one":1},"b":{"c":"zero","d":"x"},"e":{"one":1}}\n');
  });

  it('the writer refuses a string that JSON would escape rather than write broken JSON', () => {
    const w = new JsonWriter(4);
    for (const bad of ['a"b', 'a\\b', 'line\n', 'é'])
      assert.throws(() => w.line`{"x":"${bad}"}`, /JSON-safe/);
    w.line`{"x":"${'ok'}","n":${1.5},"b":${false}}`;
    assert.equal(w.text(), '{"x":"ok","n":1.5,"b":false}\n');
  });
});
