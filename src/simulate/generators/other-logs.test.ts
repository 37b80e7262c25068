/**
 * Provisioning, Microsoft Graph activity and Global Secure Access generators over 30 days of a
 * 1000-user tenant: content, cadence, consistency with the joiner / leaver plan, determinism,
 * and real ingest validation of every record.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { prepareItems } from '../../ingest/prepare.ts';
import { AuditCatalog } from '../../registry/catalog/catalog.ts';
import { logType } from '../../registry/log-types.ts';
import { Rng } from '../rng.ts';
import { buildTenant, type Tenant } from '../tenant.ts';
import { DAY, type Generator, HOUR, type SimContext } from '../types.ts';
import { enrichedOffice365Audit, networkAccessTraffic, remoteNetworkHealth } from './global-secure-access.ts';
import { graphActivity } from './graph-activity.ts';
import { CYCLE_INTERVAL, lifecycleForDay, provisioningCycles } from './provisioning.ts';

const SEED = '7';
const USERS = 1000;
const DAYS = 30;
const FROM = Date.UTC(2024, 4, 1);
const TO = FROM + DAYS * DAY;

// biome-ignore lint/suspicious/noExplicitAny: the tests read generated records field by field.
type Rec = Record<string, any>;

const GENERATORS: Generator[] = [
  provisioningCycles,
  graphActivity,
  networkAccessTraffic,
  remoteNetworkHealth,
  enrichedOffice365Audit,
];

function hourOf(g: Generator, ctx: SimContext, hourStart: number): [string, Rec][] {
  const out: [string, Rec][] = [];
  g.hour(ctx, hourStart, new Rng(`${ctx.seed}:${g.name}:${hourStart}`), (c, r) => out.push([c, r as Rec]));
  return out;
}

let tenant: Tenant;
let ctx: SimContext;
const byCat = new Map<string, Rec[]>();
const sampleHour = FROM + 8 * DAY + 16 * HOUR;
const sampled = new Map<string, string>();
const genMs = new Map<string, number>();

before(() => {
  tenant = buildTenant({ seed: 7, users: USERS });
  ctx = { tenant, seed: SEED, from: FROM, to: TO };
  for (const g of GENERATORS) {
    const t0 = performance.now();
    for (let h = FROM; h < TO; h += HOUR) {
      const recs = hourOf(g, ctx, h);
      for (const [c, r] of recs) {
        const list = byCat.get(c) ?? [];
        list.push(r);
        byCat.set(c, list);
      }
      if (h === sampleHour) sampled.set(g.name, JSON.stringify(recs));
    }
    genMs.set(g.name, performance.now() - t0);
  }
});

const catalog = AuditCatalog.load();
const recs = (c: string) => byCat.get(c) ?? [];

describe('secondary log generators over 30 days × 1000 users', () => {
  it('produce every category at a modest volume', (t) => {
    for (const [name, ms] of genMs) t.diagnostic(`${name}: ${Math.round(ms)} ms`);
    const perDay: Record<string, [number, number]> = {
      ProvisioningLogs: [80, 600],
      MicrosoftGraphActivityLogs: [1000, 8000],
      NetworkAccessTrafficLogs: [500, 6000],
      RemoteNetworkHealthLogs: [150, 1000],
      EnrichedOffice365AuditLogs: [200, 3000],
    };
    for (const [c, [lo, hi]] of Object.entries(perDay)) {
      const n = recs(c).length / DAYS;
      t.diagnostic(`${c}: ${Math.round(n)} records/day`);
      assert.ok(n >= lo && n <= hi, `${c}: ${n}/day`);
    }
  });

  it('pass real ingest validation for every record', () => {
    for (const [c, list] of byCat) {
      const res = prepareItems(logType(c), list, { catalog, catalogMode: 'strict' });
      assert.deepEqual(res.errors.slice(0, 3), [], c);
      assert.equal(res.records.length, list.length, c);
    }
  });

  it('are deterministic: an hour regenerated alone is byte-identical; another seed differs', () => {
    const fresh = { ...ctx, tenant: buildTenant({ seed: 7, users: USERS }) };
    for (const g of GENERATORS) {
      assert.equal(JSON.stringify(hourOf(g, ctx, sampleHour)), sampled.get(g.name), g.name);
      assert.equal(
        JSON.stringify(hourOf(g, fresh, sampleHour)),
        sampled.get(g.name),
        `${g.name} (fresh tenant)`,
      );
      assert.notEqual(
        JSON.stringify(hourOf(g, { ...ctx, seed: '8' }, sampleHour)),
        sampled.get(g.name),
        `${g.name} (seed 8)`,
      );
    }
  });
});

describe('provisioningCycles', () => {
  const prov = () => recs('ProvisioningLogs');

  it('runs Workday → Active Directory and Entra → ServiceNow, Salesforce, Adobe', () => {
    const pairs = new Set(prov().map((r) => `${r.sourceSystem.displayName} → ${r.targetSystem.displayName}`));
    assert.deepEqual([...pairs].sort(), [
      'Azure Active Directory → Adobe Creative Cloud',
      'Azure Active Directory → Salesforce',
      'Azure Active Directory → ServiceNow',
      'Workday → Active Directory',
    ]);
    for (const r of prov()) {
      assert.deepEqual(r.initiatedBy, {
        id: '',
        displayName: 'Azure AD Provisioning Service',
        initiatorType: 'system',
      });
      assert.match(r.jobId, new RegExp(`^[A-Za-z0-9]+\\.[0-9a-f]{32}\\.${tenant.id}$`));
      assert.ok(Number.isInteger(r.durationInMilliseconds) && r.durationInMilliseconds > 0);
    }
    assert.ok(prov().some((r) => r.jobId.startsWith('Workday2AD.')));
  });

  it('runs a cycle every 40 minutes per job', () => {
    const starts = new Map<string, Map<string, number>>();
    for (const r of prov()) {
      const m = starts.get(r.jobId) ?? new Map<string, number>();
      const t = Date.parse(r.activityDateTime);
      m.set(r.cycleId, Math.min(m.get(r.cycleId) ?? Infinity, t));
      starts.set(r.jobId, m);
    }
    for (const [job, cycles] of starts) {
      const ts = [...cycles.values()].sort((a, b) => a - b);
      // Cycles with nothing to report leave no record; the ones that do sit on the 40-minute grid.
      for (let i = 1; i < ts.length; i++) {
        const gap = ts[i]! - ts[i - 1]!;
        const k = Math.round(gap / CYCLE_INTERVAL);
        assert.ok(k >= 1 && Math.abs(gap - k * CYCLE_INTERVAL) < 30_000, `${job}: gap ${gap}`);
      }
      assert.ok(cycles.size > DAYS * 10, `${job}: ${cycles.size} cycles`);
    }
  });

  it('has skipped steps and failures, each with its reason', () => {
    const skipped = prov().filter((r) => r.provisioningStatusInfo.status === 'skipped');
    const failed = prov().filter((r) => r.provisioningStatusInfo.status === 'failure');
    assert.ok(skipped.length > prov().length / 3, 'mostly skipped');
    assert.ok(failed.length > 10 && failed.length < prov().length * 0.06, `${failed.length} failures`);
    for (const r of skipped) {
      const step = r.provisioningSteps.find((s: Rec) => s.status === 'skipped');
      assert.ok(step, 'a skipped step');
      assert.match(step.description, /will be skipped\. Reason: .+/);
      assert.ok(step.details.SkipReason);
      assert.equal(r.provisioningStatusInfo.errorInformation, null);
    }
    const codes = new Set<string>();
    for (const r of failed) {
      const e = r.provisioningStatusInfo.errorInformation;
      assert.ok(e.errorCode && e.reason && e.recommendedAction, JSON.stringify(e));
      assert.ok(['failure', 'nonServiceFailure'].includes(e.errorCategory));
      assert.ok(
        r.provisioningSteps.some((s: Rec) => s.provisioningStepType === 'export' && s.status === 'failure'),
      );
      codes.add(e.errorCode);
    }
    assert.ok(codes.size >= 5, [...codes].join(', '));
    const reasons = new Set(
      skipped.map((r) => r.provisioningSteps.find((s: Rec) => s.status === 'skipped').details.SkipReason),
    );
    for (const why of ['NotEffectivelyEntitled', 'RedundantExport', 'NotInScope'])
      assert.ok(reasons.has(why), why);
  });

  it('walks each record through import, scoping, matching and export', () => {
    for (const r of prov().filter((x) => x.provisioningStatusInfo.status !== 'skipped')) {
      assert.deepEqual(
        r.provisioningSteps.map((s: Rec) => s.provisioningStepType),
        ['import', 'scoping', 'matching', 'export'],
      );
      assert.ok(r.modifiedProperties.length > 0);
    }
    const actions = new Set(prov().map((r) => r.provisioningAction));
    for (const a of ['create', 'update', 'disable', 'other']) assert.ok(actions.has(a), a);
  });

  it('creates and disables the HR plan’s joiners and leavers at the cycle after the HR change', () => {
    let joiners = 0;
    let leavers = 0;
    const wd = prov().filter((r) => r.jobId.startsWith('Workday2AD.'));
    const saas = prov().filter((r) => !r.jobId.startsWith('Workday2AD.'));
    for (let d = Math.floor(FROM / DAY); d < Math.floor(TO / DAY) - 1; d++) {
      const plan = lifecycleForDay(ctx, d);
      for (const j of plan.joiners) {
        if (j.adTime !== null && j.adTime >= FROM && j.adTime < TO) {
          const rec = wd.find(
            (r) => r.provisioningAction === 'create' && r.sourceIdentity.id === j.employeeId,
          );
          assert.ok(rec, `Workday2AD create for ${j.displayName}`);
          const t = Date.parse(rec.activityDateTime);
          assert.ok(
            t >= j.hrTime && t - j.hrTime < CYCLE_INTERVAL + 2 * 60_000,
            'picked up by the next cycle',
          );
          joiners++;
        }
        if (j.entraTime + HOUR < TO) {
          const created = saas.filter(
            (r) => r.provisioningAction === 'create' && r.sourceIdentity.id === j.id,
          );
          assert.equal(created.length, j.saas.length, `${j.displayName}: ${j.saas.join(', ')}`);
          for (const r of created) assert.ok(Date.parse(r.activityDateTime) > j.entraTime);
        }
      }
      for (const l of plan.leavers) {
        if (l.adTime < FROM || l.adTime >= TO) continue;
        assert.ok(
          wd.some((r) => r.provisioningAction === 'disable' && r.sourceIdentity.id === l.employeeId),
          `disable ${l.user.displayName}`,
        );
        leavers++;
      }
    }
    assert.ok(joiners >= 8, `${joiners} joiners`);
    assert.ok(leavers >= 5, `${leavers} leavers`);
  });
});

describe('graphActivity', () => {
  const g = () => recs('MicrosoftGraphActivityLogs');

  it('serves mostly 200s, with writes and the usual errors', () => {
    const codes = new Map<number, number>();
    for (const r of g()) codes.set(r.responseStatusCode, (codes.get(r.responseStatusCode) ?? 0) + 1);
    assert.ok(codes.get(200)! / g().length > 0.8);
    for (const c of [201, 202, 204, 400, 401, 403, 404, 429, 503]) assert.ok(codes.has(c), String(c));
    for (const r of g()) {
      if (r.responseStatusCode === 204) assert.equal(r.responseSizeBytes, 0);
      if (r.requestMethod === 'PATCH' && r.responseStatusCode < 300) assert.equal(r.responseStatusCode, 204);
      assert.match(r.requestUri, /^https:\/\/graph\.microsoft\.com\/(v1\.0|beta)\//);
      assert.ok(r.requestUri.includes(`/${r.apiVersion}/`));
      assert.ok(Date.parse(r.tokenIssuedAt) <= Date.parse(r.timeGenerated));
    }
  });

  it('has app-only calls (roles, no user) and delegated calls (scopes, user, wids)', () => {
    const app = g().filter((r) => r.userId === null);
    const delegated = g().filter((r) => r.userId !== null);
    assert.ok(app.length > 0 && delegated.length > 0);
    assert.ok(app.every((r) => r.roles && !r.scopes && [1, 2].includes(r.clientAuthMethod)));
    assert.ok(
      delegated.every((r) => r.scopes && !r.roles && r.wids.includes('b79fbf4d-3ef9-4689-8143-76b194e85509')),
    );
    const spIds = new Set(tenant.servicePrincipals.map((s) => s.id));
    assert.ok(
      app.some((r) => spIds.has(r.servicePrincipalId)),
      'the tenant’s service principals call Graph',
    );
    const paths = new Set(
      g().map(
        (r) => `${r.requestMethod} ${r.requestUri.replace(/\?.*$/, '').replace(/[0-9a-f-]{36}/g, '{id}')}`,
      ),
    );
    for (const p of [
      'GET https://graph.microsoft.com/v1.0/users',
      'GET https://graph.microsoft.com/v1.0/auditLogs/signIns',
      'GET https://graph.microsoft.com/v1.0/me',
      'POST https://graph.microsoft.com/v1.0/users',
    ])
      assert.ok(paths.has(p), p);
  });

  it('gives every request its own id and keeps each session’s token', () => {
    const ids = new Set(g().map((r) => r.requestId));
    assert.equal(ids.size, g().length);
    const bySid = new Map<string, Set<string>>();
    for (const r of g()) {
      const s = bySid.get(r.signInActivityId) ?? new Set<string>();
      s.add(`${r.appId}|${r.userId}|${r.tokenIssuedAt}`);
      bySid.set(r.signInActivityId, s);
    }
    assert.ok([...bySid.values()].every((s) => s.size === 1));
  });
});

describe('Global Secure Access', () => {
  it('routes Microsoft 365, internet and private traffic, filtering some of it', () => {
    const n = recs('NetworkAccessTrafficLogs');
    const kinds = new Set(n.map((r) => `${r.trafficType}|${r.deviceCategory}`));
    for (const k of ['microsoft365|Client', 'internet|Client', 'private|Client', 'internet|Branch'])
      assert.ok(kinds.has(k), k);
    const denied = n.filter((r) => r.action === 'Denied');
    assert.ok(denied.length > 0 && denied.length < n.length * 0.05);
    assert.ok(
      denied.every(
        (r) => r.trafficType === 'internet' && r.policyName && r.ruleName && r.destinationWebCategories,
      ),
    );
    const priv = n.filter((r) => r.trafficType === 'private');
    assert.ok(priv.every((r) => r.accessType === 'QuickAccess' && r.connectorName && r.connectorIp));
    const users = new Set(n.filter((r) => r.deviceCategory === 'Client').map((r) => r.userId));
    assert.ok(users.size > USERS * 0.1 && users.size < USERS * 0.4, `${users.size} GSA users`);
  });

  it('reports each remote network’s health every 5–15 minutes, with occasional tunnel flaps', () => {
    const h = recs('RemoteNetworkHealthLogs');
    const byNet = new Map<string, number[]>();
    for (const r of h) {
      const list = byNet.get(r.remoteNetworkId) ?? [];
      if (r.status === 'remoteNetworkAlive') list.push(Date.parse(r.createdDateTime));
      byNet.set(r.remoteNetworkId, list);
    }
    assert.ok(byNet.size >= 2);
    for (const [id, ts] of byNet) {
      ts.sort((a, b) => a - b);
      const gaps = ts.slice(1).map((t, i) => t - ts[i]!);
      const median = [...gaps].sort((a, b) => a - b)[Math.floor(gaps.length / 2)]!;
      assert.ok(median >= 5 * 60_000 && median <= 15 * 60_000, `${id}: median gap ${median}`);
    }
    const statuses = new Set(h.map((r) => r.status));
    for (const s of [
      'remoteNetworkAlive',
      'tunnelDisconnected',
      'tunnelConnected',
      'bgpConnected',
      'bgpDisconnected',
    ])
      assert.ok(statuses.has(s), s);
  });

  it('enriches SharePoint, Exchange and Teams audit events with the device they came from', () => {
    const e = recs('EnrichedOffice365AuditLogs');
    assert.deepEqual([...new Set(e.map((r) => r.workload))].sort(), [
      'Exchange',
      'MicrosoftTeams',
      'SharePoint',
    ]);
    assert.ok(
      e.every((r) => r.deviceId && r.sourceIp && r.organizationId === tenant.id && r.userId.includes('@')),
    );
    const traffic = new Set(recs('NetworkAccessTrafficLogs').map((r) => r.deviceId));
    assert.ok(
      e.every((r) => traffic.has(r.deviceId)),
      'the same GSA devices',
    );
  });
});
