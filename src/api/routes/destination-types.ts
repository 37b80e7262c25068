/** GET /api/v1/destinationTypes — each destination type, the setting slot it fills and its fields (secrets marked). */
import type { FastifyPluginAsync } from 'fastify';
import { DIAGNOSTIC_SETTINGS_ROLES } from '../../registry/roles.ts';
import { destinationTypes } from '../../router/destinations.ts';
import { requireRole } from '../auth.ts';

export const destinationTypesRoute = (): FastifyPluginAsync => async (app) => {
  app.get(
    '/api/v1/destinationTypes',
    { preHandler: requireRole(...DIAGNOSTIC_SETTINGS_ROLES) },
    async () => ({
      value: destinationTypes(),
    }),
  );
};
