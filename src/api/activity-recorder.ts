/**
 * The auditors are audited: every request to the read doors — the Graph-compatible API, the
 * workspace query API and downloads — becomes a `MicrosoftGraphActivityLogs` record of the
 * caller's tenant (request URI, method, status, duration, caller, IP, user agent), stored through
 * the ingest pipeline like any other record.
 *
 * Records are buffered and committed every `flushMs` and when the server closes, so a read is not
 * slowed by a commit; a crash can lose the records of the last `flushMs` (documented in
 * docs/operations.md).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { IngestService } from '../ingest/service.ts';
import { logType } from '../registry/log-types.ts';
import { parseRole, ROLES } from '../registry/roles.ts';

const GraphActivity = logType('MicrosoftGraphActivityLogs');

/** The paths whose requests are recorded. */
const RECORDED = /^\/(?:v1\.0|beta)\/|^\/v1\/workspaces\/|^\/api\/v1\/(?:export|workspaces)(?:\/|\?|$)/;

export function isRecordedPath(url: string): boolean {
  return RECORDED.test(url);
}

export class ActivityRecorder {
  private buffer = new Map<string, Array<Record<string, unknown>>>();
  private timer: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly ingest: IngestService,
    flushMs = 250,
  ) {
    this.timer = setInterval(() => void this.flush(), flushMs);
    this.timer.unref();
  }

  /** Records one answered request (an onResponse hook). */
  record(req: FastifyRequest, reply: FastifyReply): void {
    const p = req.principal;
    if (!p || !isRecordedPath(req.url)) return;
    const duration = Math.round(reply.elapsedTime);
    const version =
      /^\/(v1\.0|beta)\//.exec(req.url)?.[1] ?? (req.url.startsWith('/v1/') ? 'v1' : 'idtrail-v1');
    const templateIds = p.roles.map((r) => parseRole(r)).flatMap((r) => (r && ROLES[r] ? [ROLES[r]] : []));
    const length = Number(reply.getHeader('content-length'));
    const record: Record<string, unknown> = {
      requestId: req.id,
      operationId: req.id,
      timeGenerated: new Date(Date.now() - duration).toISOString(),
      tenantId: p.tenant,
      apiVersion: version,
      appId: p.kind === 'oidc' ? (p.appId ?? null) : null,
      // An API key acts like an app credential: its id stands for the calling principal.
      servicePrincipalId: p.kind === 'apiKey' ? `apikey:${p.keyId}` : null,
      userId: p.kind === 'oidc' ? (p.userId ?? null) : null,
      clientRequestId: String(req.headers['client-request-id'] ?? req.id),
      durationMs: duration,
      ipAddress: req.ip,
      requestMethod: req.method,
      requestUri: `${req.protocol}://${req.headers.host ?? req.hostname}${req.url}`,
      responseStatusCode: reply.statusCode,
      responseSizeBytes: Number.isFinite(length) ? length : null,
      userAgent: typeof req.headers['user-agent'] === 'string' ? req.headers['user-agent'] : null,
      wids: templateIds.length > 0 ? templateIds.join(' ') : null,
      roles: p.roles.includes('ingest') ? 'ingest' : null,
      identityProvider: p.kind === 'oidc' ? 'oidc' : 'idtrail',
    };
    let list = this.buffer.get(p.tenant);
    if (!list) {
      list = [];
      this.buffer.set(p.tenant, list);
    }
    list.push(record);
  }

  /** Commits what is buffered (one batch per tenant). */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      const batches = this.buffer;
      this.buffer = new Map();
      for (const [tenant, records] of batches) {
        // A failed commit of audit records must not fail reads; keep them for the next flush.
        await this.ingest.ingestItems(tenant, GraphActivity, records).catch(() => {
          const again = this.buffer.get(tenant) ?? [];
          this.buffer.set(tenant, [...records, ...again]);
        });
      }
    });
    return this.flushing;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
