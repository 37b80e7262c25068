/**
 * The Logs page's calls: the Log Analytics query and metadata APIs (LA's error shape) and the
 * saved-queries API (Graph's error shape), with the signed-in key, as every portal page does.
 */
import { ApiFailure, authHeaders, failureOf } from '../lib/api.ts';
import { type LaResponse, parseLaError, type QueryFailure } from './result.ts';

export async function api<T>(url: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(url, {
    ...init,
    headers: {
      ...authHeaders(),
      ...(init.body ? { 'content-type': 'application/json' } : {}),
      ...(init.headers as Record<string, string> | undefined),
    },
  });
  if (!res.ok) throw await failureOf(res);
  return res.status === 204 ? (undefined as T) : ((await res.json()) as T);
}

export class QueryRefused extends Error {
  constructor(readonly failure: QueryFailure) {
    super(failure.message);
  }
}

/** Runs a query; a refusal throws QueryRefused with LA's message and position. */
export async function runQuery(
  workspaceId: string,
  query: string,
  timespan: string | undefined,
  signal?: AbortSignal,
): Promise<LaResponse> {
  const res = await fetch(`/v1/workspaces/${encodeURIComponent(workspaceId)}/query`, {
    method: 'POST',
    headers: { ...authHeaders(), 'content-type': 'application/json' },
    body: JSON.stringify(timespan ? { query, timespan } : { query }),
    ...(signal ? { signal } : {}),
  });
  let body: unknown = null;
  try {
    body = await res.json();
  } catch {
    // not JSON (a proxy's error page): the status says enough
  }
  if (!res.ok) throw new QueryRefused(parseLaError(res.status, body));
  return body as LaResponse;
}

export interface SavedQuery {
  id: string;
  displayName: string;
  query: string;
  description: string | null;
  category: string | null;
  savedBy: string;
  createdDateTime: string;
  lastModifiedDateTime: string;
}

export const listSavedQueries = async () =>
  (await api<{ value: SavedQuery[] }>('/api/v1/savedQueries')).value;

export const saveQuery = (
  id: string,
  q: { displayName: string; query: string; description?: string | null; category?: string | null },
) =>
  api<SavedQuery>(`/api/v1/savedQueries/${encodeURIComponent(id)}`, {
    method: 'PUT',
    body: JSON.stringify(q),
  });

export const deleteSavedQuery = (id: string) =>
  api<void>(`/api/v1/savedQueries/${encodeURIComponent(id)}`, { method: 'DELETE' });

export { ApiFailure };
