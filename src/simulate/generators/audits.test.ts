/**
 * The audit generators over 30 days of a 1000-user tenant: catalog coverage, the activity mix,
 * correlated chains, Substrate write-backs, custom security attribute audits, determinism, and
 * real ingest validation (strict catalog mode) of every record.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { prepareItems } from '../../ingest/prepare.ts';
import { AuditCatalog } from '../../registry/catalog/catalog.ts';
import { logType } from '../../registry/log-types.ts';
import { Rng } from '../rng.ts';
import { buildTenant, type Tenant } from '../tenant.ts';
import { DAY, type Generator, HOUR, type SimContext } from '../types.ts';
import {
  categoryOf,
  customSecurityAttributeAudits,
  directoryAudits,
  everyTemplateOnce,
  operationType,
  roundRobinService,
  TEMPLATES,
} from './audits.ts';

const SEED = '7';
const USERS = 1000;
const DAYS = 30;
// 2024-05-01 is a Wednesday; the window holds 4 full weekends.
const FROM = Date.UTC(2024, 4, 1);
const TO = FROM + DAYS * DAY;

// biome-ignore lint/suspicious/noExplicitAny: the tests read generated records field by field.
type Rec = Record<string, any>;

/** One hour of one generator, with the Rng the engine would hand it. */
function hourOf(g: Generator, ctx: SimContext, hourStart: number): [string, Rec][] {
  const out: [string, Rec][] = [];
  g.hour(ctx, hourStart, new Rng(`${ctx.seed}:${g.name}:${hourStart}`), (c, r) => out.push([c, r as Rec]));
  return out;
}

let tenant: Tenant;
let ctx: SimContext;
const audits: Rec[] = [];
const csa: Rec[] = [];
const categories = new Set<string>();
/** JSON of a few hours as the 30-day run produced them, to compare with a fresh regeneration. */
const sampleHours = [FROM + 2 * DAY + 17 * HOUR, FROM + 9 * DAY + 3 * HOUR, FROM + 20 * DAY + 22 * HOUR];
const sampled = new Map<number, string>();
let genMs = 0;

before(() => {
  tenant = buildTenant({ seed: 7, users: USERS });
  ctx = { tenant, seed: SEED, from: FROM, to: TO };
  const t0 = performance.now();
  for (let h = FROM; h < TO; h += HOUR) {
    const recs = [...hourOf(directoryAudits, ctx, h), ...hourOf(customSecurityAttributeAudits, ctx, h)];
    for (const [c, r] of recs) {
      categories.add(c);
      if (c === 'AuditLogs') audits.push(r);
      else csa.push(r);
    }
    if (sampleHours.includes(h)) sampled.set(h, JSON.stringify(recs));
  }
  genMs = performance.now() - t0;
});

const catalog = AuditCatalog.load();
const UGA = new Set(['UserManagement', 'GroupManagement', 'ApplicationManagement']);
const byCorr = () => {
  const m = new Map<string, Rec[]>();
  for (const r of audits) {
    const list = m.get(r.correlationId) ?? [];
    list.push(r);
    m.set(r.correlationId, list);
  }
  return m;
};

