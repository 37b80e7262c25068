/**
 * Log Analytics' error shape, used on the workspace routes:
 * {"error":{"message","code":"BadArgumentError","correlationId","innererror":{"code","message",…}}}.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { KqlError } from '../../../query/kql/errors.ts';
import { ApiError } from '../../errors.ts';

export function laErrorBody(
  req: FastifyRequest,
  code: string,
  message: string,
  inner?: Record<string, unknown>,
) {
  return { error: { message, code, correlationId: req.id, ...(inner ? { innererror: inner } : {}) } };
}

/** A KQL error as LA reports one: BadArgumentError with the syntax/semantic error and its position. */
export function kqlErrorBody(req: FastifyRequest, query: string, e: KqlError) {
  const { line, column } = e.where(query);
  const detail = `${e.message} (line ${line}, position ${column})`;
  return laErrorBody(req, 'BadArgumentError', 'The request had some invalid properties', {
    code: e.code,
    message:
      e.code === 'SyntaxError' ? 'A recognition error occurred in the query.' : 'A semantic error occurred.',
    innererror: {
      code: e.code === 'SyntaxError' ? 'SYN0002' : 'SEM0100',
      message: detail,
      line,
      pos: column,
      token: query.slice(e.pos, e.pos + Math.max(e.len, 1)),
    },
  });
}

const LA_CODES: Record<number, string> = {
  400: 'BadArgumentError',
  401: 'AuthorizationRequiredError',
  403: 'InsufficientAccessError',
  404: 'PathNotFoundError',
  413: 'BadArgumentError',
};

/** The workspace routes' error handler: every error in LA's shape. */
export function laErrorHandler(err: FastifyError | ApiError, req: FastifyRequest, reply: FastifyReply) {
  if (err instanceof ApiError) {
    return reply.code(err.status).send(laErrorBody(req, LA_CODES[err.status] ?? err.code, err.message));
  }
  const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
  if (status === 500) req.log.error({ err }, 'query failed');
  return reply
    .code(status)
    .send(
      laErrorBody(
        req,
        status === 500 ? 'InternalServerError' : (LA_CODES[status] ?? 'BadArgumentError'),
        status === 500 ? 'the server failed to process the query' : err.message,
      ),
    );
}
