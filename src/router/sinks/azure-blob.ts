/**
 * The archive in Azure Blob Storage, exactly where Azure puts it (entra-formats.md §3.3): one
 * container per category, append blob `tenantId=<tid>/y=…/h=HH/m=00/PT1H.json`, one envelope per
 * line. Each append block holds whole lines, so a reader never sees a torn line.
 */
import { type AppendBlobClient, BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import { byArchiveFile, containerName } from '../format.ts';
import type { DeliveryBatch, Sink } from './sink.ts';

/** Largest append block the service accepts with every API version (4 MiB). */
const MAX_BLOCK = 4 * 1024 * 1024;

export class AzureBlobSink implements Sink {
  private readonly service: BlobServiceClient;
  private readonly containers = new Map<string, Promise<ContainerClient>>();
  private readonly created = new Set<string>();

  constructor(connectionString: string) {
    this.service = BlobServiceClient.fromConnectionString(connectionString);
  }

  private container(category: string): Promise<ContainerClient> {
    const name = containerName(category);
    let c = this.containers.get(name);
    if (!c) {
      c = (async () => {
        const client = this.service.getContainerClient(name);
        await client.createIfNotExists();
        return client;
      })();
      c.catch(() => this.containers.delete(name));
      this.containers.set(name, c);
    }
    return c;
  }

  async deliver(batch: DeliveryBatch): Promise<void> {
    const container = await this.container(batch.category);
    for (const [blobName, records] of byArchiveFile(batch.tenant, batch.records)) {
      const blob = container.getAppendBlobClient(blobName);
      const key = `${container.containerName}/${blobName}`;
      if (!this.created.has(key)) {
        await blob.createIfNotExists({ blobHTTPHeaders: { blobContentType: 'application/json' } });
        this.created.add(key);
      }
      for (const block of blocks(records.map((r) => `${r.line}\n`))) await append(blob, block);
    }
  }

  async close(): Promise<void> {}
}

async function append(blob: AppendBlobClient, block: Buffer): Promise<void> {
  await blob.appendBlock(block, block.length);
}

/** Whole lines packed into blocks of at most 4 MiB (a longer line is a block of its own). */
function* blocks(lines: readonly string[]): Generator<Buffer> {
  let parts: Buffer[] = [];
  let size = 0;
  for (const l of lines) {
    const b = Buffer.from(l);
    if (size > 0 && size + b.length > MAX_BLOCK) {
      yield Buffer.concat(parts, size);
      parts = [];
      size = 0;
    }
    parts.push(b);
    size += b.length;
  }
  if (size > 0) yield Buffer.concat(parts, size);
}
