/**
 * The Graph shape of shape.ts, applied to a stored record's text instead of a parsed object: for
 * downloads of whole sets, where JSON.parse + shape + JSON.stringify (~25 µs for a 4 KB sign-in)
 * was most of the time (docs/benchmarks.md).
 *
 * Stored records are canonical JSON (RFC 8785: keys sorted by UTF-16 code units, no whitespace),
 * so each object's keys can be merged with the schema's sorted property names in one pass: a
 * missing property is written as `"name":null` where it sorts, an evolvable enum member becomes
 * `unknownFutureValue`, Conditional Access details are left out for callers who may not read them,
 * and everything else (values, extra properties, whole subtrees the schema does not shape) is
 * copied through as text. The result is the same JSON value as `shape(type, 'beta', record)` with
 * its keys in canonical order rather than the schema's. Hand-written because no JSON library
 * edits text against a schema without building the whole object tree first, which is the cost
 * this avoids; a record that is not in canonical form (keys out of order, unexpected text) takes
 * shape() itself (`slow`), so the output is never wrong, only slower.
 */
import type { TSchema } from '@sinclair/typebox';
import type { LogType } from '../../../registry/types.ts';
import { type ShapeOptions, shape } from './shape.ts';

type Json = Record<string, unknown>;

/** A schema node, as far as shaping goes. */
type Node =
  | { kind: 'leaf' }
  | { kind: 'enum'; evolvable: ReadonlySet<string> }
  | { kind: 'array'; item: Node }
  | { kind: 'object'; keys: readonly string[]; nodes: readonly Node[] };

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

function objectNode(props: Array<[string, TSchema]>, mapEnums: boolean): Node & { kind: 'object' } {
  const sorted = [...props].sort(([a], [b]) => byCodeUnits(a, b));
  return {
    kind: 'object',
    keys: sorted.map(([k]) => k),
    nodes: sorted.map(([, p]) => compile(p, mapEnums)),
  };
}

/** The text is not canonical JSON as expected: the record takes the slow path. */
const NOT_CANONICAL = new Error('not canonical JSON');

const QUOTE = 34;
const BACKSLASH = 92;
const COMMA = 44;
const COLON = 58;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;

/** The index after the string that starts at `i` (a quote). */
function stringEnd(s: string, i: number): number {
  let j = s.indexOf('"', i + 1);
  for (;;) {
    if (j < 0) throw NOT_CANONICAL;
    if (s.charCodeAt(j - 1) !== BACKSLASH) return j + 1;
    // Escaped when preceded by an odd number of backslashes.
    let b = j - 1;
    while (s.charCodeAt(b) === BACKSLASH) b--;
    if ((j - b) % 2 === 1) return j + 1;
    j = s.indexOf('"', j + 1);
  }
}

/** The index after the value that starts at `i`. */
function valueEnd(s: string, i: number): number {
  const c = s.charCodeAt(i);
  if (c === QUOTE) return stringEnd(s, i);
  if (c === OPEN_BRACE || c === OPEN_BRACKET) {
    let depth = 0;
    for (let j = i; j < s.length; j++) {
      const d = s.charCodeAt(j);
      if (d === QUOTE) j = stringEnd(s, j) - 1;
      else if (d === OPEN_BRACE || d === OPEN_BRACKET) depth++;
      else if (d === CLOSE_BRACE || d === CLOSE_BRACKET) {
        if (--depth === 0) return j + 1;
      }
    }
    throw NOT_CANONICAL;
  }
  // A number, true, false or null: up to the next delimiter.
  let j = i;
  for (; j < s.length; j++) {
    const d = s.charCodeAt(j);
    if (d === COMMA || d === CLOSE_BRACE || d === CLOSE_BRACKET) break;
  }
  if (j === i) throw NOT_CANONICAL;
  return j;
}

/** Compares the key text s[start, start + len) with `key` by UTF-16 code units, without slicing. */
function compareKey(s: string, start: number, len: number, key: string): number {
  const n = Math.min(len, key.length);
  for (let k = 0; k < n; k++) {
    const d = s.charCodeAt(start + k) - key.charCodeAt(k);
    if (d !== 0) return d;
  }
  return len - key.length;
}

/**
 * The text is copied in runs: `run` is where the uncopied part of `s` starts, and only edits
 * (a null inserted, an enum member replaced, a member left out) flush it to `out`.
 */
