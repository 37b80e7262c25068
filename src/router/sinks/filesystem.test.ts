import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { FilesystemSink, repairTornTail } from './filesystem.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'idtrail-fs-sink-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('a torn last line is cut back to the last complete line', async () => {
  const f = path.join(dir, 'torn.json');
  writeFileSync(f, '{"a":1}\n{"b":2}\n{"c":');
  const fh = await open(f, 'r+');
  assert.equal(await repairTornTail(fh), 5);
  await fh.close();
  assert.equal(readFileSync(f, 'utf8'), '{"a":1}\n{"b":2}\n');
  const whole = path.join(dir, 'whole.json');
  writeFileSync(whole, '{"a":1}\n');
  const fh2 = await open(whole, 'r+');
  assert.equal(await repairTornTail(fh2), 0);
  await fh2.close();
  const oneTorn = path.join(dir, 'one.json');
  writeFileSync(oneTorn, '{"a":');
  const fh3 = await open(oneTorn, 'r+');
  assert.equal(await repairTornTail(fh3), 5);
  await fh3.close();
  assert.equal(readFileSync(oneTorn, 'utf8'), '');
});

test('the sink appends whole lines in Azure layout and repairs a torn tail before appending', async () => {
  const sink = new FilesystemSink(dir);
  const tenant = '0e35ee7a-425d-45a5-9013-218c1eae8fd4';
  const rec = (seq: number, at: string) => ({ seq, ingestedAt: at, line: JSON.stringify({ seq }) });
  await sink.deliver({
    tenant,
    category: 'SignInLogs',
    records: [rec(1, '2024-06-20T05:10:00Z'), rec(2, '2024-06-20T05:59:00Z'), rec(3, '2024-06-20T06:00:00Z')],
  });
  const h5 = path.join(
    dir,
    'insights-logs-signinlogs',
    `tenantId=${tenant}`,
    'y=2024',
    'm=06',
    'd=20',
    'h=05',
    'm=00',
    'PT1H.json',
  );
  const h6 = h5.replace('h=05', 'h=06');
  assert.equal(readFileSync(h5, 'utf8'), '{"seq":1}\n{"seq":2}\n');
  assert.equal(readFileSync(h6, 'utf8'), '{"seq":3}\n');
  // A crash mid-write left half a line; a new process's sink cuts it before appending.
  writeFileSync(h6, '{"seq":4,"pa', { flag: 'a' });
  const next = new FilesystemSink(dir);
  await next.deliver({ tenant, category: 'SignInLogs', records: [rec(4, '2024-06-20T06:01:00Z')] });
  assert.equal(readFileSync(h6, 'utf8'), '{"seq":3}\n{"seq":4}\n');
});
