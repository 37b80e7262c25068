/**
 * Graph's error shape: {"error":{"code","message","innerError":{"date","request-id","client-request-id"}}}.
 * Every error on idtrail's Graph and API routes is written this way.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export function graphErrorBody(req: FastifyRequest, code: string, message: string, details?: unknown) {
  const clientRequestId = req.headers['client-request-id'];
  return {
    error: {
      code,
      message,
      ...(details === undefined ? {} : { details }),
      innerError: {
        date: new Date().toISOString().slice(0, 19),
        'request-id': req.id,
        'client-request-id': typeof clientRequestId === 'string' ? clientRequestId : req.id,
      },
    },
  };
}

export function sendError(req: FastifyRequest, reply: FastifyReply, err: ApiError): FastifyReply {
  return reply.code(err.status).send(graphErrorBody(req, err.code, err.message, err.details));
}
