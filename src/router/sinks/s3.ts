/**
 * The archive in an S3-compatible bucket, in Azure's layout (entra-formats.md §3.3) with the
 * container as the first key segment: `insights-logs-<category>/tenantId=<tid>/y=…/h=HH/m=00/PT1H.json`,
 * one envelope per line.
 *
 * S3 has no append, so each delivery **rewrites the hour's object**: the object as it is now plus
 * the batch's whole lines, in one `PutObject`. A PUT replaces the object atomically, so a reader
 * sees the old or the new object, never a torn line; the cursor moves only after the PUT is
 * acknowledged, so delivery stays at-least-once (a crash between the PUT and the cursor move
 * appends that batch again, the same duplicate window as the other archives). The price is that a
 * flush costs the size of the hour's object so far; the sink keeps the last objects it wrote in
 * memory (checked by ETag with a HEAD) so a flush downloads nothing unless another writer changed
 * the object. Writes to one key are serialised (two settings may route one category here).
 */
import {
  GetObjectCommand,
  HeadObjectCommand,
  NoSuchKey,
  NotFound,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { byArchiveFile, containerName } from '../format.ts';
import type { DeliveryBatch, Sink } from './sink.ts';

export interface S3Options {
  bucket: string;
  region?: string;
  endpoint?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  forcePathStyle?: boolean;
  timeoutMs?: number;
}

/** Objects kept in memory to spare a download per flush (the current hour of each category). */
const CACHE_ENTRIES = 64;

export function s3Client(o: S3Options): S3Client {
  return new S3Client({
    region: o.region ?? 'us-east-1',
    ...(o.endpoint ? { endpoint: o.endpoint } : {}),
    ...(o.forcePathStyle !== undefined ? { forcePathStyle: o.forcePathStyle } : {}),
    ...(o.accessKeyId && o.secretAccessKey
      ? { credentials: { accessKeyId: o.accessKeyId, secretAccessKey: o.secretAccessKey } }
      : {}),
    requestHandler: { requestTimeout: o.timeoutMs ?? 30_000 },
    // Checksums only where S3 requires them: the SDK's default trailing CRC (aws-chunked bodies)
    // is not understood by many S3-compatible servers, and TLS already guards the bytes.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    // The route's own backoff retries; the SDK's retries would hide failures from health.
    maxAttempts: 1,
  });
}

const isMissing = (err: unknown) =>
  err instanceof NoSuchKey ||
  err instanceof NotFound ||
  (err instanceof S3ServiceException && err.$metadata.httpStatusCode === 404);

/**
 * Appends text to an object by rewriting it, with an ETag-checked cache of what this process
 * last wrote. Shared by the archive sink and the integrity digests.
 */
export class S3Appender {
  private readonly cache = new Map<string, { etag: string; body: Buffer }>();
  private readonly locks = new Map<string, Promise<void>>();

  constructor(
    readonly client: S3Client,
    readonly bucket: string,
  ) {}

  /** The object's bytes now (empty when it does not exist). */
  private async current(key: string): Promise<Buffer> {
    const cached = this.cache.get(key);
    if (cached) {
      try {
        const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
        if (head.ETag === cached.etag) return cached.body;
      } catch (err) {
        if (!isMissing(err)) throw err;
        this.cache.delete(key);
        return Buffer.alloc(0);
      }
    }
    try {
      const res = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return Buffer.from(await res.Body!.transformToByteArray());
    } catch (err) {
      if (isMissing(err)) return Buffer.alloc(0);
      throw err;
    }
  }

  /** Appends whole lines to `key`; resolves once S3 acknowledged the new object. */
  append(key: string, text: string, contentType = 'application/json'): Promise<void> {
    const prev = this.locks.get(key) ?? Promise.resolve();
    const run = prev.then(async () => {
      let body = await this.current(key);
      // An object left without a final newline by another writer: cut back to its last whole line.
      if (body.length > 0 && body[body.length - 1] !== 0x0a)
        body = body.subarray(0, body.lastIndexOf(0x0a) + 1);
      const next = Buffer.concat([body, Buffer.from(text)]);
      const res = await this.client.send(
        new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: next, ContentType: contentType }),
      );
      this.cache.delete(key);
      if (res.ETag) this.cache.set(key, { etag: res.ETag, body: next });
      while (this.cache.size > CACHE_ENTRIES) this.cache.delete(this.cache.keys().next().value!);
    });
    const settled = run.catch(() => {});
    this.locks.set(key, settled);
    void settled.then(() => {
      if (this.locks.get(key) === settled) this.locks.delete(key);
    });
    return run;
  }

  async put(key: string, text: string, contentType: string): Promise<void> {
    await this.client.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: text, ContentType: contentType }),
    );
  }

  async idle(): Promise<void> {
    await Promise.all(this.locks.values());
  }
}

/** The object key of an archive file: Azure's container name, then Azure's blob path. */
export function s3Key(category: string, blobName: string): string {
  return `${containerName(category)}/${blobName}`;
}

export class S3Sink implements Sink {
  private readonly appender: S3Appender;

  constructor(opts: S3Options) {
    this.appender = new S3Appender(s3Client(opts), opts.bucket);
  }

  async deliver(batch: DeliveryBatch): Promise<void> {
    for (const [blobName, records] of byArchiveFile(batch.tenant, batch.records)) {
      await this.appender.append(s3Key(batch.category, blobName), records.map((r) => `${r.line}\n`).join(''));
    }
  }

  async close(): Promise<void> {
    await this.appender.idle();
    this.appender.client.destroy();
  }
}
