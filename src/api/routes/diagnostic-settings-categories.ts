/** GET /api/v1/diagnosticSettingsCategories — the log categories a diagnostic setting can route (ARM shape). */
import type { FastifyPluginAsync } from 'fastify';
import { DIAGNOSTIC_SETTINGS_ROLES } from '../../registry/roles.ts';
import { SettingsService } from '../../router/service.ts';
import { requireRole } from '../auth.ts';

export const diagnosticSettingsCategoriesRoute = (): FastifyPluginAsync => async (app) => {
  app.get(
    '/api/v1/diagnosticSettingsCategories',
    { preHandler: requireRole(...DIAGNOSTIC_SETTINGS_ROLES) },
    async () => ({ value: SettingsService.categories() }),
  );
};
