/**
 * Every category with a schema accepts every input form — a JSON array, NDJSON, an Event Hubs
 * message {"records":[…]} and storage-export envelope lines — and stores the Graph-shaped record.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { recordKey } from '../src/ingest/prepare.ts';
import { toEnvelope } from '../src/records/envelope.ts';
import { LOG_TYPES } from '../src/registry/log-types.ts';
import type { LogType } from '../src/registry/types.ts';
import { DEFAULT_TENANT } from '../src/security/api-keys.ts';
import { verifyChain } from '../src/security/verify.ts';
import { SAMPLES } from './fixtures/samples.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';

type Rec = Record<string, unknown>;

function withId(type: LogType, sample: Rec, id: string): Rec {
  return { ...structuredClone(sample), [type.idField]: id };
}

async function stored(server: TestServer, type: LogType): Promise<Map<string, Rec>> {
  const rows = await server.running.store.readChain(type, DEFAULT_TENANT, 1, 1000);
  return new Map(rows.map((r) => [r.id, JSON.parse(r.record) as Rec]));
}

describe('ingest accepts every input form for every category', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => {
    await server.close();
  });

  it('has a sample for each of the 16 categories', () => {
    assert.equal(LOG_TYPES.length, 16);
    for (const t of LOG_TYPES) assert.ok(SAMPLES[t.category], `no sample for ${t.category}`);
  });

  for (const type of LOG_TYPES) {
    it(`${type.category}: JSON array, NDJSON, Event Hubs message and storage envelopes`, async () => {
      const sample = SAMPLES[type.category]!;
      const forms = {
        array: withId(type, sample, `${type.category}-array`),
        ndjson: withId(type, sample, `${type.category}-ndjson`),
        eventHub: withId(type, sample, `${type.category}-eventhub`),
        storage1: withId(type, sample, `${type.category}-storage-1`),
        storage2: withId(type, sample, `${type.category}-storage-2`),
      };
      const category = type.category.toLowerCase(); // any case names the category
      const send = async (body: string, contentType: string) => {
        const res = await server.post(`/api/v1/ingest/${category}`, body, server.adminKey, contentType);
        const json = (await res.json()) as Rec;
        assert.equal(res.status, 200, JSON.stringify(json));
        return json;
      };
      assert.equal((await send(JSON.stringify([forms.array]), 'application/json')).accepted, 1);
      assert.equal((await send(`${JSON.stringify(forms.ndjson)}\n`, 'application/x-ndjson')).accepted, 1);
      const env = (r: Rec) => toEnvelope(type, DEFAULT_TENANT, structuredClone(r));
      assert.equal(
        (await send(JSON.stringify({ records: [env(forms.eventHub)] }), 'application/json')).accepted,
        1,
      );
      // A storage-account PT1H.json blob is one envelope per line, posted as it is.
      const blob = `${JSON.stringify(env(forms.storage1))}\n${JSON.stringify(env(forms.storage2))}\n`;
      assert.equal((await send(blob, 'application/json')).accepted, 2);

      const got = await stored(server, type);
      assert.equal(got.size, 5);
      for (const [name, record] of Object.entries(forms)) {
        assert.deepEqual(
          got.get(recordKey(type, record)),
          record,
          `${name} form was not stored in the Graph shape`,
        );
      }
      const report = await verifyChain(server.running.store, type, DEFAULT_TENANT);
      assert.equal(report.ok, true);
      assert.equal(report.records, 5);
    });
  }
});
