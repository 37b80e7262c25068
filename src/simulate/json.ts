/**
 * NDJSON bytes from fragments, for the simulator's hot records. Values that come from the tenant
 * model (a user, an app, a network point, a device view, a conditional access outcome) are
 * serialised once, encoded to UTF-8 and cached beside the model object; a record's line is then
 * written into a byte buffer from those fragments and its few per-record values (ids, times,
 * numbers), which are made of characters JSON never escapes.
 *
 * Hand-written because nothing generic does this faster: `JSON.stringify` of a 2.4 KB record
 * (~5.5 µs) was 80% of the simulator's time, fast-json-stringify measured slower than it, and
 * joining JS strings builds a rope of cons strings that costs as much again to flatten when it is
 * written out. Copying pre-encoded bytes into one buffer allocates nothing per record.
 * The output must equal `JSON.stringify` of the object the generator would have built, key order
 * included; `json.test.ts` checks that over a day of every kind of record.
 */

const encoder = new TextEncoder();

/** A Buffer over the same memory (no copy). */
function asBuffer(b: Uint8Array): Buffer {
  return Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.length);
}

/** UTF-8 bytes of a JSON fragment (cached by callers). */
export function fragment(json: string): Uint8Array {
  return encoder.encode(json);
}

/**
 * A fragment per model object, in a WeakMap rather than a field: records spread some model
 * objects (`{ ...view, clientAppUsed }`), which would copy a cached field along with the data.
 */
export function cachedFragment<K extends object>(
  cache: WeakMap<K, Uint8Array>,
  key: K,
  make: (key: K) => string,
): Uint8Array {
  let f = cache.get(key);
  if (f === undefined) {
    f = fragment(make(key));
    cache.set(key, f);
  }
  return f;
}

/**
 * `"key":value,"key":value` of an object's own properties, without the braces: a run of fields
 * to splice into a record. `JSON.stringify` writes the values, so escaping and number formats are
 * the engine's own.
 */
export function fields(obj: Record<string, unknown>): string {
  const s = JSON.stringify(obj);
  return s.length <= 2 ? '' : s.slice(1, -1);
}

/** A per-record value: a fragment (bytes of JSON), a JSON-safe string written as is, a number or boolean. */
export type Part = Uint8Array | string | number | boolean;

/**
 * A growing byte buffer of NDJSON lines. `line` is a template tag: its literal text is encoded
 * once per call site (the engine hands the same strings array every time), and each interpolated
 * value is a Part. Strings are copied without escaping, so they must be JSON-safe (ids, times,
 * enum constants); anything else throws rather than writing broken JSON. Values from the model go
 * in as fragments.
 */
export class JsonWriter {
  /** Always a Buffer (NdjsonFile's too): one kind of object keeps the hot writes monomorphic. */
  buf: Buffer;
  pos = 0;
  lines = 0;
  private static readonly literals = new WeakMap<TemplateStringsArray, Uint8Array[]>();

