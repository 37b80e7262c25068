/**
 * The sign-in generators behave like a real tenant over a simulated week of a 300-user tenant:
 * volumes, failure mix, MFA flows, workday rhythm, conditional access, determinism — and every
 * record they emit passes the real ingest validation.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { prepareItems } from '../../ingest/prepare.ts';
import { AuditCatalog } from '../../registry/catalog/catalog.ts';
import { logType } from '../../registry/log-types.ts';
import { Rng } from '../rng.ts';
import { buildTenant, type Tenant } from '../tenant.ts';
import {
  DAY,
  type Generator,
  HOUR,
  localHour,
  localWeekday,
  type SimContext,
  type SimRecord,
} from '../types.ts';
import { arrivalsAround, JOINER_START_DELAY } from './lifecycle.ts';
import type { Joiner } from './provisioning.ts';
import {
  adfsSignIns,
  interactiveSignIns,
  joinerModel,
  managedIdentitySignIns,
  nonInteractiveSignIns,
  servicePrincipalSignIns,
  signInGenerators,
  type TenantModel,
  tenantModel,
  type UserModel,
} from './signins.ts';

// biome-ignore lint/suspicious/noExplicitAny: the tests read generated records field by field.
type Rec = Record<string, any>;

/** Monday 2024-05-06 00:00 UTC: the week runs Monday to Sunday. */
const FROM = Date.UTC(2024, 4, 6);
const TO = FROM + 7 * DAY;
const USERS = 300;

/** One hour of one generator, with the Rng the engine would hand it. */
function hourOf(ctx: SimContext, g: Generator, hourStart: number): Array<[string, SimRecord]> {
  const out: Array<[string, SimRecord]> = [];
  g.hour(ctx, hourStart, new Rng(`${ctx.seed}:${g.name}:${hourStart}`), (c, r) => out.push([c, r]));
  return out;
}

/** The joiners who signed in during the week, by id. */
const joiners = new Map<string, Joiner>();
/** The model of a sign-in's user: a tenant user or a joiner of the HR plan. */
function modelOf(m: TenantModel, id: string): UserModel {
  const um = m.byId.get(id);
  if (um) return um;
  const j = joiners.get(id);
  assert.ok(j, `unknown user ${id}`);
  return joinerModel(m, j);
}

let tenant: Tenant;
let ctx: SimContext;
const byCategory = new Map<string, Rec[]>();
const of = (category: string): Rec[] => byCategory.get(category) ?? [];
const code = (r: Rec): number => r.status.errorCode as number;

before(() => {
  tenant = buildTenant({ seed: 1, users: USERS });
  ctx = { tenant, seed: '1', from: FROM, to: TO };
  for (let h = FROM; h < TO; h += HOUR) for (const j of arrivalsAround(ctx, h)) joiners.set(j.id, j);
  for (let h = FROM; h < TO; h += HOUR) {
    for (const g of signInGenerators) {
      for (const [category, record] of hourOf(ctx, g, h)) {
        let list = byCategory.get(category);
        if (!list) {
          list = [];
          byCategory.set(category, list);
        }
        list.push(record);
      }
    }
  }
});

