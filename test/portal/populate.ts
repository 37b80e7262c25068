/**
 * Test data for the portal tests, always through the real ingest API: the simulator's tenant
 * (httpSink → POST /api/v1/ingest) plus a few known records whose details the tests read.
 */

import { DEFAULT_TENANT } from '../../src/security/api-keys.ts';
import { run } from '../../src/simulate/engine.ts';
import { GENERATORS } from '../../src/simulate/generators/index.ts';
import { httpSink } from '../../src/simulate/sinks.ts';
import { adfsSignIn, customSecurityAttributeAudit, directoryAudit } from '../fixtures/samples.ts';
import { riskDetection, riskyUser } from '../fixtures/secondary-samples.ts';
import type { TestServer } from '../helpers/server.ts';

const HOUR = 3_600_000;

/** A directory audit with known modified properties, an hour ago. */
export const knownAudit = {
  ...directoryAudit,
  id: 'Directory_portal-test_0001',
  correlationId: '0b6b4c55-9a3e-4c1e-8d7f-portal000001'.replace('portal', 'aaaaaa'),
  activityDateTime: new Date(Date.now() - HOUR).toISOString(),
  targetResources: [
    {
      id: 'c3a8f2d4-7b1e-4f6a-9d2c-5e8b0a1f3c47',
      displayName: 'Portal Test Target',
      type: 'User',
      userPrincipalName: 'portal.target@contoso.com',
      groupType: null,
      modifiedProperties: [
        { displayName: 'AccountEnabled', oldValue: '[false]', newValue: '[true]' },
        { displayName: 'DisplayName', oldValue: '["Old Name"]', newValue: '["Portal Test Target"]' },
      ],
    },
  ],
};

export const knownAttributeAudit = {
  ...customSecurityAttributeAudit,
  id: 'CSA_portal-test_0001',
  activityDateTime: new Date(Date.now() - HOUR).toISOString(),
};

const recent = new Date(Date.now() - 2 * HOUR).toISOString();
/** A risky user and a risk detection (the simulator's attacks are rare in a small tenant). */
export const knownRiskyUser: Record<string, unknown> = { ...riskyUser, riskLastUpdatedDateTime: recent };
export const knownRiskDetection: Record<string, unknown> = {
  ...riskDetection,
  activityDateTime: recent,
  detectedDateTime: recent,
  lastUpdatedDateTime: recent,
};

/**
 * AD FS sign-ins over the last 5 hours, more than a portal page (200): the simulator makes only a
 * few a workday. Every third is Alice's, every seventh failed.
 */
export const knownAdfsSignIns: Array<Record<string, unknown>> = Array.from({ length: 250 }, (_, i) => {
  const time = new Date(Date.now() - HOUR / 2 - i * 60_000).toISOString();
  const alice = i % 3 === 0;
  return {
    ...adfsSignIn,
    id: `adf5${String(i).padStart(4, '0')}-0a9b-4c8d-9e7f-6a5b4c3d2e1f`,
    createdDateTime: time,
    correlationId: `c0adf500-0000-4000-8000-${String(i).padStart(12, '0')}`,
    userPrincipalName: alice ? 'alice.adfs@contoso.com' : `user${i}@contoso.com`,
    userDisplayName: alice ? 'Alice Adfs' : `User ${i}`,
    status:
      i % 7 === 0
        ? { errorCode: 50126, failureReason: 'Invalid username or password.', additionalDetails: null }
        : { errorCode: 0, failureReason: 'Other.', additionalDetails: null },
    authenticationDetails: [
      { ...(adfsSignIn.authenticationDetails as object[])[0], authenticationStepDateTime: time },
    ],
  };
});

/** Fills the default tenant: `hours` of simulated activity ending at the last full hour. */
export async function populate(server: TestServer, users: number, hours: number): Promise<number> {
  const to = Math.floor(Date.now() / HOUR) * HOUR;
  const sink = httpSink(server.url, server.adminKey);
  const result = await run(
    { seed: 'portal', users, from: to - hours * HOUR, to, tenantId: DEFAULT_TENANT, generators: GENERATORS },
    sink,
  );
  await sink.close?.();
  for (const [category, record] of [
    ['AuditLogs', knownAudit],
    ['CustomSecurityAttributeAuditLogs', knownAttributeAudit],
    ['RiskyUsers', knownRiskyUser],
    ['UserRiskEvents', knownRiskDetection],
  ] as const) {
    const res = await server.post(`/api/v1/ingest/${category}`, [record]);
    if (!res.ok) throw new Error(`ingest ${category}: ${res.status} ${await res.text()}`);
  }
  const adfs = await server.post('/api/v1/ingest/ADFSSignInLogs', knownAdfsSignIns);
  if (!adfs.ok) throw new Error(`ingest ADFSSignInLogs: ${adfs.status} ${await adfs.text()}`);
  return result.records + 4 + knownAdfsSignIns.length;
}

/** A KQL query's rows through the Log Analytics query API, as objects (the API's view of a table). */
export async function kqlRows(
  server: TestServer,
  tenant: string,
  query: string,
): Promise<Array<Record<string, unknown>>> {
  const res = await fetch(`${server.url}/v1/workspaces/${tenant}/query`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.adminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
  });
  if (!res.ok) throw new Error(`${query}: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as {
    tables: Array<{ columns: Array<{ name: string }>; rows: unknown[][] }>;
  };
  const t = body.tables[0]!;
  return t.rows.map((r) => Object.fromEntries(t.columns.map((c, i) => [c.name, r[i]])));
}

/** Every record of a Graph list with a filter, walking @odata.nextLink (the API's view of the set). */
export async function walkGraph(
  server: TestServer,
  list: string,
  filter: string | undefined,
  key = server.adminKey,
): Promise<Array<Record<string, unknown>>> {
  // The largest page each list allows (identity protection: 500).
  const q = new URLSearchParams({ $top: list.includes('/identityProtection/') ? '500' : '1000' });
  if (filter) q.set('$filter', filter);
  let url: string | undefined = `${server.url}${list}?${q.toString()}`;
  const out: Array<Record<string, unknown>> = [];
  while (url) {
    const res = await fetch(url, { headers: { authorization: `Bearer ${key}` } });
    if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
    const body = (await res.json()) as { value: Array<Record<string, unknown>>; '@odata.nextLink'?: string };
    out.push(...body.value);
    url = body['@odata.nextLink'];
  }
  return out;
}
