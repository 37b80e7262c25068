/**
 * The chart's data: records per time bucket and status over the WHOLE filtered set, counted by
 * the server — GET /api/v1/histogram/{resource} for Graph lists (the same $filter as the grid), a
 * KQL `summarize … by bin()` for workspace tabs — not over the rows the grid has loaded.
 */
import { useEffect, useState } from 'react';
import { getJson } from './api.ts';
import { kqlRows } from './kql.ts';
import { RANGES } from './query.ts';

export interface Bucket {
  /** Bucket start, ISO 8601 UTC. */
  start: string;
  total: number;
  success?: number;
  failure?: number;
}

export interface Histogram {
  interval: string;
  total: number;
  buckets: Bucket[];
}

const HOUR = 3_600_000;
/** Interval → KQL timespan. */
const KQL_BIN: Record<string, string> = { PT1H: '1h', PT6H: '6h', P1D: '1d' };

/** A bucket size that gives a readable number of bars for the view's date range. */
export function intervalFor(params: URLSearchParams): 'PT1H' | 'PT6H' | 'P1D' {
  const range = params.get('range') ?? '24h';
  let hours: number = RANGES.find((r) => r.id === range)?.hours ?? 24;
  if (range === 'custom') {
    const from = Date.parse(params.get('from') ?? '');
    const to = params.get('to') ? Date.parse(params.get('to')!) : Date.now();
    hours = Number.isNaN(from) ? 24 * 30 : (to - from) / HOUR;
  }
  return hours <= 48 ? 'PT1H' : hours <= 24 * 14 ? 'PT6H' : 'P1D';
}

export const histogramUrl = (resource: string, filter: string | undefined, interval: string) => {
  const q = new URLSearchParams({ interval });
  if (filter) q.set('$filter', filter);
  return `/api/v1/histogram/${resource}?${q.toString()}`;
};

/** The KQL of a workspace tab's counts: `base` is the tab's KQL before paging. */
export const kqlHistogramQuery = (base: string, interval: string) =>
  `${base}\n| summarize total = count(), success = countif(ResultType == "0") by bin(TimeGenerated, ${KQL_BIN[interval] ?? '1h'})\n| order by TimeGenerated asc`;

/** The same counts from a workspace table. */
export async function kqlHistogram(tenant: string, base: string, interval: string): Promise<Histogram> {
  const rows = await kqlRows(tenant, kqlHistogramQuery(base, interval));
  const buckets = rows.map((r) => ({
    start: String(r.TimeGenerated),
    total: Number(r.total),
    success: Number(r.success),
    failure: Number(r.total) - Number(r.success),
  }));
  return { interval, total: buckets.reduce((n, b) => n + b.total, 0), buckets };
}

/** Loads a histogram when `key` changes (null: none); keeps the last one while the next loads. */
export function useHistogram(key: string | null, load: () => Promise<Histogram>, reload: number) {
  const [data, setData] = useState<Histogram | null>(null);
  const [error, setError] = useState<string | null>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `load` is derived from `key`
  useEffect(() => {
    if (key === null) {
      setData(null);
      return;
    }
    let live = true;
    load().then(
      (h) => {
        if (!live) return;
        setData(h);
        setError(null);
      },
      (err: unknown) => {
        if (live) setError(err instanceof Error ? err.message : String(err));
      },
    );
    return () => {
      live = false;
    };
  }, [key, reload]);
  return { data, error };
}

export const fetchHistogram = (url: string) => getJson<Histogram>(url);
