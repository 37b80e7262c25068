/**
 * Keyset cursors: the `$skiptoken` of idtrail's Graph lists.
 *
 * A cursor is the (time, id) of the last row served, the sort direction, and a fingerprint of the
 * query it belongs to, as base64url JSON: `{"v":1,"t":"2024-05-14T09:18:02.113000Z","id":"…","d":"desc","q":"…"}`.
 * Opaque to clients (Graph's paging rules: use the nextLink whole), but deliberately stateless:
 * - it stays valid forever: nothing is kept on the server, and since the store is append-only
 *   and the sort is a total order on (time, id), resuming is exact: no row is skipped or repeated
 *   (rows ingested later with an older time are not seen by a walk that is already past them, which
 *   is what a keyset walk means);
 * - a nextLink repeats the original query options (entra-formats.md §2.3), so the cursor does
 *   not carry the filter itself; its fingerprint (a hash of the log types, the validated filter and
 *   the sort) only lets us refuse a token reused with a different `$filter`/`$orderby`, rather than
 *   silently resume a different walk. `$top` and `$select` may change between pages.
 */
import { createHash } from 'node:crypto';
import { QueryError } from './errors.ts';
import { type Cursor, type Query, type SortDir, stripPositions } from './plan.ts';

const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const MAX_TOKEN = 4096;

interface Token {
  v: 1;
  t: string;
  id: string;
  d: SortDir;
  q?: string;
}

/** A short hash that identifies a query's walk: its log types, validated filter and sort. */
export function queryFingerprint(query: Pick<Query, 'type' | 'union' | 'filter' | 'orderBy'>): string {
  const basis = JSON.stringify({
    types: [query.type, ...(query.union ?? [])].map((t) => t.category),
    filter: query.filter ? stripPositions(query.filter) : null,
    orderBy: query.orderBy,
  });
  return createHash('sha256').update(basis).digest('base64url').slice(0, 16);
}

export function encodeCursor(cursor: Cursor, fingerprint?: string): string {
  const token: Token = { v: 1, t: cursor.t, id: cursor.id, d: cursor.dir };
  if (fingerprint) token.q = fingerprint;
  return Buffer.from(JSON.stringify(token)).toString('base64url');
}

const invalid = (why: string) =>
  new QueryError(`The $skiptoken is not valid: ${why}`, 'BadRequest', undefined, '$skiptoken');

/**
 * Decodes a `$skiptoken`. With `expect`, also checks that it belongs to this query (fingerprint)
 * and runs in this direction.
 */
export function decodeCursor(token: string, expect?: { fingerprint?: string; dir?: SortDir }): Cursor {
  if (token.length === 0 || token.length > MAX_TOKEN || !/^[A-Za-z0-9_-]+$/.test(token)) {
    throw invalid('it is not a token this service issued. Use the @odata.nextLink URL as returned.');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw invalid('it is not a token this service issued. Use the @odata.nextLink URL as returned.');
  }
  const p = parsed as Partial<Token> | null;
  if (
    !p ||
    typeof p !== 'object' ||
    p.v !== 1 ||
    typeof p.t !== 'string' ||
    !TIME.test(p.t) ||
    Number.isNaN(Date.parse(p.t)) ||
    typeof p.id !== 'string' ||
    p.id.length === 0 ||
    (p.d !== 'asc' && p.d !== 'desc') ||
    (p.q !== undefined && typeof p.q !== 'string')
  ) {
    throw invalid(
      'it is damaged or was not issued by this service. Use the @odata.nextLink URL as returned.',
    );
  }
  if (expect?.fingerprint && p.q !== undefined && p.q !== expect.fingerprint) {
    throw invalid(
      'it belongs to a different query. Use the @odata.nextLink URL as returned, without changing $filter or $orderby.',
    );
  }
  if (expect?.dir && p.d !== expect.dir) {
    throw invalid(
      `it continues a ${p.d === 'asc' ? 'ascending' : 'descending'} walk, but this request sorts the other way.`,
    );
  }
  return { t: p.t, id: p.id, dir: p.d };
}

/**
 * Splits the `limit + 1` rows an engine returned into the page and the cursor of the next page
 * (absent on the last page).
 */
export function pageOf<R extends { id: string; t: string }>(
  rows: readonly R[],
  limit: number,
  dir: SortDir,
): { rows: R[]; next?: Cursor } {
  if (rows.length <= limit) return { rows: [...rows] };
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  // limit 0 cannot make progress: never hand out a cursor for it.
  if (!last) return { rows: page };
  return { rows: page, next: { t: last.t, id: last.id, dir } };
}
