/**
 * The Graph shape of shape.ts, applied to a stored record's UTF-8 bytes instead of a parsed
 * object: for downloads of whole sets, where JSON.parse + shape + JSON.stringify (~25 µs for a
 * 4 KB sign-in), and then text shaping with its strings to decode, build, collect and encode
 * again, were most of the time (docs/benchmarks.md).
 *
 * Stored records are canonical JSON (RFC 8785: keys sorted, no whitespace), so each object's keys
 * can be merged with the schema's sorted property names in one pass: a missing property is written
 * as `"name":null` where it sorts, an evolvable enum member becomes `unknownFutureValue`,
 * Conditional Access details are left out for callers who may not read them, and everything else
 * (values, extra properties, whole subtrees the schema does not shape) is copied through in runs
 * of bytes into a ByteSink. A record that needs no change is one copy of its bytes. The result is
 * canonicalJson(shape(type, 'beta', record)) byte for byte. Hand-written because no JSON library
 * edits bytes against a schema without building the whole object tree first, which is the cost
 * this avoids; a record that is not in canonical form (keys out of order, unexpected bytes) takes
 * shape() itself (`slow`), so the output is never wrong, only slower.
 *
 * The bytes are scanned through their Latin-1 reading (`latin1Slice`: one character per byte, so
 * positions are byte offsets, and no byte of a multi-byte UTF-8 character reads as ASCII): the
 * engine's string search finds quotes several times faster than a loop over a Uint8Array
 * (docs/benchmarks.md), while everything written is copied from the bytes themselves.
 * Keys are thus compared by UTF-8 bytes, i.e. by code point; RFC 8785 sorts by UTF-16 code units.
 * The two orders differ only between two non-ASCII keys (schema names are ASCII), where a
 * mismatch can only send a record to the slow path.
 */
import type { TSchema } from '@sinclair/typebox';
import type { GraphVersion } from '../../../query/odata/capabilities.ts';
import type { LogType } from '../../../registry/types.ts';
import { canonicalJson } from '../../../security/canonical-json.ts';
import { ByteSink } from './byte-sink.ts';
import { type ShapeOptions, select, shape } from './shape.ts';

type Json = Record<string, unknown>;

/** A schema node, as far as shaping goes. */
type Node =
  | { kind: 'leaf' }
  | { kind: 'enum'; evolvable: ReadonlySet<string> }
  | { kind: 'array'; item: Node }
  | ObjectNode;

interface ObjectNode {
  kind: 'object';
  /** Property names, sorted. */
  keys: readonly string[];
  /** Each name's index in keys. */
  index: ReadonlyMap<string, number>;
  /** Each name's `"name":null,` as inserted before a later member. */
  nulls: readonly Uint8Array[];
  nodes: readonly Node[];
}

const LEAF: Node = { kind: 'leaf' };

/** The schema without its `null` branch (as shape.ts). */
function unwrap(schema: TSchema): TSchema {
  if (schema.anyOf && !schema['x-enum']) {
    const branches = (schema.anyOf as TSchema[]).filter((s) => s.type !== 'null');
    if (branches.length === 1) return unwrap(branches[0]!);
  }
  return schema;
}

const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Mirrors shape.ts's compile(): the same nodes shape, the rest are leaves (copied). */
function compile(schema: TSchema, mapEnums: boolean): Node {
  const s = unwrap(schema);
  const members = s['x-enum'] as readonly string[] | undefined;
  if (members) {
    const sentinel = members.indexOf('unknownFutureValue');
    if (!mapEnums || sentinel < 0 || sentinel === members.length - 1) return LEAF;
    return { kind: 'enum', evolvable: new Set(members.slice(sentinel + 1)) };
  }
  if (s.type === 'array' && s.items) {
    const item = compile(s.items as TSchema, mapEnums);
    return item === LEAF ? LEAF : { kind: 'array', item };
  }
  if (s.type === 'object' && s.properties) {
    return objectNode(Object.entries(s.properties as Record<string, TSchema>), mapEnums);
  }
  return LEAF;
}

function objectNode(props: Array<[string, TSchema]>, mapEnums: boolean): ObjectNode {
  const sorted = [...props].sort(([a], [b]) => byCodeUnits(a, b));
  return {
    kind: 'object',
    keys: sorted.map(([k]) => k),
    index: new Map(sorted.map(([k], i) => [k, i])),
    nulls: sorted.map(([k]) => Buffer.from(`${JSON.stringify(k)}:null,`)),
    nodes: sorted.map(([, p]) => compile(p, mapEnums)),
  };
}

