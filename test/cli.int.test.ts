/** The command line, run as a user runs it: bin/idtrail keys / ingest / serve on one data folder. */
import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { toEnvelope } from '../src/records/envelope.ts';
import { logType } from '../src/registry/log-types.ts';
import { DEFAULT_TENANT } from '../src/security/api-keys.ts';
import { interactiveSignIn } from './fixtures/samples.ts';
import { tempDataDir } from './helpers/server.ts';

const run = promisify(execFile);
const BIN = path.resolve('bin/idtrail');

async function idtrail(args: string[], env: NodeJS.ProcessEnv = {}) {
  return run(process.execPath, [BIN, ...args], {
    env: { ...process.env, ...env, IDTRAIL_BOOTSTRAP_KEY: '' },
  });
}

describe('bin/idtrail', () => {
  const data = tempDataDir();
  const file = path.join(data.dir, 'PT1H.json');
  let server: ChildProcess | undefined;
  before(() => {
    // A storage-export style file: one envelope per line.
    const type = logType('SignInLogs');
    const lines = Array.from({ length: 250 }, (_, i) =>
      JSON.stringify(toEnvelope(type, DEFAULT_TENANT, { ...interactiveSignIn, id: `cli-${i}` })),
    );
    writeFileSync(file, `${lines.join('\n')}\n`);
  });
  after(() => {
    server?.kill('SIGKILL');
    data.remove();
  });

  it('keys create prints a new key once; keys list shows it without the secret', async () => {
    const { stdout } = await idtrail([
      'keys',
      'create',
      '--data',
      data.dir,
      '--role',
      'ingest',
      'Security Reader',
      '--name',
      'ci',
    ]);
    const key = stdout.trim();
    assert.match(key, /^idt_[A-Za-z0-9_-]{40,}$/);
    const list = await idtrail(['keys', 'list', '--data', data.dir]);
    assert.match(list.stdout, /\tci\tingest,Security Reader\t/);
    assert.ok(!list.stdout.includes(key));
  });

  it('keys create refuses an unknown role', async () => {
    await assert.rejects(
      idtrail(['keys', 'create', '--data', data.dir, '--role', 'Overlord']),
      (err: Error & { stderr: string }) => {
        assert.match(err.stderr, /unknown role 'Overlord'/);
        return true;
      },
    );
  });

  it('ingest stores a storage export through the pipeline, and a second run stores nothing twice', async () => {
    const first = await idtrail([
      'ingest',
      '--data',
      data.dir,
      '--category',
      'signinlogs',
      '--batch',
      '100',
      file,
    ]);
    assert.match(first.stdout, /250 records stored, 0 duplicates skipped \(SignInLogs\)/);
    const again = await idtrail(['ingest', '--data', data.dir, '--category', 'SignInLogs', file]);
    assert.match(again.stdout, /0 records stored, 250 duplicates skipped/);
  });

  it('ingest refuses an invalid file and says where', async () => {
    const bad = path.join(data.dir, 'bad.ndjson');
    writeFileSync(bad, `${JSON.stringify({ ...interactiveSignIn, id: 'bad-1', riskState: 'doomed' })}\n`);
    await assert.rejects(
      idtrail(['ingest', '--data', data.dir, '--category', 'SignInLogs', bad]),
      (err: Error & { stderr: string }) => {
        assert.match(err.stderr, /\[0\] \/riskState: must be one of/);
        return true;
      },
    );
  });

  it('query runs KQL on the stored records as a table, JSON or CSV, and reports errors with positions', async () => {
    const kql = 'SigninLogs | summarize SignIns = count(), IPs = dcount(IPAddress) by UserPrincipalName';
    const upn = String(interactiveSignIn.userPrincipalName);
    const json = await idtrail(['query', kql, '--format', 'json', '--data', data.dir]);
    assert.deepEqual(JSON.parse(json.stdout).tables[0], {
      name: 'PrimaryResult',
      columns: [
        { name: 'UserPrincipalName', type: 'string' },
        { name: 'SignIns', type: 'long' },
        { name: 'IPs', type: 'long' },
      ],
      rows: [[upn, 250, 1]],
    });
    const csv = await idtrail(['query', kql, '--format', 'csv', '--data', data.dir]);
    assert.equal(csv.stdout, `UserPrincipalName,SignIns,IPs\r\n${upn},250,1\r\n`);
    const table = await idtrail(['query', kql, '--data', data.dir]);
    assert.match(table.stdout, /^UserPrincipalName\s+SignIns\s+IPs\n-+/);
    assert.match(table.stdout, /\(1 row\)\n$/);
    await assert.rejects(
      idtrail(['query', 'SigninLogs | evaluate autocluster()', '--data', data.dir]),
      (err: Error & { stderr: string }) => {
        assert.match(
          err.stderr,
          /The plugin 'autocluster' is not supported by idtrail \(line 1, column 14\)/,
        );
        return true;
      },
    );
  });

  it('watchlist put/list/delete manage a watchlist that query joins with; bad files are refused', async () => {
    const upn = String(interactiveSignIn.userPrincipalName);
    const csvFile = path.join(data.dir, 'vip.csv');
    writeFileSync(
      csvFile,
      `\uFEFFexported by HR\r\nUserPrincipalName,Title\r\n${upn},"Director, Finance"\r\nnobody@contoso.com,Intern\r\n`,
    );
    const put = await idtrail([
      'watchlist',
      'put',
      'VIPUsers',
      csvFile,
      '--search-key',
      'UserPrincipalName',
      '--skip-lines',
      '1',
      '--display-name',
      'VIP users',
      '--data',
      data.dir,
    ]);
    assert.match(put.stderr, /created watchlist 'VIPUsers': 2 items, columns UserPrincipalName, Title/);
    const list = await idtrail(['watchlist', 'list', '--data', data.dir]);
    assert.match(list.stdout, /^VIPUsers\t2\tUserPrincipalName\tVIP users\t\d{4}-/);
    const kql = `SigninLogs | join kind=inner (_GetWatchlist('VIPUsers')) on $left.UserPrincipalName == $right.SearchKey
| summarize SignIns = count() by UserPrincipalName, Title`;
    const json = await idtrail(['query', kql, '--format', 'json', '--data', data.dir]);
    assert.deepEqual(JSON.parse(json.stdout).tables[0].rows, [[upn, 'Director, Finance', 250]]);
    await assert.rejects(
      idtrail([
        'watchlist',
        'put',
        'Other',
        csvFile,
        '--search-key',
        'Email',
        '--skip-lines',
        '1',
        '--data',
        data.dir,
      ]),
      (err: Error & { stderr: string }) => {
        assert.match(
          err.stderr,
          /'itemsSearchKey' 'Email' is not a column of the CSV header \(UserPrincipalName, Title\)/,
        );
        return true;
      },
    );
    await idtrail(['watchlist', 'delete', 'VIPUsers', '--data', data.dir]);
    assert.equal((await idtrail(['watchlist', 'list', '--data', data.dir])).stdout, '');
    await assert.rejects(
      idtrail(['watchlist', 'delete', 'VIPUsers', '--data', data.dir]),
      /no watchlist 'VIPUsers'/,
    );
  });

  it('serve opens the same data; a key made by the CLI works against it', async () => {
    const { stdout } = await idtrail(['keys', 'create', '--data', data.dir, '--role', 'ingest']);
    const key = stdout.trim();
    server = spawn(process.execPath, [BIN, 'serve', '--data', data.dir, '--port', '0'], {
      env: { ...process.env, IDTRAIL_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      server!.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /listening on (http:\/\/[^\s]+)/.exec(out);
        if (m) resolve(m[1]!);
      });
      server!.once('exit', (code) => reject(new Error(`server exited with ${code}: ${out}`)));
    });
    const res = await fetch(`${url}/api/v1/ingest/SignInLogs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify([
        { ...interactiveSignIn, id: 'cli-0' },
        { ...interactiveSignIn, id: 'cli-new' },
      ]),
    });
    assert.deepEqual(await res.json(), { accepted: 1, duplicates: 1, firstSeq: 251, lastSeq: 251 });
    // While the server holds the database, the CLI says so instead of failing obscurely.
    await assert.rejects(idtrail(['keys', 'list', '--data', data.dir]), (err: Error & { stderr: string }) => {
      assert.match(err.stderr, /in use by another idtrail process/);
      return true;
    });
    const exited = new Promise((resolve) => server!.once('exit', resolve));
    server.kill('SIGTERM');
    assert.equal(await exited, 0);
    server = undefined;
  });
});
