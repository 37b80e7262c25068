/**
 * The portal's Watchlists page, in Chromium: an administrator uploads a CSV file, sees its items,
 * is told what is wrong with a bad upload, opens the watchlist in Logs and deletes it; a reader
 * sees the list and items without the upload and delete controls.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { type Browser, chromium, type Page } from 'playwright-core';
import { ADMIN_SECRET, startTestServer, type TestServer } from '../helpers/server.ts';
import { ensurePortalBuilt } from './build.ts';

const ARTIFACTS = 'test-artifacts/portal';
const DEFAULT_TENANT = '00000000-0000-0000-0000-000000000000';
const CSV =
  'exported by HR\r\nUserPrincipalName,Title\r\nceo@contoso.com,"Chief, Executive"\r\ncfo@contoso.com,CFO\r\n';

describe('portal: watchlists page', () => {
  let server: TestServer;
  let browser: Browser;
  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    ensurePortalBuilt();
    server = await startTestServer();
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: ['--no-sandbox'],
    });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  async function signIn(key: string): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${server.url}/`);
    await page.getByLabel('API key').fill(key);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('link', { name: 'Watchlists' }).click();
    await page.getByRole('heading', { name: 'Watchlists', level: 1 }).waitFor();
    return page;
  }

  it('uploads a CSV, shows its items, reports a bad upload, links to Logs and deletes it', async () => {
    const page = await signIn(ADMIN_SECRET);
    await page.getByText('No watchlist yet.').waitFor();
    await page.getByRole('button', { name: 'Upload watchlist' }).click();
    const form = page.getByRole('form', { name: 'Upload watchlist' });
    await form.getByLabel(/^Alias/).fill('VIPUsers');
    await form.getByLabel('Display name').fill('VIP users');
    await form
      .getByLabel(/^CSV file/)
      .setInputFiles({ name: 'vip.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV) });
    await form.getByLabel('Search key column').fill('UserPrincipalName');
    await form.getByRole('button', { name: 'Upload' }).click();
    // The server's message: the line before the header, not skipped, is read as a one-column header.
    await form
      .getByRole('alert')
      .filter({ hasText: /not valid CSV: .*expect 1, got 2 on line 2/ })
      .waitFor();
    await form.getByLabel('Lines to skip before the header').fill('1');
    await form.getByLabel('Search key column').fill('Email');
    await form.getByRole('button', { name: 'Upload' }).click();
    await form
      .getByRole('alert')
      .filter({ hasText: /'Email' is not a column of the CSV header/ })
      .waitFor();
    await form.getByLabel('Search key column').fill('UserPrincipalName');
    await form.getByRole('button', { name: 'Upload' }).click();

    const list = page.getByRole('region', { name: 'Watchlists' });
    await list.getByRole('cell', { name: 'VIP users' }).waitFor();
    const row = (await list.getByRole('row').nth(1).locator('td').allTextContents()).map((t) => t.trim());
    assert.deepEqual(row.slice(0, 4), ['VIPUsers', 'VIP users', 'UserPrincipalName', '2']);
    const items = page.getByRole('region', { name: 'Items' });
    await items.getByRole('cell', { name: 'Chief, Executive' }).waitFor();
    assert.deepEqual(
      (await items.getByRole('columnheader').allTextContents()).map((t) => t.trim()),
      ['UserPrincipalName (SearchKey)', 'Title'],
    );
    assert.equal(await items.getByRole('row').count(), 3);
    // What the page shows is what the API stored.
    const api = await server.get('/api/v1/watchlists/VIPUsers');
    assert.equal(
      ((await api.json()) as { properties: { watchlistItemsCount: number } }).properties.watchlistItemsCount,
      2,
    );
    await page.screenshot({ path: `${ARTIFACTS}/watchlists.png`, fullPage: true });

    await list.getByRole('button', { name: 'Query' }).click();
    await page.waitForURL(/\/logs\?query=/);
    assert.equal(new URL(page.url()).searchParams.get('query'), "_GetWatchlist('VIPUsers')");
    await page.goBack();
    await page.getByRole('heading', { name: 'Watchlists', level: 1 }).waitFor();

    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Delete VIPUsers' }).click();
    await page.getByText('No watchlist yet.').waitFor();
    assert.equal((await server.get('/api/v1/watchlists/VIPUsers')).status, 404);
    await page.close();
  });

  it('a reader sees watchlists and items but no upload or delete controls', async () => {
    const put = await server.send(
      'PUT',
      '/api/v1/watchlists/BadIPs',
      {
        properties: {
          displayName: 'Bad IPs',
          provider: 'Custom',
          source: 'ips.csv',
          itemsSearchKey: 'IP',
          rawContent: 'IP,Reason\n203.0.113.7,TOR exit\n',
          contentType: 'text/csv',
        },
      },
      ADMIN_SECRET,
    );
    assert.equal(put.status, 201);
    const reader = await server.key(['Security Reader'], DEFAULT_TENANT);
    const page = await signIn(reader);
    const list = page.getByRole('region', { name: 'Watchlists' });
    await list.getByRole('button', { name: 'BadIPs' }).click();
    await page.getByRole('region', { name: 'Items' }).getByRole('cell', { name: 'TOR exit' }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Upload watchlist' }).count(), 0);
    assert.equal(await page.getByRole('button', { name: 'Delete BadIPs' }).count(), 0);
    await page.close();
  });
});
