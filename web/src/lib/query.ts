/** A view's URL parameters → the Graph list request (OData $filter) and the export request. */
import type { Filter, Tab, View } from '../views/types.ts';

export const RANGES = [
  { id: '24h', label: 'Last 24 hours', hours: 24 },
  { id: '7d', label: 'Last 7 days', hours: 24 * 7 },
  { id: '30d', label: 'Last 1 month', hours: 24 * 30 },
  { id: 'custom', label: 'Custom time interval', hours: 0 },
] as const;

export const DEFAULT_RANGE = '24h';
export const PAGE_SIZE = 200;

/** The largest page a Graph list serves (`$top`): 500 for Identity Protection, 1,000 for the others. */
export const maxTop = (list: string) => (list.includes('/identityProtection/') ? 500 : 1000);

const iso = (d: Date) => `${d.toISOString().slice(0, 19)}Z`;

export function dateClause(view: View, params: URLSearchParams, now = new Date()): string | undefined {
  if (!view.timeField) return undefined;
  const range = params.get('range') ?? DEFAULT_RANGE;
  if (range === 'custom') {
    const parts: string[] = [];
    const from = params.get('from');
    const to = params.get('to');
    if (from && !Number.isNaN(Date.parse(from))) parts.push(`${view.timeField} ge ${iso(new Date(from))}`);
    if (to && !Number.isNaN(Date.parse(to))) parts.push(`${view.timeField} le ${iso(new Date(to))}`);
    return parts.length ? parts.join(' and ') : undefined;
  }
  const r = RANGES.find((x) => x.id === range) ?? RANGES[0];
  // Whole minutes: the same filter (and cursor fingerprint) for every page fetched within a minute.
  const since = new Date(Math.floor(now.getTime() / 60_000) * 60_000 - r.hours * 3_600_000);
  return `${view.timeField} ge ${iso(since)}`;
}

export function activeTab(view: View, params: URLSearchParams, visible: readonly Tab[]): Tab {
  return visible.find((t) => t.id === params.get('tab')) ?? visible[0] ?? view.tabs[0]!;
}

/** Whether a filter is offered on a tab. */
export const filterApplies = (f: Filter, tab: Tab) =>
  (!f.tabs || f.tabs.includes(tab.id)) && (!tab.kql || f.toKql !== undefined);

/** The OData $filter for the view's tab and the URL's filters (undefined when empty). */
export function odataFilter(view: View, tab: Tab, params: URLSearchParams, now?: Date): string | undefined {
  const clauses: string[] = [];
  if (tab.fixedFilter) clauses.push(tab.fixedFilter);
  const date = dateClause(view, params, now);
  if (date) clauses.push(date);
  for (const f of view.filters) {
    if (!filterApplies(f, tab)) continue;
    const v = params.get(f.id);
    if (v !== null && v !== '') clauses.push(f.toOData(v));
  }
  return clauses.length ? clauses.join(' and ') : undefined;
}

/** The KQL of a workspace tab before paging: its table and a `where` per filter (the date first). */
export function kqlBase(view: View, tab: Tab, params: URLSearchParams, now?: Date): string {
  const lines = [tab.kql!.table];
  const date = dateClause({ ...view, timeField: 'TimeGenerated' }, params, now);
  // The OData date clause (`TimeGenerated ge 2026-…Z`) in KQL.
  if (date) {
    for (const part of date.split(' and ')) {
      const [field, op, value] = part.split(' ');
      lines.push(`| where ${field} ${op === 'ge' ? '>=' : '<='} datetime(${value})`);
    }
  }
  for (const f of view.filters) {
    if (!filterApplies(f, tab)) continue;
    const v = params.get(f.id);
    if (v !== null && v !== '') lines.push(`| where ${f.toKql!(v)}`);
  }
  return lines.join('\n');
}

export function listUrl(tab: Tab, filter: string | undefined): string {
  const q = new URLSearchParams({ $top: String(PAGE_SIZE) });
  if (filter) q.set('$filter', filter);
  return `${tab.list}?${q.toString()}`;
}

export function exportUrl(tab: Tab, filter: string | undefined, format: 'csv' | 'json'): string | null {
  if (!tab.exportResource) return null;
  const q = new URLSearchParams({ format });
  if (filter) q.set('$filter', filter);
  return `/api/v1/export/${tab.exportResource}?${q.toString()}`;
}