class Shaper {
  out = '';
  run = 0;
  i = 0;
  constructor(readonly s: string) {}

  insert(text: string): void {
    this.out += this.s.slice(this.run, this.i) + text;
    this.run = this.i;
  }

  /** Leaves s[from, to) out. */
  skip(from: number, to: number): void {
    this.out += this.s.slice(this.run, from);
    this.run = to;
  }

  /** The shaped text so far plus the rest of `s`. */
  finish(): string {
    return this.out + this.s.slice(this.run);
  }

  /** Shapes the value at `i` per `node`; moves `i` past it. */
  value(node: Node): void {
    const s = this.s;
    const c = s.charCodeAt(this.i);
    if (node.kind === 'object' && c === OPEN_BRACE) {
      this.object(node, undefined, undefined);
      return;
    }
    if (node.kind === 'array' && c === OPEN_BRACKET) {
      this.array(node.item);
      return;
    }
    const end = valueEnd(s, this.i);
    if (node.kind === 'enum' && c === QUOTE && node.evolvable.has(s.slice(this.i + 1, end - 1))) {
      this.skip(this.i, end);
      this.out += '"unknownFutureValue"';
    }
    this.i = end;
  }

  array(item: Node): void {
    const s = this.s;
    this.i++;
    if (s.charCodeAt(this.i) === CLOSE_BRACKET) {
      this.i++;
      return;
    }
    for (;;) {
      this.value(item);
      const d = s.charCodeAt(this.i++);
      if (d === COMMA) continue;
      if (d !== CLOSE_BRACKET) throw NOT_CANONICAL;
      return;
    }
  }

