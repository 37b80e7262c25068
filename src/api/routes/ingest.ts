/**
 * POST /api/v1/ingest/{category} — store records of one diagnostic category (any case).
 * Body: a JSON array, NDJSON, or Azure Monitor envelopes ({"records":[…]} or one per line).
 * 200 {accepted, duplicates, firstSeq, lastSeq} only after a durable commit; 400 with
 * {index, pointer, message} errors when any record is invalid (nothing is stored); 413 when too large.
 */
import type { FastifyPluginAsync } from 'fastify';
import { IngestRefused } from '../../ingest/service.ts';
import { findLogType } from '../../registry/log-types.ts';
import { INGEST_ROLES } from '../../registry/roles.ts';
import type { AppDeps } from '../app.ts';
import { requireRole } from '../auth.ts';
import { ApiError } from '../errors.ts';

export const ingestRoute =
  (deps: Pick<AppDeps, 'ingest' | 'metrics'>): FastifyPluginAsync =>
  async (app) => {
    app.post<{ Params: { category: string }; Body: string }>(
      '/api/v1/ingest/:category',
      { preHandler: requireRole(...INGEST_ROLES) },
      async (req) => {
        const type = findLogType(req.params.category);
        if (!type) {
          throw new ApiError(404, 'NotFound', `unknown log category '${req.params.category}'`);
        }
        const body = typeof req.body === 'string' ? req.body : '';
        try {
          const out = await deps.ingest.ingestText(
            req.principal!.tenant,
            type,
            body,
            req.headers['content-type'],
          );
          deps.metrics.batchRecords.observe(out.received);
          if (out.duplicates > 0) deps.metrics.duplicates.inc({ category: type.category }, out.duplicates);
          return {
            accepted: out.accepted,
            duplicates: out.duplicates,
            firstSeq: out.firstSeq,
            lastSeq: out.lastSeq,
          };
        } catch (err) {
          if (err instanceof IngestRefused) {
            deps.metrics.errors.inc({ reason: err.reason === 'too-large' ? 'too_large' : 'invalid' });
            if (err.reason === 'too-large') throw new ApiError(413, 'RequestEntityTooLarge', err.message);
            throw new ApiError(400, 'BadRequest', err.message, err.errors);
          }
          deps.metrics.errors.inc({ reason: 'commit_failed' });
          throw err;
        }
      },
    );
  };
