/**
 * Diagnostic settings end to end on a real server: the settings and destinations API (shape,
 * validation, roles, secrets), delivery of every category to a filesystem archive and a real HTTP
 * webhook in Azure's formats (checked against entra-formats.md §3.3–3.5), replay from a point in
 * time, and a webhook receiver that is down for 30 s and then back: every record arrives, in order.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { LOG_TYPES, logType } from '../src/registry/log-types.ts';
import { DEFAULT_TENANT } from '../src/security/api-keys.ts';
import { SAMPLES } from './fixtures/samples.ts';
import { startTestServer, type TestServer, tempDataDir } from './helpers/server.ts';
import { waitFor } from './helpers/wait.ts';
import { WebhookReceiver } from './helpers/webhook-receiver.ts';

type Rec = Record<string, unknown>;
const SECRET = 'webhook-secret-for-tests-0123456789';

async function json(res: Response): Promise<Rec> {
  return (await res.json()) as Rec;
}

function assertGraphError(body: Rec, code: string): void {
  const e = body.error as Rec;
  assert.ok(e, JSON.stringify(body));
  assert.equal(e.code, code, JSON.stringify(body));
  assert.ok((e.innerError as Rec)['request-id']);
}

/** Every line of every PT1H.json under an archive root, with its path relative to the root. */
function archiveLines(root: string): Array<{ file: string; line: string }> {
  const out: Array<{ file: string; line: string }> = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir)) {
      const p = path.join(dir, e);
      if (statSync(p).isDirectory()) walk(p);
      else {
        const text = readFileSync(p, 'utf8');
        assert.ok(text === '' || text.endsWith('\n'), `${p} ends in a torn line`);
        for (const line of text.split('\n').slice(0, -1)) out.push({ file: path.relative(root, p), line });
      }
    }
  };
  walk(root);
  return out;
}

