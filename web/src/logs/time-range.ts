/**
 * The time-range picker: named ranges and custom intervals become the `timespan` of the Log
 * Analytics query API (ISO 8601). A query that filters TimeGenerated itself is "set in query":
 * then, as in Log Analytics, the picker sends no timespan.
 */
export interface RangeOption {
  id: string;
  label: string;
  /** ISO 8601 duration. */
  timespan: string;
}

export const RANGES: readonly RangeOption[] = [
  { id: '30m', label: 'Last 30 minutes', timespan: 'PT30M' },
  { id: '1h', label: 'Last hour', timespan: 'PT1H' },
  { id: '4h', label: 'Last 4 hours', timespan: 'PT4H' },
  { id: '12h', label: 'Last 12 hours', timespan: 'PT12H' },
  { id: '24h', label: 'Last 24 hours', timespan: 'P1D' },
  { id: '48h', label: 'Last 48 hours', timespan: 'P2D' },
  { id: '7d', label: 'Last 7 days', timespan: 'P7D' },
  { id: '30d', label: 'Last 30 days', timespan: 'P30D' },
];
export const DEFAULT_RANGE = '24h';

/** A custom interval `start/end` (ISO 8601 instants), or an error message. */
export function customTimespan(start: string, end: string): { timespan: string } | { error: string } {
  const s = Date.parse(start);
  const e = Date.parse(end);
  if (Number.isNaN(s) || Number.isNaN(e)) return { error: 'Enter a start and an end.' };
  if (e <= s) return { error: 'The end must be after the start.' };
  return { timespan: `${new Date(s).toISOString()}/${new Date(e).toISOString()}` };
}

/** The timespan for a picker value: a range id, or `start/end` of a custom interval. */
export function timespanOf(range: string): string | undefined {
  const named = RANGES.find((r) => r.id === range);
  if (named) return named.timespan;
  const [start, end] = range.split('/');
  if (start && end) {
    const c = customTimespan(start, end);
    return 'timespan' in c ? c.timespan : undefined;
  }
  return undefined;
}

export function rangeLabel(range: string): string {
  const named = RANGES.find((r) => r.id === range);
  if (named) return named.label;
  const [start, end] = range.split('/');
  if (!start || !end) return 'Custom';
  const fmt = (t: string) =>
    new Date(t).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'short' });
  return `${fmt(start)} – ${fmt(end)}`;
}

/** The query without comments and string literals, so that names inside them do not count. */
function code(query: string): string {
  return query.replace(/\/\/[^\n]*/g, ' ').replace(/@?"(?:[^"\\\n]|\\.)*"|@?'(?:[^'\\\n]|\\.)*'/g, '""');
}

/** Whether a `where`/`filter` of the query compares TimeGenerated (LA's "Set in query"). */
export function timeSetInQuery(query: string): boolean {
  return /\b(where|filter)\b[^|]*\bTimeGenerated\b/.test(code(query));
}
