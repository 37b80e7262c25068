/**
 * A bulk NDJSON file: lines are written into a JsonWriter whose buffer goes to the file in large
 * chunks, in the background, and straight to the disk (O_DIRECT) where the platform and the
 * filesystem allow it, through the page cache otherwise.
 *
 * Why direct: on the project's machines (a VM) the kernel's copy of bulk output into the page
 * cache cost ~2.3 ms of system time a MiB (`dd` of 4 GiB: 9.4 s system buffered against 0.4 s
 * with oflag=direct; 2 GiB from Node: 30–50 µs a MiB direct), which was half of the simulator's
 * CPU per record. Writing direct also leaves the page cache to the rest of the machine instead of
 * filling it with tens of GiB nobody reads back. Node has no fadvise or aligned allocation, hence
 * the hand-written part: the buffers' alignment is found by asking the kernel (see `arena`).
 *
 * Use: write lines into `writer`, call `spill()` between lines (a full chunk is sent, the writer
 * continues in a fresh buffer), `await drain()` now and then to bound the chunks in flight, and
 * `await close()` at the end (the file then holds exactly the bytes written, nothing more).
 */
import { closeSync, constants, ftruncateSync, openSync, write, writeSync } from 'node:fs';
import { JsonWriter } from './json.ts';

/** Direct I/O unit: file offsets, lengths and buffer addresses are multiples of it. */
const BLOCK = 4096;

export interface NdjsonFileOptions {
  /** Bytes handed to the file at a time, a multiple of 4 KiB (default 4 MiB). */
  chunk?: number;
  /** false: through the page cache. Default: direct where the platform and filesystem allow it. */
  direct?: boolean;
  /** Room beyond a chunk for the line being written when it fills (default 1 MiB). */
  slack?: number;
  /**
   * Buffers made at once, up front and whenever all are in flight (default 2). A writer that
   * spills many chunks before it awaits `drain` (the bench: an hour, ~8 chunks) wants more:
   * chunks sent come back only when the event loop turns, and each new batch costs a synchronous
   * direct write to find its alignment, which waits behind the writes in flight.
   */
  buffers?: number;
}

export class NdjsonFile {
  /** Where the lines go; its buffer changes at each spill (read `writer.buf` afresh). */
  readonly writer: JsonWriter;
  /** Whether the file is written with O_DIRECT. */
  readonly direct: boolean;
  /** Bytes handed to the file so far (written or in flight). */
  sent = 0;
  private fd: number;
  private readonly chunk: number;
  /** Size of each buffer: a chunk and the slack. */
  private readonly size: number;
  private readonly batch: number;
  /** The buffer the writer was given (it may have grown past it since: see `spill`). */
  private current: Buffer;
  private readonly spare: Buffer[] = [];
  private readonly pending = new Set<Promise<void>>();
  private failure: unknown;
  private closed = false;

  constructor(
    readonly path: string,
    opts: NdjsonFileOptions = {},
  ) {
    this.chunk = opts.chunk ?? 4 << 20;
    if (this.chunk <= 0 || this.chunk % BLOCK !== 0) throw new Error(`chunk must be a multiple of ${BLOCK}`);
    // A multiple of the block, so that every buffer of a batch starts aligned.
    this.size = this.chunk + Math.ceil(Math.max(BLOCK, opts.slack ?? 1 << 20) / BLOCK) * BLOCK;
    this.batch = Math.max(1, opts.buffers ?? 2);
    const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC;
    let fd = -1;
    let first: Buffer | undefined;
    // O_DIRECT is Linux's (undefined elsewhere); a filesystem without it refuses the open (EINVAL).
    if (opts.direct !== false && constants.O_DIRECT) {
      try {
        fd = openSync(path, flags | constants.O_DIRECT);
        this.spare.push(...arena(fd, this.size, this.batch, 0));
        first = this.spare.pop();
      } catch {
        if (fd >= 0) closeSync(fd);
        fd = -1;
      }
    }
    this.direct = first !== undefined;
    this.fd = this.direct ? fd : openSync(path, flags);
    this.current = first ?? Buffer.alloc(this.size);
    for (let i = this.spare.length + 1; i < this.batch; i++) this.spare.push(Buffer.alloc(this.size));
    this.writer = new JsonWriter(this.current);
  }

