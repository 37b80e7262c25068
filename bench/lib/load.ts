/**
 * The load generator: C clients, each posting the next pre-serialized batch as soon as its
 * previous one is acknowledged, until every batch is sent. Any refusal fails the benchmark.
 */

export interface Batch {
  body: Buffer;
  records: number;
}

export interface LoadResult {
  /** First send to last acknowledgement, seconds. */
  seconds: number;
  /** Per-request acknowledgement latency, ms, ascending. */
  latencies: number[];
  accepted: number;
  duplicates: number;
  bytes: number;
}

export async function runLoad(opts: {
  url: string;
  category: string;
  key: string;
  batches: readonly Batch[];
  clients: number;
  onAck?: (records: number) => void;
}): Promise<LoadResult> {
  const endpoint = `${opts.url}/api/v1/ingest/${opts.category}`;
  const headers = { authorization: `Bearer ${opts.key}`, 'content-type': 'application/x-ndjson' };
  const latencies: number[] = [];
  let next = 0;
  let accepted = 0;
  let duplicates = 0;
  let bytes = 0;
  let failed: Error | null = null;

  const client = async () => {
    while (!failed && next < opts.batches.length) {
      const b = opts.batches[next++]!;
      const t0 = performance.now();
      const res = await fetch(endpoint, { method: 'POST', headers, body: b.body });
      const text = await res.text();
      const ms = performance.now() - t0;
      if (res.status !== 200) {
        failed = new Error(`the server refused a batch: HTTP ${res.status} ${text.slice(0, 2000)}`);
        return;
      }
      const out = JSON.parse(text) as { accepted: number; duplicates: number };
      if (out.accepted + out.duplicates !== b.records) {
        failed = new Error(`a batch of ${b.records} records was acknowledged as ${text}`);
        return;
      }
      latencies.push(ms);
      accepted += out.accepted;
      duplicates += out.duplicates;
      bytes += b.body.length;
      opts.onAck?.(b.records);
    }
  };

  const started = performance.now();
  await Promise.all(Array.from({ length: opts.clients }, client));
  const seconds = (performance.now() - started) / 1000;
  if (failed) throw failed;
  latencies.sort((a, b) => a - b);
  return { seconds, latencies, accepted, duplicates, bytes };
}
