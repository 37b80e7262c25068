/**
 * Splunk HEC delivery. No Splunk runs here, so the receiver is a small HTTP server speaking HEC's
 * documented contract (`Authorization: Splunk <token>`, concatenated JSON events on
 * /services/collector/event, `{"text":"Success","code":0}`, `403 {"text":"Invalid token","code":4}`):
 * a stand-in, not Splunk itself.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { SAMPLES } from './fixtures/samples.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';
import { waitFor } from './helpers/wait.ts';

type Rec = Record<string, unknown>;
const TOKEN = '6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f';
let server: TestServer;
let hec: http.Server;
let hecUrl = '';
const events: Rec[] = [];
const paths = new Set<string>();

before(async () => {
  hec = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      paths.add(req.url ?? '');
      if (req.headers.authorization !== `Splunk ${TOKEN}`) {
        res.writeHead(403, { 'content-type': 'application/json' }).end('{"text":"Invalid token","code":4}');
        return;
      }
      // Concatenated events: each starts with {"time":<epoch seconds> (an envelope's own
      // "time" is a string, so it does not match).
      const body = Buffer.concat(chunks).toString('utf8');
      for (const part of body.split(/(?=\{"time":[0-9])/)) events.push(JSON.parse(part) as Rec);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"text":"Success","code":0}');
    });
  });
  await new Promise<void>((r) => hec.listen(0, '127.0.0.1', r));
  hecUrl = `http://127.0.0.1:${(hec.address() as AddressInfo).port}`;
  server = await startTestServer({ routerBackoffMaxMs: 1_000 });
});

after(async () => {
  await server.close();
  hec.close();
});

test('Splunk HEC: a wrong token shows as the error; with the right one every event arrives in order', {
  timeout: 180_000,
}, async () => {
  let res = await server.send('PUT', '/api/v1/destinations/splunk', {
    type: 'splunkHec',
    url: hecUrl,
    token: 'wrong-token',
  });
  assert.equal(res.status, 201);
  assert.ok(!(await res.text()).includes('wrong-token'));
  res = await server.send('PUT', '/api/v1/diagnosticSettings/to-splunk', {
    properties: { eventHubAuthorizationRuleId: 'splunk', logs: [{ category: 'AuditLogs', enabled: true }] },
  });
  assert.equal(res.status, 200);
  const n = 500;
  const audits = Array.from({ length: n }, (_, i) => ({
    ...SAMPLES.AuditLogs,
    id: `hec-${String(i).padStart(4, '0')}`,
  }));
  assert.equal((await server.post('/api/v1/ingest/AuditLogs', audits)).status, 200);
  await waitFor('the HEC refusal in the API', async () => {
    const h = ((await (await server.get('/api/v1/destinations/splunk')).json()) as Rec).health as Rec;
    return h.state === 'retrying' && /Invalid token/.test(String(h.lastError));
  });
  assert.equal(events.length, 0);
  res = await server.send('PUT', '/api/v1/destinations/splunk', {
    type: 'splunkHec',
    url: hecUrl,
    token: TOKEN,
    index: 'entra',
  });
  assert.equal(res.status, 200);
  await waitFor('every event at HEC', () => events.length >= n);
  assert.deepEqual([...paths], ['/services/collector/event']);
  assert.deepEqual(
    events.map((e) => ((e.event as Rec).properties as Rec).id),
    audits.map((a) => a.id),
  );
  for (const e of events) {
    assert.equal(typeof e.time, 'number');
    assert.equal(e.source, 'idtrail:AuditLogs');
    assert.equal(e.index, 'entra');
    assert.equal((e.event as Rec).category, 'AuditLogs');
  }
});
