/**
 * A stored record as Graph returns it, compiled from the record schema per (log type, version):
 * - every property of the resource and of its complex types, null when the record has none (Graph
 *   writes nulls at every level; exports omit them);
 * - v1.0 leaves out beta-only properties and anything outside the schema at the top level; beta
 *   keeps the record's extra (open-type) properties after the schema's; nested complex types keep
 *   their extra properties in both (Entra's identity types are OpenType);
 * - evolvable enums (entra-formats.md §1.3): members after `unknownFutureValue` come out as
 *   `unknownFutureValue` unless the client sent `Prefer: include-unknown-enum-members`;
 * - `appliedConditionalAccessPolicies` is left out for callers who may read sign-ins but not
 *   Conditional Access data (§2.4).
 */
import type { TSchema } from '@sinclair/typebox';
import type { GraphVersion } from '../../../query/odata/capabilities.ts';
import type { RoleName } from '../../../registry/roles.ts';
import type { LogType } from '../../../registry/types.ts';

type Json = Record<string, unknown>;

export interface ShapeOptions {
  /** The client sent `Prefer: include-unknown-enum-members`. */
  includeUnknownEnumMembers: boolean;
  /** The caller holds a role that reads Conditional Access data. */
  readsConditionalAccess: boolean;
}

/** Roles that read Conditional Access details in sign-ins (§2.4), among idtrail's roles. */
export const CONDITIONAL_ACCESS_READERS: readonly RoleName[] = [
  'Global Administrator',
  'Global Reader',
  'Security Administrator',
  'Security Reader',
];

const PREFER_UNKNOWN = /(?:^|[,;\s])include-unknown-enum-members(?:$|[,;\s])/i;

/** Whether a `Prefer` header asks for evolvable enum members. */
export function prefersUnknownEnumMembers(header: string | string[] | undefined): boolean {
  const values = Array.isArray(header) ? header : header ? [header] : [];
  return values.some((v) => PREFER_UNKNOWN.test(v));
}

export function shapeOptions(prefer: string | string[] | undefined, roles: readonly string[]): ShapeOptions {
  return {
    includeUnknownEnumMembers: prefersUnknownEnumMembers(prefer),
    readsConditionalAccess: roles.some((r) => (CONDITIONAL_ACCESS_READERS as readonly string[]).includes(r)),
  };
}

type Shaper = (value: unknown, opts: ShapeOptions) => unknown;

const same: Shaper = (v) => v;

/** The schema without its `null` branch (Opt/Nullable wrap nearly every property). */
function unwrap(schema: TSchema): TSchema {
  if (schema.anyOf && !schema['x-enum']) {
    const branches = (schema.anyOf as TSchema[]).filter((s) => s.type !== 'null');
    if (branches.length === 1) return unwrap(branches[0]!);
  }
  return schema;
}

function compile(schema: TSchema): Shaper {
  const s = unwrap(schema);
  const members = s['x-enum'] as readonly string[] | undefined;
  if (members) {
    const sentinel = members.indexOf('unknownFutureValue');
    if (sentinel < 0 || sentinel === members.length - 1) return same;
    const evolvable = new Set(members.slice(sentinel + 1));
    return (v, o) =>
      !o.includeUnknownEnumMembers && typeof v === 'string' && evolvable.has(v) ? 'unknownFutureValue' : v;
  }
  if (s.type === 'array' && s.items) {
    const item = compile(s.items as TSchema);
    if (item === same) return same;
    return (v, o) => (Array.isArray(v) ? v.map((x) => item(x, o)) : v);
  }
  if (s.type === 'object' && s.properties) {
    const props = Object.entries(s.properties as Record<string, TSchema>).map(
      ([k, p]) => [k, compile(p)] as const,
    );
    return (v, o) => {
      if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
      const rec = v as Json;
      const out: Json = {};
      for (const [k, f] of props) out[k] = rec[k] == null ? null : f(rec[k], o);
      for (const k of Object.keys(rec)) if (!(k in out)) out[k] = rec[k];
      return out;
    };
  }
  return same;
}

interface Compiled {
  props: ReadonlyArray<readonly [string, Shaper]>;
  keepExtras: boolean;
}

const cache = new Map<string, Compiled>();

function compiledFor(type: LogType, version: GraphVersion): Compiled {
  const key = `${type.category}:${version}`;
  let c = cache.get(key);
  if (!c) {
    const betaOnly = new Set(type.graph?.betaOnly ?? []);
    c = {
      props: Object.entries(type.schema.properties as Record<string, TSchema>)
        .filter(([p]) => version === 'beta' || !betaOnly.has(p))
        .map(([p, s]) => [p, compile(s)] as const),
      keepExtras: version === 'beta',
    };
    cache.set(key, c);
  }
  return c;
}

/** The Graph body of one stored record. */
export function shape(type: LogType, version: GraphVersion, record: Json, opts: ShapeOptions): Json {
  const { props, keepExtras } = compiledFor(type, version);
  const out: Json = {};
  for (const [p, f] of props) {
    if (p === 'appliedConditionalAccessPolicies' && !opts.readsConditionalAccess) continue;
    out[p] = record[p] == null ? null : f(record[p], opts);
  }
  if (keepExtras) {
    for (const k of Object.keys(record)) {
      if (k in out || (k === 'appliedConditionalAccessPolicies' && !opts.readsConditionalAccess)) continue;
      out[k] = record[k];
    }
  }
  return out;
}

/** `$select`: the named properties only, in the order asked. */
export function select(record: Json, fields: readonly string[] | undefined): Json {
  if (!fields || fields.length === 0) return record;
  const out: Json = {};
  for (const f of fields) if (f in record) out[f] = record[f];
  return out;
}
