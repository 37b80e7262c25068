/**
 * The real server as a child process (`bin/idtrail serve`), for tests that kill it with SIGKILL
 * and start it again on the same data folder.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor } from './wait.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = path.join(ROOT, 'bin', 'idtrail');

export class ServerProcess {
  child: ChildProcess | null = null;
  url = 'http://127.0.0.1:1';
  log = '';
  private starts = 0;

  constructor(
    private readonly dataDir: string,
    private readonly env: Record<string, string>,
  ) {}

  async start(): Promise<void> {
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) {
      if (k.startsWith('IDTRAIL_') || k === 'NODE_TEST_CONTEXT' || k === 'NODE_OPTIONS') continue;
      env[k] = v;
    }
    Object.assign(env, { IDTRAIL_LOG_LEVEL: 'warn' }, this.env);
    const n = ++this.starts;
    const child = spawn(
      process.execPath,
      [BIN, 'serve', '--data', this.dataDir, '--host', '127.0.0.1', '--port', '0'],
      {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    this.child = child;
    let stdout = '';
    child.stdout!.setEncoding('utf8');
    child.stderr!.setEncoding('utf8');
    child.stdout!.on('data', (s: string) => {
      stdout += s;
      this.log += `[server ${n}] ${s}`;
    });
    child.stderr!.on('data', (s: string) => {
      this.log += `[server ${n} stderr] ${s}`;
    });
    let exited = false;
    child.once('exit', () => {
      exited = true;
    });
    this.url = await waitFor(
      `server ${n} to listen`,
      () => {
        if (exited) throw new Error(`server ${n} exited during start-up: ${this.log}`);
        return /idtrail listening on (http:\/\/\S+)/.exec(stdout)?.[1];
      },
      90_000,
    );
  }

  /** SIGKILL: no shutdown code runs. */
  async kill(): Promise<void> {
    const c = this.child;
    this.child = null;
    if (!c || c.exitCode !== null) return;
    const gone = new Promise((resolve) => c.once('exit', resolve));
    c.kill('SIGKILL');
    await gone;
  }

  async stop(): Promise<void> {
    const c = this.child;
    this.child = null;
    if (!c || c.exitCode !== null) return;
    const gone = new Promise((resolve) => c.once('exit', resolve));
    c.kill('SIGTERM');
    await gone;
  }
}
