/**
 * /api/v1/destinations[/{name}] — named delivery destinations of the caller's tenant (archive,
 * stream, workspace). Secrets (connection strings, HMAC keys, tokens) are stored but never
 * returned: GET lists which are set in `secretsSet`. Each destination shows its delivery health.
 */
import type { FastifyPluginAsync } from 'fastify';
import { DIAGNOSTIC_SETTINGS_ROLES } from '../../registry/roles.ts';
import type { SettingsService } from '../../router/service.ts';
import { requireRole } from '../auth.ts';
import { jsonBody, routerCall } from './router-errors.ts';

export const destinationsRoutes =
  (deps: { settings: SettingsService }): FastifyPluginAsync =>
  async (app) => {
    const admin = { preHandler: requireRole(...DIAGNOSTIC_SETTINGS_ROLES) };
    type Named = { Params: { name: string }; Body: string };

    app.get('/api/v1/destinations', admin, async (req) => ({
      value: await deps.settings.listDestinations(req.principal!.tenant),
    }));

    app.get<Named>('/api/v1/destinations/:name', admin, (req) =>
      routerCall(() => deps.settings.getDestination(req.principal!.tenant, req.params.name)),
    );

    app.put<Named>('/api/v1/destinations/:name', admin, async (req, reply) => {
      const body = jsonBody(req.body);
      const r = await routerCall(() =>
        deps.settings.putDestination(req.principal!.tenant, req.params.name, body),
      );
      return reply.code(r.created ? 201 : 200).send(r.resource);
    });

    app.delete<Named>('/api/v1/destinations/:name', admin, async (req, reply) => {
      await routerCall(() => deps.settings.deleteDestination(req.principal!.tenant, req.params.name));
      return reply.code(204).send();
    });
  };
