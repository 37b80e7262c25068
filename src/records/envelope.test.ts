import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SAMPLES } from '../../test/fixtures/samples.ts';
import { logType } from '../registry/log-types.ts';
import { baseEnvelope, fromEnvelope, toEnvelope, usLocaleTime } from './envelope.ts';

const TENANT = '0e35ee7a-425d-45a5-9013-218c1eae8fd4';
type Json = Record<string, unknown>;

test('US-locale time: month/day unpadded, 12-hour clock, 12 AM at midnight and 12 PM at noon, in UTC', () => {
  assert.equal(usLocaleTime('2022-08-22T18:11:52.123Z'), '8/22/2022 6:11:52 PM');
  assert.equal(usLocaleTime('2025-12-12T15:03:58Z'), '12/12/2025 3:03:58 PM');
  assert.equal(usLocaleTime('2024-01-05T00:07:09+00:00'), '1/5/2024 12:07:09 AM');
  assert.equal(usLocaleTime('2024-01-05T12:00:00Z'), '1/5/2024 12:00:00 PM');
  assert.equal(usLocaleTime('2024-01-05T01:00:00+02:00'), '1/4/2024 11:00:00 PM', 'converted to UTC');
  assert.equal(usLocaleTime('not a time'), 'not a time');
});

test('export quirks change the export envelope only, not the fields Log Analytics mirrors', () => {
  const graph = SAMPLES.MicrosoftGraphActivityLogs!;
  const type = logType('MicrosoftGraphActivityLogs');
  const base = baseEnvelope(type, TENANT, structuredClone(graph));
  const out = toEnvelope(type, TENANT, structuredClone(graph));
  assert.equal(base.Level, 4);
  assert.equal(base.resultSignature, 'None');
  assert.equal(base.resourceId, `/tenants/${TENANT}/providers/Microsoft.aadiam`);
  assert.equal(out.level, 'Informational');
  assert.equal(out.resultSignature, String(graph.responseStatusCode));
  // Key order as Entra writes it: `level` where `Level` was.
  assert.deepEqual(
    Object.keys(out).filter((k) => k !== 'level'),
    Object.keys(base).filter((k) => k !== 'Level'),
  );
  assert.equal(Object.keys(out).indexOf('level'), Object.keys(base).indexOf('Level'));
});

test('a sign-in envelope is stamped at receive time, never before the sign-in', () => {
  const type = logType('SignInLogs');
  const rec = SAMPLES.SignInLogs!;
  const later = toEnvelope(type, TENANT, structuredClone(rec), { receivedAt: '2024-05-14T09:20:31.000Z' });
  assert.equal(later.time, '2024-05-14T09:20:31.000Z');
  const skewed = toEnvelope(type, TENANT, structuredClone(rec), { receivedAt: '2024-05-14T09:00:00.000Z' });
  assert.equal(skewed.time, rec.createdDateTime);
  assert.equal(toEnvelope(type, TENANT, structuredClone(rec)).time, rec.createdDateTime);
});

test('AuditLogs carry tenantGeo in properties when known; quirky envelopes still read back', () => {
  const type = logType('AuditLogs');
  const env = toEnvelope(type, TENANT, structuredClone(SAMPLES.AuditLogs!), { tenantGeo: 'EU' });
  assert.equal((env.properties as Json).tenantGeo, 'EU');
  assert.deepEqual(fromEnvelope(type, env).record.tenantGeo, undefined, 'dropped again on ingest');
  for (const category of ['ADFSSignInLogs', 'RiskyUsers', 'UserRiskEvents']) {
    const t = logType(category);
    const sample = SAMPLES[category]!;
    const back = fromEnvelope(t, toEnvelope(t, TENANT, structuredClone(sample))).record;
    assert.equal(back[t.timeField], sample[t.timeField], `${category}: the record's own time is kept`);
  }
});
