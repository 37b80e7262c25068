/**
 * Query history, kept in the browser's localStorage per tenant (one list per tenant: a shared
 * computer signed in to two tenants does not mix them). Newest first; running a query again moves
 * it to the top.
 */
export interface HistoryEntry {
  query: string;
  /** The picker's range when it ran (a range id or `start/end`). */
  range: string;
  /** ISO 8601. */
  at: string;
}

export const HISTORY_MAX = 50;

type KV = Pick<Storage, 'getItem' | 'setItem'>;

export const historyKey = (tenant: string) => `idtrail.logs.history.${tenant}`;

export function readHistory(storage: KV, tenant: string): HistoryEntry[] {
  try {
    const v: unknown = JSON.parse(storage.getItem(historyKey(tenant)) ?? '[]');
    if (!Array.isArray(v)) return [];
    return v.filter(
      (e): e is HistoryEntry =>
        e !== null &&
        typeof e === 'object' &&
        typeof (e as HistoryEntry).query === 'string' &&
        typeof (e as HistoryEntry).at === 'string' &&
        typeof (e as HistoryEntry).range === 'string',
    );
  } catch {
    // Unreadable (edited by hand, another version): start over rather than break the page.
    return [];
  }
}

export function addHistory(storage: KV, tenant: string, entry: HistoryEntry): HistoryEntry[] {
  const text = entry.query.trim();
  if (!text) return readHistory(storage, tenant);
  const next = [
    { ...entry, query: text },
    ...readHistory(storage, tenant).filter((e) => e.query.trim() !== text),
  ].slice(0, HISTORY_MAX);
  try {
    storage.setItem(historyKey(tenant), JSON.stringify(next));
  } catch {
    // Storage full or disabled: the history is a convenience, the query still runs.
  }
  return next;
}
