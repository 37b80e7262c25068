/**
 * A throwaway PostgreSQL 15 cluster for the peer benchmark (DESIGN: every figure beside PostgreSQL
 * holding the same records as JSONB, as retraced, authentik and Keycloak keep events). Runs the
 * Debian package's binaries as the `postgres` user, on a Unix socket only, and talks to it through
 * `psql` in a child process: the timings are psql's own `\timing` (statement round trip on the
 * socket), so no client library shares this process's event loop.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';

const BIN = (() => {
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base) ? readdirSync(base).sort() : [];
  if (!versions.includes('15'))
    throw new Error('PostgreSQL 15 is not installed (apt-get install postgresql-15)');
  return path.join(base, '15', 'bin');
})();

const asPostgres = (cmd: string, args: string[], input?: string) =>
  spawnSync('runuser', ['-u', 'postgres', '--', path.join(BIN, cmd), ...args], {
    input,
    encoding: 'utf8',
    maxBuffer: 1024 * 1024 * 1024,
  });

export class Postgres {
  private constructor(
    readonly dir: string,
    private readonly port: number,
  ) {}

  /** A new cluster in `dir` (emptied first), started; memory settings comparable to DuckDB's use. */
  static start(dir: string, port = 54329): Postgres {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    chmodSync(dir, 0o777);
    execFileSync('chown', ['postgres:postgres', dir]);
    const data = path.join(dir, 'data');
    const init = asPostgres('initdb', [
      '-D',
      data,
      '-A',
      'trust',
      '-E',
      'UTF8',
      '--locale=C.UTF-8',
      '-U',
      'postgres',
    ]);
    if (init.status !== 0) throw new Error(`initdb: ${init.stderr}`);
    const opts = [
      "-c listen_addresses=''",
      `-k ${dir}`,
      `-p ${port}`,
      '-c shared_buffers=4GB',
      '-c work_mem=256MB',
      '-c maintenance_work_mem=1GB',
      '-c max_wal_size=8GB',
      '-c jit=off',
    ].join(' ');
    const start = asPostgres('pg_ctl', [
      '-D',
      data,
      '-l',
      path.join(dir, 'server.log'),
      '-o',
      opts,
      '-w',
      'start',
    ]);
    if (start.status !== 0) throw new Error(`pg_ctl start: ${start.stderr}${start.stdout}`);
    return new Postgres(dir, port);
  }

  /** Runs a psql script; returns its output (throws on any error: ON_ERROR_STOP). */
  psql(script: string): string {
    const r = asPostgres(
      'psql',
      ['-h', this.dir, '-p', String(this.port), '-U', 'postgres', '-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1'],
      script,
    );
    if (r.status !== 0) throw new Error(`psql: ${r.stderr}`);
    return r.stdout;
  }

  /** Runs each statement once in one session, output discarded; returns psql's `\timing` per statement, ms. */
  timed(statements: readonly string[]): number[] {
    const out = this.psql(
      `\\o /dev/null\n\\timing on\n${statements.map((s) => `${s.trim().replace(/;$/, '')};`).join('\n')}\n`,
    );
    const ms = [...out.matchAll(/^Time: ([\d.]+) ms/gm)].map((m) => Number(m[1]));
    if (ms.length !== statements.length)
      throw new Error(`expected ${statements.length} timings, got ${ms.length}: ${out.slice(0, 500)}`);
    return ms;
  }

  stop(): void {
    asPostgres('pg_ctl', ['-D', path.join(this.dir, 'data'), '-m', 'fast', '-w', 'stop']);
  }
}
