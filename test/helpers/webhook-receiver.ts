/**
 * A real HTTP webhook receiver for delivery tests: keeps every message body it accepted, checks
 * the HMAC signature, and can be stopped and started again on the same port (a receiver outage).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  category: string;
  tenant: string;
  body: string;
  records: Array<Record<string, unknown>>;
}

export class WebhookReceiver {
  readonly messages: Received[] = [];
  badSignatures = 0;
  /** Requests received and not yet answered. */
  inFlight = 0;
  private server: http.Server | null = null;
  port = 0;
  /** Milliseconds to hold each request before answering (keeps deliveries in flight). */
  delayMs = 0;

  constructor(private readonly secret?: string) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}/ingest`;
  }

  get records(): Array<Record<string, unknown>> {
    return this.messages.flatMap((m) => m.records);
  }

  async start(): Promise<void> {
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.inFlight++;
        res.on('close', () => this.inFlight--);
        const body = Buffer.concat(chunks).toString('utf8');
        const answer = () => {
          if (this.secret) {
            const want = Buffer.from(
              `sha256=${createHmac('sha256', this.secret).update(body).digest('hex')}`,
            );
            const got = Buffer.from(String(req.headers['x-idtrail-signature'] ?? ''));
            if (got.length !== want.length || !timingSafeEqual(got, want)) {
              this.badSignatures++;
              res.writeHead(401).end();
              return;
            }
          }
          const parsed = JSON.parse(body) as { records: Array<Record<string, unknown>> };
          this.messages.push({
            category: String(req.headers['x-idtrail-category']),
            tenant: String(req.headers['x-idtrail-tenant']),
            body,
            records: parsed.records,
          });
          res.writeHead(200).end();
        };
        if (this.delayMs > 0) setTimeout(answer, this.delayMs);
        else answer();
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Stops listening and drops open connections: the sender sees refused connections. */
  async stop(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
}
