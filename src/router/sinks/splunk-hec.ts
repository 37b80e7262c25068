/**
 * Stream to a Splunk HTTP Event Collector: `POST <url>/services/collector/event` with
 * `Authorization: Splunk <token>`, a body of concatenated JSON events (HEC's batch form), one
 * event per envelope with the record's receive time as `time` (epoch seconds). Batches stay under
 * HEC's default 1 MB content limit. A batch counts only when HEC answers 200 with `code` 0.
 */
import type { OutRecord } from '../format.ts';
import type { DeliveryBatch, Sink } from './sink.ts';

/** Below HEC's default `max_content_length` (1,000,000 bytes). */
const MAX_BODY = 900_000;

export interface SplunkHecOptions {
  url: string;
  token: string;
  sourcetype?: string;
  index?: string;
  timeoutMs?: number;
}

export function hecEvent(
  o: Pick<SplunkHecOptions, 'sourcetype' | 'index'>,
  category: string,
  r: OutRecord,
): string {
  const meta = {
    time: Date.parse(r.ingestedAt) / 1000,
    source: `idtrail:${category}`,
    sourcetype: o.sourcetype ?? 'azure:monitor:aad',
    ...(o.index ? { index: o.index } : {}),
  };
  // The envelope is already JSON text: splice it in rather than parse and re-serialise it.
  return `${JSON.stringify(meta).slice(0, -1)},"event":${r.line}}`;
}

export class SplunkHecSink implements Sink {
  private readonly endpoint: string;

  constructor(private readonly opts: SplunkHecOptions) {
    const u = new URL(opts.url);
    if (u.pathname === '/' || u.pathname === '') u.pathname = '/services/collector/event';
    this.endpoint = u.toString();
  }

  async deliver(batch: DeliveryBatch): Promise<void> {
    let body = '';
    for (const r of batch.records) {
      const ev = hecEvent(this.opts, batch.category, r);
      if (body !== '' && body.length + ev.length > MAX_BODY) {
        await this.post(body);
        body = '';
      }
      body += ev;
    }
    if (body !== '') await this.post(body);
  }

  private async post(body: string): Promise<void> {
    const res = await fetch(this.endpoint, {
      method: 'POST',
      headers: { authorization: `Splunk ${this.opts.token}`, 'content-type': 'application/json' },
      body,
      signal: AbortSignal.timeout(this.opts.timeoutMs ?? 30_000),
    });
    const text = await res.text();
    let code: unknown;
    try {
      code = (JSON.parse(text) as { code?: unknown }).code;
    } catch {
      code = undefined;
    }
    if (res.status !== 200 || code !== 0) {
      throw new Error(`Splunk HEC answered HTTP ${res.status}: ${text.slice(0, 200)}`);
    }
  }

  async close(): Promise<void> {}
}
