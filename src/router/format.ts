/**
 * Azure's export formats (entra-formats.md §3.3–3.4): the archive's container and blob path, the
 * archive line (one envelope per line) and the stream message `{"records":[…]}` within its size.
 */
import { toEnvelope } from '../records/envelope.ts';
import type { LogType } from '../registry/types.ts';
import type { StoredRecord } from '../store/store.ts';

/** Event Hubs' message limit, which stream messages keep to (§3.4: "maximum size of 256 KB"). */
export const STREAM_MESSAGE_LIMIT = 256 * 1024;

/** One record ready for a destination: its envelope as one JSON line (no newline). */
export interface OutRecord {
  seq: number;
  /** When idtrail stored it: Azure files records by receive time (§3.3). */
  ingestedAt: string;
  line: string;
}

export function toOutRecord(type: LogType, tenant: string, r: StoredRecord, tenantGeo?: string): OutRecord {
  const record = JSON.parse(r.record) as Record<string, unknown>;
  const env = toEnvelope(type, tenant, record, {
    receivedAt: r.ingestedAt,
    ...(tenantGeo ? { tenantGeo } : {}),
  });
  return { seq: r.seq, ingestedAt: r.ingestedAt, line: JSON.stringify(env) };
}

export function containerName(category: string): string {
  return `insights-logs-${category.toLowerCase()}`;
}

/** `tenantId=<tid>/y=YYYY/m=MM/d=DD/h=HH/m=00/PT1H.json` for the hour a record was received. */
export function blobPath(tenant: string, receivedAt: string): string {
  const d = new Date(receivedAt);
  if (Number.isNaN(d.getTime())) throw new Error(`bad receive time '${receivedAt}'`);
  const p = (n: number) => String(n).padStart(2, '0');
  return `tenantId=${tenant}/y=${d.getUTCFullYear()}/m=${p(d.getUTCMonth() + 1)}/d=${p(d.getUTCDate())}/h=${p(d.getUTCHours())}/m=00/PT1H.json`;
}

/** Records grouped by the archive file (blob path) they go to, in order. */
export function byArchiveFile(tenant: string, records: readonly OutRecord[]): Map<string, OutRecord[]> {
  const out = new Map<string, OutRecord[]>();
  for (const r of records) {
    const key = blobPath(tenant, r.ingestedAt);
    let list = out.get(key);
    if (!list) {
      list = [];
      out.set(key, list);
    }
    list.push(r);
  }
  return out;
}

/**
 * Stream messages `{"records":[…]}` of at most `limit` bytes each, in order. A record too large
 * for a message of its own is sent alone (Event Hubs would refuse it; a webhook may take it).
 */
export function streamMessages(records: readonly OutRecord[], limit = STREAM_MESSAGE_LIMIT): string[] {
  const head = '{"records":[';
  const tail = ']}';
  const messages: string[] = [];
  let parts: string[] = [];
  let size = head.length + tail.length;
  for (const r of records) {
    const add = Buffer.byteLength(r.line) + (parts.length > 0 ? 1 : 0);
    if (parts.length > 0 && size + add > limit) {
      messages.push(head + parts.join(',') + tail);
      parts = [];
      size = head.length + tail.length;
    }
    size += Buffer.byteLength(r.line) + (parts.length > 0 ? 1 : 0);
    parts.push(r.line);
  }
  if (parts.length > 0) messages.push(head + parts.join(',') + tail);
  return messages;
}
