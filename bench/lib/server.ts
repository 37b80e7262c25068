/**
 * The server under test, two ways: a child process (`bin/idtrail serve`, so the load generator
 * does not share its event loop — the headline figure) or in this process (`startServer`).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../src/config.ts';
import { startServer } from '../../src/server.ts';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const live = new Set<ChildProcess>();

/** Kills any child server still running (for an interrupted benchmark). */
export function killChildServers(): void {
  for (const c of live) if (c.exitCode === null) c.kill('SIGKILL');
}

export interface ServerUnderTest {
  url: string;
  /** Database file the server writes. */
  dbFile: string;
  /** Pid whose threads are the server's (this process for in-process). */
  pid: number;
  stop(): Promise<void>;
}

export async function startChildServer(
  dataDir: string,
  key: string,
  opts: { nodeFlags?: string[] } = {},
): Promise<ServerUnderTest> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    IDTRAIL_BOOTSTRAP_KEY: key,
    IDTRAIL_LOG_LEVEL: 'silent',
  };
  for (const k of ['IDTRAIL_STORE', 'IDTRAIL_CATALOG_MODE', 'IDTRAIL_BODY_LIMIT', 'NODE_OPTIONS'])
    delete env[k];
  const child: ChildProcess = spawn(
    process.execPath,
    [
      ...(opts.nodeFlags ?? []),
      path.join(ROOT, 'bin/idtrail'),
      'serve',
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--data',
      dataDir,
    ],
    { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  live.add(child);
  child.once('exit', () => live.delete(child));
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        child.stdout!.off('data', onData);
        child.stdout!.resume();
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', onData);
    void exited.then((code) =>
      reject(new Error(`idtrail serve exited (code ${code}) before listening:\n${out}${stderr}`)),
    );
  });
  return {
    url,
    dbFile: path.join(dataDir, 'idtrail.duckdb'),
    pid: child.pid!,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const code = await exited;
      if (code !== 0) throw new Error(`idtrail serve exited with code ${code}:\n${stderr}`);
    },
  };
}

export async function startInProcessServer(dataDir: string, key: string): Promise<ServerUnderTest> {
  const config = loadConfig({ dataDir, port: 0, bootstrapKey: key, logLevel: 'silent' }, {});
  const running = await startServer(config);
  return {
    url: running.url,
    dbFile: path.join(dataDir, 'idtrail.duckdb'),
    pid: process.pid,
    stop: () => running.close(),
  };
}
