/**
 * Log Analytics rows: a Graph-shaped record as the row of its Entra LA table (SigninLogs,
 * AuditLogs, …), column for column, driven only by registry/la-tables.ts. Each table's columns are
 * compiled once into getters; building a row is then one pass over them.
 *
 * Values by column type: string → string or null (complex values as JSON text, scalars
 * stringified); datetime → the ISO string or null; dynamic → the JS value or null (shared with the
 * record, not copied); bool → boolean or null; int/long/real → number or null (numeric strings are
 * converted); guid → string or null. Never undefined.
 */
import {
  LA_SOURCE_SYSTEM,
  LA_TABLES,
  type LaColumn,
  type LaDerivation,
  type LaPath,
  type LaSource,
  type LaSystemValue,
  type LaTransform,
  type LaType,
} from '../registry/la-tables.ts';
import type { LogType } from '../registry/types.ts';
import { auditInitiatorBranch, envelopeField } from './envelope-fields.ts';

type Json = Record<string, unknown>;

export interface LaRowContext {
  /** The Entra tenant id (AADTenantId; ResourceId's tenant). */
  tenantId: string;
  /**
   * TimeGenerated (ISO 8601). idtrail passes the record's own time, `record[type.timeField]`
   * (see `recordTimeGenerated` and registry/la-tables.ts); Azure uses the ingestion time.
   */
  timeGenerated: string;
  /** The LA `TenantId` ("the Log Analytics workspace ID"); the tenant id when absent. */
  workspaceId?: string;
}

type Getter = (r: Json, ctx: LaRowContext) => unknown;

/** Builds one row: the compiled getters of a table, in column order. */
type RowBuilder = (r: Json, ctx: LaRowContext) => Json;

/** The LA columns of a log type, in table order. */
export function laColumns(type: LogType): readonly LaColumn[] {
  const cols = LA_TABLES[type.laTable];
  if (!cols) throw new Error(`no Log Analytics table '${type.laTable}' for category '${type.category}'`);
  return cols;
}

/** The TimeGenerated idtrail uses for a record: its own time (the log type's timeField). */
export function recordTimeGenerated(type: LogType, record: Json): string {
  return String(record[type.timeField]);
}

const builders = new WeakMap<LogType, RowBuilder>();

/** The record as a row of its LA table: exactly the table's columns, in order. */
export function toLaRow(type: LogType, ctx: LaRowContext, record: Json): Json {
  let build = builders.get(type);
  if (!build) {
    build = compile(type);
    builders.set(type, build);
  }
  return build(record, ctx);
}

function compile(type: LogType): RowBuilder {
  const cols = laColumns(type);
  const names = cols.map((col) => col.name);
  const getters = cols.map((col): Getter => {
    const get = source(type, col.type, col.from);
    const coerce = COERCE[col.type];
    return (r, ctx) => coerce(get(r, ctx));
  });
  return literalBuilder(names, getters) ?? loopBuilder(names, getters);
}

/**
 * A builder that returns one object literal with the table's keys (names quoted by JSON.stringify,
 * values from the getters): V8 then allocates every row with one fixed shape, several times
 * faster than adding ~75 keys one by one. Null where code generation is disallowed.
 */
function literalBuilder(names: readonly string[], getters: readonly Getter[]): RowBuilder | null {
  const body = `return (r, c) => ({${names.map((n, i) => `${JSON.stringify(n)}: g[${i}](r, c)`).join(', ')}});`;
  try {
    return new Function('g', body)(getters) as RowBuilder;
  } catch {
    return null;
  }
}

function loopBuilder(names: readonly string[], getters: readonly Getter[]): RowBuilder {
  return (r, ctx) => {
    const row: Json = {};
    for (let i = 0; i < names.length; i++) row[names[i]!] = getters[i]!(r, ctx);
    return row;
  };
}

// --- sources ---------------------------------------------------------------------------------

function source(type: LogType, colType: LaType, src: LaSource): Getter {
  if ('path' in src) {
    const read = pathGetter(src.path);
    const transform = src.as ? TRANSFORM[src.as](colType) : undefined;
    const get: Getter = transform ? (r) => transform(read(r)) : (r) => read(r);
    if (!src.or) return get;
    const fallback = source(type, colType, src.or);
    return (r, ctx) => {
      const v = get(r, ctx);
      return v === null || v === undefined ? fallback(r, ctx) : v;
    };
  }
  if ('envelope' in src) return envelopeField(type, src.envelope);
  if ('system' in src) return systemGetter(type, src.system);
  if ('derive' in src) return DERIVE[src.derive];
  if ('const' in src) {
    const v = src.const;
    return () => v;
  }
  return () => null;
}

