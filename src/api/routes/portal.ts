/**
 * GET / — the portal (web/, built by `vite build` into dist/web): static files without
 * authentication (the app signs in with an API key against the public APIs), and index.html for
 * any other GET that a browser sends to a client route (/audit, /sign-ins?…). API, Graph and
 * operational paths keep their own 404s.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export const PORTAL_DIR = fileURLToPath(new URL('../../../dist/web/', import.meta.url));

/** Paths that are never client routes. */
const NOT_PORTAL = /^\/(api|v1|v1\.0|beta|healthz|metrics)(\/|$|\?)/;

export function portalAvailable(dir = PORTAL_DIR): boolean {
  return existsSync(`${dir}index.html`);
}

/** Whether a not-found request is a browser asking for a client route (answer index.html). */
export function isClientRoute(req: FastifyRequest): boolean {
  return (
    req.method === 'GET' &&
    !NOT_PORTAL.test(req.url) &&
    !/\.[a-z0-9]+$/i.test(req.url.split('?')[0]!) &&
    String(req.headers.accept ?? '').includes('text/html')
  );
}

/** Registers the static files on `app` itself (not encapsulated): the not-found handler sends index.html. */
export async function registerPortal(app: FastifyInstance, dir = PORTAL_DIR): Promise<void> {
  await app.register(fastifyStatic, { root: dir, prefix: '/', wildcard: false, index: ['index.html'] });
}

export function sendPortalIndex(reply: FastifyReply): FastifyReply {
  return reply.header('cache-control', 'no-cache').sendFile('index.html');
}
