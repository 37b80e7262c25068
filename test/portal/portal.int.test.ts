/**
 * The portal end to end: a real server on real DuckDB, filled through the ingest API, driven in
 * Debian's Chromium by playwright-core (issue 5's "Done when"). Each test saves a screenshot to
 * test-artifacts/portal/.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { DEFAULT_TENANT } from '../../src/security/api-keys.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { ensurePortalBuilt } from './build.ts';
import { knownAudit, knownRiskDetection, knownRiskyUser, kqlRows, populate, walkGraph } from './populate.ts';

const ARTIFACTS = 'test-artifacts/portal';
const CHROMIUM = '/usr/bin/chromium';

describe('portal in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  const shot = (name: string) => page.screenshot({ path: `${ARTIFACTS}/${name}.png` });

  async function signIn(p: Page, key: string) {
    await p.goto(`${server.url}/`);
    await p.getByLabel('API key').fill(key);
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.getByRole('navigation', { name: 'Navigation' }).waitFor();
  }

  /** Waits until the grid shows rows (or the empty state) for the current filters. */
  async function settled(p: Page) {
    // Browser-side expressions as text: the root tsconfig has no DOM types.
    await p.waitForFunction(
      `(() => { const t = document.querySelector('.status-line')?.textContent ?? ''; return /record|group/.test(t) && !/loading/.test(t); })()`,
    );
  }

  const cells = (p: Page, col: string) =>
    p.locator(`[role=row][aria-rowindex] [data-col="${col}"]`).allTextContents();
  const statusCount = async (p: Page) =>
    Number((await p.locator('.status-line').textContent())!.replace(/[^\d]/g, ''));

  async function pickFilter(
    p: Page,
    label: string,
    value: string,
    kind: 'select' | 'text',
    shotName?: string,
  ) {
    await p.getByRole('button', { name: `Filter ${label}` }).click();
    const field = p.getByLabel(label, { exact: true });
    if (kind === 'select') {
      await p.waitForFunction(
        `[...document.querySelectorAll('select[aria-label=${JSON.stringify(label)}] option')].some((o) => o.value === ${JSON.stringify(value)})`,
      );
      await field.selectOption(value);
    } else await field.fill(value);
    if (shotName) await shot(shotName);
    await p.getByRole('button', { name: 'Apply' }).click();
  }

  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    ensurePortalBuilt();
    server = await startTestServer({ exportChunk: 100 });
    await populate(server, 60, 20);
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
    context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
    page = await context.newPage();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('signs in with an API key and lands on populated audit logs', async () => {
    await page.goto(`${server.url}/`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    assert.match((await page.locator('.hint').textContent()) ?? '', /first start/);
    await page.getByLabel('API key').fill('not-a-key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').waitFor();
    assert.match((await page.getByRole('alert').textContent()) ?? '', /Invalid key/);
    await shot('01-sign-in');
    await page.getByLabel('API key').fill(server.adminKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: /Audit logs/ }).waitFor();
    await settled(page);
    assert.equal(new URL(page.url()).pathname, '/audit');
    assert.ok((await statusCount(page)) > 0, 'audit rows are shown');
    await shot('02-audit-logs');
  });

  it('filters audit logs by service and activity: only matching rows, as many as the API has', async () => {
    await page.goto(`${server.url}/audit`);
    await settled(page);
    await pickFilter(page, 'Service', 'Core Directory', 'select');
    await settled(page);
    await pickFilter(page, 'Activity', 'Add user', 'text', '03a-audit-activity-filter');
    await settled(page);
    const url = new URL(page.url());
    assert.equal(url.searchParams.get('service'), 'Core Directory');
    assert.equal(url.searchParams.get('activity'), 'Add user');
    const services = await cells(page, 'service');
    const activities = await cells(page, 'activity');
    assert.ok(services.length > 0);
    assert.ok(
      services.every((s) => s === 'Core Directory'),
      services.join('|'),
    );
    assert.ok(
      activities.every((a) => a === 'Add user'),
      activities.join('|'),
    );
    const api = await walkGraph(
      server,
      '/v1.0/auditLogs/directoryAudits',
      `loggedByService eq 'Core Directory' and activityDisplayName eq 'Add user' and activityDateTime ge ${new Date(Date.now() - 86_400_000).toISOString()}`,
    );
    assert.equal(await statusCount(page), api.length);
    await shot('03-audit-filtered');
  });

  it('opens a record and reads its modified properties, old and new values side by side', async () => {
    // A shared link: the filters come from the URL.
    await page.goto(`${server.url}/audit?correlationId=${knownAudit.correlationId}`);
    await settled(page);
    assert.equal(await statusCount(page), 1);
    await page.locator('[role=row][aria-rowindex="1"]').click();
    const pane = page.getByRole('complementary', { name: 'Details' });
    await pane.getByRole('heading', { name: 'Add user' }).waitFor();
    await pane.getByRole('tab', { name: 'Modified Properties' }).click();
    const rows = await pane
      .locator('table[aria-label="Modified properties"] tbody tr')
      .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    assert.deepEqual(rows, [
      ['Portal Test Target', 'AccountEnabled', 'false', 'true'],
      ['Portal Test Target', 'DisplayName', 'Old Name', 'Portal Test Target'],
    ]);
    await shot('04-audit-modified-properties');
    await pane.getByRole('tab', { name: 'Target(s)' }).click();
    assert.match((await pane.textContent()) ?? '', /portal\.target@contoso\.com/);
    await page.keyboard.press('Escape');
    await pane.waitFor({ state: 'detached' });
    // Keyboard: focus the grid, move to the row, open it with Enter.
    await page.getByTestId('grid').focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await pane.getByRole('heading', { name: 'Add user' }).waitFor();
    await page.keyboard.press('Escape');
    await pane.waitFor({ state: 'detached' });
  });

  it('switches sign-in tabs; each shows its own kind of sign-in', async () => {
    await page.getByRole('link', { name: 'Sign-in logs' }).click();
    await settled(page);
    const kinds = [
      ['User sign-ins (interactive)', 'interactiveUser', null],
      ['User sign-ins (non-interactive)', 'nonInteractiveUser', 'nonInteractive'],
      ['Service principal sign-ins', 'servicePrincipal', 'servicePrincipal'],
      ['Managed identity sign-ins', 'managedIdentity', 'managedIdentity'],
    ] as const;
    for (const [label, eventType, tabParam] of kinds) {
      await page.getByRole('tab', { name: label }).click();
      await settled(page);
      assert.equal(new URL(page.url()).searchParams.get('tab'), tabParam);
      assert.equal(await page.getByRole('tab', { name: label }).getAttribute('aria-selected'), 'true');
      const newest = (
        await walkGraph(
          server,
          '/beta/auditLogs/signIns',
          `signInEventTypes/any(t: t eq '${eventType}') and createdDateTime ge ${new Date(Date.now() - 86_400_000).toISOString()}`,
        )
      )[0];
      assert.ok(newest, `the simulator made ${eventType} sign-ins`);
      await page.locator('[role=row][aria-rowindex="1"]').click();
      const pane = page.getByRole('complementary', { name: 'Details' });
      await pane.getByRole('tabpanel').waitFor();
      assert.match(
        (await pane.getByRole('tabpanel').textContent()) ?? '',
        new RegExp(`Request ID${newest.id as string}`),
      );
      if (eventType === 'interactiveUser') {
        await pane.getByRole('tab', { name: 'Authentication details' }).click();
        await shot('05-sign-ins-interactive-details');
        // Location: the city on a world map (drawn from bundled outlines, no tile server).
        await pane.getByRole('tab', { name: 'Location' }).click();
        const city = (newest.location as { city?: string } | null)?.city ?? '';
        await pane
          .getByRole('img', { name: new RegExp(`^Map: ${city}`) })
          .locator('canvas')
          .waitFor();
        await shot('05b-sign-ins-location-map');
      }
      await pane.getByRole('button', { name: 'Close details' }).click();
    }
    await shot('06-sign-ins-managed-identity');
  });

  it('reads AD FS sign-ins through the workspace (KQL): keyset pages to the end, filters, details', async () => {
    await page.goto(`${server.url}/sign-ins?tab=adfs`);
    await settled(page);
    assert.equal(
      await page.getByRole('tab', { name: 'AD FS sign-ins' }).getAttribute('aria-selected'),
      'true',
    );
    const since = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 86_400_000).toISOString().slice(0, 19);
    const api = await kqlRows(
      server,
      DEFAULT_TENANT,
      `ADFSSignInLogs | where TimeGenerated >= datetime(${since}Z) | order by TimeGenerated desc, Id desc`,
    );
    assert.ok(api.length > 200, `more than one page of AD FS sign-ins (${api.length})`);
    // The first page: 200 rows and a "+"; the newest row is the API's newest.
    assert.match((await page.locator('.status-line').textContent()) ?? '', /^200\+ records/);
    assert.deepEqual(
      (await cells(page, 'user')).slice(0, 3),
      api.slice(0, 3).map((r) => r.UserDisplayName),
    );
    // The chart counts every matching row (KQL summarize), not the 200 loaded.
    await page
      .locator('figure.chart figcaption')
      .getByText(`all ${api.length.toLocaleString('en-US')} matching records`)
      .waitFor();
    // No Download: exports serve Graph lists; the workspace API is the way to AD FS sign-ins in bulk.
    assert.equal(await page.getByRole('button', { name: 'Download' }).count(), 0);
    await shot('16-adfs-sign-ins');
    // Scrolling to the end follows the KQL keyset pages until the set ends.
    while (((await page.locator('.status-line').textContent()) ?? '').includes('+')) {
      const before = await statusCount(page);
      await page.evaluate(`document.querySelector('[data-testid=grid]').scrollTop = 1e9`);
      await page.waitForFunction(
        `Number(document.querySelector('.status-line').textContent.replace(/[^0-9]/g, '')) > ${before}`,
      );
      await settled(page);
    }
    assert.equal(await statusCount(page), api.length);
    await page.evaluate(`document.querySelector('[data-testid=grid]').scrollTop = 1e9`);
    const last = page.locator(`[role=row][aria-rowindex="${api.length}"]`);
    await last.waitFor();
    assert.equal(await last.locator('[data-col="user"]').textContent(), api[api.length - 1]!.UserDisplayName);

    // Filters that exist in ADFSSignInLogs become KQL; the others are not offered on this tab.
    await pickFilter(page, 'User', 'alice.adfs', 'text');
    await settled(page);
    await pickFilter(page, 'Status', 'failure', 'select');
    await settled(page);
    const alice = api.filter(
      (r) => String(r.UserPrincipalName).startsWith('alice.adfs') && r.ResultType !== '0',
    );
    assert.ok(alice.length > 0);
    assert.equal(await statusCount(page), alice.length);
    assert.ok((await cells(page, 'user')).every((u) => u === 'Alice Adfs'));
    await page.getByRole('button', { name: '+ Add filters' }).click();
    const offered = await page.getByRole('menuitem').allTextContents();
    assert.ok(offered.includes('Correlation ID') && !offered.includes('Client app'), offered.join('|'));
    await page.getByRole('button', { name: '+ Add filters' }).click();

    // Details from the LA row: basic info, authentication steps.
    await page.locator('[role=row][aria-rowindex="1"]').click();
    const pane = page.getByRole('complementary', { name: 'Details' });
    await pane.getByRole('tabpanel').waitFor();
    assert.match(
      (await pane.getByRole('tabpanel').textContent()) ?? '',
      new RegExp(`Request ID${alice[0]!.Id}`),
    );
    assert.match((await pane.getByRole('tabpanel').textContent()) ?? '', /Sign-in error code50126/);
    await pane.getByRole('tab', { name: 'Authentication details' }).click();
    await pane.getByRole('table', { name: 'Authentication details' }).waitFor();
    await shot('17-adfs-details');
    await pane.getByRole('button', { name: 'Close details' }).click();
  });

  it('keeps the chosen columns across a reload', async () => {
    await page.goto(`${server.url}/audit`);
    await settled(page);
    const headers = () => page.getByRole('columnheader').allTextContents();
    const header = (name: string) => page.getByRole('columnheader', { name, exact: true });
    await header('Initiated by (actor)').waitFor();
    assert.ok(!(await headers()).includes('Correlation ID'));
    await page.getByRole('button', { name: 'Columns' }).click();
    const dialog = page.getByRole('dialog', { name: 'Columns' });
    await dialog.getByLabel('Initiated by (actor)').uncheck();
    await dialog.getByLabel('Correlation ID').check();
    await shot('07-columns');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await header('Correlation ID').waitFor();
    await header('Initiated by (actor)').waitFor({ state: 'detached' });
    await page.reload();
    await settled(page);
    await header('Date').waitFor();
    const after = await headers();
    assert.ok(!after.includes('Initiated by (actor)'), after.join('|'));
    assert.ok(after.includes('Correlation ID'), after.join('|'));
    await shot('08-columns-after-reload');
  });

  it('downloads the whole filtered set as CSV, as many rows as the API returns', async () => {
    // Non-interactive sign-ins come grouped, as Entra aggregates them; "Show each sign-in" ungroups.
    // Grouped over the whole filtered set by the workspace: as many groups as the API's records
    // have (user, application, resource, IP address, status) keys; the newest group first.
    await page.goto(`${server.url}/sign-ins?tab=nonInteractive&range=7d`);
    await settled(page);
    assert.match((await page.locator('.status-line').textContent()) ?? '', /groups of similar sign-ins/);
    await page.getByRole('columnheader', { name: 'Sign-ins', exact: true }).waitFor();
    await shot('09a-non-interactive-grouped');
    const weekAgo = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 7 * 86_400_000)
      .toISOString()
      .slice(0, 19);
    const nonInteractive = await walkGraph(
      server,
      '/beta/auditLogs/signIns',
      `signInEventTypes/any(t: t eq 'nonInteractiveUser') and createdDateTime ge ${weekAgo}Z`,
    );
    const keyOf = (r: Record<string, unknown>) =>
      JSON.stringify([
        r.userPrincipalName,
        r.appDisplayName,
        r.resourceDisplayName,
        r.ipAddress,
        (r.status as { errorCode: number }).errorCode,
      ]);
    const groups = new Map<string, number>();
    for (const r of nonInteractive) groups.set(keyOf(r), (groups.get(keyOf(r)) ?? 0) + 1);
    assert.ok(groups.size < nonInteractive.length, 'similar sign-ins share a group');
    assert.equal(
      Number((await cells(page, 'groupCount'))[0]),
      groups.get(keyOf(nonInteractive[0]!)),
      "the newest group's count",
    );
    while (((await page.locator('.status-line').textContent()) ?? '').includes('+')) {
      const before = await statusCount(page);
      await page.evaluate(`document.querySelector('[data-testid=grid]').scrollTop = 1e9`);
      await page.waitForFunction(
        `Number(document.querySelector('.status-line').textContent.replace(/[^0-9]/g, '')) > ${before}`,
      );
      await settled(page);
    }
    assert.equal(await statusCount(page), groups.size);
    await page.getByRole('button', { name: 'Show each sign-in' }).click();
    await settled(page);
    assert.equal(new URL(page.url()).searchParams.get('group'), 'off');
    await page.getByRole('columnheader', { name: 'Sign-ins', exact: true }).waitFor({ state: 'detached' });
    const exportRequest = page.waitForRequest((r) => r.url().includes('/api/v1/export/'));
    const downloaded = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download' }).click();
    await page.getByRole('menuitem', { name: 'Download CSV' }).click();
    const filter = new URL((await exportRequest).url()).searchParams.get('$filter')!;
    const file = await (await downloaded).path();
    const rows = parse(readFileSync(file), { columns: true }) as Array<Record<string, string>>;
    const api = await walkGraph(server, '/beta/auditLogs/signIns', filter);
    assert.ok(api.length > 100 * 2, `spans several export chunks (${api.length})`);
    assert.equal(rows.length, api.length);
    assert.deepEqual(new Set(rows.map((r) => r.id)), new Set(api.map((r) => r.id)));
    assert.ok(api.length > (await statusCount(page)), 'more than the grid had loaded: the whole set');
    // Scrolling to the end of the grid loads the next keyset pages (@odata.nextLink) until the set ends.
    while (((await page.locator('.status-line').textContent()) ?? '').includes('+')) {
      const before = await statusCount(page);
      await page.evaluate(`document.querySelector('[data-testid=grid]').scrollTop = 1e9`);
      await page.waitForFunction(
        `Number(document.querySelector('.status-line').textContent.replace(/[^0-9]/g, '')) > ${before}`,
      );
      await settled(page);
    }
    assert.equal(await statusCount(page), api.length);
    await page.evaluate(`document.querySelector('[data-testid=grid]').scrollTop = 1e9`);
    await page.locator(`[role=row][aria-rowindex="${api.length}"]`).waitFor();
    assert.ok(
      (await page.locator('[role=row][aria-rowindex]').count()) < 100,
      'only the rows on screen are in the DOM',
    );
    const toast = page.getByRole('status', { name: 'Download progress' });
    await toast.getByText(`Downloaded ${api.length.toLocaleString('en-US')} records (CSV)`).waitFor();
    await shot('09-download');
  });

  it('shows provisioning steps as a timeline, and the risky users and risk detections the API has', async () => {
    await page.getByRole('link', { name: 'Provisioning logs' }).click();
    await settled(page);
    const since = new Date(Date.now() - 86_400_000).toISOString();
    const provisioning = await walkGraph(
      server,
      '/beta/auditLogs/provisioning',
      `activityDateTime ge ${since}`,
    );
    assert.ok(provisioning.length > 0, 'the simulator made provisioning events');
    assert.equal(await statusCount(page), provisioning.length);
    await page.locator('[role=row][aria-rowindex="1"]').click();
    const steps = page.getByRole('list', { name: 'Steps' }).getByRole('listitem');
    await steps.first().waitFor();
    assert.equal(await steps.count(), (provisioning[0]!.provisioningSteps as unknown[]).length);
    await shot('10-provisioning-steps');
    await page.keyboard.press('Escape');

    await page.getByRole('link', { name: 'Risky users' }).click();
    await settled(page);
    const risky = await walkGraph(server, '/beta/identityProtection/riskyUsers', undefined);
    assert.equal(await statusCount(page), risky.length);
    assert.ok((await cells(page, 'upn')).includes(knownRiskyUser.userPrincipalName as string));
    await shot('11-risky-users');

    await page.getByRole('link', { name: 'Risk detections' }).click();
    await settled(page);
    await pickFilter(page, 'Risk level', 'medium', 'select');
    await settled(page);
    const detections = await walkGraph(
      server,
      '/beta/identityProtection/riskDetections',
      `riskLevel eq 'medium' and activityDateTime ge ${since}`,
    );
    assert.ok(detections.some((d) => d.id === knownRiskDetection.id));
    assert.equal(await statusCount(page), detections.length);
    assert.ok((await cells(page, 'riskLevel')).every((c) => c === 'medium'));
    await shot('12-risk-detections');
  });

  it('hides the Custom Security tab from a Global Administrator without attribute-log roles', async () => {
    await page.goto(`${server.url}/audit`);
    await settled(page);
    const tabs = await page.getByRole('tab').allTextContents();
    assert.ok(!tabs.includes('Custom Security'), tabs.join('|'));
    await shot('13-global-admin-no-custom-security');

    const reader = await server.key(['Global Administrator', 'Attribute Log Reader'], DEFAULT_TENANT);
    const other = await context.browser()!.newContext({ viewport: { width: 1280, height: 800 } });
    const p = await other.newPage();
    await signIn(p, reader);
    await p.goto(`${server.url}/audit`);
    await p.getByRole('tab', { name: 'Custom Security' }).click();
    await settled(p);
    assert.equal(new URL(p.url()).searchParams.get('tab'), 'customSecurity');
    assert.equal(await statusCount(p), 1);
    await p.screenshot({ path: `${ARTIFACTS}/14-attribute-reader-custom-security.png` });
    // The large layout: sign-ins at 1920×1080 with a record open.
    await p.setViewportSize({ width: 1920, height: 1080 });
    await p.getByRole('link', { name: 'Sign-in logs' }).click();
    await settled(p);
    await p.locator('[role=row][aria-rowindex="1"]').click();
    await p
      .getByRole('complementary', { name: 'Details' })
      .getByRole('tab', { name: 'Conditional Access' })
      .click();
    await p.screenshot({ path: `${ARTIFACTS}/15-sign-ins-1920x1080.png` });
    await other.close();
  });
});
