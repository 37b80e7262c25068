/**
 * Syslog delivery into a real rsyslog (Debian's `rsyslogd`, started here with its own config on a
 * loopback port, not the system's): RFC 5424 over TCP with octet-counting framing, read back from
 * the file rsyslog writes. rsyslog is down at first: delivery retries, then everything arrives in order.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { logType } from '../src/registry/log-types.ts';
import { DEFAULT_TENANT } from '../src/security/api-keys.ts';
import { SAMPLES } from './fixtures/samples.ts';
import { freePort } from './helpers/free-port.ts';
import { startTestServer, type TestServer, tempDataDir } from './helpers/server.ts';
import { waitFor } from './helpers/wait.ts';

type Rec = Record<string, unknown>;
const RSYSLOGD = ['/usr/sbin/rsyslogd', '/sbin/rsyslogd'].find((p) => existsSync(p));
const work = tempDataDir('idtrail-rsyslog-');
const out = path.join(work.dir, 'out.log');
let server: TestServer;
let rsyslog: ChildProcess | null = null;
let port = 0;

async function startRsyslog(): Promise<void> {
  assert.ok(RSYSLOGD, 'rsyslogd is not installed (scripts/test-all.sh installs the rsyslog package)');
  const conf = path.join(work.dir, 'rsyslog.conf');
  // Its own config: only a TCP input on loopback and a file output. Fields are tab-separated.
  writeFileSync(
    conf,
    `global(workDirectory="${work.dir}" maxMessageSize="256k")
module(load="imtcp")
template(name="idtrail" type="string" string="%app-name%\\t%msgid%\\t%structured-data%\\t%msg%\\n")
ruleset(name="idtrail") { action(type="omfile" file="${out}" template="idtrail") }
input(type="imtcp" address="127.0.0.1" port="${port}" ruleset="idtrail")
`,
  );
  const child = spawn(RSYSLOGD, ['-n', '-f', conf, '-i', path.join(work.dir, 'rsyslogd.pid')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  rsyslog = child;
  let log = '';
  child.stdout!.on('data', (d: Buffer) => {
    log += d.toString();
  });
  child.stderr!.on('data', (d: Buffer) => {
    log += d.toString();
  });
  await waitFor('rsyslog to listen', async () => {
    if (child.exitCode !== null) throw new Error(`rsyslogd exited: ${log}`);
    const net = await import('node:net');
    return new Promise<boolean>((resolve) => {
      const s = net.connect({ host: '127.0.0.1', port }, () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
  });
}

before(async () => {
  port = await freePort();
  server = await startTestServer({ routerBackoffMaxMs: 1_000 });
});

after(async () => {
  await server.close();
  if (rsyslog && rsyslog.exitCode === null) {
    const gone = new Promise((r) => rsyslog!.once('exit', r));
    rsyslog.kill('SIGTERM');
    await gone;
  }
  work.remove();
});

function received(): Array<{ app: string; msgId: string; sd: string; env: Rec }> {
  if (!existsSync(out)) return [];
  return readFileSync(out, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      const [app, msgId, sd, ...rest] = l.split('\t');
      return { app: app!, msgId: msgId!, sd: sd!, env: JSON.parse(rest.join('\t').trimStart()) as Rec };
    });
}

test('RFC 5424 over TCP into rsyslog: every record, in order, with its envelope and structured data', {
  timeout: 240_000,
}, async () => {
  const res = await server.send('PUT', '/api/v1/destinations/rsyslog', {
    type: 'syslog',
    host: '127.0.0.1',
    port,
  });
  assert.equal(res.status, 201);
  assert.equal(
    (
      await server.send('PUT', '/api/v1/diagnosticSettings/to-syslog', {
        properties: {
          eventHubAuthorizationRuleId: 'rsyslog',
          logs: [
            { category: 'SignInLogs', enabled: true },
            { category: 'AuditLogs', enabled: true },
          ],
        },
      })
    ).status,
    200,
  );
  const n = 300;
  const signIns = Array.from({ length: n }, (_, i) => ({
    ...SAMPLES.SignInLogs,
    id: `syslog-${String(i).padStart(4, '0')}`,
  }));
  assert.equal((await server.post('/api/v1/ingest/SignInLogs', signIns)).status, 200);
  assert.equal((await server.post('/api/v1/ingest/AuditLogs', [SAMPLES.AuditLogs])).status, 200);
  await waitFor('the failure in the API while rsyslog is down', async () => {
    const h = ((await (await server.get('/api/v1/destinations/rsyslog')).json()) as Rec).health as Rec;
    return h.state === 'retrying' && /ECONNREFUSED/.test(String(h.lastError));
  });
  await startRsyslog();
  await waitFor("every message in rsyslog's file", () => received().length >= n + 1);

  const got = received();
  assert.equal(got.length, n + 1);
  const sign = got.filter((m) => m.msgId === 'SignInLogs');
  assert.deepEqual(
    sign.map((m) => (m.env.properties as Rec).id),
    signIns.map((r) => r.id),
    'sign-ins in order, once each',
  );
  const tenant = DEFAULT_TENANT;
  const firstSeq = (await server.running.store.readChain(logType('SignInLogs'), tenant, 1, 1))[0]!.seq;
  for (const [i, m] of sign.entries()) {
    assert.equal(m.app, 'idtrail');
    assert.equal(m.sd, `[idtrail@32473 tenantId="${tenant}" category="SignInLogs" seq="${firstSeq + i}"]`);
    assert.equal(m.env.category, 'SignInLogs');
    assert.equal(m.env.operationName, 'Sign-in activity');
  }
  const audit = got.find((m) => m.msgId === 'AuditLogs');
  assert.ok(audit);
  assert.equal(audit.env.operationName, SAMPLES.AuditLogs.activityDisplayName);
  const h = ((await (await server.get('/api/v1/destinations/rsyslog')).json()) as Rec).health as Rec;
  assert.equal(h.delivered, n + 1);
  assert.equal(h.lag, 0);
});