/** The bytes are not canonical JSON as expected: the record takes the slow path. */
const NOT_CANONICAL = new Error('not canonical JSON');

const QUOTE = 34;
const BACKSLASH = 92;
const COMMA = 44;
const COLON = 58;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;

const UNKNOWN_FUTURE_VALUE = Buffer.from('"unknownFutureValue"');
const NULL = Buffer.from('null');

/** The index of the quote that closes the string whose opening quote is at `i`. */
function stringClose(t: string, i: number): number {
  let j = t.indexOf('"', i + 1);
  for (;;) {
    if (j < 0) throw NOT_CANONICAL;
    if (t.charCodeAt(j - 1) !== BACKSLASH) return j;
    // Escaped when preceded by an odd number of backslashes.
    let b = j - 1;
    while (t.charCodeAt(b) === BACKSLASH) b--;
    if ((j - b) % 2 === 1) return j;
    j = t.indexOf('"', j + 1);
  }
}

/** The index after the value that starts at `i`. */
function valueEnd(t: string, i: number): number {
  const c = t.charCodeAt(i);
  if (c === QUOTE) return stringClose(t, i) + 1;
  if (c === OPEN_BRACE || c === OPEN_BRACKET) {
    let depth = 0;
    for (let j = i; j < t.length; j++) {
      const d = t.charCodeAt(j);
      if (d === QUOTE) j = stringClose(t, j);
      else if (d === OPEN_BRACE || d === OPEN_BRACKET) depth++;
      else if (d === CLOSE_BRACE || d === CLOSE_BRACKET) {
        if (--depth === 0) return j + 1;
      }
    }
    throw NOT_CANONICAL;
  }
  // A number, true, false or null: up to the next delimiter.
  let j = i;
  for (; j < t.length; j++) {
    const d = t.charCodeAt(j);
    if (d === COMMA || d === CLOSE_BRACE || d === CLOSE_BRACKET) break;
  }
  if (j === i) throw NOT_CANONICAL;
  return j;
}

/** Where a CSV column's value bytes are: in the record, or shaped into the scratch sink. */
const IN_RECORD = 0;
const IN_SCRATCH = 1;

/**
 * The bytes are copied in runs: `run` is where the uncopied part of `s` starts, and only edits
 * (a null inserted, an enum member replaced, a member left out) flush it to `out`.
 */
class Shaper {
  /** The record's bytes (copied from) and their Latin-1 reading (scanned). */
  s: Buffer = Buffer.alloc(0);
  t = '';
  out: ByteSink;
  run = 0;
  i = 0;
  /** CSV: each top-level property's value as [where, start, end) by sorted property index. */
  colWhere: Int8Array;
  colStart: Int32Array;
  colEnd: Int32Array;
  readonly scratch = new ByteSink(1 << 16);
  /** CSV and Graph modes: the top-level members outside the schema, as [start, end) pairs. */
  readonly extras: number[] = [];

  constructor(
    out: ByteSink,
    readonly root: ObjectNode,
  ) {
    this.out = out;
    const n = root.keys.length;
    this.colWhere = new Int8Array(n);
    this.colStart = new Int32Array(n);
    this.colEnd = new Int32Array(n);
  }

  start(s: Buffer, out: ByteSink): void {
    this.s = s;
    this.t = s.toString('latin1');
    this.out = out;
    this.run = 0;
    this.i = 0;
  }

  /** Writes `bytes` at the current position. */
  insert(bytes: Uint8Array): void {
    this.out.copy(this.s, this.run, this.i);
    this.out.put(bytes);
    this.run = this.i;
  }

  /** Leaves s[from, to) out. */
  skip(from: number, to: number): void {
    this.out.copy(this.s, this.run, from);
    this.run = to;
  }

  /** Copies the rest of `s`. */
  finish(): void {
    this.out.copy(this.s, this.run, this.s.length);
  }

  /** Shapes the value at `i` per `node`; moves `i` past it. */
  value(node: Node): void {
    const t = this.t;
    const c = t.charCodeAt(this.i);
    if (node.kind === 'object' && c === OPEN_BRACE) {
      this.object(node, -1, false);
      return;
    }
    if (node.kind === 'array' && c === OPEN_BRACKET) {
      this.array(node.item);
      return;
    }
    const end = valueEnd(t, this.i);
    if (node.kind === 'enum' && c === QUOTE && node.evolvable.has(t.slice(this.i + 1, end - 1))) {
      this.skip(this.i, end);
      this.out.put(UNKNOWN_FUTURE_VALUE);
    }
    this.i = end;
  }

