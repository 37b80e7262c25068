/**
 * Azure Blob delivery against Azurite (npm, started here on loopback): the archive lands in
 * Azure's containers and append blobs, read back with @azure/storage-blob. Azurite is down when
 * the records are stored and started afterwards: delivery retries and then catches up.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { createPublicKey } from 'node:crypto';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { BlobServiceClient } from '@azure/storage-blob';
import { LOG_TYPES, logType } from '../src/registry/log-types.ts';
import { DEFAULT_TENANT } from '../src/security/api-keys.ts';
import { canonicalJson } from '../src/security/canonical-json.ts';
import { openStatement } from '../src/security/checkpoints.ts';
import { SAMPLES } from './fixtures/samples.ts';
import { freePort } from './helpers/free-port.ts';
import { startTestServer, type TestServer, tempDataDir } from './helpers/server.ts';
import { waitFor } from './helpers/wait.ts';

type Rec = Record<string, unknown>;
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// Azurite's documented development account (public, the same in every Azurite).
const ACCOUNT = 'devstoreaccount1';
const DEV_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

let server: TestServer;
let azurite: ChildProcess | null = null;
const workspace = tempDataDir('idtrail-azurite-');
let port = 0;
let connectionString = '';

async function startAzurite(): Promise<void> {
  const child = spawn(
    path.join(ROOT, 'node_modules', '.bin', 'azurite-blob'),
    [
      '--blobHost',
      '127.0.0.1',
      '--blobPort',
      String(port),
      '--location',
      workspace.dir,
      '--silent',
      '--skipApiVersionCheck',
      '--disableTelemetry',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  azurite = child;
  let out = '';
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr!.on('data', (d: Buffer) => {
    out += d.toString();
  });
  await waitFor('Azurite to listen', () => {
    if (child.exitCode !== null) throw new Error(`azurite exited: ${out}`);
    return /successfully listens/i.test(out);
  });
}

before(async () => {
  port = await freePort();
  connectionString = `DefaultEndpointsProtocol=http;AccountName=${ACCOUNT};AccountKey=${DEV_KEY};BlobEndpoint=http://127.0.0.1:${port}/${ACCOUNT};`;
  server = await startTestServer({ routerBackoffMaxMs: 1_000 });
});

after(async () => {
  await server.close();
  if (azurite && azurite.exitCode === null) {
    const gone = new Promise((r) => azurite!.once('exit', r));
    azurite.kill('SIGTERM');
    await gone;
  }
  workspace.remove();
});

test('every category is archived to Azure Blob append blobs in Azure layout, read back with the SDK', {
  timeout: 240_000,
}, async () => {
  const tenant = DEFAULT_TENANT;
  const perCategory = 3;
  for (const [category, sample] of Object.entries(SAMPLES)) {
    const idField = logType(category).idField;
    const batch = Array.from({ length: perCategory }, (_, i) => ({
      ...sample,
      [idField]: `${String(sample[idField])}-blob-${i}`,
    }));
    const r = await server.post(`/api/v1/ingest/${category}`, batch);
    assert.equal(r.status, 200, `${category}: ${await r.text()}`);
  }
  let res = await server.send('PUT', '/api/v1/destinations/blob', { type: 'azureBlob', connectionString });
  assert.equal(res.status, 201);
  assert.ok(!(await res.text()).includes(DEV_KEY));
  res = await server.send('PUT', '/api/v1/diagnosticSettings/to-blob', {
    properties: {
      storageAccountId: 'blob',
      logs: LOG_TYPES.map((t) => ({ category: t.category, enabled: true })),
      replayFrom: '2000-01-01T00:00:00Z',
    },
  });
  assert.equal(res.status, 200, await res.text());
  // Azurite is not running yet: the destination reports the failure and keeps retrying.
  await waitFor('the failure in the API', async () => {
    const h = ((await (await server.get('/api/v1/destinations/blob')).json()) as Rec).health as Rec;
    return h.state === 'retrying' && typeof h.lastError === 'string';
  });
  await startAzurite();
  let health: Rec = {};
  await waitFor('the blob destination to catch up', async () => {
    health = ((await (await server.get('/api/v1/destinations/blob')).json()) as Rec).health as Rec;
    return health.lag === 0 && health.delivered === LOG_TYPES.length * perCategory;
  }).catch((err: Error) => {
    throw new Error(`${err.message}; health: ${JSON.stringify(health)}`);
  });

  const client = BlobServiceClient.fromConnectionString(connectionString);
  const containers: string[] = [];
  for await (const c of client.listContainers()) containers.push(c.name);
  assert.deepEqual(
    containers.sort(),
    LOG_TYPES.map((t) => `insights-logs-${t.category.toLowerCase()}`).sort(),
  );
  for (const t of LOG_TYPES) {
    const container = client.getContainerClient(`insights-logs-${t.category.toLowerCase()}`);
    const blobs: Array<{ name: string; type: string | undefined }> = [];
    for await (const b of container.listBlobsFlat())
      blobs.push({ name: b.name, type: b.properties.blobType });
    assert.equal(blobs.length, 1, `${t.category}: ${JSON.stringify(blobs)}`);
    assert.match(
      blobs[0]!.name,
      new RegExp(`^tenantId=${tenant}/y=\\d{4}/m=\\d{2}/d=\\d{2}/h=\\d{2}/m=00/PT1H\\.json$`),
    );
    assert.equal(blobs[0]!.type, 'AppendBlob');
    const text = (await container.getBlobClient(blobs[0]!.name).downloadToBuffer()).toString('utf8');
    assert.ok(text.endsWith('\n'));
    const lines = text
      .split('\n')
      .slice(0, -1)
      .map((l) => JSON.parse(l) as Rec);
    assert.equal(lines.length, perCategory);
    const stored = await server.running.store.readChain(t, tenant, 1, perCategory);
    for (const [i, env] of lines.entries()) {
      assert.equal(env.category, t.category);
      assert.equal(env.tenantId, tenant);
      assert.equal((env.properties as Rec)[t.idField], (JSON.parse(stored[i]!.record) as Rec)[t.idField]);
    }
  }

  // Checkpoint digests go beside the archive too, like CloudTrail's digest files.
  const run = await server.running.integrity.checkpoint();
  assert.ok(run.signed >= LOG_TYPES.length);
  const digests = client.getContainerClient('insights-integrity-checkpoints');
  const names: string[] = [];
  for await (const b of digests.listBlobsFlat()) names.push(b.name);
  const digestBlob = names.find((n) => n.endsWith('/checkpoints.json'))!;
  assert.match(
    digestBlob,
    new RegExp(`^tenantId=${tenant}/y=\\d{4}/m=\\d{2}/d=\\d{2}/h=\\d{2}/m=00/checkpoints\\.json$`),
  );
  assert.ok(names.includes('publicKey.pem'));
  const pem = (await digests.getBlobClient('publicKey.pem').downloadToBuffer()).toString('utf8');
  const publicKey = createPublicKey(pem);
  const statements = (await digests.getBlobClient(digestBlob).downloadToBuffer())
    .toString('utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as { payload: unknown; signature: string })
    .map((d) => openStatement(publicKey, { payload: canonicalJson(d.payload), signature: d.signature }));
  assert.ok(
    statements.length >= LOG_TYPES.length && statements.every((x) => x !== null),
    'every line verifies',
  );
  assert.deepEqual(new Set(statements.map((x) => x!.category)), new Set(LOG_TYPES.map((t) => t.category)));
});
