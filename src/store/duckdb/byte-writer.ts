/**
 * A growable byte buffer for the scratch files of a commit. Building one JS string of a commit's
 * lines (tens of MB) and encoding it for the file allocated it twice on the V8 heap — rope, then
 * flat copy — in large-object space, which drives major GCs; here the text is encoded straight
 * into memory outside the heap, and records that arrive as UTF-8 bytes are copied as they are.
 */
export class ByteWriter {
  private buf: Buffer;
  length = 0;

  constructor(capacity = 1 << 20) {
    this.buf = Buffer.allocUnsafe(capacity);
  }

  private room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.length);
    this.buf = next;
  }

  /** UTF-8 text (JS strings hold at most 3 UTF-8 bytes per UTF-16 unit). */
  text(s: string): void {
    this.room(s.length * 3);
    this.length += this.buf.write(s, this.length, 'utf8');
  }

  /** ASCII text (base64, digits) without the UTF-8 encoder. */
  ascii(s: string): void {
    this.room(s.length);
    this.length += this.buf.write(s, this.length, 'latin1');
  }

  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }

  byte(c: number): void {
    this.room(1);
    this.buf[this.length++] = c;
  }

  /** The bytes written (a view: valid until the next write). */
  view(): Buffer {
    return this.buf.subarray(0, this.length);
  }
}