describe('directoryAudits and customSecurityAttributeAudits over 30 days × 1000 users', () => {
  it('generates at a believable volume, quickly', (t) => {
    t.diagnostic(`generated ${audits.length} audit + ${csa.length} CSA records in ${Math.round(genMs)} ms`);
    assert.deepEqual([...categories].sort(), ['AuditLogs', 'CustomSecurityAttributeAuditLogs']);
    const perDay = new Map<string, number>();
    for (const r of audits)
      perDay.set(r.activityDateTime.slice(0, 10), (perDay.get(r.activityDateTime.slice(0, 10)) ?? 0) + 1);
    const weekday = [...perDay]
      .filter(([d]) => ![0, 6].includes(new Date(`${d}T00:00:00Z`).getUTCDay()))
      .map(([, n]) => n);
    const weekend = [...perDay]
      .filter(([d]) => [0, 6].includes(new Date(`${d}T00:00:00Z`).getUTCDay()))
      .map(([, n]) => n);
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    t.diagnostic(
      `weekday mean ${Math.round(mean(weekday))}, weekend mean ${Math.round(mean(weekend))} audit records/day`,
    );
    // Documented band: 450–900 per weekday for 1000 users; weekends well under half of that.
    assert.ok(mean(weekday) > 450 && mean(weekday) < 900, `weekday mean ${mean(weekday)}`);
    assert.ok(mean(weekend) < mean(weekday) / 2, `weekend mean ${mean(weekend)}`);
    assert.ok(csa.length >= 100 && csa.length <= 600, `CSA ${csa.length}`);
  });

  it('covers every service of the audit catalog', () => {
    const seen = new Set(audits.map((r) => r.loggedByService));
    const missing = catalog.services().filter((s) => !seen.has(s));
    assert.deepEqual(missing, []);
  });

  it('covers every service in any window as long as the round-robin, whatever the draws', () => {
    const n = catalog.services().length;
    const services = new Set<string>();
    for (let h = 0; h < n; h++) services.add(roundRobinService(FROM + 13 * HOUR + h * HOUR));
    assert.equal(services.size, n);
  });

  it('is dominated by user, group and application management (documented band)', (t) => {
    const cd =
      audits.filter((r) => r.loggedByService === 'Core Directory' && UGA.has(r.category)).length /
      audits.length;
    const all = audits.filter((r) => UGA.has(r.category)).length / audits.length;
    t.diagnostic(
      `Core Directory User+Group+ApplicationManagement ${(cd * 100).toFixed(1)} %, all services ${(all * 100).toFixed(1)} %`,
    );
    // Bands: Core Directory UM+GM+AM 50–70 %; counting every service's UM/GM/AM categories 70–88 %.
    assert.ok(cd >= 0.5 && cd <= 0.7, `Core Directory share ${cd}`);
    assert.ok(all >= 0.7 && all <= 0.88, `all-service share ${all}`);
    const byCat = new Map<string, number>();
    for (const r of audits) byCat.set(r.category, (byCat.get(r.category) ?? 0) + 1);
    const top2 = [...byCat]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 2)
      .map(([c]) => c);
    assert.deepEqual(top2.sort(), ['GroupManagement', 'UserManagement']);
  });

  it('fails about 1–2 % of the time, with a reason', () => {
    const failures = audits.filter((r) => r.result === 'failure');
    const rate = failures.length / audits.length;
    assert.ok(rate >= 0.005 && rate <= 0.025, `failure rate ${rate}`);
    for (const r of failures) assert.ok(r.resultReason.length > 0);
  });

  it('uses catalog triples and shapes as Entra writes them', () => {
    const ids = new Set<string>();
    for (const r of audits) {
      assert.ok(
        catalog.has(r.loggedByService, r.category, r.activityDisplayName),
        `${r.loggedByService} / ${r.category} / ${r.activityDisplayName}`,
      );
      assert.ok(!ids.has(r.id), `duplicate id ${r.id}`);
      ids.add(r.id);
      if (r.loggedByService === 'Core Directory')
        assert.match(r.id, /^Directory_[0-9a-f-]{36}_[A-Z0-9]{5}_\d+$/);
      if (r.loggedByService === 'Self-service group management') assert.match(r.id, /^SSGM_[0-9a-f-]{36}$/);
      assert.ok(r.id.includes(r.correlationId) || r.loggedByService !== 'Core Directory');
      assert.match(r.activityDateTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$/);
      assert.ok(['Add', 'Update', 'Delete', 'Assign', 'Unassign', 'Other'].includes(r.operationType));
      const { user, app } = r.initiatedBy;
      assert.ok((user === null) !== (app === null), 'exactly one initiator');
      for (const tr of r.targetResources) {
        if (tr.type === 'User') assert.ok(tr.userPrincipalName, 'users carry a UPN');
        if (tr.type === 'Group') assert.ok(['unifiedGroups', 'azureAD'].includes(tr.groupType));
        for (const p of tr.modifiedProperties) {
          for (const v of [p.oldValue, p.newValue])
            if (v !== null && r.loggedByService === 'Core Directory') JSON.parse(v);
        }
      }
    }
    const ipd = audits.find((r) => r.activityDisplayName === 'Update user' && r.initiatedBy.user);
    const names = ipd!.targetResources[0].modifiedProperties.map((p: Rec) => p.displayName);
    assert.ok(names.includes('Included Updated Properties'));
    const disabled = audits.find((r) =>
      r.targetResources.some((tr: Rec) =>
        tr.modifiedProperties.some(
          (p: Rec) =>
            p.displayName === 'AccountEnabled' && p.oldValue === '[true]' && p.newValue === '[false]',
        ),
      ),
    );
    assert.ok(disabled, 'AccountEnabled [true] → [false] appears');
  });

  it('has app initiators for automation and user initiators for people', () => {
    const apps = new Set(audits.filter((r) => r.initiatedBy.app).map((r) => r.initiatedBy.app.displayName));
    for (const a of [
      'Microsoft Substrate Management',
      'Microsoft Azure AD Group-Based Licensing',
      'MS-PIM',
      'Device Registration Service',
      'Microsoft Intune',
    ])
      assert.ok(apps.has(a), a);
    const users = audits.filter((r) => r.initiatedBy.user);
    assert.ok(users.length > audits.length / 2);
    assert.ok(users.every((r) => r.initiatedBy.user.userPrincipalName && r.initiatedBy.user.id));
  });

  it('chains onboarding under one correlationId: Add user → Update user → Add member to group → Change user license', () => {
    const groups = byCorr();
    let chains = 0;
    for (const r of audits) {
      if (r.activityDisplayName !== 'Add user' || r.loggedByService !== 'Core Directory') continue;
      if (r.additionalDetails.some((d: Rec) => d.key === 'UserType' && d.value === 'Guest')) continue;
      const chain = groups
        .get(r.correlationId)!
        .sort((a, b) => a.activityDateTime.localeCompare(b.activityDateTime));
      const acts = chain.map((c) => c.activityDisplayName);
      const at = (a: string) => acts.indexOf(a);
      assert.equal(at('Add user'), 0, acts.join(' → '));
      assert.ok(at('Update user') > at('Add user'), acts.join(' → '));
      assert.ok(at('Add member to group') > at('Update user'), acts.join(' → '));
      assert.ok(at('Change user license') > at('Add member to group'), acts.join(' → '));
      const license = chain.find(
        (c, i) => c.activityDisplayName === 'Update user' && i > at('Change user license'),
      );
      assert.ok(
        license?.targetResources[0].modifiedProperties.some((p: Rec) => p.displayName === 'AssignedLicense'),
      );
      // One new user throughout.
      assert.ok(chain.every((c) => c.targetResources.some((tr: Rec) => tr.id === r.targetResources[0].id)));
      chains++;
    }
    assert.ok(chains >= 10, `${chains} onboarding chains`);
  });

  it('chains offboarding: Disable account → Update user (AccountEnabled false) → Remove member from group → Delete user', () => {
    const groups = byCorr();
    let chains = 0;
    for (const [, chain] of groups) {
      const acts = chain
        .sort((a, b) => a.activityDateTime.localeCompare(b.activityDateTime))
        .map((c) => c.activityDisplayName);
      if (!acts.includes('Delete user') || !acts.includes('Disable account')) continue;
      const at = (a: string) => acts.indexOf(a);
      assert.ok(at('Disable account') < at('Update user'));
      assert.ok(at('Update user') < at('Delete user'));
      if (acts.includes('Remove member from group')) {
        assert.ok(
          at('Update user') < at('Remove member from group') &&
            at('Remove member from group') < at('Delete user'),
        );
      }
      chains++;
    }
    assert.ok(chains >= 8, `${chains} offboarding chains`);
  });

  it('writes back Microsoft 365 changes as Microsoft Substrate Management (seed 002)', () => {
    const sub = audits.filter((r) => r.initiatedBy.app?.displayName === 'Microsoft Substrate Management');
    const acts = new Set(sub.map((r) => r.activityDisplayName));
    assert.ok(
      acts.has('Update group') && acts.has('Update user') && acts.has('Add member to group'),
      [...acts].join(', '),
    );
    assert.ok(sub.every((r) => r.initiatedBy.app.appId === '98db8bd6-0cc0-4e67-9de5-f187f1cd1b41'));
    const groupsTouched = sub
      .filter((r) => r.activityDisplayName === 'Update group')
      .map((r) => r.targetResources[0].groupType);
    assert.ok(
      groupsTouched.every((g) => g === 'unifiedGroups'),
      'Exchange writes back Microsoft 365 groups',
    );
    assert.ok(sub.length > 20 * DAYS, `${sub.length} write-backs`);
  });

  it('logs custom security attribute activity by the attribute admins', () => {
    const acts = new Set(csa.map((r) => r.activityDisplayName));
    for (const a of [
      'Add an attribute set',
      'Add custom security attribute definition in an attribute set',
      'Update an attribute set',
      'Update attribute values assigned to a servicePrincipal',
      'Update attribute values assigned to a user',
      'Update custom security attribute definition in an attribute set',
    ])
      assert.ok(acts.has(a), a);
    assert.ok(
      csa.every((r) => r.category === 'AttributeManagement' && r.loggedByService === 'Core Directory'),
    );
    const actors = new Set(csa.map((r) => r.initiatedBy.user?.id));
    assert.ok(actors.size >= 1 && actors.size <= 2, `${actors.size} attribute admins`);
    const assignment = csa.find(
      (r) => r.activityDisplayName === 'Update attribute values assigned to a user',
    )!;
    assert.match(assignment.targetResources[0].modifiedProperties[0].displayName, /^[A-Za-z]+_[A-Za-z]+$/);
  });

  it('passes real ingest validation (schema + strict catalog) for every record', () => {
    const opts = { catalog, catalogMode: 'strict' as const };
    const a = prepareItems(logType('AuditLogs'), audits, opts);
    assert.deepEqual(a.errors.slice(0, 5), []);
    assert.equal(a.records.length, audits.length);
    const c = prepareItems(logType('CustomSecurityAttributeAuditLogs'), csa, opts);
    assert.deepEqual(c.errors.slice(0, 5), []);
    assert.equal(c.records.length, csa.length);
  });

  it('emits each hour’s records inside that hour, in time order', () => {
    for (const h of sampleHours) {
      const recs = JSON.parse(sampled.get(h)!) as [string, Rec][];
      const audit = recs.filter(([c]) => c === 'AuditLogs').map(([, r]) => Date.parse(r.activityDateTime));
      assert.ok(audit.every((t) => t >= h && t < h + HOUR));
      assert.deepEqual(
        [...audit].sort((x, y) => x - y),
        audit,
      );
    }
  });

  it('is deterministic: an hour regenerated alone is byte-identical; another seed differs', () => {
    for (const h of sampleHours) {
      const again = JSON.stringify([
        ...hourOf(directoryAudits, ctx, h),
        ...hourOf(customSecurityAttributeAudits, ctx, h),
      ]);
      assert.equal(again, sampled.get(h));
    }
    // A fresh tenant object (empty caches) gives the same hour too.
    const fresh = { ...ctx, tenant: buildTenant({ seed: 7, users: USERS }) };
    assert.equal(
      JSON.stringify([
        ...hourOf(directoryAudits, fresh, sampleHours[0]!),
        ...hourOf(customSecurityAttributeAudits, fresh, sampleHours[0]!),
      ]),
      sampled.get(sampleHours[0]!),
    );
    const other = { ...ctx, seed: '8' };
    assert.notEqual(
      JSON.stringify(hourOf(directoryAudits, other, sampleHours[0]!)),
      JSON.stringify(hourOf(directoryAudits, ctx, sampleHours[0]!)),
    );
  });
});