describe('diagnostic settings API', () => {
  let server: TestServer;
  const archive = tempDataDir('idtrail-archive-');
  before(async () => {
    server = await startTestServer();
  });
  after(async () => {
    await server.close();
    archive.remove();
  });

  it('lists the categories a setting can route, in ARM shape', async () => {
    const body = await json(await server.get('/api/v1/diagnosticSettingsCategories'));
    const value = body.value as Rec[];
    assert.deepEqual(
      value.map((c) => c.name),
      LOG_TYPES.map((t) => t.category),
    );
    assert.deepEqual(value[0], {
      id: 'providers/microsoft.aadiam/diagnosticSettingsCategories/AuditLogs',
      name: 'AuditLogs',
      type: '',
      properties: { categoryType: 'Logs' },
    });
  });

  it('creates, reads, updates and deletes destinations; secrets never come back', async () => {
    let res = await server.send('PUT', '/api/v1/destinations/archive', {
      type: 'filesystem',
      path: archive.dir,
    });
    assert.equal(res.status, 201);
    res = await server.send('PUT', '/api/v1/destinations/siem', {
      type: 'webhook',
      url: 'http://127.0.0.1:9/in',
      secret: SECRET,
    });
    assert.equal(res.status, 201);
    const created = await json(res);
    assert.equal(created.url, 'http://127.0.0.1:9/in');
    assert.deepEqual(created.secretsSet, ['secret']);
    for (const r of [
      await server.get('/api/v1/destinations/siem'),
      await server.get('/api/v1/destinations'),
    ]) {
      const text = await r.text();
      assert.equal(r.status, 200);
      assert.ok(!text.includes(SECRET), `secret echoed: ${text}`);
    }
    const blob = await server.send('PUT', '/api/v1/destinations/blob', {
      type: 'azureBlob',
      connectionString:
        'DefaultEndpointsProtocol=http;AccountName=acct;AccountKey=c2VjcmV0LWtleQ==;BlobEndpoint=http://127.0.0.1:9/acct;',
    });
    assert.equal(blob.status, 201);
    assert.ok(!(await (await server.get('/api/v1/destinations/blob')).text()).includes('c2VjcmV0LWtleQ'));
    res = await server.send('PUT', '/api/v1/destinations/siem', {
      type: 'webhook',
      url: 'http://127.0.0.1:9/v2',
      secret: SECRET,
    });
    assert.equal(res.status, 200);
    assert.equal((await json(res)).url, 'http://127.0.0.1:9/v2');
    assert.equal((await server.send('DELETE', '/api/v1/destinations/blob')).status, 204);
    assert.equal((await server.get('/api/v1/destinations/blob')).status, 404);
    const list = (await json(await server.get('/api/v1/destinations'))).value as Rec[];
    assert.deepEqual(
      list.map((d) => d.name),
      ['archive', 'siem'],
    );
  });

  it('refuses bad names (path traversal included) and bad bodies, changing nothing', async () => {
    for (const name of ['..%2F..%2Fetc', '..', '.hidden', 'a%2Fb', 'a%5Cb', '%2E%2E']) {
      const res = await server.send('PUT', `/api/v1/destinations/${name}`, {
        type: 'filesystem',
        path: '/tmp/x',
      });
      assert.ok(res.status === 400 || res.status === 404, `${name}: ${res.status}`);
      assertGraphError(await json(res), res.status === 400 ? 'BadRequest' : 'NotFound');
      const s = await server.send('PUT', `/api/v1/diagnosticSettings/${name}`, {
        properties: { storageAccountId: 'archive', logs: [] },
      });
      assert.ok(s.status === 400 || s.status === 404, `${name}: ${s.status}`);
    }
    for (const body of [
      'not json',
      { type: 'ftp' },
      { type: 'filesystem', path: 'relative/dir' },
      { type: 'webhook', url: 'http://x', secret: 'short' },
    ]) {
      const res = await server.send('PUT', '/api/v1/destinations/bad', body);
      assert.equal(res.status, 400);
      assertGraphError(await json(res), 'BadRequest');
    }
    const names = ((await json(await server.get('/api/v1/destinations'))).value as Rec[]).map((d) => d.name);
    assert.deepEqual(names, ['archive', 'siem']);
    assert.equal(((await json(await server.get('/api/v1/diagnosticSettings'))).value as Rec[]).length, 0);
  });

  it('settings in ARM shape: destinations by name, the right slot, at most five per tenant', async () => {
    const put = (name: string, properties: Rec) =>
      server.send('PUT', `/api/v1/diagnosticSettings/${name}`, { properties });
    let res = await put('to-archive', {
      storageAccountId: 'archive',
      logs: [
        { category: 'AuditLogs', enabled: true },
        { category: 'signinlogs', enabled: false },
      ],
    });
    assert.equal(res.status, 200);
    assert.deepEqual(await json(res), {
      id: 'providers/microsoft.aadiam/diagnosticSettings/to-archive',
      type: '',
      name: 'to-archive',
      properties: {
        storageAccountId: 'archive',
        logs: [
          { category: 'AuditLogs', enabled: true, retentionPolicy: { enabled: false, days: 0 } },
          { category: 'SignInLogs', enabled: false, retentionPolicy: { enabled: false, days: 0 } },
        ],
        metrics: [],
      },
    });
    const wrong = [
      [{ storageAccountId: 'missing', logs: [] }, /names no destination/],
      [{ storageAccountId: 'siem', logs: [] }, /eventHubAuthorizationRuleId/],
      [{ eventHubAuthorizationRuleId: 'archive', logs: [] }, /storageAccountId/],
      [
        { storageAccountId: 'archive', logs: [{ category: 'NoSuchLogs', enabled: true }] },
        /unknown category/,
      ],
      [{ logs: [{ category: 'AuditLogs', enabled: true }] }, /at least one/],
    ] as const;
    for (const [p, msg] of wrong) {
      const r = await put('wrong', p as Rec);
      assert.equal(r.status, 400);
      const b = await json(r);
      assertGraphError(b, 'BadRequest');
      assert.match(String((b.error as Rec).message), msg);
    }
    assert.equal((await server.get('/api/v1/diagnosticSettings/wrong')).status, 404);
    for (let i = 2; i <= 5; i++)
      assert.equal((await put(`s${i}`, { storageAccountId: 'archive', logs: [] })).status, 200);
    res = await put('s6', { storageAccountId: 'archive', logs: [] });
    assert.equal(res.status, 400);
    assert.match(String(((await json(res)).error as Rec).message), /at most 5/);
    // Editing one of the five is still allowed.
    assert.equal(
      (await put('s5', { storageAccountId: 'archive', logs: [{ category: 'RiskyUsers', enabled: true }] }))
        .status,
      200,
    );
    // A destination in use cannot be deleted.
    res = await server.send('DELETE', '/api/v1/destinations/archive');
    assert.equal(res.status, 409);
    assertGraphError(await json(res), 'Conflict');
    for (let i = 2; i <= 5; i++)
      assert.equal((await server.send('DELETE', `/api/v1/diagnosticSettings/s${i}`)).status, 200);
    assert.equal((await server.send('DELETE', '/api/v1/diagnosticSettings/s5')).status, 404);
    const left = ((await json(await server.get('/api/v1/diagnosticSettings'))).value as Rec[]).map(
      (s) => s.name,
    );
    assert.deepEqual(left, ['to-archive']);
  });

  it('only Global and Security Administrators manage settings; other tenants see none of them', async () => {
    const reader = await server.key(['Security Reader'], DEFAULT_TENANT);
    const secAdmin = await server.key(['Security Administrator'], DEFAULT_TENANT);
    const other = await server.key(['Global Administrator'], '22222222-2222-2222-2222-222222222222');
    for (const p of [
      '/api/v1/diagnosticSettings',
      '/api/v1/destinations',
      '/api/v1/diagnosticSettingsCategories',
    ]) {
      const r = await server.get(p, reader);
      assert.equal(r.status, 403);
      assertGraphError(await json(r), 'Authorization_RequestDenied');
      assert.equal((await server.get(p, null)).status, 401);
      assert.equal((await server.get(p, secAdmin)).status, 200);
    }
    assert.equal(
      ((await json(await server.get('/api/v1/diagnosticSettings', other))).value as Rec[]).length,
      0,
    );
    assert.equal((await server.get('/api/v1/destinations/archive', other)).status, 404);
  });

  it('routing custom security attribute audits also needs Attribute Log Administrator', async () => {
    const body = {
      properties: {
        storageAccountId: 'archive',
        logs: [{ category: 'CustomSecurityAttributeAuditLogs', enabled: true }],
      },
    };
    for (const roles of [['Global Administrator'], ['Security Administrator']] as const) {
      const k = await server.key([...roles], DEFAULT_TENANT);
      const r = await server.send('PUT', '/api/v1/diagnosticSettings/attr', body, k);
      assert.equal(r.status, 403, roles.join());
      assertGraphError(await json(r), 'Authorization_RequestDenied');
    }
    assert.equal((await server.get('/api/v1/diagnosticSettings/attr')).status, 404, 'nothing was made');
    const both = await server.key(['Security Administrator', 'Attribute Log Administrator'], DEFAULT_TENANT);
    assert.equal((await server.send('PUT', '/api/v1/diagnosticSettings/attr', body, both)).status, 200);
    assert.equal(
      (await server.send('DELETE', '/api/v1/diagnosticSettings/attr', undefined, both)).status,
      200,
    );
  });
});

