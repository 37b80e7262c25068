/**
 * A worker thread that runs the CPU-heavy, pure part of ingest — parse, envelope mapping,
 * normalisation, validation, column extraction, canonical JSON — so the main thread is left to
 * HTTP, sealing and the store. Same functions as the in-thread path; nothing is skipped.
 */
import { parentPort } from 'node:worker_threads';
import { AuditCatalog } from '../registry/catalog/catalog.ts';
import { logType } from '../registry/log-types.ts';
import { parseBody } from './parse.ts';
import { prepareItems } from './prepare.ts';
import type { PrepareRequest, PrepareResponse } from './prepare-pool.ts';

const catalog = AuditCatalog.load();

parentPort!.on('message', (m: PrepareRequest) => {
  let reply: PrepareResponse;
  try {
    const parsed = parseBody(m.text, m.contentType);
    if (parsed.items.length > m.maxRecords) {
      reply = { id: m.id, received: parsed.items.length, records: [], errors: [], parseOnlyErrors: false };
    } else if (parsed.errors.length > 0 && parsed.items.length === 0) {
      reply = { id: m.id, received: 0, records: [], errors: parsed.errors, parseOnlyErrors: true };
    } else {
      const { records, errors } = prepareItems(logType(m.category), parsed.items, {
        catalog,
        catalogMode: m.catalogMode,
      });
      reply = {
        id: m.id,
        received: parsed.items.length,
        records,
        errors: [...parsed.errors, ...errors],
        parseOnlyErrors: false,
      };
    }
  } catch (err) {
    reply = { id: m.id, received: 0, records: [], errors: [], parseOnlyErrors: false, failure: String(err) };
  }
  parentPort!.postMessage(reply);
});
