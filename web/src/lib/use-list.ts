/** A Graph list walked page by page through @odata.nextLink (keyset cursors), for the grid. */
import { useCallback, useEffect, useRef, useState } from 'react';
import { type ApiFailure, getJson } from './api.ts';
import type { Rec } from './format.ts';

interface Page {
  value: Rec[];
  '@odata.nextLink'?: string;
}

export interface ListState {
  rows: Rec[];
  loading: boolean;
  error: ApiFailure | Error | null;
  hasMore: boolean;
  loadMore: () => void;
}

export function useList(url: string | null, reloadToken: number): ListState {
  const [rows, setRows] = useState<Rec[]>([]);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  // The walk whose first page has arrived: until it matches the current one, the list is loading
  // (not "0 records" for the render between a URL change and its fetch starting).
  const [settled, setSettled] = useState<string | null>(null);
  const walk = `${url}#${reloadToken}`;
  const next = useRef<string | undefined>(undefined);
  const busy = useRef(false);
  const abort = useRef<AbortController | null>(null);

  const fetchPage = useCallback(async (pageUrl: string, reset: boolean, walkKey?: string) => {
    busy.current = true;
    setLoading(true);
    const ctl = new AbortController();
    abort.current = ctl;
    try {
      const page = await getJson<Page>(pageUrl, ctl.signal);
      if (ctl.signal.aborted) return;
      next.current = page['@odata.nextLink'];
      setRows((prev) => (reset ? page.value : prev.concat(page.value)));
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

  useEffect(() => {
    abort.current?.abort();
    busy.current = false;
    next.current = undefined;
    setRows([]);
    setError(null);
    if (url) void fetchPage(url, true, `${url}#${reloadToken}`);
    return () => abort.current?.abort();
  }, [url, reloadToken, fetchPage]);

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
