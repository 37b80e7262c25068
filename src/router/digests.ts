/**
 * Checkpoint digest files beside each archive, like CloudTrail's digest files: every signed
 * checkpoint of a tenant is appended, as `{"payload","signature"}` per line, to
 * `insights-integrity-checkpoints/tenantId=<tid>/y=YYYY/m=MM/d=DD/h=HH/m=00/checkpoints.json` —
 * a folder under a filesystem archive, a container (append blobs) in an Azure Blob archive, a key
 * prefix in an S3 archive's bucket (rewritten per append, as the S3 sink does) — and
 * the public key that signs them is written beside them (`publicKey.pem`). Whoever keeps
 * the archive can then check the store (`bin/idtrail verify --checkpoints <archive>`) without
 * trusting the checkpoints the store itself holds.
 */
import { constants } from 'node:fs';
import { mkdir, open, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import { canonicalJson as canonical } from '../security/canonical-json.ts';
import type { Store } from '../store/store.ts';
import { s3Options } from './sinks/index.ts';
import { S3Appender, s3Client } from './sinks/s3.ts';

export const DIGEST_CONTAINER = 'insights-integrity-checkpoints';

export interface SignedStatement {
  tenant: string;
  payload: string;
  signature: string;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** The digest file (or blob) of a tenant for the hour of `at`, below the digest container. */
export function digestName(tenant: string, at: Date): string {
  return [
    `tenantId=${tenant}`,
    `y=${at.getUTCFullYear()}`,
    `m=${pad(at.getUTCMonth() + 1)}`,
    `d=${pad(at.getUTCDate())}`,
    `h=${pad(at.getUTCHours())}`,
    'm=00',
    'checkpoints.json',
  ].join('/');
}

export function digestPath(root: string, tenant: string, at: Date): string {
  return path.join(root, DIGEST_CONTAINER, ...digestName(tenant, at).split('/'));
}

async function appendToBlob(connectionString: string, tenant: string, at: Date, text: string, pem: string) {
  const container =
    BlobServiceClient.fromConnectionString(connectionString).getContainerClient(DIGEST_CONTAINER);
  await container.createIfNotExists();
  const blob = container.getAppendBlobClient(digestName(tenant, at));
  await blob.createIfNotExists({ blobHTTPHeaders: { blobContentType: 'application/json' } });
  const block = Buffer.from(text);
  await blob.appendBlock(block, block.length);
  await container.getBlockBlobClient('publicKey.pem').upload(pem, Buffer.byteLength(pem));
}

async function appendToS3(
  config: Record<string, unknown>,
  tenant: string,
  at: Date,
  text: string,
  pem: string,
) {
  const o = s3Options(config);
  const appender = new S3Appender(s3Client(o), o.bucket);
  try {
    await appender.append(`${DIGEST_CONTAINER}/${digestName(tenant, at)}`, text);
    await appender.put(`${DIGEST_CONTAINER}/publicKey.pem`, pem, 'application/x-pem-file');
  } finally {
    appender.client.destroy();
  }
}

async function appendDurably(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const fh = await open(file, constants.O_WRONLY | constants.O_CREAT | constants.O_APPEND, 0o640);
  try {
    await fh.write(text);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Appends a checkpoint run's statements to the digest files of every filesystem archive of their tenants. */
export async function writeDigests(
  store: Store,
  statements: readonly SignedStatement[],
  publicKeyPem: string,
  at = new Date(),
): Promise<number> {
  const byTenant = new Map<string, SignedStatement[]>();
  for (const s of statements) {
    const list = byTenant.get(s.tenant) ?? [];
    list.push(s);
    byTenant.set(s.tenant, list);
  }
  let files = 0;
  for (const [tenant, list] of byTenant) {
    const text = list
      .map((s) => `${JSON.stringify({ payload: JSON.parse(s.payload), signature: s.signature })}\n`)
      .join('');
    for (const d of await store.listDestinations(tenant)) {
      if (d.type === 'filesystem' && typeof d.config.path === 'string') {
        const root = d.config.path;
        await appendDurably(digestPath(root, tenant, at), text);
        await writeFile(path.join(root, DIGEST_CONTAINER, 'publicKey.pem'), publicKeyPem, { flag: 'w' });
        files++;
      } else if (d.type === 'azureBlob' && typeof d.config.connectionString === 'string') {
        await appendToBlob(d.config.connectionString, tenant, at, text, publicKeyPem);
        files++;
      } else if (d.type === 's3' && typeof d.config.bucket === 'string') {
        await appendToS3(d.config, tenant, at, text, publicKeyPem);
        files++;
      }
    }
  }
  return files;
}

/** Reads every digest line under an archive folder (for `verify --checkpoints`). */
export async function readDigests(root: string): Promise<Array<{ payload: string; signature: string }>> {
  const out: Array<{ payload: string; signature: string }> = [];
  const walk = async (dir: string): Promise<void> => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) await walk(full);
      else if (e.name === 'checkpoints.json') {
        for (const line of (await readFile(full, 'utf8')).split('\n')) {
          if (!line.trim()) continue;
          try {
            const o = JSON.parse(line) as { payload: unknown; signature: string };
            // The canonical text is what was signed: re-serialise the parsed statement canonically.
            out.push({ payload: canonical(o.payload), signature: String(o.signature) });
          } catch {
            // A torn last line (crash mid-append) is not a statement.
          }
        }
      }
    }
  };
  await walk(path.join(root, DIGEST_CONTAINER));
  return out;
}
