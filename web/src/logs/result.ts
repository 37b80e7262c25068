/**
 * The Log Analytics query API's answers as the Logs page reads them: typed tables, `render`,
 * and errors with their line and position (LA's nested `innererror`).
 */
export type LaType =
  | 'string'
  | 'long'
  | 'int'
  | 'real'
  | 'decimal'
  | 'bool'
  | 'datetime'
  | 'timespan'
  | 'dynamic'
  | 'guid';

export interface LaColumn {
  name: string;
  type: LaType;
}

export interface LaTable {
  name: string;
  columns: LaColumn[];
  rows: unknown[][];
}

export interface Render {
  visualization: string;
  [property: string]: unknown;
}

export interface LaResponse {
  tables: LaTable[];
  render?: Render;
}

/** A refused query: LA's message, and where in the query the problem is (1-based). */
export interface QueryFailure {
  status: number;
  code: string;
  message: string;
  line?: number;
  pos?: number;
  token?: string;
}

export const NUMERIC: ReadonlySet<LaType> = new Set(['long', 'int', 'real', 'decimal']);

/** LA's error body → the innermost message and its position, when it has one. */
export function parseLaError(status: number, body: unknown): QueryFailure {
  const err = (body as { error?: Record<string, unknown> } | null)?.error;
  if (!err || typeof err !== 'object')
    return { status, code: `HTTP ${status}`, message: 'The query failed.' };
  let code = String(err.code ?? `HTTP ${status}`);
  let message = String(err.message ?? 'The query failed.');
  let inner = err.innererror as Record<string, unknown> | undefined;
  const out: QueryFailure = { status, code, message };
  while (inner && typeof inner === 'object') {
    if (typeof inner.code === 'string') code = inner.code;
    if (typeof inner.message === 'string') message = inner.message;
    if (typeof inner.line === 'number') out.line = inner.line;
    if (typeof inner.pos === 'number') out.pos = inner.pos;
    if (typeof inner.token === 'string') out.token = inner.token;
    inner = inner.innererror as Record<string, unknown> | undefined;
  }
  out.code = code;
  out.message = message;
  return out;
}

/** A dynamic value: the API sends JSON text (as LA does); anything unparsable stays text. */
export function dynamicValue(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}

/** Whether a cell holds an object or array worth expanding. */
export function isExpandable(type: LaType, v: unknown): boolean {
  if (type !== 'dynamic') return false;
  const d = dynamicValue(v);
  return d !== null && typeof d === 'object';
}

/** A cell as text: datetimes in UTC (as LA shows them), numbers as they are, dynamic as compact JSON. */
export function cellText(type: LaType, v: unknown): string {
  if (v === null || v === undefined) return '';
  switch (type) {
    case 'datetime': {
      // ISO 8601 in UTC without the T and Z: unambiguous in every locale, sortable, and with the
      // API's full precision (microseconds; a JS Date would cut them to milliseconds).
      const text = String(v);
      if (/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(text)) return text.replace('T', ' ').slice(0, -1);
      const d = new Date(text);
      return Number.isNaN(d.getTime()) ? text : d.toISOString().replace('T', ' ').slice(0, -1);
    }
    case 'dynamic': {
      const d = dynamicValue(v);
      return typeof d === 'string' ? d : JSON.stringify(d);
    }
    case 'bool':
      return v === true ? 'true' : v === false ? 'false' : String(v);
    default:
      return typeof v === 'object' ? JSON.stringify(v) : String(v);
  }
}

/** The text of a whole cell for the details view: dynamic values pretty-printed. */
export function detailText(type: LaType, v: unknown): string {
  if (type === 'dynamic') {
    const d = dynamicValue(v);
    return typeof d === 'string' ? d : JSON.stringify(d, null, 2);
  }
  if (type === 'datetime' && typeof v === 'string') return v;
  return cellText(type, v);
}
