/**
 * Newest-first pages found by looking back from the cursor (or the newest record) in widening time
 * windows: a window holding a full page already holds the newest rows, and DuckDB skips the data
 * older than it (zone maps on `time`) instead of sorting every matching row of the table.
 *
 * The first window is learned: each (store, tenant, log types, filter) remembers how far back its
 * last page reached, and the next page starts from twice that. A 1-hour window over 10M sign-ins
 * holds ~14,000 rows, which the statement filters and sorts (~4 ms); a page's own span holds a few
 * hundred (~1.5 ms). A window that turns out too small costs one more statement and widens ×8.
 * Windows only bound rows from below, so a hint (stale, from other data) never changes a page.
 */
import type { Query } from '../../../query/plan.ts';
import { type PageRow, queryPage, readPage, withRecords } from '../../../query/sql/read-page.ts';
import type { Store } from '../../../store/store.ts';

const HOUR_MS = 3_600_000;
/** Widening windows when nothing is learned yet; the last step has no lower bound. */
const WINDOWS_MS = [1, 8, 64, 512, 4096].map((h) => h * HOUR_MS);
/** The smallest first window: below it a clock step or an idle second would make it miss. */
const MIN_WINDOW_MS = 10_000;
/** Learned spans kept per store (the least recently used go first). */
const MAX_HINTS = 2_000;

const hints = new WeakMap<Store, Map<string, number>>();

function hintKey(query: Query, tenant: string): string {
  const types = [query.type, ...(query.union ?? [])].map((t) => t.category).join(',');
  return `${tenant}\u0000${types}\u0000${JSON.stringify(query.filter ?? null)}`;
}

/** The windows to try, from a learned span (ms) or the defaults. */
export function windowsFor(span: number | undefined): number[] {
  if (span === undefined) return WINDOWS_MS;
  const first = Math.max(MIN_WINDOW_MS, span * 2);
  const out = [first];
  while (out[out.length - 1]! * 8 < WINDOWS_MS[WINDOWS_MS.length - 1]!) out.push(out[out.length - 1]! * 8);
  return out;
}

function remember(store: Store, key: string, span: number): void {
  let m = hints.get(store);
  if (!m) {
    m = new Map();
    hints.set(store, m);
  }
  m.delete(key);
  m.set(key, span);
  if (m.size > MAX_HINTS) m.delete(m.keys().next().value!);
}

export async function newestFirst(store: Store, query: Query, tenant: string): Promise<PageRow[]> {
  if (query.orderBy[0]!.dir !== 'desc') return readPage(store, query, tenant);
  // Page 1 looks back from the newest stored record, not from now: a tenant whose logs stop
  // earlier (an import, a quiet night) would otherwise run every small window empty first.
  const anchor = query.after ? Date.parse(query.after.t) : await newestTime(store, query, tenant);
  if (anchor === null) return readPage(store, query, tenant);
  const key = hintKey(query, tenant);
  for (const w of windowsFor(hints.get(store)?.get(key))) {
    const q = { ...query, notBefore: new Date(anchor - w).toISOString() };
    const page = await queryPage(store, q, tenant);
    if (page.rows.length > query.limit) {
      remember(store, key, anchor - Date.parse(page.rows[page.rows.length - 1]!.t));
      return withRecords(store, q, tenant, page);
    }
  }
  return readPage(store, query, tenant);
}

/**
 * The newest record time of the scanned log types. The store keeps it current from its commits, so
 * this costs no scan. A stale value would be harmless anyway: windows only bound rows from below.
 */
async function newestTime(store: Store, query: Query, tenant: string): Promise<number | null> {
  let t: number | null = null;
  for (const type of [query.type, ...(query.union ?? [])]) {
    const m = await store.maxTime(type, tenant);
    if (m !== null) t = Math.max(t ?? 0, Date.parse(m));
  }
  return t;
}
