/**
 * Watchlists in the DuckDB store (a real database file): a replace is one transaction — when it
 * fails part-way, the previous watchlist and all its items are still there; concurrent replaces
 * never mix items of two versions; delete removes the items too.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openStore } from '../open-store.ts';
import type { Store, WatchlistStore } from '../store.ts';

type Put = Parameters<WatchlistStore['putWatchlist']>;
const meta = (tenant: string, alias: string, columns: string[]): Put[0] => ({
  tenant,
  alias,
  displayName: alias,
  description: null,
  provider: 'Custom',
  source: `${alias}.csv`,
  itemsSearchKey: columns[0]!,
  contentType: 'text/csv',
  numberOfLinesToSkip: 0,
  labels: ['test'],
  columns,
  by: 'test',
});
const items = (prefix: string, n: number): Put[1] =>
  Array.from({ length: n }, (_, i) => ({
    itemId: `${prefix}-${i}`,
    searchKey: `${prefix}${i}@contoso.com`,
    values: [`${prefix}${i}@contoso.com`, prefix],
  }));

describe('DuckDbStore watchlists', () => {
  let dir: string;
  let store: Store;
  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'idtrail-store-wl-'));
    store = await openStore(`duckdb:${path.join(dir, 'idtrail.duckdb')}`, dir);
  });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const all = async (tenant: string, alias: string) => store.listWatchlistItems(tenant, alias, 0, 1_000_000);

  it('a replace that fails part-way leaves the previous watchlist and items untouched', async () => {
    assert.deepEqual(await store.putWatchlist(meta('t', 'vip', ['Upn', 'Tag']), items('a', 3)), {
      created: true,
    });
    const before = { w: await store.getWatchlist('t', 'vip'), items: await all('t', 'vip') };
    // An item the items table refuses (its fields are NOT NULL): the insert fails after the
    // watchlist row was updated and the old items deleted, inside the same transaction.
    const bad = [...items('b', 2), { itemId: 'b-x', searchKey: 'x', values: null as unknown as string[] }];
    await assert.rejects(store.putWatchlist(meta('t', 'vip', ['Upn', 'Tag', 'New']), bad));
    assert.deepEqual(await store.getWatchlist('t', 'vip'), before.w);
    assert.deepEqual(await all('t', 'vip'), before.items);
    assert.equal(before.items.length, 3);
  });

  it('concurrent replaces are serialised: the items are always one whole version', async () => {
    await Promise.all(
      ['c', 'd', 'e', 'f'].map((p, i) =>
        store.putWatchlist(meta('t', 'race', ['Upn', 'Tag']), items(p, 50 + i)),
      ),
    );
    const w = (await store.getWatchlist('t', 'race'))!;
    const got = await all('t', 'race');
    assert.equal(got.length, w.itemCount);
    assert.equal(new Set(got.map((x) => x.values[1])).size, 1, 'items of one version only');
    assert.deepEqual(
      got.map((x) => x.ord),
      got.map((_, i) => i),
    );
  });

  it('delete removes the watchlist and its items, for its tenant only', async () => {
    await store.putWatchlist(meta('u', 'vip', ['Upn', 'Tag']), items('g', 2));
    assert.equal(await store.deleteWatchlist('t', 'vip'), true);
    assert.equal(await store.getWatchlist('t', 'vip'), undefined);
    assert.deepEqual(await all('t', 'vip'), []);
    assert.equal((await all('u', 'vip')).length, 2, "the other tenant's watchlist of that alias stays");
    assert.equal(await store.deleteWatchlist('t', 'vip'), false);
  });
});
