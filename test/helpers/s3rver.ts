/**
 * A real S3 protocol server (`@20minutes/s3rver`, a maintained fork of s3rver: S3's REST API with
 * SigV4 checks, objects kept in a folder) run as its own process on a loopback port, so tests can
 * stop and start it like a remote service. Its documented credentials are `S3RVER`/`S3RVER`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor } from './wait.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const S3RVER_KEY = 'S3RVER';

export class S3rverProcess {
  child: ChildProcess | null = null;
  log = '';

  constructor(
    readonly dir: string,
    readonly port: number,
    readonly buckets: readonly string[],
  ) {}

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const script = `
const S3rver = require('@20minutes/s3rver');
new S3rver({ address: '127.0.0.1', port: ${this.port}, directory: ${JSON.stringify(this.dir)}, silent: true,
  configureBuckets: ${JSON.stringify(this.buckets.map((name) => ({ name })))} })
  .run().then(() => console.log('s3rver listening'), (e) => { console.error(e); process.exit(1); });`;
    const child = spawn(process.execPath, ['-e', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    child.stdout!.on('data', (d: Buffer) => {
      this.log += d.toString();
    });
    child.stderr!.on('data', (d: Buffer) => {
      this.log += d.toString();
    });
    await waitFor('s3rver to listen', () => {
      if (child.exitCode !== null) throw new Error(`s3rver exited: ${this.log}`);
      return this.log.includes('s3rver listening');
    });
  }

  async stop(): Promise<void> {
    const c = this.child;
    this.child = null;
    if (!c || c.exitCode !== null) return;
    const gone = new Promise((r) => c.once('exit', r));
    c.kill('SIGTERM');
    await gone;
  }
}
