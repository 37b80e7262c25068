/**
 * Attack scenarios over 30 days of a 300-user tenant: every kind appears, its sign-ins and its
 * ID Protection records agree, the plan does not depend on the window a run covers, and every
 * record passes the real ingest validation.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { prepareItems } from '../../ingest/prepare.ts';
import { AuditCatalog } from '../../registry/catalog/catalog.ts';
import { logType } from '../../registry/log-types.ts';
import { HOSTILE_LOCATIONS, OFFICES } from '../reference-data.ts';
import { Rng } from '../rng.ts';
import { buildTenant, type Tenant } from '../tenant.ts';
import { DAY, HOUR, type SimContext, type SimRecord } from '../types.ts';
import { type AttackKind, type AttackSummary, attackScenarios, attacksIn } from './attacks.ts';
import { distanceKm } from './risk-state.ts';

// biome-ignore lint/suspicious/noExplicitAny: the tests read generated records field by field.
type Rec = Record<string, any>;

const FROM = Date.UTC(2024, 4, 1);
const TO = FROM + 30 * DAY;
const KINDS: AttackKind[] = [
  'passwordSpray',
  'impossibleTravel',
  'anonymousIp',
  'mfaFatigue',
  'compromisedServicePrincipal',
];

let tenant: Tenant;
let ctx: SimContext;
let attacks: AttackSummary[];
const byCategory = new Map<string, Rec[]>();
const of = (category: string): Rec[] => byCategory.get(category) ?? [];
const code = (r: Rec): number => r.status.errorCode as number;

function hourOf(c: SimContext, hourStart: number): Array<[string, SimRecord]> {
  const out: Array<[string, SimRecord]> = [];
  attackScenarios.hour(c, hourStart, new Rng(`${c.seed}:${attackScenarios.name}:${hourStart}`), (cat, r) =>
    out.push([cat, r]),
  );
  return out;
}

const TIME_FIELD: Record<string, string> = {
  SignInLogs: 'createdDateTime',
  NonInteractiveUserSignInLogs: 'createdDateTime',
  ServicePrincipalSignInLogs: 'createdDateTime',
  UserRiskEvents: 'activityDateTime',
  ServicePrincipalRiskEvents: 'activityDateTime',
  RiskyUsers: 'riskLastUpdatedDateTime',
  RiskyServicePrincipals: 'riskLastUpdatedDateTime',
};

before(() => {
  tenant = buildTenant({ seed: 1, users: 300 });
  ctx = { tenant, seed: '1', from: FROM, to: TO };
  attacks = attacksIn(ctx);
  for (let h = FROM; h < TO; h += HOUR) {
    for (const [category, record] of hourOf(ctx, h)) {
      const field = TIME_FIELD[category];
      assert.ok(field, `unexpected category ${category}`);
      const t = Date.parse(record[field] as string);
      assert.ok(
        t >= h && t < h + HOUR,
        `${category} ${String(record[field])} outside hour ${new Date(h).toISOString()}`,
      );
      let list = byCategory.get(category);
      if (!list) {
        list = [];
        byCategory.set(category, list);
      }
      list.push(record);
    }
  }
});

const inAttack = (a: AttackSummary, r: Rec) => {
  const t = Date.parse(r.createdDateTime);
  return a.attackerIps.includes(r.ipAddress) && t >= a.start - 1000 && t <= a.end + 1000;
};

describe('the plan', () => {
  it('every scenario kind appears at least once in 30 days, a handful in all', () => {
    for (const kind of KINDS)
      assert.ok(
        attacks.some((a) => a.kind === kind),
        `no ${kind}`,
      );
    assert.ok(attacks.length >= 5 && attacks.length <= 15, `${attacks.length} attacks`);
  });

  it('is the same whatever window the run covers (a backfill, or one hour at a time)', () => {
    const spray = attacks.find((a) => a.kind === 'passwordSpray')!;
    const h = Math.floor(spray.start / HOUR) * HOUR;
    const whole = JSON.stringify(hourOf(ctx, h));
    const oneHour = JSON.stringify(hourOf({ ...ctx, from: h, to: h + HOUR }, h));
    const otherTenantObject = JSON.stringify(
      hourOf({ ...ctx, tenant: buildTenant({ seed: 1, users: 300 }) }, h),
    );
    assert.ok(whole.length > 1000);
    assert.equal(oneHour, whole);
    assert.equal(otherTenantObject, whole);
  });

  it('depends on the seed', () => {
    const other = attacksIn({ ...ctx, seed: '2' });
    assert.notDeepEqual(
      other.map((a) => a.start),
      attacks.map((a) => a.start),
    );
  });

  it('emits fresh records every time', () => {
    const a = attacks[0]!;
    const h = Math.floor(a.start / HOUR) * HOUR;
    const first = hourOf(ctx, h);
    (first[0]![1] as Rec).id = 'changed';
    assert.notEqual((hourOf(ctx, h)[0]![1] as Rec).id, 'changed');
  });
});

describe('scenarios', () => {
  it('password spray: a burst of 50126 over many users from 1–3 hostile IPs, a few lockouts, one or two valid', () => {
    for (const a of attacks.filter((x) => x.kind === 'passwordSpray')) {
      const tries = of('SignInLogs').filter((r) => inAttack(a, r));
      const users = new Set(tries.map((r) => r.userId));
      assert.ok(users.size >= 50 && users.size <= 200, `${users.size} users`);
      assert.ok(a.attackerIps.length >= 1 && a.attackerIps.length <= 3);
      assert.ok(a.end - a.start >= 10 * 60_000 && a.end - a.start <= 61 * 60_000);
      const bad = tries.filter((r) => code(r) === 50126).length;
      assert.ok(bad / tries.length > 0.9, `${bad}/${tries.length} bad passwords`);
      assert.ok(
        tries.some((r) => code(r) === 50053),
        'no lockout',
      );
      const valid = tries.filter((r) => code(r) === 0 || code(r) === 50076);
      assert.ok(valid.length >= 1 && valid.length <= 2);
      assert.deepEqual(valid.map((r) => r.userId).sort(), [...a.userIds].sort());
      for (const r of valid) {
        assert.equal(r.riskState, 'atRisk');
        assert.deepEqual(r.riskEventTypes_v2, ['passwordSpray']);
      }
      for (const r of tries.filter((x) => code(x) === 50126)) assert.equal(r.riskState, 'none');
    }
  });

  it('impossible travel: an office sign-in, then within 1–2 h one from a city thousands of km away', () => {
    for (const a of attacks.filter((x) => x.kind === 'impossibleTravel')) {
      const userId = a.userIds[0]!;
      const user = tenant.users.find((u) => u.id === userId)!;
      const mine = of('SignInLogs').filter((r) => r.userId === userId);
      const hostile = mine.find((r) => a.attackerIps.includes(r.ipAddress))!;
      const office = mine.find(
        (r) => r.ipAddress.startsWith(user.office.ipPrefix) && r.createdDateTime < hostile.createdDateTime,
      )!;
      assert.ok(office && hostile);
      const gap = Date.parse(hostile.createdDateTime) - Date.parse(office.createdDateTime);
      assert.ok(gap >= HOUR && gap <= 2 * HOUR + 60_000, `gap ${gap / 60_000} min`);
      const city = HOSTILE_LOCATIONS.find((c) => c.city === hostile.location.city)!;
      const km = distanceKm(city, OFFICES.find((o) => o.city === office.location.city)!);
      assert.ok(km > 2000, `${km} km`);
      assert.deepEqual(hostile.riskEventTypes_v2, ['unlikelyTravel']);
      assert.equal(office.riskState, 'none');
      // The stolen session keeps refreshing from the attacker's IP.
      assert.ok(
        of('NonInteractiveUserSignInLogs').some(
          (r) => r.userId === userId && r.sessionId === hostile.sessionId,
        ),
      );
    }
  });

  it('anonymous IP: sign-ins through a Tor exit (185.220.x), flagged anonymizedIPAddress in real time', () => {
    for (const a of attacks.filter((x) => x.kind === 'anonymousIp')) {
      assert.ok(a.attackerIps[0]!.startsWith('185.220.'));
      const rs = of('SignInLogs').filter((r) => inAttack(a, r));
      const risky = rs.filter((r) => r.riskState === 'atRisk');
      assert.ok(risky.length >= 1);
      for (const r of risky) {
        assert.equal(r.riskLevelDuringSignIn, 'medium');
        assert.deepEqual(r.riskEventTypes_v2, ['anonymizedIPAddress']);
        assert.equal(
          r.appliedConditionalAccessPolicies.find((p: Rec) => p.displayName === 'Sign-in risk policy')
            .result === 'notApplied',
          code(r) === 50074,
        );
      }
    }
  });

  it('MFA fatigue: 10–30 denied pushes in a few minutes, then an approval, all one correlationId', () => {
    for (const a of attacks.filter((x) => x.kind === 'mfaFatigue')) {
      const rs = of('SignInLogs').filter((r) => inAttack(a, r));
      assert.equal(new Set(rs.map((r) => r.correlationId)).size, 1);
      const denied = rs.filter((r) => code(r) === 500121);
      assert.ok(denied.length >= 10 && denied.length <= 30, `${denied.length} prompts`);
      assert.ok(
        denied.some(
          (r) =>
            r.authenticationDetails[1].authenticationStepResultDetail ===
            'MFA denied; user declined the authentication',
        ),
      );
      assert.ok(a.end - a.start < 15 * 60_000);
      const last = rs.sort((x, y) => x.createdDateTime.localeCompare(y.createdDateTime)).at(-1)!;
      assert.equal(code(last), 0);
      assert.equal(
        last.authenticationDetails[1].authenticationStepResultDetail,
        'MFA successfully completed',
      );
      for (const r of rs) {
        assert.equal(r.riskLevelDuringSignIn, 'medium');
        assert.equal(r.riskState, 'atRisk');
        assert.equal(r.originalRequestId, rs[0]!.id);
      }
    }
  });

  it('compromised service principal: 7000215 failures from a hostile IP, then success with a new credential', () => {
    for (const a of attacks.filter((x) => x.kind === 'compromisedServicePrincipal')) {
      const rs = of('ServicePrincipalSignInLogs').filter((r) => inAttack(a, r));
      assert.ok(rs.every((r) => r.servicePrincipalId === a.servicePrincipalId));
      const failed = rs.filter((r) => code(r) === 7000215);
      const ok = rs.filter((r) => code(r) === 0);
      assert.ok(failed.length >= 3 && ok.length >= 2);
      assert.ok(failed.at(-1)!.createdDateTime < ok[0]!.createdDateTime);
      const sp = tenant.servicePrincipals.find((s) => s.id === a.servicePrincipalId)!;
      assert.ok(!sp.ip.startsWith(a.attackerIps[0]!.split('.').slice(0, 2).join('.')));
      assert.equal(new Set(ok.map((r) => r.servicePrincipalCredentialKeyId)).size, 1);
    }
  });
});

describe('risk records agree with the sign-ins', () => {
  it('each user detection names a sign-in with the same request, correlation, IP, location and user', () => {
    const signIns = new Map<string, Rec>();
    for (const r of [...of('SignInLogs'), ...of('NonInteractiveUserSignInLogs')]) signIns.set(r.id, r);
    const detections = of('UserRiskEvents');
    assert.ok(detections.length >= 5);
    for (const d of detections) {
      const s = signIns.get(d.requestId);
      assert.ok(s, `no sign-in ${d.requestId} for ${d.riskEventType}`);
      assert.equal(s.correlationId, d.correlationId);
      assert.equal(s.ipAddress, d.ipAddress);
      assert.equal(s.userId, d.userId);
      assert.equal(s.userPrincipalName, d.userPrincipalName);
      assert.equal(s.location.city, d.location.city);
      assert.equal(s.createdDateTime, d.activityDateTime);
      assert.ok(d.detectedDateTime >= d.activityDateTime);
      assert.equal(s.riskState, 'atRisk');
      assert.ok(s.riskEventTypes_v2.includes(d.riskEventType));
      assert.equal(s.riskLevelAggregated, d.riskLevel);
      assert.equal(s.riskLevelDuringSignIn, d.detectionTimingType === 'realtime' ? d.riskLevel : 'none');
      assert.match(d.id, /^[0-9a-f]{64}$/);
    }
  });

  it('every risky sign-in belongs to a detection (same correlation, user, IP)', () => {
    const detections = of('UserRiskEvents');
    for (const s of [...of('SignInLogs'), ...of('NonInteractiveUserSignInLogs')].filter(
      (r) => r.riskState !== 'none',
    )) {
      assert.ok(
        detections.some(
          (d) => d.correlationId === s.correlationId && d.userId === s.userId && d.ipAddress === s.ipAddress,
        ),
        `risky sign-in ${s.id} without a detection`,
      );
    }
  });

  it('each detected user becomes a risky user at the detection time', () => {
    const snapshots = of('RiskyUsers');
    for (const d of of('UserRiskEvents')) {
      // A user attacked twice has a snapshot per change: the store keys RiskyUsers by (id, time).
      const u = snapshots.find(
        (r) =>
          r.id === d.userId && r.riskLevel === d.riskLevel && r.riskLastUpdatedDateTime >= d.detectedDateTime,
      );
      assert.ok(u, `no risky-user snapshot for ${d.userId} after ${d.detectedDateTime}`);
      assert.equal(u.riskState, 'atRisk');
      assert.equal(u.userPrincipalName, d.userPrincipalName);
    }
    const keys = new Set(snapshots.map((r) => `${r.id}|${r.riskLastUpdatedDateTime}`));
    assert.equal(keys.size, snapshots.length, 'snapshots are unique by (id, riskLastUpdatedDateTime)');
  });

  it('service principal detections name its sign-ins; the service principal becomes risky', () => {
    const spSignIns = new Map(of('ServicePrincipalSignInLogs').map((r) => [r.id, r]));
    const detections = of('ServicePrincipalRiskEvents');
    assert.ok(detections.some((d) => d.riskEventType === 'suspiciousSignins'));
    assert.ok(detections.some((d) => d.riskEventType === 'suspiciousAPITraffic'));
    const risky = new Map(of('RiskyServicePrincipals').map((r) => [r.id, r]));
    for (const d of detections) {
      if (d.activity === 'signin') {
        const s = spSignIns.get(d.requestId)!;
        assert.ok(s, `no sign-in ${d.requestId}`);
        assert.equal(s.correlationId, d.correlationId);
        assert.equal(s.servicePrincipalId, d.servicePrincipalId);
        assert.equal(s.ipAddress, d.ipAddress);
        assert.deepEqual(d.keyIds, [s.servicePrincipalCredentialKeyId]);
        assert.equal(s.riskState, 'atRisk');
        assert.deepEqual(s.riskEventTypes_v2, [d.riskEventType]);
      }
      const sp = risky.get(d.servicePrincipalId);
      assert.ok(sp);
      assert.equal(sp.riskState, 'atRisk');
      assert.equal(sp.appId, d.appId);
    }
  });

  it('every emitted record passes the real ingest validation (schema, strict catalog)', () => {
    const catalog = AuditCatalog.load();
    for (const [category, records] of byCategory) {
      const copy = JSON.parse(JSON.stringify(records)) as unknown[];
      const { errors } = prepareItems(logType(category), copy, { catalog, catalogMode: 'strict' });
      assert.deepEqual(errors, [], category);
    }
  });
});
