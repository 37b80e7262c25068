/**
 * From parsed items to records ready to seal: envelope → Graph shape, quirk repair, validation
 * (schema, then catalog), typed column extraction and canonical JSON. Pure and synchronous: no
 * I/O, so the CLI and the HTTP route share it.
 */
import { fromEnvelope, isEnvelope, type Json } from '../records/envelope.ts';
import { compile } from '../records/normalize.ts';
import type { AuditCatalog } from '../registry/catalog/catalog.ts';
import type { ColumnDef, LogType } from '../registry/types.ts';
import { canonicalJson, canonicalRecordJson } from '../security/canonical-json.ts';
import type { PreparedRecord } from './committer.ts';
import { type CatalogMode, checkCatalog, checkRecord, type RecordError } from './validate.ts';

export interface PrepareOptions {
  catalog: AuditCatalog;
  catalogMode: CatalogMode;
  /**
   * The items are Graph-shaped records already in normal form, from an in-process producer (the
   * simulator's backfill workers): envelope mapping and normalisation (an in-place repair, which
   * would change nothing) are skipped, and values registered with `immutable` are not serialised
   * again. Validation, the catalog check, columns and canonical text are the same; a test proves
   * the stored records and hash chain identical either way. Never set for client input.
   */
  normalized?: boolean;
}

const getters = new WeakMap<ColumnDef, (r: Json) => unknown>();

function walk(v: unknown, path: readonly string[]): unknown {
  for (const p of path) {
    if (v === null || typeof v !== 'object') return null;
    v = (v as Json)[p];
  }
  return v ?? null;
}

/** The value a typed column takes from a record, coerced to the column's type (null when absent or ill-typed). */
export function columnValue(col: ColumnDef, record: Json): unknown {
  let g = getters.get(col);
  if (!g) {
    const { type, path, each } = col;
    g = (r) => {
      const v = walk(r, path);
      if (v === null) return null;
      switch (type) {
        case 'string[]':
          if (!Array.isArray(v)) return null;
          return each
            ? v.map((x) => walk(x, each)).filter((x) => typeof x === 'string')
            : v.filter((x) => typeof x === 'string');
        case 'string':
          return typeof v === 'string'
            ? v
            : typeof v === 'number' || typeof v === 'boolean'
              ? String(v)
              : null;
        case 'int':
        case 'bigint':
          return typeof v === 'number' && Number.isInteger(v) ? v : null;
        case 'double':
          return typeof v === 'number' ? v : null;
        case 'bool':
          return typeof v === 'boolean' ? v : null;
        case 'timestamp':
          return typeof v === 'string' ? v : null;
      }
    };
    getters.set(col, g);
  }
  return g(record);
}

/** The value stored in the `id` column: the record id, or its key fields joined with '|'. */
export function recordKey(type: LogType, record: Json): string {
  return type.keyFields
    ? type.keyFields.map((f) => String(record[f])).join('|')
    : String(record[type.idField]);
}

export function prepareItems(
  type: LogType,
  items: readonly unknown[],
  opts: PrepareOptions,
): { records: Array<PreparedRecord & { canonical: string }>; errors: RecordError[] } {
  const normalize = compile(type.schema);
  const records: Array<PreparedRecord & { canonical: string }> = [];
  const errors: RecordError[] = [];
  for (let index = 0; index < items.length; index++) {
    let item = items[index];
    if (item === undefined) continue; // unparseable line, already reported
    if (!opts.normalized && isEnvelope(item)) {
      const { record, problem } = fromEnvelope(type, item);
      if (problem) {
        errors.push({ index, ...problem });
        continue;
      }
      item = record;
    }
    const record = (opts.normalized ? item : normalize(item)) as Json;
    const problems = checkRecord(type, record, index);
    // The catalog describes the directory audit log; custom-security-attribute audits are not in it.
    if (problems.length === 0 && type.category === 'AuditLogs') {
      problems.push(...checkCatalog(opts.catalog, opts.catalogMode, record, index));
    }
    if (problems.length > 0) {
      errors.push(...problems);
      if (errors.length >= 100) break;
      continue;
    }
    if (errors.length > 0) continue; // the batch is refused anyway: skip the work
    let canonical: string;
    try {
      canonical = opts.normalized ? canonicalRecordJson(record) : canonicalJson(record);
    } catch (err) {
      // Nesting deep enough to exhaust the stack, or a value JSON cannot hold.
      const message = err instanceof RangeError ? 'is nested too deeply' : (err as Error).message;
      errors.push({ index, pointer: '', message });
      continue;
    }
    records.push({
      id: recordKey(type, record),
      time: String(record[type.timeField]),
      canonical,
      values: type.columns.map((c) => columnValue(c, record)),
    });
  }
  // A batch is stored whole or not at all.
  return errors.length > 0 ? { records: [], errors } : { records, errors };
}
