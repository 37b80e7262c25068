/**
 * The HTTP server: Fastify with Graph-shaped errors, key authentication and the routes.
 * Routes live in routes/, one file per path.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { IngestService } from '../ingest/service.ts';
import type { AuditCatalog } from '../registry/catalog/catalog.ts';
import type { KeyResolver } from '../security/api-keys.ts';
import type { Store } from '../store/store.ts';
import { authenticate } from './auth.ts';
import { ApiError, graphErrorBody, sendError } from './errors.ts';
import type { Metrics } from './metrics.ts';
import { catalogRoute } from './routes/catalog.ts';
import { categoriesRoute } from './routes/categories.ts';
import { exportRoute } from './routes/export.ts';
import { graphRoutes } from './routes/graph/collection.ts';
import { healthzRoute } from './routes/healthz.ts';
import { ingestRoute } from './routes/ingest.ts';
import { keysRoutes } from './routes/keys.ts';
import { meRoute } from './routes/me.ts';
import { metricsRoute } from './routes/metrics.ts';
import {
  isClientRoute,
  PORTAL_DIR,
  portalAvailable,
  registerPortal,
  sendPortalIndex,
} from './routes/portal.ts';
import type { Throttle } from './throttle.ts';

export interface AppDeps {
  store: Store;
  ingest: IngestService;
  catalog: AuditCatalog;
  keys: KeyResolver;
  metrics: Metrics;
  bodyLimit: number;
  logLevel: string;
  /** Per-key request limits on the Graph routes. */
  throttle: Throttle;
  /** Fastify's trustProxy: which proxies' X-Forwarded-* headers to believe. */
  trustProxy?: boolean | string;
  /** Rows per keyset query of a download (default 5000). */
  exportChunk?: number;
  /** The built portal (dist/web); not served when it has no index.html. */
  portalDir?: string;
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: deps.logLevel === 'silent' ? false : { level: deps.logLevel },
    bodyLimit: deps.bodyLimit,
    genReqId: () => crypto.randomUUID(),
    requestIdHeader: 'client-request-id',
    return503OnClosing: true,
    // Links (@odata.nextLink) use the scheme and host the client used; behind a TLS-terminating
    // proxy on this machine, X-Forwarded-Proto/Host tell them (IDTRAIL_TRUST_PROXY to change).
    trustProxy: deps.trustProxy ?? 'loopback',
    // Ingest runs at hundreds of requests a second: per-request logs only when debugging.
    // (Deprecated in favour of `logController` for fastify 6; still the simple switch in fastify 5.)
    disableRequestLogging: deps.logLevel !== 'debug' && deps.logLevel !== 'trace',
  });

  // Ingest bodies are parsed by the pipeline (JSON, NDJSON, envelopes); keep them as text.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  app.addHook('onSend', async (req, reply) => {
    reply.header('request-id', req.id);
    reply.header('client-request-id', req.headers['client-request-id'] ?? req.id);
  });

  app.setErrorHandler((err, req, reply) => {
    if (err instanceof ApiError) return sendError(req, reply, err);
    const e = err as { statusCode?: number; code?: string; message: string };
    if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      deps.metrics.errors.inc({ reason: 'too_large' });
      return reply
        .code(413)
        .send(
          graphErrorBody(req, 'RequestEntityTooLarge', `the request body exceeds ${deps.bodyLimit} bytes`),
        );
    }
    if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) {
      return reply.code(e.statusCode).send(graphErrorBody(req, 'BadRequest', e.message));
    }
    req.log.error({ err }, 'request failed');
    return reply
      .code(500)
      .send(graphErrorBody(req, 'InternalServerError', 'the server failed to process the request'));
  });

  const portalDir = deps.portalDir ?? PORTAL_DIR;
  const portal = portalAvailable(portalDir);
  app.setNotFoundHandler((req, reply) => {
    // A browser reloading a client route of the portal (/sign-ins?…) gets the app.
    if (portal && isClientRoute(req)) return sendPortalIndex(reply);
    return reply
      .code(404)
      .send(graphErrorBody(req, 'NotFound', `no route for ${req.method} ${req.url.split('?')[0]}`));
  });

  const auth = authenticate(deps.keys);
  await app.register(healthzRoute(deps));
  await app.register(metricsRoute(deps));
  if (portal) await registerPortal(app, portalDir);
  await app.register(async (secured) => {
    secured.addHook('preHandler', auth);
    await secured.register(catalogRoute(deps));
    await secured.register(categoriesRoute());
    await secured.register(ingestRoute(deps));
    await secured.register(keysRoutes(deps));
    await secured.register(graphRoutes(deps));
    await secured.register(meRoute());
    await secured.register(exportRoute(deps));
  });
  return app;
}
