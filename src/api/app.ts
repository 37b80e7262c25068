/**
 * The HTTP server: Fastify with Graph-shaped errors, key authentication and the routes.
 * Routes live in routes/, one file per path.
 */
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { PortalOidc } from '../config.ts';
import type { IngestService } from '../ingest/service.ts';
import type { AuditCatalog } from '../registry/catalog/catalog.ts';
import type { SettingsService } from '../router/service.ts';
import type { KeyResolver } from '../security/api-keys.ts';
import type { IntegrityJobs } from '../security/integrity-jobs.ts';
import type { OidcVerifier } from '../security/oidc.ts';
import type { Store } from '../store/store.ts';
import { ActivityRecorder } from './activity-recorder.ts';
import { authenticate } from './auth.ts';
import { ApiError, graphErrorBody, sendError } from './errors.ts';
import type { Metrics } from './metrics.ts';
import { authConfigRoute } from './routes/auth-config.ts';
import { catalogRoute } from './routes/catalog.ts';
import { categoriesRoute } from './routes/categories.ts';
import { destinationTypesRoute } from './routes/destination-types.ts';
import { destinationsRoutes } from './routes/destinations.ts';
import { diagnosticSettingsRoutes } from './routes/diagnostic-settings.ts';
import { diagnosticSettingsCategoriesRoute } from './routes/diagnostic-settings-categories.ts';
import { exportRoute } from './routes/export.ts';
import { graphRoutes } from './routes/graph/collection.ts';
import { healthzRoute } from './routes/healthz.ts';
import { histogramRoute } from './routes/histogram.ts';
import { ingestRoute } from './routes/ingest.ts';
import { integrityPublicRoute, integrityRoutes } from './routes/integrity.ts';
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
import { retentionRoutes } from './routes/retention.ts';
import { savedQueriesRoutes } from './routes/saved-queries.ts';
import { watchlistItemsRoute } from './routes/watchlists/items.ts';
import { watchlistsRoute } from './routes/watchlists/list.ts';
import { watchlistRoutes } from './routes/watchlists/watchlist.ts';
import { laErrorHandler } from './routes/workspace/la-errors.ts';
import { workspaceMetadataRoute } from './routes/workspace/metadata.ts';
import { workspaceQueryRoute } from './routes/workspace/query.ts';
import { workspacesRoute } from './routes/workspace/workspaces.ts';
import type { Throttle } from './throttle.ts';

export interface AppDeps {
  store: Store;
  ingest: IngestService;
  catalog: AuditCatalog;
  keys: KeyResolver;
  metrics: Metrics;
  /** Diagnostic settings and destinations (src/router). */
  settings: SettingsService;
  bodyLimit: number;
  logLevel: string;
  /** Per-key request limits on the Graph routes. */
  throttle: Throttle;
  /** Fastify's trustProxy: which proxies' X-Forwarded-* headers to believe. */
  trustProxy?: boolean | string;
  /** Checkpoints, retention and the signing key. */
  integrity: IntegrityJobs;
  /** Validates OIDC bearer tokens (absent: API keys only). */
  oidc?: OidcVerifier;
  /** The portal's OIDC sign-in, published at /api/v1/auth/config. */
  portalOidc?: PortalOidc | null;
  /** Rows per keyset query of a download (default 5000). */
  exportChunk?: number;
  /** Worker threads that shape downloads' records (default 0: in the request's thread). */
  exportWorkers?: number;
  /** The built portal (dist/web); not served when it has no index.html. */
  portalDir?: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The routes this app registered (method, URL pattern). */
    idtrailRoutes: ReadonlyArray<{ method: string; url: string }>;
  }
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
    // Errors raised before routing (a path parameter too long, a malformed URL) in Graph's shape.
    frameworkErrors: (err, req, reply) => {
      const status = err.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 414 : 400;
      const code = status === 414 ? 'RequestUriTooLong' : 'BadRequest';
      void (reply as FastifyReply)
        .code(status)
        .send(graphErrorBody(req as FastifyRequest, code, err.message));
    },
    // Requests Node's HTTP parser refuses (oversized headers, garbage) never reach a route: answer
    // in Graph's shape too, without a request id (there is no request).
    clientErrorHandler: (err, socket) => {
      const e = err as NodeJS.ErrnoException;
      if (e.code === 'ECONNRESET' || !socket.writable) return socket.destroy();
      const [status, code] =
        e.code === 'HPE_HEADER_OVERFLOW' ? [431, 'RequestHeaderFieldsTooLarge'] : [400, 'BadRequest'];
      const body = JSON.stringify({
        error: {
          code,
          message:
            e.code === 'HPE_HEADER_OVERFLOW' ? 'the request headers are too large' : 'malformed request',
          innerError: { date: new Date().toISOString().slice(0, 19) },
        },
      });
      socket.end(
        `HTTP/1.1 ${status} ${code}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    },
  });

  // Ingest bodies are parsed by the pipeline (JSON, NDJSON, envelopes); keep them as text.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  // Reads through the Graph, workspace and download doors are recorded for the caller's tenant.
  const recorder = new ActivityRecorder(deps.ingest);
  app.addHook('onResponse', async (req, reply) => recorder.record(req, reply));
  app.addHook('onClose', async () => recorder.close());

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

  // Every route, for the role-matrix test (docs/role-matrix.md must list each one).
  const routes: Array<{ method: string; url: string }> = [];
  app.addHook('onRoute', (r) => {
    for (const method of [r.method].flat()) if (method !== 'HEAD') routes.push({ method, url: r.url });
  });
  app.decorate('idtrailRoutes', routes);

  const auth = authenticate(deps.keys, deps.oidc);
  await app.register(healthzRoute(deps));
  await app.register(metricsRoute(deps));
  await app.register(integrityPublicRoute(deps));
  await app.register(authConfigRoute(deps));
  if (portal) await registerPortal(app, portalDir);
  await app.register(async (secured) => {
    secured.addHook('preHandler', auth);
    await secured.register(catalogRoute(deps));
    await secured.register(categoriesRoute());
    await secured.register(ingestRoute(deps));
    await secured.register(keysRoutes(deps));
    await secured.register(graphRoutes(deps));
    await secured.register(integrityRoutes(deps));
    await secured.register(retentionRoutes(deps));
    await secured.register(workspacesRoute());
    await secured.register(destinationsRoutes(deps));
    await secured.register(destinationTypesRoute());
    await secured.register(diagnosticSettingsRoutes(deps));
    await secured.register(diagnosticSettingsCategoriesRoute());
    await secured.register(meRoute());
    await secured.register(exportRoute(deps));
    await secured.register(histogramRoute(deps));
    await secured.register(savedQueriesRoutes(deps));
    await secured.register(watchlistsRoute(deps));
    await secured.register(watchlistRoutes(deps));
    await secured.register(watchlistItemsRoute(deps));
  });
  // The Log Analytics query API: its own scope, so that every error has LA's shape.
  await app.register(async (workspace) => {
    workspace.setErrorHandler(laErrorHandler);
    workspace.addHook('preHandler', auth);
    await workspace.register(workspaceQueryRoute(deps));
    await workspace.register(workspaceMetadataRoute(deps));
  });
  return app;
}
