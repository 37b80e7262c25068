/**
 * GET /api/v1/auth/config — public: how the portal may sign in. API keys always; an OIDC provider
 * (authorization code + PKCE, a public client) when IDTRAIL_PORTAL_OIDC is set. Nothing secret:
 * a public client has no secret.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { PortalOidc } from '../../config.ts';

export const authConfigRoute =
  (deps: { portalOidc?: PortalOidc | null }): FastifyPluginAsync =>
  async (app) => {
    app.get('/api/v1/auth/config', async () => ({ apiKeys: true, oidc: deps.portalOidc ?? null }));
  };
