/**
 * A list walked page by page for the grid: a Graph list through @odata.nextLink (keyset cursors),
 * or a workspace table through keyset KQL pages (lib/kql.ts). The source is identified by `key`:
 * a new key starts a new walk.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { type ApiFailure, getJson } from './api.ts';
import type { Rec } from './format.ts';
import { kqlPage } from './kql.ts';

export interface PageSource {
  /** Identifies the walk (the URL or the query); null: nothing to load. */
  key: string | null;
  /** The first page (no cursor) or the page at `cursor`, and the next page's cursor if any. */
  fetch(cursor: string | undefined, signal: AbortSignal): Promise<{ rows: Rec[]; next?: string | undefined }>;
}

interface GraphPage {
  value: Rec[];
  '@odata.nextLink'?: string;
}

/**
 * A Graph list: the cursor is the @odata.nextLink itself. The first page is small (it is on screen
 * soonest); the pages after it ask for `nextTop` records (the list's maximum), so scrolling through
 * a large set takes fewer round trips. The API lets `$top` change between pages of a walk.
 */
export const graphSource = (url: string | null, nextTop?: number): PageSource => ({
  key: url,
  fetch: async (cursor, signal) => {
    let pageUrl = cursor ?? url!;
    if (cursor && nextTop) {
      const u = new URL(cursor, window.location.origin);
      u.searchParams.set('$top', String(nextTop));
      pageUrl = `${u.pathname}${u.search}`;
    }
    const page = await getJson<GraphPage>(pageUrl, signal);
    return { rows: page.value, next: page['@odata.nextLink'] };
  },
});

/** A workspace table: `base` is its KQL before paging; rows become records with `toRecord`. */
export const kqlSource = (
  tenant: string,
  base: string,
  size: number,
  toRecord: (row: Rec) => Rec,
): PageSource => ({
  key: `kql:${base}`,
  fetch: async (cursor, signal) => {
    const page = await kqlPage(tenant, base, size, cursor, signal);
    return { rows: page.rows.map(toRecord), next: page.next };
  },
});

export interface ListState {
  rows: Rec[];
  loading: boolean;
  error: ApiFailure | Error | null;
  hasMore: boolean;
  loadMore: () => void;
}

export function useList(source: PageSource, reloadToken: number): ListState {
  const [rows, setRows] = useState<Rec[]>([]);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  // The walk whose first page has arrived: until it matches the current one, the list is loading
  // (not "0 records" for the render between a URL change and its fetch starting).
  const [settled, setSettled] = useState<string | null>(null);
  const walk = `${source.key}#${reloadToken}`;
  const next = useRef<string | undefined>(undefined);
  const busy = useRef(false);
  const abort = useRef<AbortController | null>(null);
  // The latest source, for loadMore (the effect below restarts only when the key changes).
  const current = useRef(source);
  current.current = source;

  const fetchPage = useCallback(async (cursor: string | undefined, reset: boolean, walkKey?: string) => {
    busy.current = true;
    setLoading(true);
    const ctl = new AbortController();
    abort.current = ctl;
    try {
      const page = await current.current.fetch(cursor, ctl.signal);
      if (ctl.signal.aborted) return;
      next.current = page.next;
      setRows((prev) => (reset ? page.rows : prev.concat(page.rows)));
      setError(null);
    } catch (err) {
      if (ctl.signal.aborted) return;
      setError(err instanceof Error ? err : new Error(String(err)));
      if (reset) setRows([]);
      next.current = undefined;
    } finally {
      if (!ctl.signal.aborted) {
        busy.current = false;
        setLoading(false);
        if (walkKey) setSettled(walkKey);
      }
    }
  }, []);

  const key = source.key;
  useEffect(() => {
    abort.current?.abort();
    busy.current = false;
    next.current = undefined;
    setRows([]);
    setError(null);
    if (key !== null) void fetchPage(undefined, true, `${key}#${reloadToken}`);
    return () => abort.current?.abort();
  }, [key, reloadToken, fetchPage]);

  const loadMore = useCallback(() => {
    if (busy.current || !next.current) return;
    void fetchPage(next.current, false);
  }, [fetchPage]);

  const first = settled !== walk;
  return {
    rows: first ? [] : rows,
    loading: loading || first,
    error: first ? null : error,
    hasMore: next.current !== undefined,
    loadMore,
  };
}
