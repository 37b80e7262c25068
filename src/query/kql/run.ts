/**
 * Runs a KQL query for one tenant: parse (parse.ts) → bind and compile (compile.ts) against the LA
 * tables the caller may read (sql/la-views.ts) → one SQL statement on the store → rows in Log
 * Analytics' result shape (column types as LA names them; dynamic values as JSON text).
 */
import { LA_TABLES } from '../../registry/la-tables.ts';
import { LOG_TYPES } from '../../registry/log-types.ts';
import type { LogType } from '../../registry/types.ts';
import type { KType } from './ast.ts';
import { type Col, compileKql, NeedsDiscovery, type Rel } from './compile.ts';
import { KqlError } from './errors.ts';
import { parseKql } from './parse.ts';
import type { KqlDialect } from './sql/dialect.ts';
import { duckdbKql } from './sql/duckdb.ts';
import { laViewSql } from './sql/la-views.ts';
import { watchlistHeadersSql, watchlistRel } from './sql/watchlists.ts';
import { formatTimespan } from './timespan.ts';

export type ReadSql = (sql: string, params: readonly unknown[]) => Promise<unknown[][]>;

export interface KqlRequest {
  query: string;
  tenant: string;
  /** The log types the caller may read (by role); their LA tables are the ones in scope. */
  types: readonly LogType[];
  /** ISO 8601 interval or duration limiting every table's TimeGenerated (LA's `timespan`). */
  timespan?: string;
  /** `now()` for the query; the current time when absent. */
  now?: Date;
  dialect?: KqlDialect;
}

export interface KqlTable {
  name: string;
  columns: { name: string; type: KType }[];
  rows: unknown[][];
}

export interface KqlResult {
  tables: KqlTable[];
  render?: { chart: string; properties: Record<string, unknown> };
  sql: string;
}

/** View SQL per dialect and log type: the same for every query (the tenant is bound as $1). */
const views = new WeakMap<KqlDialect, Map<LogType, ReturnType<typeof laViewSql>>>();
function viewOf(d: KqlDialect, type: LogType, cols: Parameters<typeof laViewSql>[2]) {
  let m = views.get(d);
  if (!m) {
    m = new Map();
    views.set(d, m);
  }
  let v = m.get(type);
  if (!v) {
    v = laViewSql(d, type, cols, '$1');
    m.set(type, v);
  }
  return v;
}

/** Log types whose LA table a set of roles may read. */
export function readableTypes(roles: readonly string[], defaultRoles: readonly string[]): LogType[] {
  return LOG_TYPES.filter((t) => (t.readRoles ?? defaultRoles).some((r) => roles.includes(r)));
}

/** Compiles a request to SQL (bound to `$1` = the tenant). */
export function compileRequest(
  req: KqlRequest,
  /** Rows of the discovery queries run so far (see NeedsDiscovery). */
  discovered?: ReadonlyMap<string, unknown[][]>,
): {
  sql: string;
  cols: Col[];
  params: unknown[];
  render?: KqlResult['render'];
} {
  const d = req.dialect ?? duckdbKql;
  const now = req.now ?? new Date();
  const window = req.timespan ? parseTimespanParam(req.timespan, now) : undefined;
  const script = parseKql(req.query);
  const byName = new Map(req.types.map((t) => [t.laTable, t]));
  let usesTenant = false;
  const compiled = compileKql(script, {
    dialect: d,
    now: now.toISOString(),
    table(name): Rel | undefined {
      const type = byName.get(name);
      const cols = type ? LA_TABLES[type.laTable] : undefined;
      if (!type || !cols) return undefined;
      usesTenant = true;
      const view = viewOf(d, type, cols);
      const where = window
        ? ` WHERE "TimeGenerated" >= ${d.timestamp(window.start)} AND "TimeGenerated" < ${d.timestamp(window.end)}`
        : '';
      return { sql: `SELECT * FROM (${view.sql}) AS v${where}`, cols: view.cols };
    },
    tableNames: () => [...byName.keys()],
    discovered: (sql) => discovered?.get(sql),
    watchlist(alias): Rel | undefined {
      // The headers of all the tenant's watchlists, read once per query (a discovery query, bound
      // to the caller's tenant only).
      const sql = watchlistHeadersSql(d, '$1');
      const rows = discovered?.get(sql);
      if (!rows) throw new NeedsDiscovery(sql);
      const found = rows.find((r) => r[0] === alias);
      if (!found) return undefined;
      usesTenant = true;
      return watchlistRel(d, alias, JSON.parse(String(found[1])) as string[], '$1');
    },
  });
  return {
    sql: outputSql(d, compiled),
    cols: compiled.cols,
    // A statement must use every bound parameter: datatable-only queries bind none.
    params: usesTenant ? [req.tenant] : [],
    ...(compiled.render ? { render: compiled.render } : {}),
  };
}

