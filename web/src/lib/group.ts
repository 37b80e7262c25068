/**
 * Grouped sign-ins (Entra's aggregated non-interactive sign-ins): the workspace counts each group
 * over the whole filtered set (`summarize SignIns = count(), arg_max(TimeGenerated, *) by …`), and
 * a group is shown as its newest sign-in with that count (lib/kql.ts, components/ListPage.tsx).
 */
import type { Rec } from './format.ts';

/** Where a record shown for a group keeps the group's size (not a record property). */
export const GROUP_COUNT = '__groupCount';
/** The KQL column the group's size is summarized into. */
export const GROUP_COLUMN = 'SignIns';

/** A grouped row's record, with its group's size. */
export const withGroupCount = (row: Rec, record: Rec): Rec =>
  row[GROUP_COLUMN] === undefined ? record : { ...record, [GROUP_COUNT]: Number(row[GROUP_COLUMN]) };
