/**
 * The Logs page end to end (issue 6): a real server on real DuckDB filled through the ingest API,
 * driven in Debian's Chromium by playwright-core. Queries are typed into Monaco with the keyboard
 * and run with Shift+Enter; what the page shows is compared with the query API's own answer.
 * Each test saves a screenshot to test-artifacts/portal/.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { type Browser, chromium, type Page } from 'playwright-core';
import { LA_TABLES } from '../../src/registry/la-tables.ts';
import { DEFAULT_TENANT } from '../../src/security/api-keys.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { ensurePortalBuilt } from './build.ts';
import { populate } from './populate.ts';

const ARTIFACTS = 'test-artifacts/portal';
/** The editor's text as drawn, in the page (one-line queries: soft wraps are dropped). */
const EDITOR_TEXT = `document.querySelector('.monaco-editor .view-lines').innerText.replace(/\\u00a0/g, ' ').replace(/\\n/g, '')`;
const CHROMIUM = '/usr/bin/chromium';

interface LaTable {
  columns: Array<{ name: string; type: string }>;
  rows: unknown[][];
}

describe('Logs page in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  const browserErrors: string[] = [];

  const shot = (name: string, p = page) => p.screenshot({ path: `${ARTIFACTS}/${name}.png` });

  async function signIn(p: Page, key: string) {
    await p.goto(`${server.url}/`);
    await p.getByLabel('API key').fill(key);
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.getByRole('navigation', { name: 'Navigation' }).waitFor();
  }

  /** The query API's answer to the same request the page sends. */
  async function api(query: string, timespan: string | undefined = 'P1D'): Promise<LaTable> {
    const res = await server.post(
      `/v1/workspaces/${DEFAULT_TENANT}/query`,
      timespan ? { query, timespan } : { query },
    );
    assert.equal(res.status, 200, await res.clone().text());
    return ((await res.json()) as { tables: LaTable[] }).tables[0]!;
  }

  /** Replaces the editor's text by typing it, as a user does. */
  async function typeQuery(text: string) {
    const editor = page.locator('.monaco-editor').first();
    await editor.click();
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.press('Delete');
    await page.keyboard.type(text);
    // Close IntelliSense if it is open, so that the next key is not taken by it.
    await page.keyboard.press('Escape');
  }

  /** Runs with Shift+Enter; returns the record count the page shows, and what it sent. */
  async function runWithShiftEnter(): Promise<number> {
    const done = page.waitForResponse((r) => r.url().includes('/query') && r.request().method() === 'POST');
    await page.keyboard.press('Shift+Enter');
    sent = JSON.parse((await done).request().postData()!) as { query: string; timespan?: string };
    await page.getByRole('status', { name: 'Result summary' }).filter({ hasNotText: 'Running' }).waitFor();
    const text = (await page.getByRole('status', { name: 'Result summary' }).textContent()) ?? '';
    return Number(/^([\d,]+) records?/.exec(text)![1]!.replace(/,/g, ''));
  }

  let sent: { query: string; timespan?: string } | undefined;
  const cells = (col: string) =>
    page.locator(`[role=row][aria-rowindex] [data-col="${col}"]`).allTextContents();

  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    ensurePortalBuilt();
    server = await startTestServer();
    await populate(server, 40, 20);
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
    page.on('pageerror', (e) => browserErrors.push(String(e)));
    await signIn(page, server.adminKey);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('opens Logs, runs a typed query with Shift+Enter and shows the rows the API returns', async () => {
    await page.getByRole('link', { name: 'Logs', exact: true }).click();
    await page.locator('.monaco-editor').waitFor();
    assert.equal(new URL(page.url()).pathname, '/logs');
    const query =
      'SigninLogs | where ResultType == "0" | project TimeGenerated, UserPrincipalName, AppDisplayName, LocationDetails | sort by TimeGenerated desc | take 40';
    await typeQuery(query);
    // Monaco draws typed text on the next frames: wait until it shows all of it.
    await page.waitForFunction(`(${EDITOR_TEXT}) === ${JSON.stringify(query)}`);
    const shown = await runWithShiftEnter();
    assert.deepEqual(sent, { query, timespan: 'P1D' }, 'the typed query, over the last 24 hours');
    const expected = await api(query);
    assert.ok(expected.rows.length > 0, 'the simulator made successful sign-ins');
    assert.equal(shown, expected.rows.length);
    // The grid's columns are the result's, in order; the visible rows are the API's first rows.
    assert.deepEqual(await page.getByRole('columnheader').allTextContents(), [
      'TimeGenerated',
      'UserPrincipalName',
      'AppDisplayName',
      'LocationDetails',
    ]);
    const upns = await cells('UserPrincipalName');
    assert.ok(upns.length >= 5, `rows are drawn (${upns.length})`);
    assert.deepEqual(
      upns,
      expected.rows.slice(0, upns.length).map((r) => r[1]),
    );
    const times = await cells('TimeGenerated');
    assert.equal(times[0], String(expected.rows[0]![0]).replace('T', ' ').replace(/Z$/, ''));
    // The query is in the URL: the view can be shared.
    assert.equal(new URL(page.url()).searchParams.get('query'), query);
    // A row's details: dynamic values expanded as JSON.
    await page.locator('[role=row][aria-rowindex="1"]').click();
    const details = page.getByRole('complementary', { name: 'Row details' });
    const json = await details.locator('pre.kql-json').first().textContent();
    assert.deepEqual(JSON.parse(json!), JSON.parse(String(expected.rows[0]![3])));
    await shot('20-logs-results');
    await details.getByRole('button', { name: 'Close row details' }).click();
  });

  it('draws `render timechart` of a time-binned summary as a chart', async () => {
    // Managed identities sign in around the clock: interactive sign-ins follow the users' working
    // hours and weekdays, so their hourly bucket count depended on when the test ran.
    const query =
      'AADManagedIdentitySignInLogs | summarize count() by bin(TimeGenerated, 1h) | render timechart';
    await typeQuery(query);
    const shown = await runWithShiftEnter();
    const expected = await api(query);
    assert.equal(shown, expected.rows.length);
    assert.ok(shown >= 19, `an hourly bucket for each of the 20 simulated hours (${shown})`);
    assert.equal(await page.getByRole('tab', { name: 'Chart' }).getAttribute('aria-selected'), 'true');
    const chart = page.getByRole('figure', { name: 'Chart: timechart' });
    await chart.locator('canvas').first().waitFor();
    const box = await chart.locator('canvas').first().boundingBox();
    assert.ok(box && box.width > 300 && box.height > 150, 'the canvas has a size');
    await shot('21-logs-timechart');
    // The same result as a table.
    await page.getByRole('tab', { name: 'Results' }).click();
    assert.deepEqual(await page.getByRole('columnheader').allTextContents(), ['TimeGenerated', 'count_']);
    // Without render, a time-binned summary still offers its chart.
    await typeQuery('SigninLogs | summarize count() by bin(TimeGenerated, 1h), ResultType');
    await runWithShiftEnter();
    assert.equal(await page.getByRole('tab', { name: 'Results' }).getAttribute('aria-selected'), 'true');
    await page.getByRole('tab', { name: 'Chart' }).click();
    await page.getByRole('figure', { name: 'Chart: timechart' }).locator('canvas').first().waitFor();
    await shot('22-logs-chart-without-render');
  });

  it('offers the columns of SigninLogs after `SigninLogs | where `', async () => {
    await typeQuery('SigninLogs | where ');
    await page.keyboard.press('Control+Space');
    const suggest = page.locator('.suggest-widget .monaco-list-row');
    await suggest.first().waitFor();
    const offered = (await suggest.allTextContents()).join('\n');
    const columns = LA_TABLES.SigninLogs!.map((c) => c.name);
    assert.ok(
      columns.some((c) => offered.includes(c)),
      `a SigninLogs column among the suggestions:\n${offered}`,
    );
    await page.keyboard.type('UserPrin');
    await page
      .locator('.suggest-widget .monaco-list-row', { hasText: 'UserPrincipalName' })
      .first()
      .waitFor();
    await shot('23-logs-intellisense');
    await page.keyboard.press('Escape');
  });

  it('marks a query error where the API points', async () => {
    const query = 'SigninLogs | where NoSuchColumn == 1';
    await typeQuery(query);
    const done = page.waitForResponse((r) => r.url().includes('/query') && r.request().method() === 'POST');
    await page.keyboard.press('Shift+Enter');
    assert.equal((await done).status(), 400);
    const alert = page.getByRole('alert').filter({ hasText: 'NoSuchColumn' });
    await alert.waitFor();
    assert.match((await alert.textContent()) ?? '', /line 1, position 20/);
    // The editor marks the token the API points at, and its problem view (Alt+F8, as in VS Code)
    // shows the API's message.
    await page.locator('.monaco-editor .kql-error-token').waitFor();
    assert.deepEqual(await page.locator('.monaco-editor .kql-error-token').allTextContents(), [
      'NoSuchColumn',
    ]);
    await page.keyboard.press('Alt+F8');
    await page
      .locator('.marker-widget')
      .filter({ hasText: "'NoSuchColumn' (line 1, position 20)" })
      .waitFor();
    await shot('24-logs-error');
    await page.keyboard.press('Escape');
  });

  it('saves a query for the tenant and finds it after a reload', async () => {
    const query = 'AuditLogs | summarize count() by OperationName | sort by count_ desc';
    await typeQuery(query);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Save query' });
    await dialog.getByLabel('Name').fill('Audit operations');
    await dialog.getByLabel('Category').fill('Audit');
    await shot('25-logs-save');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved “Audit operations”.').waitFor();
    const res = await server.get('/api/v1/savedQueries');
    const stored = ((await res.json()) as { value: Array<{ displayName: string; query: string }> }).value;
    assert.deepEqual(
      stored.map((q) => [q.displayName, q.query]),
      [['Audit operations', query]],
    );

    await page.reload();
    await page.locator('.monaco-editor').waitFor();
    await page.getByRole('tab', { name: 'Queries' }).click();
    await page.getByRole('button', { name: /^Audit operations/ }).click();
    await page.waitForFunction(`(${EDITOR_TEXT}) === ${JSON.stringify(query)}`);
    const shown = await (async () => {
      await page.locator('.monaco-editor').first().click();
      return runWithShiftEnter();
    })();
    assert.equal(shown, (await api(query)).rows.length);
    await shot('26-logs-saved-query');
  });

  it('keeps the queries run in the History pane and opens a shared link with its range', async () => {
    await page.getByRole('tab', { name: 'History' }).click();
    const history = await page
      .getByRole('list', { name: 'Query history' })
      .getByRole('listitem')
      .allTextContents();
    assert.ok(
      history.some((h) => h.includes('render timechart')),
      history.join('\n'),
    );
    assert.ok(history[0]!.includes('AuditLogs | summarize count() by OperationName'), 'newest first');

    const query = 'SigninLogs | summarize Users = dcount(UserPrincipalName) by AppDisplayName';
    await page.goto(`${server.url}/logs?${new URLSearchParams({ query, range: '7d' })}`);
    await page.getByRole('status', { name: 'Result summary' }).filter({ hasNotText: 'Running' }).waitFor();
    assert.equal(await page.getByLabel('Time range').inputValue(), '7d');
    const expected = await api(query, 'P7D');
    assert.deepEqual((await cells('AppDisplayName')).sort(), expected.rows.map((r) => String(r[0])).sort());
    await shot('27-logs-shared-link');
  });

  it('shows "Set in query" when the query filters TimeGenerated, and sends no timespan', async () => {
    const query = 'SigninLogs | where TimeGenerated > ago(2h) | count';
    await typeQuery(query);
    await page.getByText('Time range: Set in query').waitFor();
    const request = page.waitForRequest((r) => r.url().includes('/query') && r.method() === 'POST');
    await page.keyboard.press('Shift+Enter');
    assert.deepEqual(JSON.parse((await request).postData()!), { query });
    await page.getByRole('status', { name: 'Result summary' }).filter({ hasNotText: 'Running' }).waitFor();
    const expected = await api(query, undefined);
    assert.deepEqual(await cells('Count'), [String(expected.rows[0]![0])]);
  });

  it('leaves Monaco out of the other pages: the editor loads with the Logs page only', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const p = await context.newPage();
    const scripts: string[] = [];
    p.on('request', (r) => {
      if (r.resourceType() === 'script' || r.url().endsWith('.js')) scripts.push(new URL(r.url()).pathname);
    });
    await signIn(p, server.adminKey);
    await p.goto(`${server.url}/audit`);
    await p.getByRole('heading', { name: /Audit logs/ }).waitFor();
    assert.ok(scripts.length > 0);
    assert.deepEqual(
      scripts.filter((s) => /LogsPage|kusto|worker/i.test(s)),
      [],
      scripts.join(', '),
    );
    await p.getByRole('link', { name: 'Logs', exact: true }).click();
    await p.locator('.monaco-editor').waitFor();
    assert.ok(
      scripts.some((s) => /LogsPage/.test(s)),
      scripts.join(', '),
    );
    await context.close();
  });

  it('lets a Security Reader run queries but not save them', async () => {
    const reader = await server.key(['Security Reader'], DEFAULT_TENANT);
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const p = await context.newPage();
    await signIn(p, reader);
    await p.goto(`${server.url}/logs?${new URLSearchParams({ query: 'SigninLogs | count' })}`);
    await p.getByRole('status', { name: 'Result summary' }).filter({ hasNotText: 'Running' }).waitFor();
    assert.ok(await p.getByRole('button', { name: 'Save', exact: true }).isDisabled());
    await p.getByRole('tab', { name: 'Queries' }).click();
    await p.getByRole('button', { name: /^Audit operations/ }).waitFor();
    assert.equal(await p.getByRole('button', { name: /^Delete / }).count(), 0);
    await shot('28-logs-security-reader', p);
    await context.close();
    assert.deepEqual(browserErrors, [], 'no uncaught errors in the page');
  });
});