/** `8/22/2022 6:11:52 PM` for a UTC instant, by the platform's en-US formatting (not the code under test). */
function usLocale(iso: unknown): string {
  return new Date(String(iso))
    .toLocaleString('en-US', { timeZone: 'UTC', hour12: true })
    .replace(', ', ' ')
    .replace(/\u202f/g, ' ');
}

/** What the reference (§3.5, "Observed envelopes per category") says each category's envelope holds. */
function checkEnvelope(env: Rec, stored: Rec, category: string, tenant: string): void {
  const type = logType(category);
  const at = `${category} envelope ${JSON.stringify(env).slice(0, 300)}`;
  // Common schema (§3.5): required fields.
  assert.equal(env.category, category, at);
  assert.equal(env.tenantId, tenant, at);
  assert.match(
    String(env.resourceId),
    new RegExp(`^/tenants/${tenant}/providers/microsoft\\.aadiam$`, 'i'),
    at,
  );
  assert.equal(typeof env.operationName, 'string', at);
  assert.ok(env.time, at);
  assert.equal(env.operationVersion, type.operationVersion, at);
  const props = env.properties as Rec;
  // Outside the audit logs, properties are the stored Graph-shaped record as it is.
  if (type.family !== 'audit') assert.deepEqual(props, stored, at);
  switch (category) {
    case 'AuditLogs': {
      const init = stored.initiatedBy as Rec;
      const user = init.user as Rec | null;
      assert.equal(env.operationName, stored.activityDisplayName, at);
      assert.equal(env.resultType, undefined, at);
      assert.equal(env.resultSignature, 'None', at);
      assert.equal(env.Level, 4, at);
      assert.equal(env.time, stored.activityDateTime, at);
      assert.equal(env.identity, user ? user.displayName : (init.app as Rec).displayName, at);
      if (user) assert.equal(env.callerIpAddress, user.ipAddress, at);
      // Only the populated initiator branch (§3.5).
      assert.deepEqual(Object.keys(props.initiatedBy as Rec), [user ? 'user' : 'app'], at);
      // Envelope copies inside properties (§3.5).
      assert.equal(props.tenantId, tenant, at);
      assert.equal(props.resultType, '', at);
      assert.equal(props.resultDescription, '', at);
      assert.equal(props.operationName, env.operationName, at);
      assert.equal(props.identity, env.identity, at);
      assert.equal(props.tenantGeo, 'NA', at);
      // Everything else in properties is the stored Graph record.
      for (const [k, v] of Object.entries(stored)) {
        if (k !== 'initiatedBy') assert.deepEqual(props[k], v, `${k}: ${at}`);
      }
      break;
    }
    case 'SignInLogs':
    case 'NonInteractiveUserSignInLogs':
    case 'ServicePrincipalSignInLogs':
    case 'ManagedIdentitySignInLogs': {
      const code = (stored.status as Rec).errorCode;
      assert.equal(env.operationName, 'Sign-in activity', at);
      assert.equal(env.resultType, String(code), at);
      assert.equal(env.resultSignature, code === 0 ? 'SUCCESS' : 'FAILURE', at);
      assert.equal(env.Level, 4, at);
      // Stamped when processed (here: received), after the sign-in itself; ISO in UTC.
      assert.match(String(env.time), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/, at);
      assert.ok(Date.parse(String(env.time)) > Date.parse(String(stored.createdDateTime)), at);
      if (category === 'ManagedIdentitySignInLogs') {
        for (const k of ['identity', 'callerIpAddress', 'location'])
          assert.equal(env[k], undefined, `${k}: ${at}`);
        assert.equal(env.durationMs, 0, at);
      } else {
        assert.equal(env.callerIpAddress, stored.ipAddress, at);
        assert.equal(env.location, (stored.location as Rec).countryOrRegion, at);
        if (category === 'ServicePrincipalSignInLogs') assert.equal(env.identity, undefined, at);
        else assert.equal(env.identity, stored.userDisplayName, at);
      }
      break;
    }
    case 'ProvisioningLogs':
      assert.equal(env.operationName, 'Provisioning activity', at);
      assert.equal(env.identity, stored.id, at);
      assert.equal(env.correlationId, stored.changeId, at);
      assert.equal(env.durationMs, stored.durationInMilliseconds, at);
      assert.equal(env.Level, 4, at);
      break;
    case 'ADFSSignInLogs':
      assert.equal(env.operationName, 'Sign-in activity', at);
      // `level` in lower case holding "4", and a US-locale time (§3.5).
      assert.equal(env.level, '4', at);
      assert.equal(env.Level, undefined, at);
      assert.equal(env.time, usLocale(stored.createdDateTime), at);
      break;
    case 'MicrosoftGraphActivityLogs':
      assert.equal(env.operationName, 'Microsoft Graph Activity', at);
      assert.equal(env.operationVersion, 'v1.0', at);
      // Upper-case resourceId, `level: "Informational"`, the HTTP status as resultSignature (§3.5).
      assert.equal(env.resourceId, `/TENANTS/${tenant.toUpperCase()}/PROVIDERS/MICROSOFT.AADIAM`, at);
      assert.equal(env.level, 'Informational', at);
      assert.equal(env.Level, undefined, at);
      assert.equal(env.resultSignature, String(stored.responseStatusCode), at);
      break;
    case 'RiskyUsers':
    case 'UserRiskEvents':
      assert.equal(env.operationName, category === 'RiskyUsers' ? 'Risky user' : 'User Risk Detection', at);
      assert.equal(env.resultSignature, 'None', at);
      // Lower-case provider and a US-locale time (§3.5).
      assert.equal(env.resourceId, `/tenants/${tenant}/providers/microsoft.aadiam`, at);
      assert.equal(env.time, usLocale(stored[type.timeField]), at);
      break;
    default:
      // The custom-security-attribute audit shares the audit mapping: the activity is the operation.
      assert.equal(
        env.operationName,
        type.family === 'audit' ? stored.activityDisplayName : type.operationName,
        at,
      );
  }
}