  array(item: Node): void {
    const t = this.t;
    this.i++;
    if (t.charCodeAt(this.i) === CLOSE_BRACKET) {
      this.i++;
      return;
    }
    for (;;) {
      this.value(item);
      const d = t.charCodeAt(this.i++);
      if (d === COMMA) continue;
      if (d !== CLOSE_BRACKET) throw NOT_CANONICAL;
      return;
    }
  }

  /** Writes the nulls of node's properties [from, to), except `omit`. */
  nulls(node: ObjectNode, from: number, to: number, omit: number): void {
    for (let p = from; p < to; p++) if (p !== omit) this.out.put(node.nulls[p]!);
  }

  /**
   * An object: its members merged with the schema's properties in key order; the property at
   * index `omit` is left out. With `columns` (the record itself, for CSV), each property's shaped
   * value is located in colWhere/colStart/colEnd and the object's own bytes are not written.
   */
  object(node: ObjectNode, omit: number, columns: boolean): void {
    const s = this.s;
    const t = this.t;
    const { keys, nodes } = node;
    const n = keys.length;
    let p = 0;
    /** The output object has a member already. */
    let wrote = false;
    /** The last key, when it was not the schema's (extras are checked for order too). */
    let lastKey: string | undefined;
    let lastKnown = -1;
    this.i++;
    if (t.charCodeAt(this.i) !== CLOSE_BRACE) {
      for (;;) {
        const ks = this.i;
        if (t.charCodeAt(ks) !== QUOTE) throw NOT_CANONICAL;
        const ke = t.indexOf('"', ks + 1);
        // Escaped keys would need decoding to compare with the schema's.
        if (ke < 0 || t.charCodeAt(ke - 1) === BACKSLASH || t.charCodeAt(ke + 1) !== COLON)
          throw NOT_CANONICAL;
        // The key as a string (of its Latin-1 reading): found in the schema by a hash lookup
        // and ordered by the engine's string comparison, which is byte order here.
        const key = t.slice(ks + 1, ke);
        const p0 = p;
        const index = node.index.get(key) ?? -1;
        let child: Node = LEAF;
        if (index >= 0) {
          // Schema properties that sort before this key are missing from the record: null.
          if (index < p || (lastKey !== undefined && key <= lastKey)) throw NOT_CANONICAL;
          p = index + 1;
          child = nodes[index]!;
          lastKey = undefined;
          lastKnown = index;
        } else {
          // A property outside the schema: kept as it is, if the keys are still in order.
          if ((lastKey !== undefined && key <= lastKey) || (lastKnown >= 0 && key <= keys[lastKnown]!)) {
            throw NOT_CANONICAL;
          }
          while (p < n && keys[p]! < key) p++;
          lastKey = key;
        }
        const p1 = index >= 0 ? index : p;
        this.i = ke + 2;
        const isOmitted = index >= 0 && index === omit;
        if (columns) {
          if (index >= 0 && !isOmitted) {
            const vs = this.i;
            if (child === LEAF) {
              this.i = valueEnd(t, vs);
              this.colWhere[index] = IN_RECORD;
              this.colStart[index] = vs;
              this.colEnd[index] = this.i;
            } else {
              // The shaped value goes to the scratch sink; the record's own run is not written.
              const saved = this.out;
              const savedRun = this.run;
              const scratch = this.scratch;
              const at = scratch.len;
              this.out = scratch;
              this.run = vs;
              this.value(child);
              scratch.copy(s, this.run, this.i);
              this.colWhere[index] = IN_SCRATCH;
              this.colStart[index] = at;
              this.colEnd[index] = scratch.len;
              this.out = saved;
              this.run = savedRun;
            }
          } else {
            this.i = valueEnd(t, this.i);
            // A property outside the schema, whole (`"key":value`), for Graph's beta body.
            if (index < 0) this.extras.push(ks, this.i);
          }
        } else if (isOmitted) {
          this.i = valueEnd(t, this.i);
          if (t.charCodeAt(this.i) === COMMA) this.skip(ks, this.i + 1);
          else if (t.charCodeAt(ks - 1) === COMMA) this.skip(ks - 1, this.i);
          else this.skip(ks, this.i);
          // The properties missing before it are written before the next member (or at the end).
          p = p0;
        } else {
          if (p1 > p0) {
            this.out.copy(s, this.run, ks);
            this.run = ks;
            this.nulls(node, p0, p1, omit);
          }
          this.value(child);
          wrote = true;
        }
        const d = t.charCodeAt(this.i);
        if (d === COMMA) {
          this.i++;
          continue;
        }
        if (d !== CLOSE_BRACE) throw NOT_CANONICAL;
        break;
      }
    }
    // Schema properties after the last key: null.
    if (!columns && p < n) {
      const out = this.out;
      let any = false;
      for (; p < n; p++) {
        if (p === omit) continue;
        if (!any) {
          out.copy(s, this.run, this.i);
          this.run = this.i;
          any = true;
        }
        if (wrote) out.byte(COMMA);
        // `"name":null,` without its comma.
        const nb = node.nulls[p]!;
        out.copy(nb, 0, nb.length - 1);
        wrote = true;
      }
    }
    this.i++;
  }
}

