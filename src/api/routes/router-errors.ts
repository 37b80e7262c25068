/** Shared by the settings routes: JSON bodies, and the router's refusals in Graph's error shape. */
import { RouterError } from '../../router/service.ts';
import { ApiError } from '../errors.ts';

export function jsonBody(text: string | undefined): unknown {
  try {
    return JSON.parse(text || '');
  } catch {
    throw new ApiError(400, 'BadRequest', 'the body must be a JSON object');
  }
}

export async function routerCall<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof RouterError) throw new ApiError(err.status, err.code, err.message);
    throw err;
  }
}
