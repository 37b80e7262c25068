/**
 * Record validation: the log type's schema, then (for audit records) the audit catalog.
 * Errors carry a JSON pointer into the record so a client can find the bad field.
 */
import { FormatRegistry, type TSchema } from '@sinclair/typebox';
import { type TypeCheck, TypeCompiler } from '@sinclair/typebox/compiler';
import { Value, type ValueError, ValueErrorType } from '@sinclair/typebox/value';
import type { AuditCatalog } from '../registry/catalog/catalog.ts';
import type { LogType } from '../registry/types.ts';

export interface RecordError {
  /** Position of the record in the batch (array index or NDJSON line, from 0). */
  index: number;
  /** RFC 6901 pointer into that record ('' for the record itself). */
  pointer: string;
  message: string;
}

/** How audit records whose activity is not in the catalog are treated (see docs/ingest.md). */
export type CatalogMode = 'strict' | 'lenient';

// ISO 8601 in UTC, as the normaliser writes it; up to 7 fractional digits (Entra's precision).
const UTC_ISO =
  /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d{1,7})?Z$/;
if (!FormatRegistry.Has('date-time')) FormatRegistry.Set('date-time', (v) => UTC_ISO.test(v));

const checks = new WeakMap<TSchema, TypeCheck<TSchema>>();
function checker(schema: TSchema): TypeCheck<TSchema> {
  let c = checks.get(schema);
  if (!c) {
    c = TypeCompiler.Compile(schema);
    checks.set(schema, c);
  }
  return c;
}

function describe(e: ValueError): string {
  const members = e.schema['x-enum'] as readonly string[] | undefined;
  if (members) return `must be one of: ${members.join(', ')}`;
  switch (e.type) {
    case ValueErrorType.ObjectRequiredProperty:
      return 'is required';
    case ValueErrorType.StringFormat:
      return `must be an ISO 8601 date-time (got ${JSON.stringify(e.value)})`;
    case ValueErrorType.StringMinLength:
      return 'must not be empty';
    case ValueErrorType.Union: {
      // Nullable(T): report what T wanted.
      const nonNull = (e.schema.anyOf as TSchema[] | undefined)?.filter((s) => s.type !== 'null') ?? [];
      if (nonNull.length === 1) {
        const inner = nonNull[0]!;
        if (inner['x-enum']) return `must be one of: ${(inner['x-enum'] as string[]).join(', ')}`;
        return `must be ${article(inner)} or null`;
      }
      return e.message.toLowerCase();
    }
    default:
      return e.message.replace(/^Expected/, 'must be');
  }
}

function article(s: TSchema): string {
  if (s.type === 'string' && s.format === 'date-time') return 'an ISO 8601 date-time';
  const t = String(s.type ?? 'value');
  return /^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`;
}

/** Validates one normalised record against its type's schema; returns its errors (empty when valid). */
export function checkRecord(type: LogType, record: unknown, index: number, max = 20): RecordError[] {
  if (record === null || typeof record !== 'object' || Array.isArray(record)) {
    return [{ index, pointer: '', message: 'must be a JSON object' }];
  }
  const c = checker(type.schema);
  if (c.Check(record)) return [];
  const out: RecordError[] = [];
  collect(c.Errors(record), '', index, out, max);
  return out;
}

function collect(
  errors: Iterable<ValueError>,
  prefix: string,
  index: number,
  out: RecordError[],
  max: number,
): void {
  const seen = new Set<string>();
  for (const e of errors) {
    // A failed Nullable(T) reports the union and then each branch; keep the first per pointer.
    if (seen.has(e.path)) continue;
    seen.add(e.path);
    const inner = nullableInner(e);
    if (
      inner &&
      e.value !== null &&
      typeof e.value === 'object' &&
      (inner.type === 'object' || inner.type === 'array')
    ) {
      // Descend into Nullable(object|array) so the pointer names the bad field, not its parent.
      const before = out.length;
      collect(Value.Errors(inner, e.value), prefix + e.path, index, out, max);
      if (out.length > before) {
        if (out.length >= max) return;
        continue;
      }
    }
    out.push({ index, pointer: prefix + e.path, message: describe(e) });
    if (out.length >= max) return;
  }
}

function nullableInner(e: ValueError): TSchema | undefined {
  if (e.type !== ValueErrorType.Union) return undefined;
  const nonNull = (e.schema.anyOf as TSchema[] | undefined)?.filter((s) => s.type !== 'null') ?? [];
  return nonNull.length === 1 ? nonNull[0] : undefined;
}

/**
 * Checks an audit record against the catalog. Strict mode: when `loggedByService` is one of
 * Entra's catalogued services, the activity must be catalogued for it, under its category.
 * Services the catalog does not know (a non-Entra source logging its own) are not constrained.
 */
export function checkCatalog(
  catalog: AuditCatalog,
  mode: CatalogMode,
  record: Record<string, unknown>,
  index: number,
): RecordError[] {
  if (mode === 'lenient') return [];
  const service = record.loggedByService;
  if (typeof service !== 'string' || !catalog.hasService(service)) return [];
  const activity = String(record.activityDisplayName);
  const rows = catalog.find(service, activity);
  if (rows.length === 0) {
    return [
      {
        index,
        pointer: '/activityDisplayName',
        message: `activity '${activity}' is not in the audit catalog for service '${service}'`,
      },
    ];
  }
  if (!rows.some((r) => r.category === record.category)) {
    const cats = [...new Set(rows.map((r) => r.category))].join(', ');
    return [
      {
        index,
        pointer: '/category',
        message: `the audit catalog lists '${activity}' of '${service}' under category ${cats}, not '${String(record.category)}'`,
      },
    ];
  }
  return [];
}
