/**
 * Delivery survives SIGKILL: the real server (a child process) is killed twice while it delivers
 * to a filesystem archive and to a real webhook receiver (which holds each request a moment, so a
 * delivery is in flight at each kill), and while a client keeps ingesting. After the restarts
 * every record is in the archive and at the webhook; a record appears twice only inside the
 * documented window (one delivery batch per route per crash); first arrivals keep ingest order;
 * and no archive file holds a torn line.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { SAMPLES } from './fixtures/samples.ts';
import { tempDataDir } from './helpers/server.ts';
import { ServerProcess } from './helpers/server-process.ts';
import { waitFor } from './helpers/wait.ts';
import { WebhookReceiver } from './helpers/webhook-receiver.ts';

const KEY = 'router-crash-test-key';
const BATCH = 200; // IDTRAIL_ROUTER_BATCH: the duplicate window per route per crash
const INGEST_BATCHES = 40;
const INGEST_SIZE = 250;
const TOTAL = INGEST_BATCHES * INGEST_SIZE;
const SECRET = 'crash-test-webhook-secret-0123456789';

type Rec = Record<string, unknown>;
const data = tempDataDir('idtrail-router-crash-');
const archive = tempDataDir('idtrail-router-crash-archive-');
const receiver = new WebhookReceiver(SECRET);
const server = new ServerProcess(data.dir, {
  IDTRAIL_BOOTSTRAP_KEY: KEY,
  IDTRAIL_ROUTER_BATCH: String(BATCH),
  IDTRAIL_ROUTER_BACKOFF_MAX_MS: '1000',
});

after(async () => {
  await server.stop();
  await receiver.stop();
  data.remove();
  archive.remove();
});

function archiveIds(): string[] {
  const ids: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir)) {
      const p = path.join(dir, e);
      if (statSync(p).isDirectory()) walk(p);
      else {
        const text = readFileSync(p, 'utf8');
        assert.ok(text === '' || text.endsWith('\n'), `${p} ends in a torn line`);
        for (const line of text.split('\n').slice(0, -1))
          ids.push(String(((JSON.parse(line) as Rec).properties as Rec).id));
      }
    }
  };
  walk(archive.dir);
  return ids;
}

const webhookIds = () => receiver.records.map((r) => String((r.properties as Rec).id));

async function call(method: string, pathname: string, body?: unknown): Promise<Response> {
  return fetch(server.url + pathname, {
    method,
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(30_000),
  });
}

/** Ingests every batch in order, retrying a batch until the (possibly restarted) server takes it. */
async function ingestAll(progress: { batches: number }): Promise<void> {
  for (let b = 0; b < INGEST_BATCHES; b++) {
    const batch = Array.from({ length: INGEST_SIZE }, (_, i) => ({
      ...SAMPLES.SignInLogs,
      id: `crash-${String(b).padStart(3, '0')}-${String(i).padStart(3, '0')}`,
    }));
    for (;;) {
      try {
        const res = await call('POST', '/api/v1/ingest/SignInLogs', batch);
        await res.body?.cancel();
        if (res.status === 200) break;
      } catch {
        // the server is down; retry when it is back
      }
      await sleep(200);
    }
    progress.batches = b + 1;
    await sleep(50); // a steady stream rather than one burst, so kills land while ingest runs
  }
}

function firstArrivalOrder(ids: string[]): string[] {
  const seen = new Set<string>();
  return ids.filter((id) => {
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

test('SIGKILL mid-delivery: every record arrives, duplicates only inside the window, no torn line', {
  timeout: 420_000,
}, async () => {
  receiver.delayMs = 100;
  await receiver.start();
  await server.start();
  assert.equal(
    (await call('PUT', '/api/v1/destinations/archive', { type: 'filesystem', path: archive.dir })).status,
    201,
  );
  assert.equal(
    (await call('PUT', '/api/v1/destinations/siem', { type: 'webhook', url: receiver.url, secret: SECRET }))
      .status,
    201,
  );
  const res = await call('PUT', '/api/v1/diagnosticSettings/crash', {
    properties: {
      storageAccountId: 'archive',
      eventHubAuthorizationRuleId: 'siem',
      logs: [{ category: 'SignInLogs', enabled: true }],
    },
  });
  assert.equal(res.status, 200, await res.text());

  const progress = { batches: 0 };
  const ingesting = ingestAll(progress);
  const kills = 2;
  for (let k = 0; k < kills; k++) {
    const seenBefore = receiver.messages.length;
    // Kill while the webhook holds a delivery and after deliveries have moved on since the start.
    await waitFor(
      `deliveries in flight before kill ${k + 1}`,
      () => receiver.messages.length >= seenBefore + 3 && receiver.inFlight > 0 && archiveIds().length > 0,
    );
    assert.ok(progress.batches < INGEST_BATCHES, 'ingest was still running at the kill');
    await server.kill();
    await server.start();
  }
  await ingesting;
  await waitFor(
    'every record in the archive and at the webhook',
    () => {
      const a = new Set(archiveIds());
      const w = new Set(webhookIds());
      return a.size === TOTAL && w.size === TOTAL;
    },
    300_000,
  );
  receiver.delayMs = 0;

  const expectedOrder = Array.from(
    { length: TOTAL },
    (_, k) =>
      `crash-${String(Math.floor(k / INGEST_SIZE)).padStart(3, '0')}-${String(k % INGEST_SIZE).padStart(3, '0')}`,
  );
  for (const [name, ids] of [
    ['archive', archiveIds()],
    ['webhook', webhookIds()],
  ] as const) {
    assert.deepEqual(
      firstArrivalOrder(ids),
      expectedOrder,
      `${name}: every record, first arrivals in ingest order`,
    );
    const duplicates = ids.length - TOTAL;
    assert.ok(
      duplicates <= kills * BATCH,
      `${name}: ${duplicates} duplicates, more than ${kills} crashes x ${BATCH}`,
    );
  }
  assert.equal(receiver.badSignatures, 0);
  // The cursors survived: the restarted server reports no lag and counts every delivery.
  const health = ((await (await call('GET', '/api/v1/destinations/archive')).json()) as Rec).health as Rec;
  assert.equal(health.lag, 0);
  assert.ok(Number(health.delivered) >= TOTAL);
});
