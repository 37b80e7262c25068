/** Runtime configuration: command-line options over environment variables over defaults. */
import path from 'node:path';
import { defaultWorkerCount } from './ingest/prepare-pool.ts';
import type { CatalogMode } from './ingest/validate.ts';
import type { OidcIssuer } from './security/oidc.ts';
import { DEFAULT_RETENTION_DAYS } from './security/retention.ts';

export interface Config {
  host: string;
  port: number;
  dataDir: string;
  /** Store URL: `duckdb:<file>` (default `duckdb:<dataDir>/idtrail.duckdb`). */
  store: string;
  bootstrapKey: string | undefined;
  catalogMode: CatalogMode;
  /** Largest accepted request body, bytes. */
  bodyLimit: number;
  logLevel: string;
  /** Proxies whose X-Forwarded-* headers are believed: 'loopback' (default), 'false', or addresses. */
  trustProxy: boolean | string;
  /** Graph API requests allowed per 10 seconds per key (0: unlimited). */
  graphRate: number;
  /** Worker threads that prepare large ingest bodies (0: prepare on the main thread). */
  ingestWorkers: number;
  /** Trusted OIDC issuers for bearer JWTs (none: API keys only). */
  oidc: OidcIssuer[];
  /** The portal's OIDC sign-in (authorization code + PKCE), shown beside the API key form. */
  portalOidc: PortalOidc | null;
  /** Seconds between signed checkpoints (0: only at shutdown and on demand). */
  checkpointInterval: number;
  /** Seconds between retention runs (0: only on demand). */
  retentionInterval: number;
  /** Default retention in days, for every tenant and category without its own. */
  retentionDays: number;
  /** Delivery: records per step per route, and the cap of the retry backoff (ms). */
  routerBatch: number;
  routerBackoffMaxMs: number;
  /** AuditLogs exports' `properties.tenantGeo` (the tenant's region code, as Azure writes it). */
  tenantGeo: string;
  /** Rows per keyset query of a download (/api/v1/export): bounds its memory. */
  exportChunk: number;
  /** Worker threads that shape downloads' records (0: in the request's thread). */
  exportWorkers: number;
}

export function loadConfig(overrides: Partial<Config> = {}, env: NodeJS.ProcessEnv = process.env): Config {
  const dataDir = path.resolve(overrides.dataDir ?? env.IDTRAIL_DATA ?? './.idtrail');
  const catalogMode = (overrides.catalogMode ?? env.IDTRAIL_CATALOG_MODE ?? 'strict') as CatalogMode;
  if (catalogMode !== 'strict' && catalogMode !== 'lenient') {
    throw new Error(`IDTRAIL_CATALOG_MODE must be 'strict' or 'lenient', not '${catalogMode}'`);
  }
  return {
    host: overrides.host ?? env.IDTRAIL_HOST ?? '127.0.0.1',
    port: overrides.port ?? Number(env.IDTRAIL_PORT ?? 8080),
    dataDir,
    store: overrides.store ?? env.IDTRAIL_STORE ?? `duckdb:${path.join(dataDir, 'idtrail.duckdb')}`,
    bootstrapKey: overrides.bootstrapKey ?? env.IDTRAIL_BOOTSTRAP_KEY ?? undefined,
    catalogMode,
    bodyLimit: overrides.bodyLimit ?? Number(env.IDTRAIL_BODY_LIMIT ?? 256 * 1024 * 1024),
    logLevel: overrides.logLevel ?? env.IDTRAIL_LOG_LEVEL ?? 'info',
    trustProxy: parseTrust(overrides.trustProxy ?? env.IDTRAIL_TRUST_PROXY ?? 'loopback'),
    graphRate: overrides.graphRate ?? Number(env.IDTRAIL_GRAPH_RATE ?? 1000),
    ingestWorkers: overrides.ingestWorkers ?? Number(env.IDTRAIL_INGEST_WORKERS ?? defaultWorkerCount()),
    oidc: overrides.oidc ?? parseOidc(env),
    portalOidc: overrides.portalOidc !== undefined ? overrides.portalOidc : parsePortalOidc(env),
    checkpointInterval: overrides.checkpointInterval ?? Number(env.IDTRAIL_CHECKPOINT_INTERVAL ?? 3600),
    retentionInterval: overrides.retentionInterval ?? Number(env.IDTRAIL_RETENTION_INTERVAL ?? 3600),
    retentionDays: overrides.retentionDays ?? Number(env.IDTRAIL_RETENTION_DAYS ?? DEFAULT_RETENTION_DAYS),
    routerBatch: overrides.routerBatch ?? Number(env.IDTRAIL_ROUTER_BATCH ?? 1000),
    routerBackoffMaxMs: overrides.routerBackoffMaxMs ?? Number(env.IDTRAIL_ROUTER_BACKOFF_MAX_MS ?? 60_000),
    tenantGeo: overrides.tenantGeo ?? env.IDTRAIL_TENANT_GEO ?? 'NA',
    exportChunk: overrides.exportChunk ?? Number(env.IDTRAIL_EXPORT_CHUNK ?? 5000),
    // Off by default: on the shared 2-core bench machine a shaping worker lowered the JS thread's
    // CPU but lengthened downloads (docs/benchmarks.md).
    exportWorkers: overrides.exportWorkers ?? Number(env.IDTRAIL_EXPORT_WORKERS ?? 0),
  };
}

