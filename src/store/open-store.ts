/** Opens the store a URL names. */
import path from 'node:path';
import { DuckDbStore } from './duckdb/duckdb-store.ts';
import type { Store } from './store.ts';

export async function openStore(url: string, dataDir: string): Promise<Store> {
  const [scheme, ...rest] = url.split(':');
  const target = rest.join(':');
  switch (scheme) {
    case 'duckdb': {
      const file =
        target === ':memory:' || target === 'memory'
          ? ':memory:'
          : path.resolve(target || path.join(dataDir, 'idtrail.duckdb'));
      try {
        return await DuckDbStore.open({ file, scratchDir: path.join(dataDir, 'scratch') });
      } catch (err) {
        const msg = (err as Error).message;
        if (/lock/i.test(msg)) {
          throw new Error(
            `the database ${file} is in use by another idtrail process (a running server?). Stop it, or send the command to it with --url and --key.`,
          );
        }
        throw err;
      }
    }
    case 'clickhouse':
    case 'http':
    case 'https':
      throw new Error('the ClickHouse store is not built yet; use duckdb:<file>');
    default:
      throw new Error(`unknown store URL '${url}': expected duckdb:<file>`);
  }
}