export interface ByteShaper {
  /**
   * Appends the record as a Graph page or entity shows it (shape() then select()): top-level
   * properties in the schema's order (or `$select`'s), nested objects in canonical key order.
   */
  graph(record: Buffer, out: ByteSink, fields?: readonly string[]): void;
  /** Appends the record (canonical JSON bytes) in the Graph beta shape, as canonical JSON. */
  json(record: Buffer, out: ByteSink): void;
  /** Appends the record's CSV line (without the line break): one field per column. */
  csv(record: Buffer, out: ByteSink): void;
  /** The CSV header line (without the line break). */
  readonly header: string;
  /** Records that took shape() because their bytes were not as expected (tests read it). */
  slow: number;
}

/**
 * One CSV field (RFC 4180). Hand-written: quoting is these few lines, and a CSV library would add
 * a second stream stage over rows we already write one chunk at a time.
 */
export function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  const text = typeof v === 'object' ? JSON.stringify(v) : String(v);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * A CSV field from a shaped value's JSON bytes src[a, b) (`text`: src's Latin-1 reading):
 * strings unquoted, objects and arrays as their JSON text, null as nothing. Canonical JSON holds
 * no raw line break or control character, and a quote only escaped, so a string needs CSV quotes
 * only for a comma, and decoding only when it has an escape.
 */