  /**
   * An object: its members merged with the schema's properties in key order. `omit` is left out.
   * With `columns`, the text of each schema property's shaped value is stored at its index there
   * (CSV) and the object's own text is not built.
   */
  object(node: Node & { kind: 'object' }, omit: string | undefined, columns: string[] | undefined): void {
    const s = this.s;
    const { keys, nodes } = node;
    const n = keys.length;
    let p = 0;
    /** The output object has a member already. */
    let wrote = false;
    /** The last key, when it was not the schema's (extras are checked for order by text). */
    let lastKey: string | undefined;
    let lastKnown = -1;
    this.i++;
    if (s.charCodeAt(this.i) !== CLOSE_BRACE) {
      for (;;) {
        const ks = this.i;
        if (s.charCodeAt(ks) !== QUOTE) throw NOT_CANONICAL;
        const ke = s.indexOf('"', ks + 1);
        // Escaped keys would need decoding to compare with the schema's.
        if (ke < 0 || s.charCodeAt(ke - 1) === BACKSLASH || s.charCodeAt(ke + 1) !== COLON)
          throw NOT_CANONICAL;
        const len = ke - ks - 1;
        // Schema properties that sort before this key are missing from the record: null.
        const p0 = p;
        let cmp = 1;
        let missing = '';
        while (p < n) {
          cmp = compareKey(s, ks + 1, len, keys[p]!);
          if (cmp <= 0) break;
          if (keys[p] !== omit) missing += `"${keys[p]}":null,`;
          p++;
        }
        let child: Node = LEAF;
        let index = -1;
        if (p < n && cmp === 0) {
          index = p++;
          child = nodes[index]!;
          if (lastKey !== undefined && compareKey(s, ks + 1, len, lastKey) <= 0) throw NOT_CANONICAL;
          lastKey = undefined;
          lastKnown = index;
        } else {
          // A property outside the schema: kept as it is, if the keys are still in order.
          const key = s.slice(ks + 1, ke);
          if ((lastKey !== undefined && key <= lastKey) || (lastKnown >= 0 && key <= keys[lastKnown]!)) {
            throw NOT_CANONICAL;
          }
          lastKey = key;
        }
        this.i = ke + 2;
        const isOmitted = index >= 0 && keys[index] === omit;
        if (columns) {
          if (index >= 0 && !isOmitted) {
            const vs = this.i;
            if (child === LEAF) {
              this.i = valueEnd(s, vs);
              columns[index] = s.slice(vs, this.i);
            } else {
              const saved = this.out;
              const savedRun = this.run;
              this.out = '';
              this.run = vs;
              this.value(child);
              columns[index] = this.out + s.slice(this.run, this.i);
              this.out = saved;
              this.run = savedRun;
            }
          } else {
            this.i = valueEnd(s, this.i);
          }
        } else if (isOmitted) {
          this.i = valueEnd(s, this.i);
          if (s.charCodeAt(this.i) === COMMA) this.skip(ks, this.i + 1);
          else if (s.charCodeAt(ks - 1) === COMMA) this.skip(ks - 1, this.i);
          else this.skip(ks, this.i);
          // The properties missing before it are written before the next member (or at the end).
          p = p0;
        } else {
          if (missing !== '') {
            const at = this.i;
            this.i = ks;
            this.insert(missing);
            this.i = at;
          }
          this.value(child);
          wrote = true;
        }
        const d = s.charCodeAt(this.i);
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
      let tail = '';
      for (; p < n; p++) {
        if (keys[p] === omit) continue;
        tail += `${wrote ? ',' : ''}"${keys[p]}":null`;
        wrote = true;
      }
      if (tail !== '') this.insert(tail);
    }
    this.i++;
  }
}

export interface TextShaper {
  /** The record (canonical JSON text) in the Graph beta shape, as JSON text. */
  json(record: string): string;
  /** The record's CSV line (without the line break): one field per column. */
  csv(record: string): string;
  /** The CSV header line (without the line break). */
  readonly header: string;
  /** Records that took shape() because their text was not as expected (tests read it). */
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

/** A CSV field from a shaped value's JSON text: strings unquoted, objects and arrays as their text. */
function csvFromJsonText(text: string | undefined): string {
  if (text === undefined || text === 'null') return '';
  let value = text;
  if (text.charCodeAt(0) === QUOTE)
    value = text.includes('\\') ? (JSON.parse(text) as string) : text.slice(1, -1);
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

const shapers = new Map<string, TextShaper>();

/** The text shaper for a log type (beta, the export's version) and a caller's options. */
export function textShaper(type: LogType, opts: ShapeOptions): TextShaper {
  const key = `${type.category}:${opts.includeUnknownEnumMembers}:${opts.readsConditionalAccess}`;
  const cached = shapers.get(key);
  if (cached) return cached;
  const root = objectNode(
    Object.entries(type.schema.properties as Record<string, TSchema>),
    !opts.includeUnknownEnumMembers,
  );
  const omit = opts.readsConditionalAccess ? undefined : 'appliedConditionalAccessPolicies';
  // What the caller may not see (Conditional Access details) is not a column either.
  const columns = Object.keys(type.schema.properties).filter((c) => c !== omit);
  /** Each column's index among the sorted properties. */
  const at = columns.map((c) => root.keys.indexOf(c));
  // Reused for every record (one shaper serves one request at a time between awaits).
  const values = new Array<string | undefined>(root.keys.length);
  const fields = new Array<string>(columns.length);
  const slowJson = (record: string) => JSON.stringify(shape(type, 'beta', JSON.parse(record) as Json, opts));
  const shaper: TextShaper = {
    header: columns.map(csvField).join(','),
    slow: 0,
    json(record) {
      const st = new Shaper(record);
      try {
        if (record.charCodeAt(0) !== OPEN_BRACE) throw NOT_CANONICAL;
        st.object(root, omit, undefined);
        if (st.i !== record.length) throw NOT_CANONICAL;
        return st.finish();
      } catch (err) {
        if (err !== NOT_CANONICAL) throw err;
        shaper.slow++;
        return slowJson(record);
      }
    },
    csv(record) {
      const st = new Shaper(record);
      values.fill(undefined);
      try {
        if (record.charCodeAt(0) !== OPEN_BRACE) throw NOT_CANONICAL;
        st.object(root, omit, values as string[]);
        if (st.i !== record.length) throw NOT_CANONICAL;
      } catch (err) {
        if (err !== NOT_CANONICAL) throw err;
        shaper.slow++;
        const shaped = shape(type, 'beta', JSON.parse(record) as Json, opts);
        return columns.map((c) => csvField(shaped[c])).join(',');
      }
      // One join rather than a concatenation per field: fewer intermediate strings to collect.
      for (let c = 0; c < at.length; c++) fields[c] = csvFromJsonText(values[at[c]!]);
      return fields.join(',');
    },
  };
  shapers.set(key, shaper);
  return shaper;
}
