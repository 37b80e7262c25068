/**
 * The portal over a large set (issue 5: "scrolling through 100,000 rows stays smooth"): 100,000
 * interactive sign-ins ingested through the real API, then Chromium scrolls the sign-in grid to
 * the end through the keyset pages. What is checked is what makes scrolling smooth and right, not
 * a time: the DOM keeps only the rows on screen (virtualization) however many are loaded, every
 * page is fetched, and the grid's last rows are the API's last rows.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { type Browser, chromium, type Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { ensurePortalBuilt } from './build.ts';

const ARTIFACTS = 'test-artifacts/portal';
const CHROMIUM = '/usr/bin/chromium';
const RECORDS = 100_000;
const BATCH = 20_000;
/** Rows in the DOM may not grow with the rows loaded: a screenful plus overscan. */
const DOM_ROWS_MAX = 100;

const HOUR = 3_600_000;

/** Small but complete-enough sign-ins (what the grid shows), newest first, over the last 5 days. */
function signIn(i: number, now: number): Record<string, unknown> {
  const user = `user${i % 997}`;
  return {
    id: `5ca1e000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    createdDateTime: new Date(now - HOUR - Math.floor((i * 5 * 24 * HOUR) / RECORDS)).toISOString(),
    userDisplayName: `User ${i % 997}`,
    userPrincipalName: `${user}@contoso.com`,
    appDisplayName: i % 2 ? 'Microsoft Teams' : 'Office 365 Exchange Online',
    ipAddress: `203.0.113.${i % 250}`,
    status: { errorCode: i % 11 === 0 ? 50126 : 0 },
    isInteractive: true,
  };
}

describe('portal at 100,000 sign-ins', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;

  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    ensurePortalBuilt();
    server = await startTestServer();
    const now = Date.now();
    for (let from = 0; from < RECORDS; from += BATCH) {
      const lines: string[] = [];
      for (let i = from; i < from + BATCH; i++) lines.push(JSON.stringify(signIn(i, now)));
      const res = await fetch(`${server.url}/api/v1/ingest/SignInLogs`, {
        method: 'POST',
        headers: { authorization: `Bearer ${server.adminKey}`, 'content-type': 'application/x-ndjson' },
        body: `${lines.join('\n')}\n`,
      });
      assert.equal(res.status, 200, await res.text());
    }
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
    page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  const status = async () => (await page.locator('.status-line').textContent()) ?? '';
  const count = async () => Number((await status()).replace(/ records.*$/, '').replace(/[^\d]/g, ''));
  const domRows = () => page.locator('[role=row][aria-rowindex]').count();

  it('scrolls to the end through keyset pages with a bounded DOM, ending on the API last rows', async () => {
    await page.goto(`${server.url}/`);
    await page.getByLabel('API key').fill(server.adminKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Navigation' }).waitFor();
    await page.goto(`${server.url}/sign-ins?range=7d`);
    await page.waitForFunction(
      `/\\+ records/.test(document.querySelector('.status-line')?.textContent ?? '')`,
    );
    // The chart counts the whole filtered set on the server while the grid holds one page.
    const caption = page.locator('figure.chart figcaption');
    await caption.getByText(`all ${RECORDS.toLocaleString('en-US')} matching records`).waitFor();
    assert.match((await caption.textContent()) ?? '', /^Sign-ins per 6 hours/);
    await page.screenshot({ path: `${ARTIFACTS}/18a-sign-ins-100k-chart.png` });
    let pages = 1;
    let maxDom = await domRows();
    // End (keyboard) moves to the last loaded row; near the end the grid loads the next page.
    await page.getByTestId('grid').focus();
    while ((await status()).includes('+')) {
      const before = await count();
      await page.keyboard.press('End');
      await page.waitForFunction(
        `(() => { const t = document.querySelector('.status-line').textContent; return Number(t.replace(/ records.*$/, '').replace(/[^0-9]/g, '')) > ${before} && !/loading/.test(t); })()`,
      );
      pages++;
      maxDom = Math.max(maxDom, await domRows());
    }
    assert.equal(await count(), RECORDS);
    // 200 first, then pages of 1,000.
    assert.equal(pages, 1 + Math.ceil((RECORDS - 200) / 1000));
    assert.ok(maxDom <= DOM_ROWS_MAX, `DOM rows stayed at most ${maxDom}`);
    await page.keyboard.press('End');
    const last = page.locator(`[role=row][aria-rowindex="${RECORDS}"]`);
    await last.waitFor();
    await page.screenshot({ path: `${ARTIFACTS}/18b-sign-ins-100k-end.png` });

    // The API's last rows: the oldest, read in ascending order.
    const since = new URL(page.url()).searchParams.get('range');
    assert.equal(since, '7d');
    const res = await fetch(
      `${server.url}/beta/auditLogs/signIns?$orderby=createdDateTime asc&$top=5&$filter=${encodeURIComponent("signInEventTypes/any(t: t eq 'interactiveUser')")}`,
      { headers: { authorization: `Bearer ${server.adminKey}` } },
    );
    const oldest = ((await res.json()) as { value: Array<{ id: string; userDisplayName: string }> }).value;
    const shown = [];
    for (let k = 0; k < 5; k++) {
      const row = page.locator(`[role=row][aria-rowindex="${RECORDS - k}"]`);
      shown.push(await row.locator('[data-col="user"]').textContent());
    }
    assert.deepEqual(
      shown,
      oldest.map((r) => r.userDisplayName),
    );
    // The last row opens to the API's oldest record.
    await last.click();
    const pane = page.getByRole('complementary', { name: 'Details' });
    await pane.getByRole('tabpanel').waitFor();
    assert.match(
      (await pane.getByRole('tabpanel').textContent()) ?? '',
      new RegExp(`Request ID${oldest[0]!.id}`),
    );
    assert.ok((await domRows()) <= DOM_ROWS_MAX);
  });
});