function csvFromJson(src: Buffer, text: string, a: number, b: number, out: ByteSink): void {
  const c = text.charCodeAt(a);
  if (c === QUOTE) {
    // A sliced string: bounded searches without a copy.
    const inner = text.slice(a + 1, b - 1);
    if (inner.includes('\\')) {
      const value = JSON.parse(src.toString('utf8', a, b)) as string;
      out.text(/[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);
      return;
    }
    const comma = inner.includes(',');
    if (comma) out.byte(QUOTE);
    out.copy(src, a + 1, b - 1);
    if (comma) out.byte(QUOTE);
    return;
  }
  if (c === OPEN_BRACE || c === OPEN_BRACKET) {
    const json = text.slice(a, b);
    if (!json.includes('"') && !json.includes(',')) {
      out.copy(src, a, b);
      return;
    }
    // Quotes doubled; written back byte for byte through the Latin-1 reading.
    out.latin1(`"${json.replaceAll('"', '""')}"`);
    return;
  }
  if (b - a === 4 && text.startsWith('null', a)) return;
  out.copy(src, a, b);
}

const shapers = new Map<string, ByteShaper>();

/**
 * The byte shaper for a log type, a Graph version (beta is the export's) and a caller's options.
 * In v1.0 the beta-only properties are not the schema's, so they count among the extras, which
 * v1.0 leaves out at the top level (as shape()).
 */
export function byteShaper(type: LogType, opts: ShapeOptions, version: GraphVersion = 'beta'): ByteShaper {
  const key = `${type.category}:${version}:${opts.includeUnknownEnumMembers}:${opts.readsConditionalAccess}`;
  const cached = shapers.get(key);
  if (cached) return cached;
  const betaOnly = new Set(version === 'beta' ? [] : (type.graph?.betaOnly ?? []));
  const props = Object.entries(type.schema.properties as Record<string, TSchema>).filter(
    ([p]) => !betaOnly.has(p),
  );
  const root = objectNode(props, !opts.includeUnknownEnumMembers);
  const omitName = opts.readsConditionalAccess ? undefined : 'appliedConditionalAccessPolicies';
  const omit = omitName === undefined ? -1 : root.keys.indexOf(omitName);
  // What the caller may not see (Conditional Access details) is not a column either.
  const columns = props.map(([c]) => c).filter((c) => c !== omitName);
  /** Each column's index among the sorted properties. */
  const at = columns.map((c) => root.keys.indexOf(c));
  // One shaper state, reused for every record: shaping is synchronous, record by record.
  const st = new Shaper(new ByteSink(1), root);
  const shaped = (record: Buffer) => shape(type, version, JSON.parse(record.toString('utf8')) as Json, opts);
  /** Graph's member prefixes (`"name":`) by sorted property index. */
  const names = root.keys.map((k) => Buffer.from(`${JSON.stringify(k)}:`));
  const index = new Map(root.keys.map((k, i) => [k, i]));
  /** The body's properties in schema order, as sorted indexes. */
  const all = at;
  const selections = new Map<string, number[] | null>();
  /** `$select`'s properties as sorted indexes; null when one is not a schema property (slow path). */
  const selected = (fields: readonly string[]): number[] | null => {
    const key = fields.join(',');
    let list = selections.get(key);
    if (list === undefined) {
      // A name asked twice is one member, as select()'s object has it once.
      const idx = [...new Set(fields)].map((f) => (f === omitName ? -2 : (index.get(f) ?? -1)));
      list = idx.includes(-1) ? null : idx.filter((i) => i >= 0);
      selections.set(key, list);
    }
    return list;
  };
  const keepExtras = version === 'beta';
  /**
   * Walks a record on the fast path, noting where each column's value lies (graph and csv); false
   * when it is not canonical JSON of the schema (the caller then takes the slow path).
   */
  const locate = (record: Buffer, out: ByteSink): boolean => {
    st.colStart.fill(-1);
    st.scratch.len = 0;
    st.extras.length = 0;
    try {
      if (record[0] !== OPEN_BRACE) throw NOT_CANONICAL;
      st.start(record, out);
      st.object(root, omit, true);
      if (st.i !== record.length) throw NOT_CANONICAL;
      return true;
    } catch (err) {
      if (err !== NOT_CANONICAL) throw err;
      return false;
    }
  };
  const shaper: ByteShaper = {
    graph(record, out, fields) {
      const { colWhere, colStart, colEnd, scratch, extras } = st;
      const list = fields && fields.length > 0 ? selected(fields) : all;
      const mark = out.len;
      if (list === null || !locate(record, out)) {
        shaper.slow++;
        out.len = mark;
        out.text(JSON.stringify(select(shaped(record), fields)));
        return;
      }
      out.byte(OPEN_BRACE);
      for (let c = 0; c < list.length; c++) {
        if (c > 0) out.byte(COMMA);
        const p = list[c]!;
        out.put(names[p]!);
        const start = colStart[p]!;
        if (start < 0) out.put(NULL);
        else if (colWhere[p] === IN_RECORD) out.copy(record, start, colEnd[p]!);
        else out.copy(scratch.buf, start, colEnd[p]!);
      }
      if (keepExtras && list === all) {
        for (let e = 0; e < extras.length; e += 2) {
          if (list.length > 0 || e > 0) out.byte(COMMA);
          out.copy(record, extras[e]!, extras[e + 1]!);
        }
      }
      out.byte(CLOSE_BRACE);
    },
    header: columns.map(csvField).join(','),
    slow: 0,
    json(record, out) {
      const mark = out.len;
      try {
        if (record[0] !== OPEN_BRACE) throw NOT_CANONICAL;
        st.start(record, out);
        st.object(root, omit, false);
        if (st.i !== record.length) throw NOT_CANONICAL;
        st.finish();
      } catch (err) {
        if (err !== NOT_CANONICAL) throw err;
        shaper.slow++;
        out.len = mark;
        out.text(canonicalJson(shaped(record)));
      }
    },
    csv(record, out) {
      const { colWhere, colStart, scratch } = st;
      if (!locate(record, out)) {
        shaper.slow++;
        const value = shaped(record);
        out.text(columns.map((c) => csvField(value[c])).join(','));
        return;
      }
      const scratchText = scratch.len > 0 ? scratch.buf.toString('latin1', 0, scratch.len) : '';
      for (let c = 0; c < at.length; c++) {
        if (c > 0) out.byte(COMMA);
        const p = at[c]!;
        const start = colStart[p]!;
        if (start < 0) continue;
        if (colWhere[p] === IN_RECORD) csvFromJson(record, st.t, start, st.colEnd[p]!, out);
        else csvFromJson(scratch.buf, scratchText, start, st.colEnd[p]!, out);
      }
    },
  };
  shapers.set(key, shaper);
  return shaper;
}
