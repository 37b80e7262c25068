/**
 * The filesystem archive, in Azure's storage layout (entra-formats.md §3.3):
 * `<root>/insights-logs-<category>/tenantId=<tid>/y=YYYY/m=MM/d=DD/h=HH/m=00/PT1H.json`, one
 * envelope per line, appended. Each batch is one append of whole lines, fsynced before the cursor
 * moves; a file whose last line was torn (power loss mid-write) is cut back to its last complete
 * line before this process first appends to it.
 */
import { constants } from 'node:fs';
import { mkdir, open } from 'node:fs/promises';
import path from 'node:path';
import { byArchiveFile, containerName } from '../format.ts';
import type { DeliveryBatch, Sink } from './sink.ts';

export class FilesystemSink implements Sink {
  /** Files checked for a torn tail by this process. */
  private readonly checked = new Set<string>();
  /** One writer per file at a time (several settings may route a category to one destination). */
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(private readonly root: string) {}

  async deliver(batch: DeliveryBatch): Promise<void> {
    const container = path.join(this.root, containerName(batch.category));
    for (const [rel, records] of byArchiveFile(batch.tenant, batch.records)) {
      const file = path.join(container, ...rel.split('/'));
      const text = `${records.map((r) => r.line).join('\n')}\n`;
      await this.locked(file, () => this.append(file, text));
    }
  }

  private locked<T>(file: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.locks.get(file) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    const tail = next.catch(() => {});
    this.locks.set(file, tail);
    void tail.then(() => {
      if (this.locks.get(file) === tail) this.locks.delete(file);
    });
    return next;
  }

  private async append(file: string, text: string): Promise<void> {
    const dir = path.dirname(file);
    await mkdir(dir, { recursive: true });
    const fh = await open(file, constants.O_RDWR | constants.O_CREAT | constants.O_APPEND, 0o640);
    try {
      if (!this.checked.has(file)) {
        await repairTornTail(fh);
        this.checked.add(file);
      }
      const buf = Buffer.from(text);
      let off = 0;
      // One write call normally takes the whole buffer; loop for the rare short write.
      while (off < buf.length) off += (await fh.write(buf, off, buf.length - off)).bytesWritten;
      await fh.sync();
    } finally {
      await fh.close();
    }
    // Make a new file's directory entry durable too.
    const dh = await open(dir, constants.O_RDONLY);
    try {
      await dh.sync();
    } finally {
      await dh.close();
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.locks.values());
  }
}

type Handle = Awaited<ReturnType<typeof open>>;

/** Cuts a file back to the end of its last complete line. Returns the bytes removed. */
export async function repairTornTail(fh: Handle): Promise<number> {
  const { size } = await fh.stat();
  if (size === 0) return 0;
  const last = Buffer.alloc(1);
  await fh.read(last, 0, 1, size - 1);
  if (last[0] === 0x0a) return 0;
  const chunk = Buffer.alloc(64 * 1024);
  let end = size;
  while (end > 0) {
    const start = Math.max(0, end - chunk.length);
    const { bytesRead } = await fh.read(chunk, 0, end - start, start);
    const i = chunk.subarray(0, bytesRead).lastIndexOf(0x0a);
    if (i >= 0) {
      await fh.truncate(start + i + 1);
      await fh.sync();
      return size - (start + i + 1);
    }
    end = start;
  }
  await fh.truncate(0);
  await fh.sync();
  return size;
}
