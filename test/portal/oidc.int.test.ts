/**
 * The portal signs in through an OIDC provider (authorization code + PKCE). The provider is
 * `oidc-provider` (a certified OpenID Provider implementation) running on loopback: its own login
 * page, a public client that must use PKCE, and JWT access tokens for idtrail's audience carrying
 * Entra's `tid` and `wids` claims. idtrail validates those tokens against the provider's JWKS.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { exportJWK, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';
import { type Browser, chromium } from 'playwright-core';
import { ROLES } from '../../src/registry/roles.ts';
import { interactiveSignIn } from '../fixtures/samples.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { ensurePortalBuilt } from './build.ts';

const ARTIFACTS = 'test-artifacts/portal';
const TENANT = 'd0000000-0000-4000-8000-0000000000d1';
const AUDIENCE = 'api://idtrail';
const CLIENT = 'idtrail-portal';

describe('portal sign-in through an OIDC provider (PKCE)', () => {
  let idp: Server;
  let issuer: string;
  let server: TestServer;
  let browser: Browser;
  const tokenRequests: Array<Record<string, string>> = [];

  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    ensurePortalBuilt();
    const { privateKey } = await generateKeyPair('RS256', { extractable: true });
    const jwk = { ...(await exportJWK(privateKey)), kid: 'idp-1', alg: 'RS256', use: 'sig' };
    // The port first: the issuer URL and the client's redirect URI must be known up front.
    idp = (await import('node:http')).createServer();
    await new Promise<void>((r) => idp.listen(0, '127.0.0.1', r));
    issuer = `http://127.0.0.1:${(idp.address() as AddressInfo).port}`;

    server = await startTestServer({
      oidc: [{ issuer, audience: AUDIENCE, jwksUri: `${issuer}/jwks` }],
      portalOidc: {
        name: 'Test IdP',
        authorizationEndpoint: `${issuer}/auth`,
        tokenEndpoint: `${issuer}/token`,
        clientId: CLIENT,
        scope: 'openid logs.read',
        resource: AUDIENCE,
      },
    });
    const writer = await server.key(['ingest'], TENANT);
    assert.equal(
      (
        await server.post(
          '/api/v1/ingest/SignInLogs',
          [
            {
              ...interactiveSignIn,
              id: 'oidc-signin-1',
              createdDateTime: new Date(Date.now() - 60_000).toISOString(),
            },
          ],
          writer,
        )
      ).status,
      200,
    );

    const provider = new Provider(issuer, {
      clients: [
        {
          client_id: CLIENT,
          token_endpoint_auth_method: 'none',
          application_type: 'web',
          redirect_uris: [`${server.url}/auth/callback`],
          grant_types: ['authorization_code'],
          response_types: ['code'],
        },
      ],
      jwks: { keys: [jwk] },
      pkce: { required: () => true },
      scopes: ['openid', 'logs.read'],
      clientBasedCORS: () => true,
      findAccount: async (_ctx, sub) => ({
        accountId: sub,
        claims: async () => ({ sub, preferred_username: `${sub}@contoso.example` }),
      }),
      features: {
        devInteractions: { enabled: true },
        resourceIndicators: {
          enabled: true,
          defaultResource: async () => AUDIENCE,
          useGrantedResource: async () => true,
          getResourceServerInfo: async () => ({
            scope: 'logs.read',
            audience: AUDIENCE,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: 'RS256' } },
          }),
        },
      },
      // Entra's claims: the tenant and the directory roles (Security Reader).
      extraTokenClaims: async () => ({ tid: TENANT, wids: [ROLES['Security Reader']] }),
    });
    provider.on('grant.success', () => {});
    const callback = provider.callback();
    idp.on('request', (req, res) => {
      if (req.method === 'POST' && req.url?.startsWith('/token')) {
        let body = '';
        req.on('data', (c) => (body += c));
        req.on('end', () => tokenRequests.push(Object.fromEntries(new URLSearchParams(body))));
      }
      callback(req, res);
    });
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: ['--no-sandbox'],
    });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await new Promise((r) => idp?.close(r));
  });

  it('signs in at the provider, comes back with a token and reads the tenant’s logs', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${server.url}/`);
    await page.getByRole('button', { name: 'Sign in with Test IdP' }).click();
    // The provider's own login page.
    await page.locator('input[name="login"]').fill('adele');
    await page.locator('input[name="password"]').fill('any');
    await page.screenshot({ path: `${ARTIFACTS}/oidc-provider-login.png` });
    await page.locator('button[type="submit"]').click();
    // Its consent page: the portal asks for logs.read on idtrail.
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('navigation', { name: 'Navigation' }).waitFor({ timeout: 30_000 });
    await page.screenshot({ path: `${ARTIFACTS}/oidc-signed-in.png` });
    assert.match(String(await page.locator('.who').textContent()), /^adele · Security Reader$/);
    // PKCE: the token request carried the verifier, and no client secret.
    const req = tokenRequests.at(-1)!;
    assert.equal(req.grant_type, 'authorization_code');
    assert.ok(req.code_verifier && req.code_verifier.length >= 43);
    assert.equal(req.client_secret, undefined);
    // The token reads this tenant's sign-ins through the portal.
    await page.getByRole('link', { name: 'Sign-in logs' }).click();
    await page.waitForFunction(`document.body.innerText.includes('Office 365 Exchange Online')`, undefined, {
      timeout: 30_000,
    });
    await page.close();
  });

  it('refuses a callback that does not match a sign-in started here', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/auth/callback?code=forged&state=forged`);
    await page.getByRole('alert').waitFor();
    assert.match(
      String(await page.getByRole('alert').textContent()),
      /does not match a sign-in started here/,
    );
    await page.close();
  });
});
