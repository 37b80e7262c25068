/**
 * The error every query front end throws for bad input. It carries what an HTTP route needs to
 * answer in Graph's error shape (api/errors.ts): status 400, a Graph error code and a message that
 * says what is wrong. The query layer sits below `api`, so it cannot throw ApiError itself; routes
 * map `QueryError` to `ApiError(err.status, err.code, err.message)`.
 */
export class QueryError extends Error {
  readonly status = 400;
  constructor(
    message: string,
    /** Graph's error code; 'BadRequest' is what Graph's reporting APIs answer for a bad query. */
    readonly code = 'BadRequest',
    /** 0-based character offset in the query option's text, when the error has one. */
    readonly position?: number,
    /** The query option the error is about: '$filter', '$top', … */
    readonly option?: string,
  ) {
    super(message);
    this.name = 'QueryError';
  }
}
