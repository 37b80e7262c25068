/**
 * S3 delivery against a real S3 protocol server (s3rver, its own process on loopback), read back
 * with @aws-sdk/client-s3: Azure's archive layout as keys in the bucket, one envelope per line,
 * later deliveries appended to the hour's object, checkpoint digests beside it. The server is
 * down when the records are stored: delivery retries, then catches up. A second test kills the
 * idtrail server (SIGKILL) mid-delivery and restarts it: every record arrives, duplicates only
 * inside the documented window, no torn line.
 */
import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { LOG_TYPES, logType } from '../src/registry/log-types.ts';
import { MULTIPART_FROM, S3Appender, s3Client } from '../src/router/sinks/s3.ts';
import { DEFAULT_TENANT } from '../src/security/api-keys.ts';
import { canonicalJson } from '../src/security/canonical-json.ts';
import { openStatement } from '../src/security/checkpoints.ts';
import { SAMPLES } from './fixtures/samples.ts';
import { freePort } from './helpers/free-port.ts';
import { S3RVER_KEY, S3rverProcess } from './helpers/s3rver.ts';
import { startTestServer, type TestServer, tempDataDir } from './helpers/server.ts';
import { ServerProcess } from './helpers/server-process.ts';
import { waitFor } from './helpers/wait.ts';

type Rec = Record<string, unknown>;
const BUCKET = 'idtrail-archive';
const work = tempDataDir('idtrail-s3-');
let s3: S3rverProcess;
let server: TestServer;
let client: S3Client;

before(async () => {
  s3 = new S3rverProcess(work.dir, await freePort(), [BUCKET, 'crash-archive']);
  client = new S3Client({
    region: 'us-east-1',
    endpoint: s3.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: S3RVER_KEY, secretAccessKey: S3RVER_KEY },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  // The SDK now signs a path-style bucket request as `/bucket/`; s3rver's signature check
  // canonicalises it as `/bucket`. Listing (a bucket request) is only the test's read-back; the
  // sink itself makes object requests only, which both agree on.
  client.middlewareStack.add(
    (next) => async (args) => {
      const req = args.request as { path?: string };
      if (typeof req.path === 'string' && /^\/[^/]+\/$/.test(req.path)) req.path = req.path.slice(0, -1);
      return next(args);
    },
    { step: 'build', name: 's3rverBucketPath' },
  );
  server = await startTestServer({ routerBackoffMaxMs: 1_000 });
});

after(async () => {
  await server.close();
  client.destroy();
  await s3.stop();
  work.remove();
});

const destination = (bucket: string) => ({
  type: 's3',
  bucket,
  endpoint: s3.endpoint,
  region: 'us-east-1',
  forcePathStyle: true,
  accessKeyId: S3RVER_KEY,
  secretAccessKey: S3RVER_KEY,
});

async function keys(bucket: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
    );
    for (const o of page.Contents ?? []) out.push(o.Key!);
    token = page.NextContinuationToken;
  } while (token);
  return out.sort();
}

async function text(bucket: string, key: string): Promise<string> {
  const res = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return res.Body!.transformToString('utf8');
}

const lines = (t: string) =>
  t
    .split('\n')
    .slice(0, -1)
    .map((l) => JSON.parse(l) as Rec);