describe('sign-in volumes', () => {
  it('every generator emits into its own category, inside its hour', () => {
    const pairs: Array<[Generator, string]> = [
      [interactiveSignIns, 'SignInLogs'],
      [nonInteractiveSignIns, 'NonInteractiveUserSignInLogs'],
      [servicePrincipalSignIns, 'ServicePrincipalSignInLogs'],
      [managedIdentitySignIns, 'ManagedIdentitySignInLogs'],
      [adfsSignIns, 'ADFSSignInLogs'],
    ];
    const h = FROM + 2 * DAY + 15 * HOUR; // Wednesday 15:00 UTC
    for (const [g, category] of pairs) {
      const out = hourOf(ctx, g, h);
      assert.ok(out.length > 0, `${g.name} emitted nothing`);
      for (const [c, r] of out) {
        assert.equal(c, category);
        const t = Date.parse(r.createdDateTime as string);
        assert.ok(t >= h && t < h + HOUR, `${g.name}: ${String(r.createdDateTime)} outside its hour`);
      }
    }
  });

  it('3–6 interactive sign-ins per user per workday', () => {
    const weekday = of('SignInLogs').filter((r) => {
      const d = new Date(r.createdDateTime).getUTCDay();
      return d >= 2 && d <= 4; // Tue–Thu UTC: a workday in every office's time zone
    });
    const perUserDay = weekday.length / USERS / 3;
    assert.ok(
      perUserDay >= 3 && perUserDay <= 6,
      `interactive per user per workday: ${perUserDay.toFixed(2)}`,
    );
  });

  it('non-interactive refreshes outnumber interactive sign-ins 8–20×', () => {
    const ratio = of('NonInteractiveUserSignInLogs').length / of('SignInLogs').length;
    // Entra's docs: non-interactive sign-ins are 5 to 10 times the interactive ones.
    assert.ok(ratio >= 5 && ratio <= 10, `ratio ${ratio.toFixed(1)}`);
  });

  it('service principal and managed identity traffic follows their rates, with no user', () => {
    const sp = of('ServicePrincipalSignInLogs');
    const mi = of('ManagedIdentitySignInLogs');
    const spRate = tenant.servicePrincipals.reduce((s, p) => s + p.rate, 0) * 24 * 7;
    const miRate = tenant.managedIdentities.reduce((s, p) => s + p.rate, 0) * 24 * 7;
    assert.ok(Math.abs(sp.length / spRate - 1) < 0.05, `SP ${sp.length} vs expected ${spRate}`);
    assert.ok(Math.abs(mi.length / miRate - 1) < 0.05, `MI ${mi.length} vs expected ${miRate}`);
    for (const r of sp) {
      assert.equal(r.userId, null);
      assert.ok(r.servicePrincipalId && r.appId && r.ipAddress && r.resourceId);
      assert.ok(
        ['clientSecret', 'certificate', 'federatedIdentityCredential'].includes(r.clientCredentialType),
      );
      assert.deepEqual(r.signInEventTypes, ['servicePrincipal']);
    }
    for (const r of mi) {
      assert.equal(r.userId, null);
      assert.equal(r.ipAddress, undefined);
      assert.ok(r.managedServiceIdentity.associatedResourceId.startsWith('/subscriptions/'));
      assert.ok(['systemAssigned', 'userAssigned'].includes(r.managedServiceIdentity.msiType));
      assert.equal(code(r), 0);
    }
  });

  it('AD FS sign-ins: a federated subset, on-prem apps, issuer AD FS, risk hidden', () => {
    const adfs = of('ADFSSignInLogs');
    assert.ok(adfs.length > 50);
    const users = new Set(adfs.map((r) => r.userId));
    assert.ok(users.size < USERS * 0.2, `${users.size} federated users`);
    for (const r of adfs) {
      assert.equal(r.tokenIssuerType, 'ADFederationServices');
      assert.equal(r.riskLevelDuringSignIn, 'hidden');
      assert.equal(r.riskLevelAggregated, 'hidden');
      assert.equal(r.riskDetail, 'hidden');
      assert.equal(r.riskState, 'none');
    }
  });
});

describe('failures', () => {
  it('interactive: 8–13% failures led by 50140, 50074/50076 and 50126', () => {
    const all = of('SignInLogs');
    const failed = all.filter((r) => code(r) !== 0);
    const rate = failed.length / all.length;
    assert.ok(rate >= 0.08 && rate <= 0.13, `interactive failure rate ${(rate * 100).toFixed(1)}%`);
    const counts = new Map<number, number>();
    for (const r of failed) counts.set(code(r), (counts.get(code(r)) ?? 0) + 1);
    const top = [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([c]) => c);
    for (const c of [50140, 50074, 50076, 50126])
      assert.ok(top.slice(0, 5).includes(c), `top codes ${top.join(', ')}`);
    for (const c of [500121, 53003]) assert.ok(counts.has(c), `no ${c}`);
  });

  it('non-interactive: 1–3% failures; service principals mostly succeed; managed identities always', () => {
    const ni = of('NonInteractiveUserSignInLogs');
    const rate = ni.filter((r) => code(r) !== 0).length / ni.length;
    assert.ok(rate >= 0.01 && rate <= 0.03, `non-interactive failure rate ${(rate * 100).toFixed(2)}%`);
    assert.ok(ni.some((r) => code(r) === 70043));
    const sp = of('ServicePrincipalSignInLogs');
    const spFailed = sp.filter((r) => code(r) !== 0);
    assert.ok(spFailed.length > 0 && spFailed.length / sp.length < 0.01);
    for (const r of spFailed) assert.ok([7000215, 7000222].includes(code(r)));
  });

  it('failures carry Entra error text', () => {
    for (const r of of('SignInLogs')) {
      if (code(r) === 0) assert.equal(r.status.failureReason, 'Other.');
      else assert.ok(r.status.failureReason.length > 10, `${code(r)} has no failureReason`);
    }
  });

  it('legacy protocols are blocked by "Block legacy authentication" (53003)', () => {
    const legacy = of('SignInLogs').filter((r) =>
      ['Exchange ActiveSync', 'IMAP4', 'Authenticated SMTP'].includes(r.clientAppUsed),
    );
    assert.ok(legacy.length > 0);
    for (const r of legacy) {
      assert.equal(code(r), 53003);
      assert.equal(r.conditionalAccessStatus, 'failure');
      const block = r.appliedConditionalAccessPolicies.find(
        (p: Rec) => p.displayName === 'Block legacy authentication',
      );
      assert.equal(block.result, 'failure');
      assert.deepEqual(block.enforcedGrantControls, ['Block']);
    }
  });
});

