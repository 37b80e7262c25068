/**
 * OIDC bearer tokens: keys minted here with jose, served by a local JWKS endpoint on loopback, and
 * tokens shaped like Entra's (tid, wids, roles, oid, azp). Checks what a token grants and every
 * way a token is refused.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { ROLES } from '../src/registry/roles.ts';
import { interactiveSignIn, SAMPLES } from './fixtures/samples.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';

type Rec = Record<string, unknown>;
type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
const TENANT_A = 'aaaaaaaa-0000-4000-8000-00000000000a';
const TENANT_B = 'bbbbbbbb-0000-4000-8000-00000000000b';
const AUDIENCE = 'api://idtrail';
const ISSUER_TEMPLATE = 'https://login.example.test/{tenantid}/v2.0';
const issuerOf = (tid: string) => ISSUER_TEMPLATE.replace('{tenantid}', tid);

describe('OIDC bearer tokens', () => {
  let jwksServer: Server;
  let server: TestServer;
  let signingKey: PrivateKey;
  let strangerKey: PrivateKey;
  let hmacSecret: Uint8Array;
  const publicJwks: JWK[] = [];

  const token = async (
    claims: Rec,
    opts: { key?: PrivateKey; kid?: string; alg?: string; exp?: string } = {},
  ) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: opts.alg ?? 'RS256', kid: opts.kid ?? 'k1' })
      .setIssuedAt()
      .setIssuer((claims.iss as string) ?? issuerOf(claims.tid as string))
      .setAudience((claims.aud as string) ?? AUDIENCE)
      .setExpirationTime(opts.exp ?? '10m')
      .sign(opts.key ?? signingKey);

  const user = (tid: string, wids: string[], extra: Rec = {}) => ({
    tid,
    wids,
    oid: '11111111-2222-4333-8444-555555555555',
    preferred_username: 'analyst@contoso.example',
    azp: '04b07795-8ddb-461a-bbee-02f9e1bf7b46',
    ...extra,
  });

  const get = (path: string, bearer: string) =>
    fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${bearer}` } });

  before(async () => {
    const pair = await generateKeyPair('RS256');
    signingKey = pair.privateKey;
    strangerKey = (await generateKeyPair('RS256')).privateKey;
    hmacSecret = new TextEncoder().encode('a shared secret that must never be accepted!');
    publicJwks.push({ ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' });
    jwksServer = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: publicJwks }));
    });
    await new Promise<void>((r) => jwksServer.listen(0, '127.0.0.1', r));
    const jwksUri = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/discovery/v2.0/keys`;
    server = await startTestServer({ oidc: [{ issuer: ISSUER_TEMPLATE, audience: AUDIENCE, jwksUri }] });
    for (const tenant of [TENANT_A, TENANT_B]) {
      const writer = await server.key(['ingest'], tenant);
      const rec = { ...interactiveSignIn, id: `signin-${tenant.slice(0, 8)}` };
      assert.equal((await server.post('/api/v1/ingest/SignInLogs', [rec], writer)).status, 200);
      const csa = SAMPLES.CustomSecurityAttributeAuditLogs!;
      assert.equal(
        (await server.post('/api/v1/ingest/CustomSecurityAttributeAuditLogs', [csa], writer)).status,
        200,
      );
    }
  });
  after(async () => {
    await server.close();
    await new Promise((r) => jwksServer.close(r));
  });

  it('a Security Reader token (wids) reads its own tenant’s sign-ins and nothing of another tenant', async () => {
    const bearer = await token(user(TENANT_A, [ROLES['Security Reader']]));
    const res = await get('/v1.0/auditLogs/signIns', bearer);
    assert.equal(res.status, 200);
    const ids = ((await res.json()) as { value: Rec[] }).value.map((r) => r.id);
    assert.deepEqual(ids, [`signin-${TENANT_A.slice(0, 8)}`]);
    const other = await get(`/v1.0/auditLogs/signIns/signin-${TENANT_B.slice(0, 8)}`, bearer);
    assert.equal(other.status, 404);
  });

  it('maps wids to roles: a Global Administrator does not read attribute audits; an Attribute Log Reader does', async () => {
    const admin = await token(user(TENANT_A, [ROLES['Global Administrator']]));
    assert.equal((await get('/beta/auditLogs/customSecurityAttributeAudits', admin)).status, 403);
    const attr = await token(user(TENANT_A, [ROLES['Attribute Log Reader']]));
    const res = await get('/beta/auditLogs/customSecurityAttributeAudits', attr);
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { value: Rec[] }).value.length, 1);
    // Unknown template ids grant nothing.
    const unknown = await token(user(TENANT_A, ['00000000-1111-2222-3333-444444444444']));
    assert.equal((await get('/v1.0/auditLogs/signIns', unknown)).status, 401);
  });

  it('maps app roles (roles claim) for app-only tokens: an ingest app writes but cannot read', async () => {
    const app = await token({
      tid: TENANT_A,
      roles: ['Ingest'],
      azp: 'c0ffee00-0000-4000-8000-000000000001',
    });
    const rec = { ...interactiveSignIn, id: 'via-oidc-app' };
    const res = await fetch(`${server.url}/api/v1/ingest/SignInLogs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${app}`, 'content-type': 'application/json' },
      body: JSON.stringify([rec]),
    });
    assert.equal(res.status, 200, await res.clone().text());
    assert.equal((await get('/v1.0/auditLogs/signIns', app)).status, 403);
    const reader = await token({
      tid: TENANT_A,
      roles: ['SecurityReader'],
      azp: 'c0ffee00-0000-4000-8000-000000000002',
    });
    const list = (await (await get('/v1.0/auditLogs/signIns', reader)).json()) as { value: Rec[] };
    assert.ok(
      list.value.some((r) => r.id === 'via-oidc-app'),
      'stored in the token’s tenant',
    );
  });

  const refusals: Array<[string, () => Promise<string>, RegExp]> = [
    ['expired', () => token(user(TENANT_A, [ROLES['Security Reader']]), { exp: '-5m' }), /expired/],
    [
      'wrong audience',
      () => token({ ...user(TENANT_A, [ROLES['Security Reader']]), aud: 'api://other' }),
      /audience/,
    ],
    [
      'untrusted issuer',
      () => token({ ...user(TENANT_A, [ROLES['Security Reader']]), iss: 'https://evil.example/v2.0' }),
      /issuer/,
    ],
    [
      'issuer of another tenant than tid',
      () => token({ ...user(TENANT_A, [ROLES['Security Reader']]), iss: issuerOf(TENANT_B) }),
      /another tenant/,
    ],
    [
      'signed by an unknown key',
      () => token(user(TENANT_A, [ROLES['Security Reader']]), { key: strangerKey }),
      /signature/i,
    ],
    ['unknown kid', () => token(user(TENANT_A, [ROLES['Security Reader']]), { kid: 'nope' }), /key/i],
    [
      'HMAC with a shared secret',
      async () =>
        new SignJWT(user(TENANT_A, [ROLES['Security Reader']]))
          .setProtectedHeader({ alg: 'HS256', kid: 'k1' })
          .setIssuer(issuerOf(TENANT_A))
          .setAudience(AUDIENCE)
          .setExpirationTime('10m')
          .sign(hmacSecret),
      /algorithm/,
    ],
    [
      'alg none',
      async () => {
        const enc = (o: Rec) => Buffer.from(JSON.stringify(o)).toString('base64url');
        const exp = Math.floor(Date.now() / 1000) + 600;
        return `${enc({ alg: 'none' })}.${enc({ ...user(TENANT_A, [ROLES['Global Administrator']]), iss: issuerOf(TENANT_A), aud: AUDIENCE, exp })}.`;
      },
      /algorithm|verified/,
    ],
    [
      'no tid',
      async () =>
        token({
          ...user(TENANT_A, [ROLES['Security Reader']]),
          tid: undefined,
          iss: 'https://login.example.test/aaaaaaaa-0000-4000-8000-00000000000a/v2.0',
        }),
      /tid/,
    ],
  ];
  for (const [name, make, message] of refusals) {
    it(`refuses a token: ${name} → 401 in Graph's shape`, async () => {
      const res = await get('/v1.0/auditLogs/signIns', await make());
      assert.equal(res.status, 401);
      const body = (await res.json()) as { error: Rec };
      assert.equal(body.error.code, 'InvalidAuthenticationToken');
      assert.match(String(body.error.message), message);
      assert.match(String(res.headers.get('www-authenticate')), /invalid_token/);
    });
  }

  it('API keys keep working beside tokens', async () => {
    const key = await server.key(['Security Reader'], TENANT_B);
    const res = await get('/v1.0/auditLogs/signIns', key);
    assert.equal(res.status, 200);
  });
});