test('S3 destinations refuse bad configuration and never echo the secret', async () => {
  for (const [body, hint] of [
    [{ type: 's3' }, /'bucket' is required/],
    [{ type: 's3', bucket: 'Bad_Bucket' }, /bucket name/],
    [{ type: 's3', bucket: 'ok-bucket', endpoint: 'ftp://x' }, /http/],
    [{ type: 's3', bucket: 'ok-bucket', accessKeyId: 'AKIA' }, /go together/],
    [{ type: 's3', bucket: 'ok-bucket', forcePathStyle: 'yes' }, /boolean/],
  ] as const) {
    const res = await server.send('PUT', '/api/v1/destinations/bad-s3', body);
    assert.equal(res.status, 400);
    const err = ((await res.json()) as Rec).error as Rec;
    assert.match(String(err.message), hint);
  }
  assert.equal((await server.get('/api/v1/destinations/bad-s3')).status, 404);
  const res = await server.send('PUT', '/api/v1/destinations/s3-secret', destination(BUCKET));
  assert.equal(res.status, 201);
  const got = (await (await server.get('/api/v1/destinations/s3-secret')).json()) as Rec;
  assert.equal(got.secretAccessKey, undefined);
  assert.deepEqual(got.secretsSet, ['secretAccessKey']);
  assert.equal(got.accessKeyId, S3RVER_KEY);
  // An edit that leaves the secret out keeps it (clients never see it to send it back).
  const { secretAccessKey: _omitted, ...withoutSecret } = destination(BUCKET);
  const edited = await server.send('PUT', '/api/v1/destinations/s3-secret', {
    ...withoutSecret,
    region: 'eu-west-1',
  });
  assert.equal(edited.status, 200, await edited.text());
  const after = (await (await server.get('/api/v1/destinations/s3-secret')).json()) as Rec;
  assert.equal(after.region, 'eu-west-1');
  assert.deepEqual(after.secretsSet, ['secretAccessKey']);
  const row = (await server.running.store.listDestinations(DEFAULT_TENANT)).find(
    (d) => d.name === 's3-secret',
  );
  assert.equal(row?.config.secretAccessKey, S3RVER_KEY);
  // `null` removes a secret (here with its key id: they go together).
  const { accessKeyId: _id, ...anonymous } = withoutSecret;
  const cleared = await server.send('PUT', '/api/v1/destinations/s3-secret', {
    ...anonymous,
    secretAccessKey: null,
  });
  assert.equal(cleared.status, 200, await cleared.text());
  assert.equal(
    ((await (await server.get('/api/v1/destinations/s3-secret')).json()) as Rec).secretsSet,
    undefined,
  );
  assert.equal((await server.send('DELETE', '/api/v1/destinations/s3-secret')).status, 204);
});