/**
 * The portal's sign-in through an OIDC provider: a public client using the authorization code flow
 * with PKCE. `IDTRAIL_PORTAL_OIDC` is JSON: {name, authorizationEndpoint, tokenEndpoint, clientId,
 * scope, resource?}. The access token it gets must be accepted by IDTRAIL_OIDC_ISSUERS.
 */
export interface PortalOidc {
  /** What the button says: "Sign in with <name>". */
  name: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  clientId: string;
  scope: string;
  /** RFC 8707 resource indicator, for providers that choose the audience by it. */
  resource?: string;
}

function parsePortalOidc(env: NodeJS.ProcessEnv): PortalOidc | null {
  if (!env.IDTRAIL_PORTAL_OIDC) return null;
  let v: Partial<PortalOidc>;
  try {
    v = JSON.parse(env.IDTRAIL_PORTAL_OIDC) as Partial<PortalOidc>;
  } catch {
    throw new Error(
      'IDTRAIL_PORTAL_OIDC must be JSON: {name, authorizationEndpoint, tokenEndpoint, clientId, scope}',
    );
  }
  for (const k of ['name', 'authorizationEndpoint', 'tokenEndpoint', 'clientId', 'scope'] as const) {
    if (typeof v[k] !== 'string' || v[k] === '') throw new Error(`IDTRAIL_PORTAL_OIDC needs ${k}`);
  }
  return v as PortalOidc;
}

/**
 * IDTRAIL_OIDC_ISSUERS: a JSON array of {issuer, audience, jwksUri | jwks}; or, for one issuer,
 * IDTRAIL_OIDC_ISSUER + IDTRAIL_OIDC_AUDIENCE + IDTRAIL_OIDC_JWKS_URI.
 */
function parseOidc(env: NodeJS.ProcessEnv): OidcIssuer[] {
  if (env.IDTRAIL_OIDC_ISSUERS) {
    let list: unknown;
    try {
      list = JSON.parse(env.IDTRAIL_OIDC_ISSUERS);
    } catch {
      throw new Error('IDTRAIL_OIDC_ISSUERS must be a JSON array of {issuer, audience, jwksUri | jwks}');
    }
    if (!Array.isArray(list)) throw new Error('IDTRAIL_OIDC_ISSUERS must be a JSON array');
    for (const i of list as OidcIssuer[]) {
      if (typeof i?.issuer !== 'string' || !i.audience || (!i.jwksUri && !i.jwks)) {
        throw new Error('each IDTRAIL_OIDC_ISSUERS entry needs issuer, audience, and jwksUri or jwks');
      }
    }
    return list as OidcIssuer[];
  }
  if (env.IDTRAIL_OIDC_ISSUER) {
    if (!env.IDTRAIL_OIDC_AUDIENCE || !env.IDTRAIL_OIDC_JWKS_URI) {
      throw new Error('IDTRAIL_OIDC_ISSUER needs IDTRAIL_OIDC_AUDIENCE and IDTRAIL_OIDC_JWKS_URI');
    }
    return [
      {
        issuer: env.IDTRAIL_OIDC_ISSUER,
        audience: env.IDTRAIL_OIDC_AUDIENCE,
        jwksUri: env.IDTRAIL_OIDC_JWKS_URI,
      },
    ];
  }
  return [];
}

function parseTrust(v: boolean | string): boolean | string {
  if (v === 'true') return true;
  if (v === 'false' || v === '') return false;
  return v;
}