/** Discovery queries (bag_unpack's keys) one query may need before it compiles. */
const MAX_DISCOVERIES = 8;

export async function runKql(read: ReadSql, req: KqlRequest): Promise<KqlResult> {
  const discovered = new Map<string, unknown[][]>();
  let c: ReturnType<typeof compileRequest>;
  let rows: unknown[][];
  try {
    for (;;) {
      try {
        c = compileRequest(req, discovered);
        break;
      } catch (e) {
        if (!(e instanceof NeedsDiscovery) || discovered.size >= MAX_DISCOVERIES) throw e;
        // The discovery reads the tenant's views only when its input does.
        const params = e.sql.includes('WHERE tenant = $1') ? [req.tenant] : [];
        discovered.set(e.sql, await read(e.sql, params));
      }
    }
    rows = await read(c.sql, c.params);
  } catch (e) {
    // Errors the query's own values cause (a bad regex, a conversion out of range) are the
    // caller's: reported as such, first line only (the rest quotes generated SQL).
    const msg = e instanceof Error ? e.message : String(e);
    if (/^(Invalid Input|Conversion|Out of Range) Error/.test(msg))
      throw new KqlError(`Query execution failed: ${msg.split('\n')[0]}`, 0, 0);
    throw e;
  }
  return {
    tables: [
      {
        name: 'PrimaryResult',
        columns: c.cols.map((x) => ({ name: x.name, type: x.type })),
        rows: rows.map((r) => r.map((v, i) => outputValue(c.cols[i]!.type, v))),
      },
    ],
    ...(c.render ? { render: c.render } : {}),
    sql: c.sql,
  };
}

/**
 * Log Analytics returns at most 500,000 rows a query; so does idtrail (the rest is cut, as LA cuts
 * it), which also bounds the memory one query can take in the server.
 */
export const MAX_ROWS = 500_000;

/** The final SELECT: every value in a form JS reads exactly (times as text, intervals as µs). */
function outputSql(d: KqlDialect, rel: Rel): string {
  const list = rel.cols.map((c) => {
    const q = d.quote(c.name);
    switch (c.type) {
      case 'datetime':
        return `strftime(${q}, '%Y-%m-%dT%H:%M:%S.%fZ')`;
      case 'timespan':
        return d.micros(q);
      case 'dynamic':
        return `CAST(${q} AS VARCHAR)`;
      case 'long':
      case 'int':
        return `CAST(${q} AS DOUBLE)`;
      default:
        return q;
    }
  });
  return `SELECT ${list.join(', ') || '1'} FROM (${rel.sql}) AS result LIMIT ${MAX_ROWS}`;
}

function outputValue(t: KType, v: unknown): unknown {
  if (v === null || v === undefined) return t === 'string' ? '' : null;
  switch (t) {
    case 'datetime':
      // LA writes 7 fraction digits only when there is a fraction.
      return String(v).replace(/\.0+Z$/, 'Z');
    case 'timespan':
      return formatTimespan(Number(v));
    case 'long':
    case 'int':
    case 'real':
      return typeof v === 'bigint' ? Number(v) : v;
    case 'dynamic':
      // LA returns dynamic values as JSON text.
      return String(v);
    default:
      return v;
  }
}

/** LA's `timespan`: an ISO 8601 duration (ending now), `start/end`, `start/duration` or `duration/end`. */
export function parseTimespanParam(text: string, now: Date): { start: string; end: string } {
  const parts = text.split('/');
  const bad = () =>
    new KqlError(`Invalid timespan '${text}': expected an ISO 8601 duration or interval`, 0, 0);
  const time = (s: string) => {
    const d = new Date(s);
    if (Number.isNaN(d.getTime())) throw bad();
    return d;
  };
  const dur = (s: string) => {
    const m =
      /^P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(
        s,
      );
    if (!m || s === 'P' || s.endsWith('T')) throw bad();
    const [, w, d, h, mi, se] = m.map((x) => Number(x ?? 0));
    return ((w! * 7 + d!) * 86_400 + h! * 3600 + mi! * 60 + se!) * 1000;
  };
  let start: Date;
  let end: Date;
  if (parts.length === 1) {
    end = now;
    start = new Date(now.getTime() - dur(parts[0]!));
  } else if (parts.length === 2) {
    const [a, b] = parts as [string, string];
    if (a.startsWith('P')) {
      end = time(b);
      start = new Date(end.getTime() - dur(a));
    } else if (b.startsWith('P')) {
      start = time(a);
      end = new Date(start.getTime() + dur(b));
    } else {
      start = time(a);
      end = time(b);
    }
  } else throw bad();
  return { start: start.toISOString(), end: end.toISOString() };
}
