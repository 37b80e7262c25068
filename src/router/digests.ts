/**
 * Checkpoint digest files beside each filesystem archive, like CloudTrail's digest files: every
 * signed checkpoint of a tenant is appended, as `{"payload","signature"}` per line, to
 * `<archive>/insights-integrity-checkpoints/tenantId=<tid>/y=YYYY/m=MM/d=DD/h=HH/m=00/checkpoints.json`,
 * and the public key that signs them is written once beside them (`publicKey.pem`). Whoever keeps
 * the archive can then check the store (`bin/idtrail verify --checkpoints <archive>`) without
 * trusting the checkpoints the store itself holds.
 */
import { constants } from 'node:fs';
import { mkdir, open, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { canonicalJson as canonical } from '../security/canonical-json.ts';
import type { Store } from '../store/store.ts';

export const DIGEST_CONTAINER = 'insights-integrity-checkpoints';

export interface SignedStatement {
  tenant: string;
  payload: string;
  signature: string;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** The digest file of a tenant for the hour of `at`. */
export function digestPath(root: string, tenant: string, at: Date): string {
  return path.join(
    root,
    DIGEST_CONTAINER,
    `tenantId=${tenant}`,
    `y=${at.getUTCFullYear()}`,
    `m=${pad(at.getUTCMonth() + 1)}`,
    `d=${pad(at.getUTCDate())}`,
    `h=${pad(at.getUTCHours())}`,
    'm=00',
    'checkpoints.json',
  );
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
    const archives = (await store.listDestinations(tenant)).filter(
      (d) => d.type === 'filesystem' && typeof d.config.path === 'string',
    );
    for (const d of archives) {
      const root = d.config.path as string;
      const text = list
        .map((s) => `${JSON.stringify({ payload: JSON.parse(s.payload), signature: s.signature })}\n`)
        .join('');
      await appendDurably(digestPath(root, tenant, at), text);
      await writeFile(path.join(root, DIGEST_CONTAINER, 'publicKey.pem'), publicKeyPem, { flag: 'w' });
      files++;
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