test('every category is archived to S3 in Azure layout, appended, with digests; read back with the SDK', {
  timeout: 240_000,
}, async () => {
  const tenant = DEFAULT_TENANT;
  const perCategory = 3;
  const ingest = async (round: number) => {
    for (const [category, sample] of Object.entries(SAMPLES)) {
      const idField = logType(category).idField;
      const batch = Array.from({ length: perCategory }, (_, i) => ({
        ...sample,
        [idField]: `${String(sample[idField])}-s3-${round}-${i}`,
      }));
      const r = await server.post(`/api/v1/ingest/${category}`, batch);
      assert.equal(r.status, 200, `${category}: ${await r.text()}`);
    }
  };
  await ingest(0);
  let res = await server.send('PUT', '/api/v1/destinations/bucket', destination(BUCKET));
  assert.equal(res.status, 201, await res.text());
  res = await server.send('PUT', '/api/v1/diagnosticSettings/to-s3', {
    properties: {
      storageAccountId: 'bucket',
      logs: LOG_TYPES.map((t) => ({ category: t.category, enabled: true })),
      replayFrom: '2000-01-01T00:00:00Z',
    },
  });
  assert.equal(res.status, 200, await res.text());
  // The S3 server is not running yet: the destination reports the failure and keeps retrying.
  await waitFor('the failure in the API', async () => {
    const h = ((await (await server.get('/api/v1/destinations/bucket')).json()) as Rec).health as Rec;
    return h.state === 'retrying' && typeof h.lastError === 'string';
  });
  await s3.start();
  const caughtUp = (n: number) =>
    waitFor(`the S3 destination to deliver ${n}`, async () => {
      const h = ((await (await server.get('/api/v1/destinations/bucket')).json()) as Rec).health as Rec;
      return h.lag === 0 && h.delivered === n;
    });
  await caughtUp(LOG_TYPES.length * perCategory);
  // A second delivery to the same hour appends to the same object.
  await ingest(1);
  await caughtUp(LOG_TYPES.length * perCategory * 2);

  const all = await keys(BUCKET, 'insights-logs-');
  assert.deepEqual(
    [...new Set(all.map((k) => k.split('/')[0]))].sort(),
    LOG_TYPES.map((t) => `insights-logs-${t.category.toLowerCase()}`).sort(),
  );
  for (const t of LOG_TYPES) {
    const prefix = `insights-logs-${t.category.toLowerCase()}/`;
    const objects = all.filter((k) => k.startsWith(prefix));
    // Both rounds were stored within a minute or two: one hour file, unless the hour turned between.
    assert.ok(objects.length >= 1 && objects.length <= 2, `${t.category}: ${objects.join(', ')}`);
    for (const k of objects) {
      assert.match(
        k,
        new RegExp(`^${prefix}tenantId=${tenant}/y=\\d{4}/m=\\d{2}/d=\\d{2}/h=\\d{2}/m=00/PT1H\\.json$`),
      );
    }
    const envs: Rec[] = [];
    for (const k of objects) {
      const body = await text(BUCKET, k);
      assert.ok(body.endsWith('\n'), `${k} ends with a whole line`);
      envs.push(...lines(body));
    }
    const stored = await server.running.store.readChain(t, tenant, 1, perCategory * 2);
    assert.equal(envs.length, perCategory * 2, t.category);
    for (const [i, env] of envs.entries()) {
      assert.equal(env.category, t.category);
      assert.equal(env.tenantId, tenant);
      assert.equal((env.properties as Rec)[t.idField], (JSON.parse(stored[i]!.record) as Rec)[t.idField]);
    }
  }

  // Checkpoint digests go beside the archive, as for the other archives.
  const run = await server.running.integrity.checkpoint();
  assert.ok(run.signed >= LOG_TYPES.length);
  const digestKeys = await keys(BUCKET, 'insights-integrity-checkpoints/');
  const digestKey = digestKeys.find((k) => k.endsWith('/checkpoints.json'))!;
  assert.match(
    digestKey,
    new RegExp(
      `^insights-integrity-checkpoints/tenantId=${tenant}/y=\\d{4}/m=\\d{2}/d=\\d{2}/h=\\d{2}/m=00/checkpoints\\.json$`,
    ),
  );
  const publicKey = createPublicKey(await text(BUCKET, 'insights-integrity-checkpoints/publicKey.pem'));
  const statements = lines(await text(BUCKET, digestKey)).map((d) =>
    openStatement(publicKey, { payload: canonicalJson(d.payload), signature: String(d.signature) }),
  );
  assert.ok(
    statements.length >= LOG_TYPES.length && statements.every((x) => x !== null),
    'every line verifies',
  );
});

test('appends past 5 MiB copy the object server-side (multipart) and keep every line, in order', {
  timeout: 120_000,
}, async () => {
  if (!s3.child) await s3.start();
  const appender = new S3Appender(
    s3Client({
      bucket: BUCKET,
      endpoint: s3.endpoint,
      forcePathStyle: true,
      accessKeyId: S3RVER_KEY,
      secretAccessKey: S3RVER_KEY,
    }),
    BUCKET,
  );
  // Which S3 operations the appender sends.
  const commands: string[] = [];
  appender.client.middlewareStack.add(
    (next, context) => async (args) => {
      commands.push(String(context.commandName));
      return next(args);
    },
    { step: 'initialize', name: 'recordCommands' },
  );
  try {
    const key = 'insights-logs-test/tenantId=t/y=2024/m=01/d=01/h=00/m=00/PT1H.json';
    const line = (i: number) => `${JSON.stringify({ i, pad: 'x'.repeat(1000) })}\n`;
    const chunk = (from: number, n: number) => Array.from({ length: n }, (_, k) => line(from + k)).join('');
    // 6,000 lines of ~1 KB: the first appends rewrite, the ones past 5 MiB go multipart.
    for (let b = 0; b < 6; b++) await appender.append(key, chunk(b * 1000, 1000));
    const size = (await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }))).ContentLength!;
    assert.ok(size > MULTIPART_FROM, `object is ${size} bytes`);
    assert.ok(!commands.some((c) => /Multipart/.test(c)), 'small objects are rewritten whole');
    // A second appender (a restarted process: nothing cached) continues the same object.
    const again = new S3Appender(appender.client, BUCKET);
    await again.append(key, chunk(6000, 10));
    assert.deepEqual(
      commands.filter((c) => /Multipart|UploadPart/.test(c)),
      [
        'CreateMultipartUploadCommand',
        'UploadPartCopyCommand',
        'UploadPartCommand',
        'CompleteMultipartUploadCommand',
      ],
      'only the append past 5 MiB went multipart, copying the object server-side',
    );
    const got = lines(await text(BUCKET, key)).map((o) => o.i);
    assert.deepEqual(
      got,
      Array.from({ length: 6010 }, (_, i) => i),
    );
  } finally {
    appender.client.destroy();
  }
});

