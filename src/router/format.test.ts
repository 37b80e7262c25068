import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LOG_TYPES } from '../registry/log-types.ts';
import { blobPath, containerName, type OutRecord, STREAM_MESSAGE_LIMIT, streamMessages } from './format.ts';

test('every category has the container Azure names insights-logs-<category in lower case>', () => {
  assert.equal(containerName('SignInLogs'), 'insights-logs-signinlogs');
  assert.equal(containerName('NonInteractiveUserSignInLogs'), 'insights-logs-noninteractiveusersigninlogs');
  for (const t of LOG_TYPES) {
    const c = containerName(t.category);
    // Azure container names: 3-63 lower-case letters, digits and dashes.
    assert.match(c, /^[a-z0-9][a-z0-9-]{2,62}$/, c);
  }
});

test('blob path is the hour the record was received, m=00, PT1H.json, in UTC', () => {
  assert.equal(
    blobPath('0e35ee7a-425d-45a5-9013-218c1eae8fd4', '2024-06-20T05:59:59.999Z'),
    'tenantId=0e35ee7a-425d-45a5-9013-218c1eae8fd4/y=2024/m=06/d=20/h=05/m=00/PT1H.json',
  );
  assert.equal(blobPath('t', '2026-01-01T00:00:00+02:00'), 'tenantId=t/y=2025/m=12/d=31/h=22/m=00/PT1H.json');
  assert.throws(() => blobPath('t', 'not a time'));
});

const rec = (seq: number, size: number): OutRecord => ({
  seq,
  ingestedAt: '2026-01-01T00:00:00Z',
  line: JSON.stringify({ seq, pad: 'x'.repeat(size) }),
});

test('stream messages are {"records":[…]} within 256 KB, in order, losing nothing', () => {
  const records = Array.from({ length: 300 }, (_, i) => rec(i + 1, 2000));
  const messages = streamMessages(records);
  assert.ok(messages.length > 1);
  const seqs: number[] = [];
  for (const m of messages) {
    assert.ok(Buffer.byteLength(m) <= STREAM_MESSAGE_LIMIT, `message of ${Buffer.byteLength(m)} bytes`);
    const body = JSON.parse(m) as { records: Array<{ seq: number }> };
    assert.deepEqual(Object.keys(body), ['records']);
    seqs.push(...body.records.map((r) => r.seq));
  }
  assert.deepEqual(
    seqs,
    records.map((r) => r.seq),
  );
});

test('a message is filled up to the limit exactly, and an oversized record goes alone', () => {
  const two = [rec(1, 10), rec(2, 10)];
  const exact = Buffer.byteLength(`{"records":[${two[0]!.line},${two[1]!.line}]}`);
  assert.equal(streamMessages(two, exact).length, 1);
  assert.equal(streamMessages(two, exact - 1).length, 2);
  const big = [rec(1, 10), rec(2, 1000), rec(3, 10)];
  assert.deepEqual(
    streamMessages(big, 200).map((m) => (JSON.parse(m) as { records: unknown[] }).records.length),
    [1, 1, 1],
  );
});
