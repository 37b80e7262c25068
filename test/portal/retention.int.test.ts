/** The portal's Retention & integrity page, in Chromium: a retention run and its signed purge record show. */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { type Browser, chromium } from 'playwright-core';
import { interactiveSignIn } from '../fixtures/samples.ts';
import { ADMIN_SECRET, startTestServer, type TestServer } from '../helpers/server.ts';
import { ensurePortalBuilt } from './build.ts';

const ARTIFACTS = 'test-artifacts/portal';

describe('portal: retention & integrity page', () => {
  let server: TestServer;
  let browser: Browser;
  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    ensurePortalBuilt();
    server = await startTestServer();
    const old = Array.from({ length: 12 }, (_, i) => ({
      ...interactiveSignIn,
      id: `aged-${i}`,
      createdDateTime: new Date(Date.now() - 45 * 86_400_000 + i * 1000).toISOString(),
    }));
    assert.equal((await server.post('/api/v1/ingest/SignInLogs', old)).status, 200);
    const run = await fetch(`${server.url}/api/v1/retention/run`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_SECRET}` },
    });
    assert.equal(run.status, 200);
    await server.running.integrity.checkpoint();
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

  it('shows each category’s retention, the run and its signed purge record', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${server.url}/`);
    await page.getByLabel('API key').fill(ADMIN_SECRET);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('link', { name: 'Retention & integrity' }).click();
    const purges = page.getByRole('region', { name: 'Purge records' });
    await purges.getByRole('cell', { name: 'SignInLogs' }).waitFor();
    // Category, records, time range, up to seq, purged.
    const row = (await purges.getByRole('row').nth(1).locator('td').allTextContents()).map((t) => t.trim());
    assert.equal(row[0], 'SignInLogs');
    assert.equal(row[1], '12');
    assert.equal(row[3], '12');
    const runs = page.getByRole('region', { name: 'Retention runs' });
    assert.match(String(await runs.textContent()), /12 SignInLogs/);
    const kept = page.getByRole('region', { name: 'Retention', exact: true });
    assert.match(String(await kept.textContent()), /AuditLogs30 days \(default\)/);
    await page.screenshot({ path: `${ARTIFACTS}/retention.png`, fullPage: true });
    await page.close();
  });
});
