/**
 * The archive in an S3-compatible bucket, in Azure's layout (entra-formats.md §3.3) with the
 * container as the first key segment: `insights-logs-<category>/tenantId=<tid>/y=…/h=HH/m=00/PT1H.json`,
 * one envelope per line.
 *
 * S3 has no append, so each delivery **replaces the hour's object** with the object as it is plus
 * the batch's whole lines:
 * - below 5 MiB (S3's smallest multipart part), by one `PutObject` of the whole, the body kept in
 *   memory from the last write (checked by ETag with a HEAD) so nothing is downloaded;
 * - from 5 MiB, by a multipart upload whose first part is a server-side `UploadPartCopy` of the
 *   current object (only if its ETag is still the one we read) and whose last part is the batch:
 *   a flush uploads only the new lines, so an hour's cost stays linear in its size.
 * Either way the new object appears atomically when S3 acknowledges it: a reader sees the old or
 * the new object, never a torn line. The cursor moves only after that acknowledgement, so delivery
 * is at-least-once (a crash between it and the cursor move appends that batch again, the same
 * duplicate window as the other archives). Writes to one key are serialised (two settings may
 * route one category here). A multipart upload cut short by a crash is left incomplete in the
 * bucket (invisible, but billed on AWS until a lifecycle rule aborts it).
 */
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  NoSuchKey,
  NotFound,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  UploadPartCommand,
  UploadPartCopyCommand,
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
/** S3's smallest part but the last: from this size an append copies the object server-side. */
export const MULTIPART_FROM = 5 * 1024 * 1024;
/** S3's largest part, so the largest object one UploadPartCopy can carry. */
const MAX_COPY = 5 * 1024 * 1024 * 1024;
/** How far back from an object's end to look for its last line break. */
const TAIL = 64 * 1024;

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

  private async head(key: string): Promise<{ size: number; etag: string } | null> {
    try {
      const h = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return { size: h.ContentLength ?? 0, etag: h.ETag ?? '' };
    } catch (err) {
      if (isMissing(err)) return null;
      throw err;
    }
  }

  private async get(key: string, range?: string): Promise<Buffer> {
    const res = await this.client.send(
      new GetObjectCommand({ Bucket: this.bucket, Key: key, ...(range ? { Range: range } : {}) }),
    );
    return Buffer.from(await res.Body!.transformToByteArray());
  }

  /** Appends whole lines to `key`; resolves once S3 acknowledged the new object. */
  append(key: string, text: string, contentType = 'application/json'): Promise<void> {
    const prev = this.locks.get(key) ?? Promise.resolve();
    const run = prev.then(() => this.appendNow(key, Buffer.from(text), contentType));
    const settled = run.catch(() => {});
    this.locks.set(key, settled);
    void settled.then(() => {
      if (this.locks.get(key) === settled) this.locks.delete(key);
    });
    return run;
  }

  private async appendNow(key: string, add: Buffer, contentType: string): Promise<void> {
    const head = await this.head(key);
    if (!head || head.size < MULTIPART_FROM) {
      const cached = this.cache.get(key);
      let body = !head
        ? Buffer.alloc(0)
        : cached && cached.etag === head.etag
          ? cached.body
          : await this.get(key);
      // An object another writer left without a final line break: cut back to its last whole line.
      if (body.length > 0 && body[body.length - 1] !== 0x0a)
        body = body.subarray(0, body.lastIndexOf(0x0a) + 1);
      const next = Buffer.concat([body, add]);
      const res = await this.client.send(
        new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: next, ContentType: contentType }),
      );
      this.cache.delete(key);
      if (res.ETag && next.length < MULTIPART_FROM) this.cache.set(key, { etag: res.ETag, body: next });
      while (this.cache.size > CACHE_ENTRIES) this.cache.delete(this.cache.keys().next().value!);
      return;
    }
    this.cache.delete(key);
    // The object's whole lines: normally all of it (this sink writes whole lines only).
    const tail = await this.get(key, `bytes=${Math.max(0, head.size - TAIL)}-${head.size - 1}`);
    const nl = tail.lastIndexOf(0x0a);
    const keep = nl < 0 ? 0 : head.size - tail.length + nl + 1;
    if (keep < MULTIPART_FROM || keep > MAX_COPY) {
      throw new Error(
        keep > MAX_COPY
          ? `s3://${this.bucket}/${key} is over 5 GiB: an hour's object cannot grow further`
          : `s3://${this.bucket}/${key} has no line break near its end`,
      );
    }
    const { UploadId } = await this.client.send(
      new CreateMultipartUploadCommand({ Bucket: this.bucket, Key: key, ContentType: contentType }),
    );
    try {
      const copied = await this.client.send(
        new UploadPartCopyCommand({
          Bucket: this.bucket,
          Key: key,
          UploadId,
          PartNumber: 1,
          // Keys here are `[A-Za-z0-9=/._-]`: encodeURI leaves them as S3 and S3-compatibles read them.
          CopySource: `${this.bucket}/${encodeURI(key)}`,
          CopySourceIfMatch: head.etag,
          CopySourceRange: `bytes=0-${keep - 1}`,
        }),
      );
      const added = await this.client.send(
        new UploadPartCommand({ Bucket: this.bucket, Key: key, UploadId, PartNumber: 2, Body: add }),
      );
      await this.client.send(
        new CompleteMultipartUploadCommand({
          Bucket: this.bucket,
          Key: key,
          UploadId,
          MultipartUpload: {
            Parts: [
              { PartNumber: 1, ETag: copied.CopyPartResult?.ETag },
              { PartNumber: 2, ETag: added.ETag },
            ],
          },
        }),
      );
    } catch (err) {
      await this.client
        .send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: key, UploadId }))
        .catch(() => {});
      throw err;
    }
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
