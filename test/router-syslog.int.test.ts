/**
 * Syslog delivery into a real rsyslog (Debian's `rsyslogd`, started here with its own config on a
 * loopback port, not the system's): RFC 5424 over TCP with octet-counting framing, read back from
 * the file rsyslog writes. rsyslog is down at first: delivery retries, then everything arrives in order.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { logType } from '../src/registry/log-types.ts';
import { DEFAULT_TENANT } from '../src/security/api-keys.ts';
import { SAMPLES } from './fixtures/samples.ts';
import { parseCef } from './helpers/cef.ts';
import { freePort } from './helpers/free-port.ts';
import { startTestServer, type TestServer, tempDataDir } from './helpers/server.ts';
import { waitFor } from './helpers/wait.ts';

type Rec = Record<string, unknown>;
const RSYSLOGD = ['/usr/sbin/rsyslogd', '/sbin/rsyslogd'].find((p) => existsSync(p));
const work = tempDataDir('idtrail-rsyslog-');
let server: TestServer;
let port = 0;

interface Rsyslog {
  child: ChildProcess;
  port: number;
  out: string;
}
const daemons: Rsyslog[] = [];

/** Starts rsyslogd with its own config in `dir`: one TCP (or TLS) input on loopback, one file output. */
async function startRsyslog(
  dir: string,
  port: number,
  tls?: { ca: string; cert: string; key: string },
): Promise<Rsyslog> {
  assert.ok(RSYSLOGD, 'rsyslogd is not installed (scripts/test-all.sh installs the rsyslog package)');
  mkdirSync(dir, { recursive: true });
  const conf = path.join(dir, 'rsyslog.conf');
  const out = path.join(dir, 'out.log');
  const driver = tls
    ? ` DefaultNetstreamDriver="gtls" DefaultNetstreamDriverCAFile="${tls.ca}" DefaultNetstreamDriverCertFile="${tls.cert}" DefaultNetstreamDriverKeyFile="${tls.key}"`
    : '';
  const tcp = tls ? ' StreamDriver.Name="gtls" StreamDriver.Mode="1" StreamDriver.AuthMode="anon"' : '';
  // Fields are tab-separated in the output file.
  writeFileSync(
    conf,
    `global(workDirectory="${dir}" maxMessageSize="256k"${driver})
module(load="imtcp"${tcp})
template(name="idtrail" type="string" string="%app-name%\t%msgid%\t%structured-data%\t%msg%\n")
ruleset(name="idtrail") { action(type="omfile" file="${out}" template="idtrail") }
input(type="imtcp" address="127.0.0.1" port="${port}" ruleset="idtrail")
`,
  );
  const child = spawn(RSYSLOGD, ['-n', '-f', conf, '-i', path.join(dir, 'rsyslogd.pid')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const d = { child, port, out };
  daemons.push(d);
  let log = '';
  child.stdout!.on('data', (b: Buffer) => {
    log += b.toString();
  });
  child.stderr!.on('data', (b: Buffer) => {
    log += b.toString();
  });
  await waitFor('rsyslog to listen', async () => {
    if (child.exitCode !== null) throw new Error(`rsyslogd exited: ${log}`);
    return new Promise<boolean>((resolve) => {
      const s = net.connect({ host: '127.0.0.1', port }, () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
  });
  return d;
}

before(async () => {
  port = await freePort();
  server = await startTestServer({ routerBackoffMaxMs: 1_000 });
});

after(async () => {
  await server.close();
  for (const d of daemons) {
    if (d.child.exitCode !== null) continue;
    const gone = new Promise((r) => d.child.once('exit', r));
    d.child.kill('SIGTERM');
    await gone;
  }
  work.remove();
});

function received(out: string): Array<{ app: string; msgId: string; sd: string; env: Rec }> {
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
  const d = await startRsyslog(path.join(work.dir, 'tcp'), port);
  await waitFor("every message in rsyslog's file", () => received(d.out).length >= n + 1);

  const got = received(d.out);
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

test('RFC 5425: syslog over TLS into rsyslog (gtls), the server certificate checked against the given CA', {
  timeout: 240_000,
}, async () => {
  const dir = path.join(work.dir, 'tls');
  mkdirSync(dir, { recursive: true });
  const file = (n: string) => path.join(dir, n);
  // A private CA and a server certificate for 127.0.0.1, made with the openssl CLI.
  const ossl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  ossl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    file('ca-key.pem'),
    '-out',
    file('ca.pem'),
    '-days',
    '2',
    '-subj',
    '/CN=idtrail test CA',
  );
  ossl(
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    file('key.pem'),
    '-out',
    file('req.pem'),
    '-subj',
    '/CN=127.0.0.1',
  );
  writeFileSync(file('ext.cnf'), 'subjectAltName=IP:127.0.0.1\n');
  ossl(
    'x509',
    '-req',
    '-in',
    file('req.pem'),
    '-CA',
    file('ca.pem'),
    '-CAkey',
    file('ca-key.pem'),
    '-CAcreateserial',
    '-out',
    file('cert.pem'),
    '-days',
    '2',
    '-extfile',
    file('ext.cnf'),
  );
  const tlsPort = await freePort();
  const d = await startRsyslog(path.join(dir, 'daemon'), tlsPort, {
    ca: file('ca.pem'),
    cert: file('cert.pem'),
    key: file('key.pem'),
  });

  // Without the CA the certificate is refused: nothing is delivered and the error shows.
  let res = await server.send('PUT', '/api/v1/destinations/rsyslog-tls', {
    type: 'syslog',
    host: '127.0.0.1',
    port: tlsPort,
    tls: true,
  });
  assert.equal(res.status, 201);
  res = await server.send('PUT', '/api/v1/diagnosticSettings/to-syslog-tls', {
    properties: {
      eventHubAuthorizationRuleId: 'rsyslog-tls',
      logs: [{ category: 'ProvisioningLogs', enabled: true }],
    },
  });
  assert.equal(res.status, 200);
  const n = 50;
  const records = Array.from({ length: n }, (_, i) => ({
    ...SAMPLES.ProvisioningLogs,
    id: `tls-${String(i).padStart(3, '0')}`,
  }));
  assert.equal((await server.post('/api/v1/ingest/ProvisioningLogs', records)).status, 200);
  await waitFor('the certificate failure in the API', async () => {
    const h = ((await (await server.get('/api/v1/destinations/rsyslog-tls')).json()) as Rec).health as Rec;
    return h.state === 'retrying' && /certificate/i.test(String(h.lastError));
  });
  assert.equal(received(d.out).length, 0);
  // With the CA, the same records arrive, in order.
  res = await server.send('PUT', '/api/v1/destinations/rsyslog-tls', {
    type: 'syslog',
    host: '127.0.0.1',
    port: tlsPort,
    tls: true,
    ca: readFileSync(file('ca.pem'), 'utf8'),
  });
  assert.equal(res.status, 200);
  await waitFor('every record over TLS', () => received(d.out).length >= n);
  const got = received(d.out);
  assert.deepEqual(
    got.map((m) => (m.env.properties as Rec).id),
    records.map((r) => r.id),
  );
  for (const m of got) {
    assert.equal(m.msgId, 'ProvisioningLogs');
    assert.equal(m.env.operationName, 'Provisioning activity');
  }
});

test('CEF payload over TCP into rsyslog: each record one CEF event with the mapped fields, escaping intact', {
  timeout: 240_000,
}, async () => {
  const cefPort = await freePort();
  const d = await startRsyslog(path.join(work.dir, 'cef'), cefPort);
  let res = await server.send('PUT', '/api/v1/destinations/rsyslog-cef', {
    type: 'syslog',
    host: '127.0.0.1',
    port: cefPort,
    format: 'cef',
  });
  assert.equal(res.status, 201, await res.text());
  assert.equal(
    (
      await server.send('PUT', '/api/v1/destinations/rsyslog-bad', {
        type: 'syslog',
        host: '127.0.0.1',
        port: cefPort,
        format: 'leef',
      })
    ).status,
    400,
  );
  res = await server.send('PUT', '/api/v1/diagnosticSettings/to-cef', {
    properties: {
      eventHubAuthorizationRuleId: 'rsyslog-cef',
      logs: [
        { category: 'NonInteractiveUserSignInLogs', enabled: true },
        { category: 'CustomSecurityAttributeAuditLogs', enabled: true },
      ],
    },
  });
  assert.equal(res.status, 200, await res.text());
  const n = 20;
  const signIns = Array.from({ length: n }, (_, i) => ({
    ...SAMPLES.NonInteractiveUserSignInLogs,
    id: `cef-${String(i).padStart(3, '0')}`,
    status: { errorCode: 50126, failureReason: `bad password = try ${i} | C:\\path\nnext line` },
  }));
  assert.equal((await server.post('/api/v1/ingest/NonInteractiveUserSignInLogs', signIns)).status, 200);
  const audit = { ...SAMPLES.CustomSecurityAttributeAuditLogs, activityDisplayName: 'Set|attribute \\ x=1' };
  assert.equal((await server.post('/api/v1/ingest/CustomSecurityAttributeAuditLogs', [audit])).status, 200);
  const lines = () =>
    existsSync(d.out)
      ? readFileSync(d.out, 'utf8')
          .split('\n')
          .filter((l) => l !== '')
          .map((l) => {
            const [app, msgId, sd, ...rest] = l.split('\t');
            return { app, msgId, sd, cef: parseCef(rest.join('\t').trimStart()) };
          })
      : [];
  await waitFor('every CEF event in rsyslog', () => lines().length >= n + 1);
  const got = lines();
  assert.equal(got.length, n + 1);
  const sign = got.filter((m) => m.msgId === 'NonInteractiveUserSignInLogs');
  assert.deepEqual(
    sign.map((m) => m.cef.ext.externalId),
    signIns.map((r) => r.id),
    'in order, once each',
  );
  for (const [i, m] of sign.entries()) {
    const c = m.cef;
    assert.deepEqual(
      [c.version, c.vendor, c.product, c.signature, c.name, c.severity],
      ['0', 'Microsoft', 'Entra ID', 'NonInteractiveUserSignInLogs', 'Sign-in activity', '5'],
    );
    assert.equal(c.ext.suser, SAMPLES.NonInteractiveUserSignInLogs!.userPrincipalName);
    assert.equal(c.ext.src, SAMPLES.NonInteractiveUserSignInLogs!.ipAddress);
    assert.equal(c.ext.app, SAMPLES.NonInteractiveUserSignInLogs!.appDisplayName);
    assert.equal(c.ext.outcome, 'failure');
    assert.equal(c.ext.rt, String(Date.parse(String(SAMPLES.NonInteractiveUserSignInLogs!.createdDateTime))));
    assert.equal(c.ext.msg, `bad password = try ${i} | C:\\path\nnext line`, 'escaping survives rsyslog');
    assert.equal(c.ext.cs1, DEFAULT_TENANT);
  }
  const a = got.find((m) => m.msgId === 'CustomSecurityAttributeAuditLogs')!;
  assert.equal(a.cef.name, 'Set|attribute \\ x=1');
  assert.equal(a.cef.ext.act, 'Set|attribute \\ x=1');
});
