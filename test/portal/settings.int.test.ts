/**
 * The portal's Diagnostic settings page, in Chromium against a real server: a filesystem
 * destination and a setting are created in the UI, records are ingested, the delivered count
 * rises on screen by itself (auto-refresh) and the archive file appears on disk. Editing keeps a
 * write-only secret, deleting works, and roles without diagnostic-settings rights do not see it.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Browser, chromium, type Page } from 'playwright-core';
import { SAMPLES } from '../fixtures/samples.ts';
import { ADMIN_SECRET, startTestServer, type TestServer, tempDataDir } from '../helpers/server.ts';
import { waitFor } from '../helpers/wait.ts';
import { ensurePortalBuilt } from './build.ts';

const ARTIFACTS = 'test-artifacts/portal';
type Rec = Record<string, unknown>;

function archiveFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    if (!existsSync(d)) return;
    for (const e of readdirSync(d)) {
      const p = path.join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(p);
    }
  };
  walk(dir);
  return out;
}

async function signIn(page: Page, url: string, key: string): Promise<void> {
  await page.goto(`${url}/`);
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByRole('navigation', { name: 'Navigation' }).waitFor();
}

describe('portal: diagnostic settings page', () => {
  let server: TestServer;
  let browser: Browser;
  const archive = tempDataDir('idtrail-portal-archive-');
  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    ensurePortalBuilt();
    server = await startTestServer({ routerBackoffMaxMs: 1_000 });
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: ['--no-sandbox'],
    });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    archive.remove();
  });

  it('creates a destination and a setting in the UI; delivery shows live and the archive file appears', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.accept();
    });
    await signIn(page, server.url, ADMIN_SECRET);
    await page.getByRole('link', { name: 'Diagnostic settings' }).click();
    const dests = page.getByRole('region', { name: 'Destinations' });
    await dests.getByText('No destination yet.').waitFor();

    // A filesystem destination, from the form built from /api/v1/destinationTypes.
    await dests.getByRole('button', { name: 'Add destination' }).click();
    const dform = page.getByRole('form', { name: 'Destination' });
    await dform.getByLabel('Destination name').fill('ui-archive');
    await dform.getByLabel('Type').selectOption('filesystem');
    await dform.getByLabel('path').fill(archive.dir);
    await dform.getByRole('button', { name: 'Save destination' }).click();
    const row = dests.locator('tr[data-destination="ui-archive"]');
    await row.waitFor();
    assert.match(String(await row.textContent()), /filesystem/);
    assert.match(String(await row.textContent()), /unused/);

    // A webhook with a secret: write-only, kept when the destination is edited without it.
    await dests.getByRole('button', { name: 'Add destination' }).click();
    await dform.getByLabel('Destination name').fill('ui-hook');
    await dform.getByLabel('Type').selectOption('webhook');
    await dform.getByLabel('url').fill('https://siem.example/in');
    await dform.getByLabel('secret').fill('a-webhook-secret-0123456789');
    await dform.getByRole('button', { name: 'Save destination' }).click();
    await dests.locator('tr[data-destination="ui-hook"]').waitFor();
    await dests.getByRole('button', { name: 'Edit destination ui-hook' }).click();
    assert.equal(await dform.getByLabel('secret').inputValue(), '', 'the secret is never shown');
    assert.equal(await dform.getByLabel('secret').getAttribute('placeholder'), 'set — leave empty to keep');
    await dform.getByLabel('url').fill('https://siem.example/other');
    await dform.getByRole('button', { name: 'Save destination' }).click();
    await dform.waitFor({ state: 'detached' });
    const hook = (await (await server.get('/api/v1/destinations/ui-hook')).json()) as Rec;
    assert.equal(hook.url, 'https://siem.example/other');
    assert.deepEqual(hook.secretsSet, ['secret']);
    assert.ok(!JSON.stringify(hook).includes('a-webhook-secret'));

    // A diagnostic setting: categories from /api/v1/diagnosticSettingsCategories, the archive by name.
    const settings = page.getByRole('region', { name: 'Diagnostic settings' });
    await settings.getByRole('button', { name: 'Add diagnostic setting' }).click();
    const sform = page.getByRole('form', { name: 'Diagnostic setting' });
    await sform.getByLabel('Setting name').fill('ui-setting');
    await sform.getByLabel('SignInLogs', { exact: true }).check();
    await sform.getByLabel('AuditLogs', { exact: true }).check();
    await sform.getByLabel('Archive (storage)').selectOption('ui-archive');
    await sform.getByRole('button', { name: 'Save setting' }).click();
    await settings.getByRole('cell', { name: 'ui-setting', exact: true }).waitFor();
    const stored = (await (await server.get('/api/v1/diagnosticSettings/ui-setting')).json()) as Rec;
    const props = stored.properties as Rec;
    assert.equal(props.storageAccountId, 'ui-archive');
    assert.deepEqual((props.logs as Rec[]).map((l) => l.category).sort(), ['AuditLogs', 'SignInLogs']);

    // Ingest: the page's delivered count rises on its own and the file appears.
    const n = 25;
    const records = Array.from({ length: n }, (_, i) => ({ ...SAMPLES.SignInLogs, id: `portal-route-${i}` }));
    assert.equal((await server.post('/api/v1/ingest/SignInLogs', records)).status, 200);
    await waitFor('the delivered count on the page', async () => {
      return (await row.locator('td[data-field="delivered"]').textContent())?.trim() === String(n);
    });
    assert.equal((await row.locator('td[data-field="lag"]').textContent())?.trim(), '0');
    const files = archiveFiles(archive.dir);
    assert.equal(files.length, 1);
    assert.match(
      files[0]!,
      /insights-logs-signinlogs\/tenantId=[^/]+\/y=\d{4}\/m=\d{2}\/d=\d{2}\/h=\d{2}\/m=00\/PT1H\.json$/,
    );
    assert.equal(readFileSync(files[0]!, 'utf8').trim().split('\n').length, n);

    // Editing a setting shows its categories checked and keeps its cursors: a category added later starts now.
    await settings.getByRole('button', { name: 'Edit setting ui-setting' }).click();
    assert.equal(await sform.getByLabel('SignInLogs', { exact: true }).isChecked(), true);
    assert.equal(await sform.getByLabel('Setting name').isDisabled(), true);
    await sform.getByLabel('ProvisioningLogs', { exact: true }).check();
    await sform.getByRole('button', { name: 'Save setting' }).click();
    await sform.waitFor({ state: 'detached' });
    const edited = (await (await server.get('/api/v1/diagnosticSettings/ui-setting')).json()) as Rec;
    assert.deepEqual(((edited.properties as Rec).logs as Rec[]).map((l) => l.category).sort(), [
      'AuditLogs',
      'ProvisioningLogs',
      'SignInLogs',
    ]);
    assert.equal((edited.properties as Rec).storageAccountId, 'ui-archive');

    // Per-route health.
    await row.getByRole('button', { name: 'Routes of ui-archive' }).click();
    const routes = dests.locator('tr.route-row');
    await routes.first().waitFor();
    const routeText = (await routes.allTextContents()).join('\n');
    assert.match(routeText, /ui-setting · SignInLogs/);
    assert.match(routeText, /ui-setting · AuditLogs/);
    assert.match(routeText, /ui-setting · ProvisioningLogs/);
    assert.equal((await row.locator('td[data-field="delivered"]').textContent())?.trim(), String(n));
    await page.screenshot({ path: `${ARTIFACTS}/diagnostic-settings.png`, fullPage: true });

    // A destination in use cannot be deleted: the API's refusal is shown. An unused one can.
    await dests.getByRole('button', { name: 'Delete destination ui-archive' }).click();
    await waitFor('the refusal', () => dialogs.some((m) => /is used by diagnostic setting/.test(m)));
    assert.equal(await row.count(), 1);
    await dests.getByRole('button', { name: 'Delete destination ui-hook' }).click();
    await dests.locator('tr[data-destination="ui-hook"]').waitFor({ state: 'detached' });
    await settings.getByRole('button', { name: 'Delete setting ui-setting' }).click();
    await settings.getByText('No diagnostic setting yet.').waitFor();
    assert.equal((await server.get('/api/v1/diagnosticSettings/ui-setting')).status, 404);
    await page.close();
  });

  it('is shown only to the roles that manage diagnostic settings', async () => {
    const reader = await server.key(['Security Reader'], '00000000-0000-0000-0000-000000000000');
    const secAdmin = await server.key(['Security Administrator'], '00000000-0000-0000-0000-000000000000');
    const page = await browser.newPage();
    await signIn(page, server.url, reader);
    assert.equal(await page.getByRole('link', { name: 'Diagnostic settings' }).count(), 0);
    // Even by its address, the page is not offered: the shell falls back to a log view.
    await page.goto(`${server.url}/diagnostic-settings`);
    await page.getByRole('navigation', { name: 'Navigation' }).waitFor();
    assert.equal(await page.getByRole('heading', { name: 'Diagnostic settings' }).count(), 0);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn(page, server.url, secAdmin);
    await page.getByRole('link', { name: 'Diagnostic settings' }).click();
    await page.getByRole('region', { name: 'Destinations' }).waitFor();
    await page.close();
  });
});
