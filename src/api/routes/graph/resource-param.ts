/**
 * `/api/v1/<feature>/{resource}` routes (export, histogram) name a Graph list by the last segment
 * of its path (`signIns`, `directoryAudits`, …, any case): the lookup and the preHandler that
 * answers 404 for an unknown name and otherwise applies that list's read roles.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requireRole } from '../../auth.ts';
import { ApiError } from '../../errors.ts';
import { GRAPH_RESOURCES, type GraphResourceRoute } from './resources.ts';

/** The names `{resource}` accepts, as Graph spells them. */
export const RESOURCE_NAMES = GRAPH_RESOURCES.map((r) => r.path.split('/').pop()!);

const byName = new Map<string, GraphResourceRoute>(
  GRAPH_RESOURCES.map((r, i) => [RESOURCE_NAMES[i]!.toLowerCase(), r]),
);

export function resourceByName(name: string): GraphResourceRoute | undefined {
  return byName.get(name.toLowerCase());
}

/** A preHandler for `app`'s `:resource` route; `what` names the feature in the 404 ("export"). */
export function resourceGuard(app: FastifyInstance, what: string) {
  return async (req: FastifyRequest<{ Params: { resource: string } }>, reply: FastifyReply) => {
    const r = resourceByName(req.params.resource);
    if (!r) {
      throw new ApiError(
        404,
        'NotFound',
        `no ${what} for '${req.params.resource}'; one of: ${RESOURCE_NAMES.join(', ')}`,
      );
    }
    await requireRole(...r.roles).call(app, req, reply);
  };
}
