/** What the CLI commands that work on the local store share: the `--data` option and opening it. */
import { Option } from 'commander';
import { loadConfig } from '../config.ts';
import { openStore } from '../store/open-store.ts';
import type { Store } from '../store/store.ts';

export const dataOpt = () =>
  new Option('--data <dir>', 'data folder').env('IDTRAIL_DATA').default('./.idtrail');

/** Opens the configured store for `fn` and closes it after, whatever happens. */
export async function withStore<T>(opts: { data: string }, fn: (s: Store) => Promise<T>): Promise<T> {
  const config = loadConfig({ dataDir: opts.data });
  const store = await openStore(config.store, config.dataDir);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}