function pathGetter(path: LaPath): (r: Json) => unknown {
  const [a, b, c] = path;
  switch (path.length) {
    case 1:
      return (r) => r[a!];
    case 2:
      return (r) => {
        const v = r[a!];
        return v !== null && typeof v === 'object' ? (v as Json)[b!] : undefined;
      };
    case 3:
      return (r) => {
        const v = r[a!];
        if (v === null || typeof v !== 'object') return undefined;
        const w = (v as Json)[b!];
        return w !== null && typeof w === 'object' ? (w as Json)[c!] : undefined;
      };
    default:
      return (r) => get(r, path);
  }
}

function get(r: Json, path: LaPath): unknown {
  let v: unknown = r;
  for (const k of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Json)[k];
  }
  return v;
}

function systemGetter(type: LogType, what: LaSystemValue): Getter {
  switch (what) {
    case 'tenant':
      return (_r, ctx) => ctx.tenantId;
    case 'workspace':
      return (_r, ctx) => ctx.workspaceId ?? ctx.tenantId;
    case 'timeGenerated':
      return (_r, ctx) => ctx.timeGenerated;
    case 'type': {
      const v = type.laTable;
      return () => v;
    }
    case 'sourceSystem':
      return () => LA_SOURCE_SYSTEM;
    case 'category': {
      const v = type.category;
      return () => v;
    }
    case 'operationName': {
      const v = type.operationName;
      return () => v;
    }
    case 'operationVersion': {
      const v = type.operationVersion;
      return () => v;
    }
  }
}

const TRANSFORM: Record<LaTransform, (t: LaType) => (v: unknown) => unknown> = {
  // A string column holds complex values as JSON text (a string value is kept); others as is.
  json: (t) =>
    t === 'string'
      ? (v) => (v === null || v === undefined || typeof v === 'string' ? v : JSON.stringify(v))
      : (v) => v,
  parseJson: (t) => (t === 'dynamic' ? parseJson : (v) => v),
  capitalize: () => (v) => (typeof v === 'string' && v ? v[0]!.toUpperCase() + v.slice(1) : v),
};

function parseJson(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}

// --- named derivations -----------------------------------------------------------------------

const RISKY_STATES = new Set(['atRisk', 'confirmedCompromised']);
const RISKY_LEVELS = new Set(['low', 'medium', 'high']);
const SAFE_STATES = new Set(['none', 'confirmedSafe', 'remediated', 'dismissed']);

const DERIVE: Record<LaDerivation, Getter> = {
  signInIsRisky: (r) => {
    const state = r.riskState;
    const during = r.riskLevelDuringSignIn;
    const aggregated = r.riskLevelAggregated;
    if (RISKY_STATES.has(state as string)) return true;
    if (RISKY_LEVELS.has(during as string) || RISKY_LEVELS.has(aggregated as string)) return true;
    // `hidden`: the tenant has no ID Protection licence, so the risk is unknown.
    if (during === 'hidden' || aggregated === 'hidden') return null;
    if (during === 'none' || aggregated === 'none' || SAFE_STATES.has(state as string)) return false;
    return null;
  },
  auditInitiatedBy: auditInitiatorBranch,
};

// --- coercion by column type -----------------------------------------------------------------

const INTEGER = /^\s*[-+]?\d+\s*$/;

function toStr(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

function toInt(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? Math.trunc(v) : null;
  if (typeof v === 'string') return INTEGER.test(v) ? Number(v) : null;
  if (typeof v === 'bigint') return Number(v);
  return null;
}

function toReal(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

function toBool(v: unknown): boolean | null {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') {
    const s = v.toLowerCase();
    return s === 'true' ? true : s === 'false' ? false : null;
  }
  if (typeof v === 'number') return v !== 0;
  return null;
}

function toDateTime(v: unknown): string | null {
  if (typeof v === 'string') return v === '' ? null : v;
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString();
  return null;
}

const COERCE: Record<LaType, (v: unknown) => unknown> = {
  string: toStr,
  guid: (v) => (typeof v === 'string' && v !== '' ? v : null),
  datetime: toDateTime,
  dynamic: (v) => (v === undefined ? null : v),
  bool: toBool,
  int: toInt,
  long: toInt,
  real: toReal,
};
