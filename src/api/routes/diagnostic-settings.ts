/**
 * /api/v1/diagnosticSettings[/{name}] — diagnostic settings in ARM's shape (entra-formats.md
 * §3.2), naming destinations by name in storageAccountId / eventHubAuthorizationRuleId /
 * workspaceId. At most five per tenant, as Entra. Admin roles as Entra requires.
 */
import type { FastifyPluginAsync } from 'fastify';
import { DIAGNOSTIC_SETTINGS_ROLES } from '../../registry/roles.ts';
import type { SettingsService } from '../../router/service.ts';
import { requireRole } from '../auth.ts';
import { jsonBody, routerCall } from './router-errors.ts';

export const diagnosticSettingsRoutes =
  (deps: { settings: SettingsService }): FastifyPluginAsync =>
  async (app) => {
    const admin = { preHandler: requireRole(...DIAGNOSTIC_SETTINGS_ROLES) };
    type Named = { Params: { name: string }; Body: string };

    app.get('/api/v1/diagnosticSettings', admin, async (req) => ({
      value: await deps.settings.listSettings(req.principal!.tenant),
    }));

    app.get<Named>('/api/v1/diagnosticSettings/:name', admin, (req) =>
      routerCall(() => deps.settings.getSetting(req.principal!.tenant, req.params.name)),
    );

    app.put<Named>('/api/v1/diagnosticSettings/:name', admin, async (req, reply) => {
      const body = jsonBody(req.body);
      const r = await routerCall(() =>
        deps.settings.putSetting(req.principal!.tenant, req.params.name, body, req.principal!.roles),
      );
      // ARM answers 200 to create and update alike (§3.2).
      return reply.code(200).send(r.resource);
    });

    app.delete<Named>('/api/v1/diagnosticSettings/:name', admin, async (req, reply) => {
      await routerCall(() => deps.settings.deleteSetting(req.principal!.tenant, req.params.name));
      return reply.code(200).send();
    });
  };