describe('flows and details', () => {
  it('MFA interrupts share the correlationId and originalRequestId of a later completing sign-in', () => {
    const byCorrelation = new Map<string, Rec[]>();
    for (const r of of('SignInLogs')) {
      const list = byCorrelation.get(r.correlationId) ?? [];
      list.push(r);
      byCorrelation.set(r.correlationId, list);
    }
    let interrupts = 0;
    let completed = 0;
    for (const list of byCorrelation.values()) {
      list.sort((a, b) => a.createdDateTime.localeCompare(b.createdDateTime));
      // The first request's id is every record's originalRequestId.
      for (const r of list) assert.equal(r.originalRequestId, list[0]!.id);
      list.forEach((r, i) => {
        if (code(r) !== 50074 && code(r) !== 50076) return;
        interrupts++;
        const rest = list.slice(i + 1);
        const success = rest.find((x) => code(x) === 0);
        if (success) {
          completed++;
          assert.equal(success.authenticationRequirement, 'multiFactorAuthentication');
          const methods = success.authenticationDetails.map((d: Rec) => d.authenticationMethod);
          assert.equal(methods[0], 'Password');
          assert.ok(methods.length === 2, `steps ${methods.join(', ')}`);
        } else {
          assert.ok(
            rest.some((x) => code(x) === 500121),
            'an MFA interrupt that neither completed nor failed MFA',
          );
        }
      });
    }
    assert.ok(interrupts > 100);
    assert.ok(completed / interrupts > 0.9, `${completed}/${interrupts} MFA interrupts completed`);
  });

  it('fills the fields people filter on', () => {
    const policies = tenant.policies.length;
    for (const r of of('SignInLogs')) {
      assert.equal(r.userPrincipalName, r.userPrincipalName.toLowerCase());
      assert.equal(r.isInteractive, true);
      assert.deepEqual(r.signInEventTypes, ['interactiveUser']);
      assert.equal(r.tokenIssuerType, 'AzureAD');
      assert.equal(r.riskState, 'none');
      assert.ok(r.location.geoCoordinates.latitude !== 0 && r.location.city);
      assert.ok(r.authenticationDetails.length >= 1);
      assert.ok(
        ['singleFactorAuthentication', 'multiFactorAuthentication'].includes(r.authenticationRequirement),
      );
      assert.equal(r.appliedConditionalAccessPolicies.length, policies);
      assert.ok(r.uniqueTokenIdentifier.length === 22);
      assert.match(r.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      if (!r.deviceDetail.isManaged) assert.equal(r.deviceDetail.deviceId, '');
    }
    for (const r of of('NonInteractiveUserSignInLogs')) {
      assert.equal(r.isInteractive, false);
      assert.deepEqual(r.signInEventTypes, ['nonInteractiveUser']);
      if (code(r) === 0)
        assert.equal(r.authenticationDetails[0].authenticationMethod, 'Previously satisfied');
    }
  });

  it('conditional access results are consistent with the user and the sign-in', () => {
    const m = tenantModel(tenant);
    for (const r of of('SignInLogs')) {
      const um = modelOf(m, r.userId);
      const result = (name: string) =>
        r.appliedConditionalAccessPolicies.find((p: Rec) => p.displayName === name).result as string;
      const ok = code(r) === 0;
      if (ok && !um.mfaExcluded) assert.equal(result('Require MFA for all users'), 'success');
      if (ok && um.isAdmin) assert.equal(result('Require MFA for administrators'), 'success');
      if (!um.isAdmin) assert.equal(result('Require MFA for administrators'), 'notApplied');
      if (ok) {
        const compliant = result('Require compliant device');
        assert.equal(compliant, r.deviceDetail.isCompliant ? 'reportOnlySuccess' : 'reportOnlyFailure');
      }
      if (code(r) === 50126) {
        assert.equal(r.conditionalAccessStatus, 'notApplied');
        assert.equal(r.authenticationRequirement, 'singleFactorAuthentication');
      }
      if (!um.isGuest) assert.equal(result('Guest access terms of use'), 'reportOnlyNotApplied');
    }
  });

  it('sign-ins come from the office on workdays, and from home or mobile networks too', () => {
    const m = tenantModel(tenant);
    let office = 0;
    let other = 0;
    for (const r of of('SignInLogs')) {
      const um = modelOf(m, r.userId);
      if (r.ipAddress === um.office.ip) office++;
      else {
        assert.ok(r.ipAddress === um.home.ip || r.ipAddress === um.mobile.ip, r.ipAddress);
        other++;
      }
      assert.equal(r.location.countryOrRegion, um.user.office.countryOrRegion);
    }
    assert.ok(office > other && other > 0.1 * office, `office ${office}, elsewhere ${other}`);
  });
});

describe('joiners', () => {
  it('sign in from the hour their new account is handed over, never before it exists', () => {
    const seen = new Set<string>();
    for (const category of ['SignInLogs', 'NonInteractiveUserSignInLogs']) {
      for (const r of of(category)) {
        const j = joiners.get(r.userId);
        if (!j) continue;
        seen.add(j.id);
        const t = Date.parse(r.createdDateTime);
        assert.ok(
          t >= j.entraTime + JOINER_START_DELAY,
          `${r.id} before ${j.userPrincipalName} was handed over`,
        );
        assert.equal(r.userPrincipalName, j.userPrincipalName);
        assert.equal(r.location.countryOrRegion, j.office.countryOrRegion);
      }
    }
    // Joiners created in the week's last hours may not have signed in yet.
    const settled = [...joiners.values()].filter((j) => j.entraTime < TO - DAY);
    assert.ok(settled.length >= 1, `${settled.length} joiners`);
    for (const j of settled) assert.ok(seen.has(j.id), `${j.userPrincipalName} never signed in`);
  });
});

describe('rhythm', () => {
  it('weekday office hours ≫ nights and weekends, in each user’s local time', () => {
    const m = tenantModel(tenant);
    let work = 0;
    let night = 0;
    let weekend = 0;
    for (const r of of('SignInLogs')) {
      const zone = modelOf(m, r.userId).user.office.timeZone;
      const t = Date.parse(r.createdDateTime);
      const h = localHour(t, zone);
      const d = localWeekday(t, zone);
      if (d === 0 || d === 6) weekend++;
      else if (h >= 9 && h < 17) work++;
      else if (h < 6) night++;
    }
    // Per hour: 5 weekdays × 8 office hours; 5 × 6 night hours; ≈ 2 × 24 weekend hours (minus edges).
    const workRate = work / 40;
    const nightRate = night / 30;
    const weekendRate = weekend / 48;
    assert.ok(workRate > 10 * nightRate, `work ${workRate.toFixed(1)}/h vs night ${nightRate.toFixed(1)}/h`);
    assert.ok(
      workRate > 4 * weekendRate,
      `work ${workRate.toFixed(1)}/h vs weekend ${weekendRate.toFixed(1)}/h`,
    );
  });

  it('background refreshes continue in the evening', () => {
    const m = tenantModel(tenant);
    let evening = 0;
    for (const r of of('NonInteractiveUserSignInLogs')) {
      const h = localHour(Date.parse(r.createdDateTime), modelOf(m, r.userId).user.office.timeZone);
      if (h >= 20 && h < 23) evening++;
    }
    assert.ok(evening > of('NonInteractiveUserSignInLogs').length * 0.03, `${evening} evening refreshes`);
  });
});

describe('determinism', () => {
  it('the same seed and hour give JSON-identical output, whatever was generated before', () => {
    const h = FROM + 3 * DAY + 14 * HOUR;
    for (const g of signInGenerators) {
      const a = JSON.stringify(hourOf(ctx, g, h));
      hourOf(ctx, g, h + 5 * HOUR);
      const other = buildTenant({ seed: 1, users: USERS });
      const b = JSON.stringify(hourOf({ ...ctx, tenant: other }, g, h));
      assert.equal(a, b, g.name);
    }
  });

  it('a different seed gives different output', () => {
    const h = FROM + 3 * DAY + 14 * HOUR;
    const other = buildTenant({ seed: 2, users: USERS });
    const a = JSON.stringify(hourOf(ctx, interactiveSignIns, h));
    const b = JSON.stringify(hourOf({ tenant: other, seed: '2', from: FROM, to: TO }, interactiveSignIns, h));
    assert.notEqual(a, b);
  });

  it('records are fresh trees: mutating one changes no other', () => {
    const h = FROM + 2 * DAY + 16 * HOUR;
    const out = hourOf(ctx, nonInteractiveSignIns, h).map(([, r]) => r as Rec);
    const before = JSON.stringify(out[1]);
    out[0]!.location.city = 'X';
    out[0]!.signInEventTypes.push('X');
    out[0]!.appliedConditionalAccessPolicies[0].enforcedGrantControls.push('X');
    assert.equal(JSON.stringify(out[1]), before);
  });
});

describe('ingest validation', () => {
  it('every emitted record passes the real ingest validation (schema, strict catalog)', () => {
    const catalog = AuditCatalog.load();
    for (const [category, records] of byCategory) {
      const { records: prepared, errors } = prepareItems(logType(category), records, {
        catalog,
        catalogMode: 'strict',
      });
      assert.deepEqual(errors, [], category);
      assert.equal(prepared.length, records.length);
    }
  });
});
