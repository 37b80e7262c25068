/**
 * Test helpers: a real server on a fresh temporary data folder, and clean-up. They refuse to run
 * outside the test runner, because they create and delete data folders.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig, type PortalOidc } from '../../src/config.ts';
import { createKey } from '../../src/security/api-keys.ts';
import type { OidcIssuer } from '../../src/security/oidc.ts';
import { type Running, startServer } from '../../src/server.ts';

export function assertUnderTest(): void {
  if (!process.env.NODE_TEST_CONTEXT && process.env.IDTRAIL_TEST !== '1') {
    throw new Error('test helpers delete data folders; they run only under `node --test`');
  }
}

export function tempDataDir(prefix = 'idtrail-test-'): { dir: string; remove(): void } {
  assertUnderTest();
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface TestServer {
  url: string;
  dataDir: string;
  /** Global Administrator + ingest, default tenant. */
  adminKey: string;
  running: Running;
  /** Creates a key in a tenant with roles. */
  key(roles: Parameters<typeof createKey>[1]['roles'], tenant?: string): Promise<string>;
  /** `key` null sends no Authorization header. */
  post(pathname: string, body: unknown, key?: string | null, contentType?: string): Promise<Response>;
  get(pathname: string, key?: string | null): Promise<Response>;
  /** PUT or DELETE with a JSON body (or none). */
  /** PUT/DELETE; the default key is a Global + Attribute Log Administrator of the default tenant. */
  send(method: 'PUT' | 'DELETE', pathname: string, body?: unknown, key?: string | null): Promise<Response>;
  close(): Promise<void>;
}

export const ADMIN_SECRET = 'test-admin-key';

export async function startTestServer(
  opts: {
    catalogMode?: 'strict' | 'lenient';
    bodyLimit?: number;
    graphRate?: number;
    oidc?: OidcIssuer[];
    portalOidc?: PortalOidc;
    routerBackoffMaxMs?: number;
    routerBatch?: number;
    exportChunk?: number;
    exportWorkers?: number;
  } = {},
): Promise<TestServer> {
  const data = tempDataDir();
  const config = loadConfig(
    {
      dataDir: data.dir,
      port: 0,
      bootstrapKey: ADMIN_SECRET,
      logLevel: 'silent',
      ...(opts.catalogMode ? { catalogMode: opts.catalogMode } : {}),
      ...(opts.bodyLimit ? { bodyLimit: opts.bodyLimit } : {}),
      ...(opts.graphRate !== undefined ? { graphRate: opts.graphRate } : {}),
      ...(opts.oidc ? { oidc: opts.oidc } : {}),
      ...(opts.portalOidc ? { portalOidc: opts.portalOidc } : {}),
      ...(opts.routerBackoffMaxMs !== undefined ? { routerBackoffMaxMs: opts.routerBackoffMaxMs } : {}),
      ...(opts.routerBatch !== undefined ? { routerBatch: opts.routerBatch } : {}),
      ...(opts.exportChunk !== undefined ? { exportChunk: opts.exportChunk } : {}),
      ...(opts.exportWorkers !== undefined ? { exportWorkers: opts.exportWorkers } : {}),
    },
    {},
  );
  const running = await startServer(config);
  const url = running.url;
  const routingAdmin = (
    await createKey(running.store, {
      tenant: '00000000-0000-0000-0000-000000000000',
      roles: ['Global Administrator', 'Attribute Log Administrator', 'ingest'],
      name: 'test-routing-admin',
    })
  ).secret;
  const auth = (key: string | null): Record<string, string> =>
    key === null ? {} : { authorization: `Bearer ${key}` };
  return {
    url,
    dataDir: data.dir,
    adminKey: ADMIN_SECRET,
    running,
    key: async (roles, tenant = '11111111-1111-1111-1111-111111111111') =>
      (await createKey(running.store, { tenant, roles })).secret,
    post: (
      pathname: string,
      body: unknown,
      key: string | null = ADMIN_SECRET,
      contentType = 'application/json',
    ) =>
      fetch(url + pathname, {
        method: 'POST',
        headers: { ...auth(key), 'content-type': contentType },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
    get: (pathname: string, key: string | null = ADMIN_SECRET) =>
      fetch(url + pathname, { headers: auth(key) }),
    // PUT/DELETE default to an administrator who may also route custom security attribute audits
    // (Attribute Log Administrator), so settings can name every category.
    send: (method, pathname, body, key = routingAdmin) =>
      fetch(url + pathname, {
        method,
        headers: { ...auth(key), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      }),
    close: async () => {
      await running.close();
      data.remove();
    },
  };
}
