/**
 * The compact, random-access form of a stored record (`record_z`): the canonical text compressed
 * on its own with Zstandard and a dictionary made from the table's own records.
 *
 * Why a second form: the `record` column is compressed by the engine in blocks (DuckDB: one ZSTD
 * frame per 2,048 rows), which suits scans (KQL, downloads) but makes one record cost the
 * decompression of its whole block, ~4 MB of sign-ins. A Graph page of 100 rows touches up to 100
 * blocks when its filter is selective. A record compressed alone, with a dictionary that holds the
 * JSON shape of its log type, is ~11x smaller than its text and decompresses in a few µs
 * (docs/benchmarks.md, "Graph API"). The `record` column stays the text the hash chain covers.
 *
 * Layout: 2 bytes (big-endian) dictionary id, 0 for none, then one Zstandard frame. Ids are unique
 * across tables, so any `record_z` value decodes without knowing its table.
 *
 * zstd-napi binds the reference C library (node:zlib has no Zstandard before Node 22, and no
 * dictionaries for Brotli; DEFLATE with a preset dictionary measured ~10x slower to compress).
 */
import { Compressor, Decompressor } from 'zstd-napi';

/** A dictionary as the store keeps it. */
export interface RecordDictionary {
  id: number;
  table: string;
  dict: Uint8Array;
}

/** Raw-content dictionaries: Zstandard matches against the dictionary's bytes as if they preceded each record. */
const DICTIONARY_BYTES = 64 * 1024;
/** Below this much sample text a dictionary is not worth making yet; records go without one. */
const MIN_SAMPLE_BYTES = 16 * 1024;
// Level 1: as small as level 3 here (11.1× against 11.3× on sign-ins), ~25% less CPU (docs/benchmarks.md).
const LEVEL = 1;

export class RecordCodec {
  private readonly compressors = new Map<string, { d: RecordDictionary; c: Compressor }>();
  private readonly decompressors = new Map<number, Decompressor>();
  private readonly plainCompressor = newCompressor();
  private readonly plainDecompressor = new Decompressor();
  private nextId = 1;

  /** Loads the stored dictionaries (the newest per table is the one new records use). */
  constructor(dictionaries: readonly RecordDictionary[] = []) {
    for (const d of [...dictionaries].sort((a, b) => a.id - b.id)) this.add(d);
  }

  /** The id new records of `table` are compressed with, or undefined while it has none. */
  dictionaryOf(table: string): number | undefined {
    return this.compressors.get(table)?.d.id;
  }

  /** The dictionary of each table that has one: what new records are compressed with. */
  current(): RecordDictionary[] {
    return [...this.compressors.values()].map((e) => e.d);
  }

  /**
   * Whether a compact form made elsewhere (a worker's codec holding the same dictionaries) is what
   * `encode` would give here now: it names the table's current dictionary. Zstandard's output is a
   * function of the input, the parameters and the dictionary, so the bytes are then identical.
   */
  isCurrent(table: string, compact: Uint8Array): boolean {
    const id = this.compressors.get(table)?.d.id;
    return id !== undefined && compact.length > 2 && ((compact[0]! << 8) | compact[1]!) === id;
  }

  /**
   * Makes a dictionary for `table` from sample records (the first batch the store gets for it), or
   * returns undefined when the sample is too small to be useful. The caller `add`s it and stores
   * it in every transaction that may be the first to commit records compressed with it.
   */
  makeDictionary(table: string, sample: readonly string[]): RecordDictionary | undefined {
    const texts: string[] = [];
    let bytes = 0;
    // Spread over the sample: a batch often holds runs of similar records (one user, one app).
    const step = Math.max(1, Math.floor(sample.length / 64));
    for (let i = 0; i < sample.length && bytes < DICTIONARY_BYTES; i += step) {
      texts.push(sample[i]!);
      bytes += Buffer.byteLength(sample[i]!);
    }
    if (bytes < MIN_SAMPLE_BYTES) return undefined;
    // The end of a raw dictionary is the cheapest to reference (shortest offsets): keep the tail.
    const all = Buffer.from(texts.join('\n'));
    return { id: this.nextId, table, dict: all.subarray(Math.max(0, all.length - DICTIONARY_BYTES)) };
  }

  add(d: RecordDictionary): void {
    const c = newCompressor();
    c.loadDictionary(d.dict);
    const dz = new Decompressor();
    dz.loadDictionary(d.dict);
    this.compressors.set(d.table, { d, c });
    this.decompressors.set(d.id, dz);
    this.nextId = Math.max(this.nextId, d.id + 1);
  }

  /** Compresses a record's canonical text (or its UTF-8 bytes: the same result). */
  encode(table: string, text: string | Uint8Array): Buffer {
    const entry = this.compressors.get(table);
    const bytes =
      typeof text === 'string'
        ? Buffer.from(text)
        : Buffer.from(text.buffer, text.byteOffset, text.byteLength);
    const frame = (entry?.c ?? this.plainCompressor).compress(bytes);
    const out = Buffer.allocUnsafe(2 + frame.length);
    out.writeUInt16BE(entry?.d.id ?? 0, 0);
    frame.copy(out, 2);
    return out;
  }

  /**
   * `encode` of many records, the results as views into one new ArrayBuffer: a worker thread
   * hands them to the main thread by transferring that one buffer instead of cloning each.
   */
  encodeMany(table: string, texts: ReadonlyArray<string | Uint8Array>): Uint8Array[] {
    const parts = texts.map((t) => this.encode(table, t));
    const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    return parts.map((p) => {
      all.set(p, at);
      at += p.length;
      return all.subarray(at - p.length, at);
    });
  }

  decode(value: Uint8Array): string {
    return this.decodeBytes(value).toString('utf8');
  }

  /** The record's canonical UTF-8 bytes (a Graph page shapes them without making a string). */
  decodeBytes(value: Uint8Array): Buffer {
    const id = (value[0]! << 8) | value[1]!;
    const dz = id === 0 ? this.plainDecompressor : this.decompressors.get(id);
    if (!dz) throw new Error(`record_z refers to dictionary ${id}, which this store does not hold`);
    return dz.decompress(value.subarray(2));
  }
}

function newCompressor(): Compressor {
  const c = new Compressor();
  // No checksum: the hash chain already covers the decoded text (verify reads `record`, and a
  // test compares both forms); no dictionary id: ours is in the 2-byte prefix.
  c.setParameters({ compressionLevel: LEVEL, checksumFlag: false, dictIDFlag: false, contentSizeFlag: true });
  return c;
}
