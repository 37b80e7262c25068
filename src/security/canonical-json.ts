/**
 * RFC 8785 (JSON Canonicalization Scheme) serialisation: object keys sorted by UTF-16 code units,
 * no whitespace, strings and numbers exactly as ECMAScript's JSON.stringify writes them (which is
 * how RFC 8785 defines them).
 *
 * Written here rather than taken from the `canonicalize` package because sealing runs on the
 * ingest hot path and this version is faster (it leaves all primitive escaping to the engine's
 * JSON.stringify); the unit test checks it against `canonicalize` on many records.
 */
export function canonicalJson(value: unknown): string {
  // Sorted copies, then one native JSON.stringify: the engine writes the text as one flat string
  // instead of thousands of concatenated pieces (cheaper to build, to hash and to collect).
  const copy = sortedCopy(value);
  return copy === NEEDS_SLOW_PATH ? canonicalJsonSlow(value) : JSON.stringify(copy);
}

/** Array-index-like keys ("0", "17"): JS objects enumerate these first, in numeric order. */
const INDEX_KEY = /^(?:0|[1-9]\d*)$/;
const NEEDS_SLOW_PATH = Symbol('index-like key');

function sortedCopy(value: unknown): unknown {
  switch (typeof value) {
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError('canonical JSON cannot hold NaN or Infinity');
      return value;
    case 'string':
    case 'boolean':
    case 'undefined':
    case 'function':
      return value;
    case 'object': {
      if (value === null) return null;
      if (Array.isArray(value)) {
        const out = new Array(value.length);
        for (let i = 0; i < value.length; i++) {
          const item = sortedCopy(value[i]);
          if (item === NEEDS_SLOW_PATH) return item;
          out[i] = item;
        }
        return out;
      }
      const obj = value as Record<string, unknown>;
      const keys = Object.keys(obj).sort();
      const out: Record<string, unknown> = {};
      for (const k of keys) {
        // A rebuilt object would list "9" before "10": such objects take the slow path.
        if (INDEX_KEY.test(k)) return NEEDS_SLOW_PATH;
        const item = sortedCopy(obj[k]);
        if (item === NEEDS_SLOW_PATH) return item;
        out[k] = item;
      }
      return out;
    }
    default:
      throw new TypeError(`canonical JSON cannot hold a ${typeof value}`);
  }
}

/** The same serialisation written out by hand, for values the fast path cannot rebuild. */
export function canonicalJsonSlow(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError('canonical JSON cannot hold NaN or Infinity');
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++) {
          if (i) out += ',';
          const item = value[i];
          out += item === undefined || typeof item === 'function' ? 'null' : canonicalJsonSlow(item);
        }
        return `${out}]`;
      }
      const obj = value as Record<string, unknown>;
      let out = '{';
      let first = true;
      for (const k of Object.keys(obj).sort()) {
        const item = obj[k];
        if (item === undefined || typeof item === 'function') continue;
        if (!first) out += ',';
        first = false;
        out += `${JSON.stringify(k)}:${canonicalJsonSlow(item)}`;
      }
      return `${out}}`;
    }
    default:
      throw new TypeError(`canonical JSON cannot hold a ${typeof value}`);
  }
}

/** Canonical text of values registered with `immutable`. */
const immutables = new WeakMap<object, string>();
/**
 * A record layout: its keys in insertion order, the order that sorts them, and each key quoted.
 * Records built by the same code share a layout, so the sort is done once per layout.
 */
interface Layout {
  keys: string[];
  order: number[];
  quoted: string[];
}
const layouts = new Map<number, Layout[]>();

function layoutOf(keys: string[]): Layout {
  const same = layouts.get(keys.length);
  if (same) {
    outer: for (const l of same) {
      for (let i = 0; i < keys.length; i++) if (l.keys[i] !== keys[i]) continue outer;
      return l;
    }
  }
  const order = keys
    .map((_, i) => i)
    .sort((a, b) => (keys[a]! < keys[b]! ? -1 : keys[a]! > keys[b]! ? 1 : 0));
  const l: Layout = { keys, order, quoted: keys.map((k) => `${JSON.stringify(k)}:`) };
  if (!same) layouts.set(keys.length, [l]);
  else if (same.length < 64) same.push(l); // bounded: unusual layouts are sorted each time
  return l;
}

/**
 * Deep-freezes a value and remembers its canonical text, so that `canonicalRecordJson` splices the
 * text instead of serialising the value again for every record that holds it (the simulator's
 * locations, device details, statuses and policy lists are shared by thousands of records).
 * Deep-frozen means it can never differ from the remembered text.
 */
export function immutable<T extends object>(value: T): T {
  deepFreeze(value);
  immutables.set(value, canonicalJson(value));
  return value;
}

function deepFreeze(v: unknown): void {
  if (v === null || typeof v !== 'object' || Object.isFrozen(v)) return;
  Object.freeze(v);
  for (const k of Object.keys(v)) deepFreeze((v as Record<string, unknown>)[k]);
}

/**
 * `canonicalJson` of a record (a plain object), the same text, with the record's `immutable`
 * values taken from their cache. Written out by hand (no sorted copy) because the point is to
 * splice cached text, which one JSON.stringify call cannot do.
 */
export function canonicalRecordJson(record: Record<string, unknown>): string {
  const { keys, order, quoted } = layoutOf(Object.keys(record));
  // Pieces joined once: `+=` made a rope of ~100 pieces that every later use (UTF-8 length,
  // encoding, hashing) flattened first, ~5 µs a sign-in, a third more than building it.
  const parts: string[] = [];
  for (let i = 0; i < order.length; i++) {
    const j = order[i]!;
    const k = keys[j]!;
    const c = k.charCodeAt(0);
    if (c >= 48 && c <= 57 && INDEX_KEY.test(k)) return canonicalJson(record); // the slow path's order
    const v = record[k];
    let text: string;
    switch (typeof v) {
      case 'string':
        text = JSON.stringify(v);
        break;
      case 'undefined':
      case 'function':
        continue;
      case 'object':
        text = (v !== null && immutables.get(v)) || canonicalJson(v);
        break;
      default:
        text = canonicalJson(v);
    }
    parts.push(parts.length > 0 ? ',' : '{', quoted[j]!, text);
  }
  parts.push(parts.length > 0 ? '}' : '{}');
  return parts.join('');
}