describe('audit helpers', () => {
  it('resolves categories from the catalog and refuses uncatalogued activities', () => {
    assert.equal(categoryOf('Core Directory', 'Add user'), 'UserManagement');
    assert.equal(
      categoryOf('Core Directory', 'Add app role assignment to group', 'GroupManagement'),
      'GroupManagement',
    );
    assert.throws(() => categoryOf('Core Directory', 'Teleport user'), /no 'Teleport user'/);
  });

  it('derives operationType from the verb', () => {
    assert.equal(operationType('Add user'), 'Add');
    assert.equal(operationType('Add member to group'), 'Assign');
    assert.equal(operationType('Remove member from group'), 'Unassign');
    assert.equal(operationType('Update user'), 'Update');
    assert.equal(operationType('Delete user'), 'Delete');
    assert.equal(operationType('Consent to application'), 'Assign');
    assert.equal(operationType('Self-service password reset flow activity progress'), 'Other');
  });

  it('every template, run once, produces valid records (rare ones included)', () => {
    const t = buildTenant({ seed: 11, users: 300 });
    const c: SimContext = { tenant: t, seed: '11', from: FROM, to: TO };
    const recs: Rec[] = [];
    const hour = FROM + 16 * HOUR;
    everyTemplateOnce(c, hour, new Rng('templates'), (_, r) => recs.push(r as Rec));
    assert.ok(TEMPLATES.length > 40);
    assert.ok(recs.length >= TEMPLATES.length, `${recs.length} records`);
    const res = prepareItems(logType('AuditLogs'), recs, { catalog, catalogMode: 'strict' });
    assert.deepEqual(res.errors.slice(0, 5), []);
  });
});
