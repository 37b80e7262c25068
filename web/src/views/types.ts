/** What a portal view is made of: tabs (Graph lists), filters, columns and a details pane. */
import type { ReactNode } from 'react';
import type { Me } from '../lib/api.ts';
import type { Rec } from '../lib/format.ts';

export interface Column {
  id: string;
  header: string;
  value: (r: Rec) => string;
  /** Rendered cell (defaults to the value). */
  cell?: (r: Rec) => ReactNode;
  width: number;
  /** Shown until the user picks columns. */
  default?: boolean;
}

export interface FilterOption {
  value: string;
  label: string;
}

export interface Filter {
  /** URL parameter name. */
  id: string;
  label: string;
  kind: 'text' | 'select' | 'typeahead';
  /** Fixed options (select). */
  options?: readonly FilterOption[];
  /** Options that depend on the other filters (catalog-driven selects and type-ahead). */
  loadOptions?: (params: URLSearchParams) => Promise<string[]>;
  placeholder?: string;
  /** Shown as a pill even when unset. */
  pinned?: boolean;
  /** The OData clause for a value. */
  toOData: (value: string) => string;
  /** The KQL `where` condition for a value, for tabs read through the workspace (none: not offered there). */
  toKql?: (value: string) => string;
  /** Tabs the filter applies to (all when absent). */
  tabs?: readonly string[];
}

export interface Tab {
  id: string;
  label: string;
  /** Graph list path, e.g. /beta/auditLogs/directoryAudits. */
  list: string;
  /** /api/v1/export/{resource} (none: no download). */
  exportResource?: string;
  /**
   * Read through the Log Analytics query API instead of Graph (logs Graph does not serve): the
   * table, and how one of its rows becomes the Graph-shaped record the columns and details read.
   */
  kql?: { table: string; toRecord: (row: Rec) => Rec };
  /** A clause always in the filter (sign-in kind). */
  fixedFilter?: string;
  visible?: (me: Me) => boolean;
  /**
   * Groups similar records (Entra's aggregated non-interactive sign-ins), counted by the workspace:
   * the tab's table, the columns a group shares, and how a row becomes a record.
   */
  group?: { table: string; by: readonly string[]; toRecord: (row: Rec) => Rec };
}

export interface DetailSection {
  id: string;
  label: string;
  render: (r: Rec) => ReactNode;
}

export interface View {
  id: string;
  path: string;
  title: string;
  /** The time property filtered by the date range (none: no date pill). */
  timeField?: string;
  tabs: readonly Tab[];
  filters: readonly Filter[];
  columns: readonly Column[];
  details: readonly DetailSection[];
  /** The title of a record in its details pane. */
  recordTitle: (r: Rec) => string;
  /** Show the chart of records over time by status (the noun it counts: 'Sign-ins'). */
  chart?: string;
  emptyText: string;
}
