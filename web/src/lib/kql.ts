/**
 * Reads through the public Log Analytics query API (POST /v1/workspaces/{tenant}/query), for
 * logs Graph does not serve (AD FS sign-ins). Pages are keyset pages on (TimeGenerated, Id) in the
 * KQL itself, so a page deep in the set costs what the first one does, as Graph's cursors do.
 */
import { authHeaders, failureOf } from './api.ts';
import type { Rec } from './format.ts';

/** A KQL string literal (double quotes; backslash and quote escaped). */
export const kqlString = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

interface LaTable {
  name: string;
  columns: Array<{ name: string; type: string }>;
  rows: unknown[][];
}

/** Runs a query in the caller's workspace; rows as objects keyed by column name. */
export async function kqlRows(tenant: string, query: string, signal?: AbortSignal): Promise<Rec[]> {
  const res = await fetch(`/v1/workspaces/${encodeURIComponent(tenant)}/query`, {
    method: 'POST',
    headers: { ...authHeaders(), 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
    ...(signal ? { signal } : {}),
  });
  if (!res.ok) throw await failureOf(res);
  const body = (await res.json()) as { tables: LaTable[] };
  const table = body.tables[0];
  if (!table) return [];
  const names = table.columns.map((c) => c.name);
  return table.rows.map((row) => {
    const r: Rec = {};
    for (let i = 0; i < names.length; i++) r[names[i]!] = row[i];
    return r;
  });
}

/** Where a keyset page resumes: the last row's (TimeGenerated, Id). */
interface KqlCursor {
  t: string;
  id: string;
}

/**
 * One newest-first page of `base` (a table and its `where` clauses): `size` rows and the cursor
 * of the next page when there is one (one extra row is read to know).
 */
export async function kqlPage(
  tenant: string,
  base: string,
  size: number,
  cursor: string | undefined,
  signal?: AbortSignal,
): Promise<{ rows: Rec[]; next?: string }> {
  let query = base;
  if (cursor) {
    const c = JSON.parse(cursor) as KqlCursor;
    const t = `datetime(${c.t})`;
    query += `\n| where TimeGenerated < ${t} or (TimeGenerated == ${t} and Id < ${kqlString(c.id)})`;
  }
  query += `\n| order by TimeGenerated desc, Id desc\n| take ${size + 1}`;
  const rows = await kqlRows(tenant, query, signal);
  const page = rows.slice(0, size);
  const last = page[page.length - 1];
  return rows.length > size && last
    ? { rows: page, next: JSON.stringify({ t: String(last.TimeGenerated), id: String(last.Id) }) }
    : { rows: page };
}

/** A JSON text column (LA's string columns holding objects) as a value; anything else as it is. */
export function parseJsonColumn(v: unknown): unknown {
  if (typeof v !== 'string' || !/^[[{]/.test(v)) return v === '' ? null : v;
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}