  /** A new buffer of `size` bytes, or a view of the given memory (e.g. NdjsonFile's aligned buffers). */
  constructor(size: number | Uint8Array = 1 << 20) {
    this.buf = typeof size === 'number' ? Buffer.allocUnsafeSlow(size) : asBuffer(size);
  }

  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const b = Buffer.allocUnsafeSlow(Math.max(this.buf.length * 2, this.pos + n));
    b.set(this.buf.subarray(0, this.pos));
    this.buf = b;
  }

  bytes(b: Uint8Array): void {
    const n = b.length;
    this.room(n);
    // TypedArray.set costs ~15 ns whatever the length up to a few hundred bytes; a JS byte loop
    // ~2 ns a byte (measured on the 2-core machine): the loop wins only for the tiniest pieces.
    if (n > 6) this.buf.set(b, this.pos);
    else {
      const buf = this.buf;
      const p = this.pos;
      for (let i = 0; i < n; i++) buf[p + i] = b[i]!;
    }
    this.pos += n;
  }

  /** A JSON-safe string, as is (no quotes added). */
  safe(s: string): void {
    const n = s.length;
    this.room(n);
    const buf = this.buf;
    let p = this.pos;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      // Printable ASCII other than '"' and '\': what JSON writes unescaped and UTF-8 as one byte.
      if (c < 32 || c > 126 || c === 34 || c === 92)
        throw new Error(`not a JSON-safe value: ${JSON.stringify(s)}`);
      buf[p++] = c;
    }
    this.pos = p;
  }

  /**
   * A string made by the simulator's own id and time formatters (hex digits, '-', base64url,
   * digits, ':', '.', 'T', 'Z'), copied natively without the per-character check of `safe`
   * (~45 ns against ~130 ns for a GUID): never model text, which goes through `safe` or fragments.
   */
  ascii(s: string): void {
    this.room(s.length);
    this.pos += this.buf.write(s, this.pos, 'latin1');
  }

  /** Room for `n` more bytes; returns the position to write them at (then advance `pos`). */
  reserve(n: number): number {
    this.room(n);
    return this.pos;
  }

  /** Any string, already JSON (e.g. from JSON.stringify), encoded as UTF-8. */
  json(s: string): void {
    this.room(s.length * 3);
    this.pos += encoder.encodeInto(s, this.buf.subarray(this.pos)).written;
  }

  part(v: Part): void {
    if (typeof v === 'string') this.safe(v);
    else if (typeof v === 'object') this.bytes(v);
    else this.safe(String(v)); // finite numbers and booleans print as JSON.stringify writes them
  }

  /** Writes one record, then the newline. */
  line(strings: TemplateStringsArray, ...values: Part[]): void {
    let lits = JsonWriter.literals.get(strings);
    if (!lits) {
      lits = strings.map((s) => encoder.encode(s));
      JsonWriter.literals.set(strings, lits);
    }
    const start = this.pos;
    try {
      this.bytes(lits[0]!);
      for (let i = 0; i < values.length; i++) {
        const v = values[i]!;
        if (typeof v === 'string') this.safe(v);
        else if (typeof v === 'object') this.bytes(v);
        else this.safe(String(v));
        this.bytes(lits[i + 1]!);
      }
    } catch (err) {
      this.pos = start; // no half line
      throw err;
    }
    this.newline();
  }

  newline(): void {
    this.room(1);
    this.buf[this.pos++] = 10;
    this.lines++;
  }

  /** The bytes written so far (a view, valid until the next write), and a fresh start. */
  take(): Uint8Array {
    const out = this.buf.subarray(0, this.pos);
    this.buf = Buffer.allocUnsafeSlow(this.buf.length);
    this.pos = 0;
    this.lines = 0;
    return out;
  }

  text(): string {
    return new TextDecoder().decode(this.buf.subarray(0, this.pos));
  }
}

/** A marker for a template's string hole `i`: the value goes between the quotes, as is. */
export function hole(i: number): string {
  return `\u0000hole${i}\u0000`;
}

/** A marker for a template's raw hole `i`: the value (a fragment) replaces the quoted marker. */
export function rawHole(i: number): string {
  return `\u0000raw${i}\u0000`;
}

/**
 * A record's JSON with holes, made once from the generator's own object builder called with
 * markers for the per-record values: the key order and every constant part come from the builder,
 * so nothing is written twice. `write` puts Parts into the holes, in the order they appear.
 */
export class Template {
  private readonly pieces: Uint8Array[];
  /** Which hole each gap between pieces takes. */
  private readonly order: number[];

  constructor(json: string, holes: number) {
    const at: Array<[number, number, number]> = []; // position, hole, marker length
    for (let i = 0; i < holes; i++) {
      for (const marker of [JSON.stringify(hole(i)).slice(1, -1), JSON.stringify(rawHole(i))]) {
        for (let k = json.indexOf(marker); k !== -1; k = json.indexOf(marker, k + marker.length))
          at.push([k, i, marker.length]);
      }
    }
    at.sort((a, b) => a[0] - b[0]);
    const pieces: string[] = [];
    this.order = [];
    let from = 0;
    for (const [k, i, n] of at) {
      pieces.push(json.slice(from, k));
      this.order.push(i);
      from = k + n;
    }
    pieces.push(json.slice(from));
    this.pieces = pieces.map(fragment);
  }

  /** Writes the record with its holes filled, then the newline. */
  write(w: JsonWriter, values: readonly Part[]): void {
    const start = w.pos;
    try {
      this.fill(w, values);
    } catch (err) {
      w.pos = start; // no half line
      throw err;
    }
    w.newline();
  }

  /** Writes the JSON with its holes filled (a value inside a line: no newline). */
  fill(w: JsonWriter, values: readonly Part[]): void {
    const p = this.pieces;
    const o = this.order;
    w.bytes(p[0]!);
    for (let i = 0; i < o.length; i++) {
      w.part(values[o[i]!]!);
      w.bytes(p[i + 1]!);
    }
  }
}
