/**
 * Per-key token buckets for the Graph-compatible routes. Entra allows 5 requests per 10 s per app
 * and tenant (entra-formats.md §2.5); ours are the operator's to set and generous by default
 * (IDTRAIL_GRAPH_RATE requests per 10 s per key). Over the limit: 429 with Retry-After in seconds
 * and Graph's TooManyRequests body.
 */
import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';

interface Bucket {
  tokens: number;
  at: number;
}

export class Throttle {
  private readonly buckets = new Map<string, Bucket>();
  private readonly perMs: number;

  constructor(
    /** Requests allowed per 10 seconds per key (also the burst size). 0 turns throttling off. */
    readonly per10s: number,
  ) {
    this.perMs = per10s / 10_000;
  }

  /** Takes a token for `key`; returns 0 when allowed, else the seconds until one is available. */
  take(key: string, now = Date.now()): number {
    if (this.per10s <= 0) return 0;
    let b = this.buckets.get(key);
    if (!b) {
      if (this.buckets.size > 100_000) this.buckets.clear();
      b = { tokens: this.per10s, at: now };
      this.buckets.set(key, b);
    }
    b.tokens = Math.min(this.per10s, b.tokens + (now - b.at) * this.perMs);
    b.at = now;
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / this.perMs / 1000));
  }
}

export function throttled(throttle: Throttle): preHandlerAsyncHookHandler {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const key = `${req.principal?.tenant}\u0000${req.principal?.keyId}`;
    const wait = throttle.take(key);
    if (wait === 0) return;
    const date = new Date().toISOString().slice(0, 19);
    return reply
      .code(429)
      .header('Retry-After', String(wait))
      .send({
        error: {
          code: 'TooManyRequests',
          message: 'Please retry again later.',
          innerError: {
            code: '429',
            date,
            message: 'Please retry after',
            'request-id': req.id,
            status: '429',
          },
        },
      });
  };
}