test('SIGKILL mid-delivery to S3: every record arrives, duplicates only inside the window, no torn line', {
  timeout: 360_000,
}, async () => {
  const KEY = 's3-crash-test-key';
  const BATCH = 100;
  const batches = 20;
  const size = 100;
  const total = batches * size;
  const data = tempDataDir('idtrail-s3-crash-');
  const proc = new ServerProcess(data.dir, {
    IDTRAIL_BOOTSTRAP_KEY: KEY,
    IDTRAIL_ROUTER_BATCH: String(BATCH),
    IDTRAIL_ROUTER_BACKOFF_MAX_MS: '1000',
  });
  const call = (method: string, pathname: string, body?: unknown) =>
    fetch(proc.url + pathname, {
      method,
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(30_000),
    });
  const archived = async (): Promise<string[]> => {
    const ids: string[] = [];
    for (const k of await keys('crash-archive', 'insights-logs-')) {
      const body = await text('crash-archive', k);
      assert.ok(body === '' || body.endsWith('\n'), `${k} ends in a torn line`);
      for (const env of lines(body)) ids.push(String((env.properties as Rec).id));
    }
    return ids;
  };
  try {
    if (!s3.child) await s3.start();
    await proc.start();
    let res = await call('PUT', '/api/v1/destinations/crash-s3', destination('crash-archive'));
    assert.equal(res.status, 201, await res.text());
    res = await call('PUT', '/api/v1/diagnosticSettings/crash', {
      properties: { storageAccountId: 'crash-s3', logs: [{ category: 'SignInLogs', enabled: true }] },
    });
    assert.equal(res.status, 200, await res.text());
    const expected: string[] = [];
    let killed = false;
    for (let b = 0; b < batches; b++) {
      const batch = Array.from({ length: size }, (_, i) => ({
        ...SAMPLES.SignInLogs,
        id: `s3crash-${String(b).padStart(3, '0')}-${String(i).padStart(3, '0')}`,
      }));
      expected.push(...batch.map((r) => r.id));
      for (;;) {
        try {
          const r = await call('POST', '/api/v1/ingest/SignInLogs', batch);
          await r.body?.cancel();
          if (r.status === 200) break;
        } catch {
          // down: retry once it is back
        }
        await sleep(200);
      }
      if (!killed && b === batches / 2) {
        // Kill once deliveries have begun and records are still waiting for theirs.
        await waitFor('deliveries under way', async () => (await archived()).length > 0);
        await proc.kill();
        killed = true;
        await proc.start();
      }
    }
    const ids = await waitFor(
      'every record in the bucket',
      async () => {
        const got = await archived();
        return new Set(got).size === total ? got : undefined;
      },
      240_000,
    );
    const seen = new Set<string>();
    const first = ids.filter((id) => {
      if (seen.has(id)) return false;
      seen.add(id);
      return true;
    });
    assert.deepEqual(first, expected, 'every record, first arrivals in ingest order');
    assert.ok(ids.length - total <= BATCH, `${ids.length - total} duplicates, more than one batch`);
  } finally {
    await proc.stop();
    data.remove();
  }
});
