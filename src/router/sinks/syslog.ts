/**
 * Stream to syslog: RFC 5424 messages over TCP or TLS with octet-counting framing (RFC 6587 §3.4.1,
 * RFC 5425), one message per envelope. Written by hand because the npm syslog clients frame with
 * newlines or speak RFC 3164, and the protocol is one line of formatting. With `format: "cef"` the
 * message text is an ArcSight CEF event (cef.ts) instead of the envelope JSON.
 *
 * TCP syslog has no acknowledgement: a batch counts as delivered once the socket has handed every
 * byte to the kernel. A receiver that dies right after may lose what it had not written out.
 */
import net from 'node:net';
import { hostname } from 'node:os';
import tls from 'node:tls';
import { cefEvent } from '../cef.ts';
import type { OutRecord } from '../format.ts';
import type { DeliveryBatch, Sink } from './sink.ts';

/** facility local0 (16), severity informational (6). */
const PRI = 16 * 8 + 6;
/** RFC 5612's documentation enterprise number, as the SD-ID's private suffix. */
const SD_ID = 'idtrail@32473';
const HOST = hostname().replace(/[^\x21-\x7e]/g, '') || '-';

const sdValue = (v: string) => v.replace(/["\\\]]/g, (c) => `\\${c}`);

/** What a message carries after its structured data: the envelope JSON, or a CEF event made from it. */
export type SyslogPayload = 'json' | 'cef';

/** One RFC 5424 message: header, structured data naming tenant, category and seq, the envelope (or its CEF). */
export function syslogMessage(
  tenant: string,
  category: string,
  r: OutRecord,
  payload: SyslogPayload = 'json',
): string {
  const ts = new Date(r.ingestedAt).toISOString();
  const msgId = category.slice(0, 32);
  const sd = `[${SD_ID} tenantId="${sdValue(tenant)}" category="${sdValue(category)}" seq="${r.seq}"]`;
  const body =
    payload === 'cef' ? cefEvent(category, tenant, JSON.parse(r.line) as Record<string, unknown>) : r.line;
  return `<${PRI}>1 ${ts} ${HOST} idtrail ${process.pid} ${msgId} ${sd} ${body}`;
}

export function frame(message: string): Buffer {
  const body = Buffer.from(message);
  return Buffer.concat([Buffer.from(`${body.length} `), body]);
}

export interface SyslogOptions {
  host: string;
  port: number;
  tls?: boolean;
  ca?: string;
  format?: SyslogPayload;
  timeoutMs?: number;
}

export class SyslogSink implements Sink {
  private socket: net.Socket | null = null;
  private failure: Error | null = null;

  constructor(private readonly opts: SyslogOptions) {}

  private connect(): Promise<net.Socket> {
    const { host, port } = this.opts;
    const timeout = this.opts.timeoutMs ?? 10_000;
    return new Promise((resolve, reject) => {
      const s = this.opts.tls
        ? tls.connect({
            host,
            port,
            servername: net.isIP(host) ? undefined : host,
            ...(this.opts.ca ? { ca: this.opts.ca } : {}),
          })
        : net.connect({ host, port });
      const timer = setTimeout(() => {
        s.destroy();
        reject(new Error(`no syslog connection to ${host}:${port} within ${timeout} ms`));
      }, timeout);
      s.once(this.opts.tls ? 'secureConnect' : 'connect', () => {
        clearTimeout(timer);
        s.off('error', onError);
        s.on('error', (err) => {
          this.failure = err;
        });
        s.on('close', () => {
          if (this.socket === s) this.socket = null;
        });
        resolve(s);
      });
      const onError = (err: Error) => {
        clearTimeout(timer);
        reject(err);
      };
      s.once('error', onError);
    });
  }

  async deliver(batch: DeliveryBatch): Promise<void> {
    if (!this.socket || this.socket.destroyed || this.failure) {
      this.socket?.destroy();
      this.failure = null;
      this.socket = await this.connect();
    }
    const s = this.socket;
    const data = Buffer.concat(
      batch.records.map((r) => frame(syslogMessage(batch.tenant, batch.category, r, this.opts.format))),
    );
    const timeout = this.opts.timeoutMs ?? 30_000;
    await new Promise<void>((resolve, reject) => {
      // A receiver that stops reading would hold the write (and this route) forever.
      const timer = setTimeout(
        () =>
          reject(
            new Error(`syslog receiver ${this.opts.host}:${this.opts.port} took no data for ${timeout} ms`),
          ),
        timeout,
      );
      s.write(data, (err) => {
        clearTimeout(timer);
        if (err) reject(err);
        else resolve();
      });
    }).catch((err) => {
      s.destroy();
      throw err;
    });
    if (this.failure) throw this.failure;
  }

  async close(): Promise<void> {
    const s = this.socket;
    this.socket = null;
    if (!s) return;
    await new Promise<void>((resolve) => s.end(resolve));
  }
}