describe('delivery to a filesystem archive and a webhook', () => {
  let server: TestServer;
  const receiver = new WebhookReceiver(SECRET);
  const archive = tempDataDir('idtrail-archive-');
  const tenant = DEFAULT_TENANT;

  before(async () => {
    server = await startTestServer({ routerBackoffMaxMs: 2_000 });
    await receiver.start();
  });
  after(async () => {
    await server.close();
    await receiver.stop();
    archive.remove();
  });

  it('every category arrives in Azure layout and envelope, as archive lines and stream messages', async () => {
    // Records stored before the setting exists: replayed because the setting says so.
    for (const [category, sample] of Object.entries(SAMPLES)) {
      const r = await server.post(`/api/v1/ingest/${category}`, [sample]);
      assert.equal(r.status, 200, `${category}: ${await r.text()}`);
    }
    assert.equal(
      (await server.send('PUT', '/api/v1/destinations/archive', { type: 'filesystem', path: archive.dir }))
        .status,
      201,
    );
    assert.equal(
      (
        await server.send('PUT', '/api/v1/destinations/siem', {
          type: 'webhook',
          url: receiver.url,
          secret: SECRET,
        })
      ).status,
      201,
    );
    const res = await server.send('PUT', '/api/v1/diagnosticSettings/everything', {
      properties: {
        storageAccountId: 'archive',
        eventHubAuthorizationRuleId: 'siem',
        logs: LOG_TYPES.map((t) => ({ category: t.category, enabled: true })),
        replayFrom: '2000-01-01T00:00:00Z',
      },
    });
    assert.equal(res.status, 200, await res.text());
    const n = LOG_TYPES.length;
    await waitFor(
      'every category in the archive and the stream',
      () => archiveLines(archive.dir).length >= n && receiver.records.length >= n,
    );

    const lines = archiveLines(archive.dir);
    assert.equal(lines.length, n);
    assert.equal(receiver.records.length, n);
    assert.equal(receiver.badSignatures, 0);
    const hour = (await server.running.store.readChain(logType('AuditLogs'), tenant, 1, 1))[0]!.ingestedAt;
    const d = new Date(hour);
    const p2 = (x: number) => String(x).padStart(2, '0');
    for (const t of LOG_TYPES) {
      const stored = JSON.parse((await server.running.store.readChain(t, tenant, 1, 1))[0]!.record) as Rec;
      const file = `insights-logs-${t.category.toLowerCase()}/tenantId=${tenant}/y=${d.getUTCFullYear()}/m=${p2(d.getUTCMonth() + 1)}/d=${p2(d.getUTCDate())}/h=${p2(d.getUTCHours())}/m=00/PT1H.json`;
      const inFile = lines.filter((l) => l.file === file);
      assert.equal(
        inFile.length,
        1,
        `${t.category}: no line in ${file}; files: ${lines.map((l) => l.file).join(', ')}`,
      );
      const env = JSON.parse(inFile[0]!.line) as Rec;
      checkEnvelope(env, stored, t.category, tenant);
      // The stream carries the same envelope, in a {"records":[…]} message of its category.
      const msg = receiver.messages.find((m) => m.category === t.category);
      assert.ok(msg, `${t.category}: no stream message`);
      assert.deepEqual(Object.keys(JSON.parse(msg.body) as Rec), ['records']);
      assert.ok(Buffer.byteLength(msg.body) <= 256 * 1024);
      assert.deepEqual(msg.records[0], env);
    }

    const dest = await json(await server.get('/api/v1/destinations/archive'));
    const health = dest.health as Rec;
    assert.equal(health.delivered, n);
    assert.equal(health.lag, 0);
    assert.equal(health.lastError, null);
    const metrics = await (await server.get('/metrics', null)).text();
    assert.match(
      metrics,
      /idtrail_delivered_records_total\{[^}]*category="AuditLogs",destination="archive"\} 1/,
    );
    assert.match(metrics, /idtrail_delivery_lag_records\{[^}]*destination="siem"\} 0/);
  });

  it('a setting without replayFrom starts from now; a later record reaches it', async () => {
    const res = await server.send('PUT', '/api/v1/diagnosticSettings/from-now', {
      properties: { eventHubAuthorizationRuleId: 'siem', logs: [{ category: 'SignInLogs', enabled: true }] },
    });
    assert.equal(res.status, 200);
    const before = receiver.records.length;
    const fresh = { ...SAMPLES.SignInLogs, id: 'from-now-1' };
    assert.equal((await server.post('/api/v1/ingest/SignInLogs', [fresh])).status, 200);
    // Both settings route SignInLogs to the webhook: the new record arrives twice, the old one never again.
    await waitFor(
      'the new sign-in through both settings',
      () => receiver.records.filter((r) => (r.properties as Rec).id === 'from-now-1').length === 2,
    );
    const ids = receiver.records.slice(before).map((r) => (r.properties as Rec).id);
    assert.deepEqual(ids, ['from-now-1', 'from-now-1']);
    assert.equal((await server.send('DELETE', '/api/v1/diagnosticSettings/from-now')).status, 200);
  });

  it('replayFrom a point in time delivers exactly the records stored since then', async () => {
    const signIns = logType('SignInLogs');
    const post = async (prefix: string) => {
      const batch = Array.from({ length: 5 }, (_, i) => ({ ...SAMPLES.SignInLogs, id: `${prefix}-${i}` }));
      const r = (await json(await server.post('/api/v1/ingest/SignInLogs', batch))) as { firstSeq: number };
      return r.firstSeq;
    };
    await post('replay-before');
    await sleep(20); // the next commit gets a later ingest time
    const firstAfter = await post('replay-after');
    const since = (await server.running.store.readChain(signIns, tenant, firstAfter, 1))[0]!.ingestedAt;
    const ids = () => receiver.records.map((r) => String((r.properties as Rec).id));
    // The 'everything' setting delivers them first; the new setting's records come after.
    await waitFor('the existing setting to deliver', () => ids().includes('replay-after-4'));
    const before = receiver.records.length;
    const res = await server.send('PUT', '/api/v1/diagnosticSettings/replay', {
      properties: {
        eventHubAuthorizationRuleId: 'siem',
        logs: [{ category: 'SignInLogs', enabled: true }],
        replayFrom: since,
      },
    });
    assert.equal(res.status, 200);
    assert.equal(((await json(res)).properties as Rec).replayFrom, new Date(since).toISOString());
    await waitFor('the replayed records', () => receiver.records.length >= before + 5);
    // Delivery is in seq order, so a record from before `since` would come first.
    assert.deepEqual(
      ids().slice(before, before + 5),
      [0, 1, 2, 3, 4].map((i) => `replay-after-${i}`),
    );
    // The cursor moves just after the receiver acknowledged: wait for it rather than race it.
    const cursorAt = async () =>
      (await server.running.store.listCursors(tenant)).find((c) => c.setting === 'replay')?.nextSeq;
    await waitFor(
      'the replay cursor to move past the batch',
      async () => (await cursorAt()) === firstAfter + 5,
    );
    assert.equal(await cursorAt(), firstAfter + 5);
    assert.equal((await server.send('DELETE', '/api/v1/diagnosticSettings/replay')).status, 200);
  });

  it('the webhook receiver is down for 30 s, then back: every record arrives, in order', async () => {
    const signIns = logType('SignInLogs');
    const startSeq = (await server.running.store.chainHeads(signIns)).get(tenant)!.seq + 1;
    const already = receiver.records.length;
    await receiver.stop();
    const total = 600;
    for (let b = 0; b < 6; b++) {
      const batch = Array.from({ length: total / 6 }, (_, i) => ({
        ...SAMPLES.SignInLogs,
        id: `outage-${b}-${i}`,
      }));
      assert.equal((await server.post('/api/v1/ingest/SignInLogs', batch)).status, 200);
    }
    // The failure shows in the API while the receiver is away; the archive keeps up meanwhile.
    const failing = await waitFor('the webhook failure in the API', async () => {
      const h = (await json(await server.get('/api/v1/destinations/siem'))).health as Rec;
      return h.state === 'retrying' && h.lastError ? h : undefined;
    });
    assert.ok(Number(failing.lag) > 0);
    await waitFor(
      'the archive to hold the outage records',
      () => archiveLines(archive.dir).filter((l) => l.line.includes('"outage-')).length === total,
    );
    await sleep(30_000);
    assert.equal(receiver.records.length, already);
    await receiver.start(); // same port
    await waitFor(
      'every outage record at the webhook',
      () =>
        receiver.records.filter((r) => String((r.properties as Rec).id).startsWith('outage-')).length >=
        total,
    );
    const got = receiver.records.slice(already).map((r) => String((r.properties as Rec).id));
    const expected = Array.from({ length: total }, (_, k) => `outage-${Math.floor(k / 100)}-${k % 100}`);
    assert.deepEqual(got, expected, 'in order, once each');
    assert.equal(receiver.badSignatures, 0);
    await waitFor('the destination healthy again', async () => {
      const h = (await json(await server.get('/api/v1/destinations/siem'))).health as Rec;
      return h.lag === 0 && h.lastError === null;
    });
    const cursors = await server.running.store.listCursors(tenant);
    const c = cursors.find(
      (x) => x.setting === 'everything' && x.category === 'SignInLogs' && x.destination === 'siem',
    )!;
    assert.equal(c.nextSeq, startSeq + total);
  });
});
