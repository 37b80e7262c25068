/**
 * Stream to an HTTP(S) webhook: Event Hubs' message body `{"records":[…]}` (entra-formats.md
 * §3.4), each message within 256 KB, POSTed in order. With a secret, each request carries
 * `x-idtrail-signature: sha256=<hex HMAC-SHA256 of the body>` (the GitHub webhook convention).
 * Any status other than 2xx, or no answer within the timeout, fails the batch.
 */
import { createHmac } from 'node:crypto';
import { streamMessages } from '../format.ts';
import type { DeliveryBatch, Sink } from './sink.ts';

export const SIGNATURE_HEADER = 'x-idtrail-signature';

export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export class WebhookSink implements Sink {
  constructor(
    private readonly url: string,
    private readonly secret: string | undefined,
    private readonly timeoutMs = 30_000,
  ) {}

  async deliver(batch: DeliveryBatch): Promise<void> {
    for (const body of streamMessages(batch.records)) {
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        'x-idtrail-category': batch.category,
        'x-idtrail-tenant': batch.tenant,
      };
      if (this.secret) headers[SIGNATURE_HEADER] = signBody(this.secret, body);
      const res = await fetch(this.url, {
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      await res.body?.cancel();
      if (res.status < 200 || res.status > 299) throw new Error(`the webhook answered HTTP ${res.status}`);
    }
  }

  async close(): Promise<void> {}
}