  /** Sends the writer's full blocks when it holds a chunk or more. Call between lines. */
  spill(): void {
    if (this.writer.pos >= this.chunk) this.send(false);
  }

  /** Waits until at most `inFlight` chunks are being written; throws the first write error. */
  async drain(inFlight = 2): Promise<void> {
    while (this.pending.size > inFlight) await Promise.race(this.pending);
    if (this.failure) throw this.failure;
  }

  /** Writes everything, cuts the file to the bytes written and closes it. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      this.send(true);
      await this.drain(0);
      const tail = this.writer.pos;
      if (tail > 0) {
        // Direct I/O writes whole blocks: the last one is padded, then the file is cut to size.
        const n = this.direct ? BLOCK : tail;
        this.current.fill(0, tail, n);
        writeAll(this.fd, this.current, n, this.sent);
        this.sent += tail;
        this.writer.pos = 0;
      }
      // Cuts the padding, and any block an alignment probe wrote past the end.
      if (this.direct) ftruncateSync(this.fd, this.sent);
    } finally {
      closeSync(this.fd);
    }
  }

  /**
   * Hands the writer's whole blocks (all its bytes when `all`) to background writes and moves the
   * rest to the start of a fresh buffer, which the writer continues in.
   */
  private send(all: boolean): void {
    if (this.failure) throw this.failure;
    const w = this.writer;
    // Direct writes are whole blocks; the last partial block is written by close().
    const end = this.direct || !all ? w.pos - (w.pos % BLOCK) : w.pos;
    if (end === 0) return;
    const src = w.buf;
    let next: Buffer;
    if (src === this.current) {
      this.write(src, end);
      next = this.take();
    } else {
      // The writer outgrew the buffer (a line longer than the slack): copy through aligned ones.
      this.spare.push(this.current);
      for (let from = 0; from < end; ) {
        const n = Math.min(this.chunk, end - from);
        const b = this.take();
        b.set(src.subarray(from, from + n));
        this.write(b, n);
        from += n;
      }
      next = this.take();
    }
    const rest = w.pos - end;
    next.set(src.subarray(end, w.pos));
    this.current = next;
    w.buf = next;
    w.pos = rest;
  }

  private write(buf: Buffer, n: number): void {
    const at = this.sent;
    this.sent += n;
    const p = new Promise<void>((resolve) => {
      const go = (off: number) =>
        write(this.fd, buf, off, n - off, at + off, (err, written) => {
          if (err) {
            this.failure ??= err;
            resolve();
          } else if (off + written < n) go(off + written);
          else {
            this.spare.push(buf);
            resolve();
          }
        });
      go(0);
    });
    this.pending.add(p);
    void p.then(() => this.pending.delete(p));
  }

  private take(): Buffer {
    let b = this.spare.pop();
    if (!b) {
      // All in flight: a new batch. Its alignment probe writes at `sent`, which later data
      // always overwrites (or `close` cuts off).
      if (this.direct) this.spare.push(...arena(this.fd, this.size, this.batch, this.sent));
      else for (let i = 0; i < this.batch; i++) this.spare.push(Buffer.alloc(this.size));
      b = this.spare.pop()!;
    }
    return b;
  }
}

/** Writes n bytes of buf at a file position, synchronously, whatever the kernel takes per call. */
function writeAll(fd: number, buf: Uint8Array, n: number, position: number): void {
  for (let off = 0; off < n; ) off += writeSync(fd, buf, off, n - off, position + off);
}

/**
 * `count` buffers of `size` bytes (a multiple of the block) whose addresses suit direct I/O, from
 * one allocation. JavaScript cannot allocate aligned memory or read an address, so this
 * over-allocates by a block and asks the kernel: a direct write of one block from a misaligned
 * address fails with EINVAL, from an aligned one it succeeds. The probe writes at `position`, a
 * block of the file that real data later overwrites (or `close` cuts off). Throws if no offset
 * works (the filesystem does not take direct writes after all).
 */
function arena(fd: number, size: number, count: number, position: number): Buffer[] {
  const raw = Buffer.alloc(size * count + BLOCK);
  for (let k = 0; k < BLOCK; k += 8) {
    try {
      writeSync(fd, raw, k, BLOCK, position);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EINVAL') continue;
      throw err;
    }
    return Array.from({ length: count }, (_, i) => raw.subarray(k + i * size, k + (i + 1) * size));
  }
  throw new Error('no buffer alignment accepted for direct I/O');
}
