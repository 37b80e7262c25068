/**
 * A growable byte buffer written in place, for output assembled from runs of other buffers
 * (downloads): no intermediate strings, no per-run allocation. `take()` hands the bytes written
 * so far to the caller (a socket write, a transfer to another thread) and the next write starts
 * a fresh buffer, so a taken piece is never written to again. Buffers are never from Node's
 * shared pool (allocUnsafeSlow), so a piece's ArrayBuffer is its own and can be transferred.
 */
const EMPTY = Buffer.alloc(0);

export class ByteSink {
  buf: Buffer;
  len = 0;

  constructor(readonly capacity = 1 << 20) {
    this.buf = Buffer.allocUnsafeSlow(capacity);
  }

  /** Room for `n` more bytes. */
  reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const next = Buffer.allocUnsafeSlow(Math.max(this.buf.length * 2, this.len + n, this.capacity));
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }

  /** Appends src[from, to). */
  copy(src: Uint8Array, from: number, to: number): void {
    const n = to - from;
    if (n <= 0) return;
    this.reserve(n);
    const buf = this.buf;
    let len = this.len;
    // Short runs by hand: below ~24 bytes the loop costs less than a native copy (a view over
    // the source; a Buffer#subarray would cost more than the copy itself).
    if (n < 24) for (let k = from; k < to; k++) buf[len++] = src[k]!;
    else {
      buf.set(new Uint8Array(src.buffer, src.byteOffset + from, n), len);
      len += n;
    }
    this.len = len;
  }

  /** Appends all of `bytes`. */
  put(bytes: Uint8Array): void {
    this.copy(bytes, 0, bytes.length);
  }

  byte(b: number): void {
    this.reserve(1);
    this.buf[this.len++] = b;
  }

  /** Appends a string as UTF-8. */
  text(s: string): void {
    this.reserve(Buffer.byteLength(s));
    this.len += this.buf.write(s, this.len);
  }

  /** Appends a string's characters as bytes (each below 256: a Latin-1 reading of bytes). */
  latin1(s: string): void {
    this.reserve(s.length);
    this.len += this.buf.write(s, this.len, 'latin1');
  }

  /** The bytes written so far; the sink goes on in a new buffer. */
  take(): Buffer {
    const out = this.buf.subarray(0, this.len);
    this.buf = EMPTY;
    this.len = 0;
    return out;
  }
}
