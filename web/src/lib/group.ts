/**
 * Grouping of loaded records by a key, newest first: each group is shown as its newest record with
 * the number of records in it (Entra's aggregated non-interactive sign-ins). Applies to the pages
 * loaded so far; loading more pages adds to the groups.
 */
import type { Rec } from './format.ts';

export const GROUP_COUNT = '__groupCount';

export function groupRows(rows: readonly Rec[], key: (r: Rec) => string): Rec[] {
  const groups = new Map<string, Rec>();
  for (const r of rows) {
    const k = key(r);
    const g = groups.get(k);
    if (g) g[GROUP_COUNT] = (g[GROUP_COUNT] as number) + 1;
    else groups.set(k, { ...r, [GROUP_COUNT]: 1 });
  }
  return [...groups.values()];
}
