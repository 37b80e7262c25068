/**
 * The peer baseline of DESIGN.md's budgets: PostgreSQL holding the same sign-ins as JSONB, the way
 * retraced, authentik and Keycloak keep events (one row per event: id, time, the event as JSON),
 * with the index such a service would add for newest-first keyset paging: (created_at, id).
 *
 * A throwaway cluster in a temporary folder, on a Unix socket only (no TCP port), run as the
 * `postgres` system user (PostgreSQL refuses to run as root). Debian's `postgresql` package:
 * `apt-get install postgresql`. Rows come straight from the benchmark's DuckDB file through a
 * FIFO (DuckDB writes CSV, PostgreSQL's COPY reads it), so the 10M case needs no 40 GB file.
 */
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import pg from 'pg';

export interface PeerPostgres {
  version: string;
  client: pg.Client;
  /** Rows loaded, and the time the load and the index took. */
  loaded: { rows: number; seconds: number; indexSeconds: number; bytes: number };
  stop(): Promise<void>;
}

/** The newest PostgreSQL server binaries installed, or undefined. */
export function postgresBin(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(path.join(root, v, 'bin', 'postgres')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? path.join(root, versions[0], 'bin') : undefined;
}

const asPostgres = (bin: string, args: string[]) =>
  execFileSync('runuser', ['-u', 'postgres', '--', bin, ...args], { stdio: 'pipe' }).toString();

/**
 * Starts a cluster and loads the `signin_logs` rows of `duckdbFile` (tenant's records only) into
 * `signin_events(id text primary key, created_at timestamptz, record jsonb)`.
 */
export async function peerPostgres(duckdbFile: string, tenant: string): Promise<PeerPostgres> {
  const bin = postgresBin();
  if (!bin) throw new Error('PostgreSQL is not installed (apt-get install postgresql)');
  const dir = mkdtempSync(path.join(tmpdir(), 'idtrail-bench-pg-'));
  chmodSync(dir, 0o777);
  const data = path.join(dir, 'data');
  execFileSync('install', ['-d', '-o', 'postgres', '-g', 'postgres', '-m', '700', data]);
  asPostgres(path.join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8']);
  const server = spawn(
    'runuser',
    [
      '-u',
      'postgres',
      '--',
      path.join(bin, 'postgres'),
      '-D',
      data,
      '-k',
      dir,
      '-c',
      'listen_addresses=',
      // Sized like a small dedicated server on this machine; fsync stays on, as in production.
      '-c',
      'shared_buffers=2GB',
      '-c',
      'work_mem=256MB',
      '-c',
      'maintenance_work_mem=1GB',
      '-c',
      'max_wal_size=8GB',
      // A table created and filled in one transaction then skips the WAL (a bulk load's setting).
      '-c',
      'wal_level=minimal',
      '-c',
      'max_wal_senders=0',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  server.stderr!.on('data', (d: Buffer) => {
    log += d.toString();
  });
  let client: pg.Client;
  for (let i = 0; ; i++) {
    // A client that failed to connect cannot be reused: a new one per attempt.
    client = new pg.Client({ host: dir, user: 'postgres', database: 'postgres' });
    try {
      await client.connect();
      break;
    } catch (err) {
      if (i > 100 || server.exitCode !== null) {
        server.kill('SIGINT');
        rmSync(dir, { recursive: true, force: true });
        throw new Error(`PostgreSQL did not start: ${log || err}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const stop = async () => {
    await client.end().catch(() => {});
    server.kill('SIGINT');
    await new Promise((r) => server.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const version = (await client.query('SHOW server_version')).rows[0].server_version as string;
    await client.query('BEGIN');
    await client.query(
      'CREATE TABLE signin_events (id text NOT NULL, created_at timestamptz NOT NULL, record jsonb NOT NULL)',
    );
    // DuckDB writes CSV into a FIFO that the PostgreSQL server reads with COPY.
    const fifo = path.join(dir, 'rows.csv');
    execFileSync('mkfifo', ['-m', '666', fifo]);
    const t0 = performance.now();
    const db = await DuckDBInstance.create(duckdbFile, { access_mode: 'READ_ONLY' });
    const conn = await db.connect();
    const write = conn.run(
      `COPY (SELECT id, strftime(time, '%Y-%m-%dT%H:%M:%S.%fZ'), record FROM signin_logs WHERE tenant = '${tenant.replaceAll("'", "''")}')
       TO '${fifo}' (FORMAT csv, HEADER false)`,
    );
    const read = client.query(`COPY signin_events FROM '${fifo}' WITH (FORMAT csv)`);
    const [, copied] = await Promise.all([write, read]);
    conn.closeSync();
    db.closeSync();
    await client.query('COMMIT');
    const seconds = (performance.now() - t0) / 1000;
    // Then the keys and the paging index.
    const t1 = performance.now();
    await client.query('ALTER TABLE signin_events ADD PRIMARY KEY (id)');
    await client.query('CREATE INDEX signin_events_created ON signin_events (created_at, id)');
    await client.query('VACUUM ANALYZE signin_events');
    const indexSeconds = (performance.now() - t1) / 1000;
    const bytes = Number(
      (await client.query("SELECT pg_total_relation_size('signin_events') AS b")).rows[0].b as string,
    );
    return { version, client, loaded: { rows: copied.rowCount ?? 0, seconds, indexSeconds, bytes }, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
