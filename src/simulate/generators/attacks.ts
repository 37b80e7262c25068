/**
 * Attacks among the noise: password spray, impossible travel, sign-ins from anonymous (Tor) IPs,
 * MFA fatigue and a compromised service principal, with the ID Protection records they cause
 * (UserRiskEvents, RiskyUsers, ServicePrincipalRiskEvents, RiskyServicePrincipals).
 *
 * Planning. Time is cut into 14-day periods aligned to the Unix epoch. Each period's attacks are
 * planned from `new Rng(`attacks:${seed}:${period}`)` and the tenant alone, so the plan is the
 * same whatever window a run covers: a 30-day backfill, one hour at a time under `follow` (the
 * engine then passes a one-hour ctx.from/ctx.to), or a backfill continued live all see the same
 * attacks. Every period holds one attack of each kind, so any window of 27 days or more contains
 * at least one of each. Each hour emits the planned records whose time falls in it (a period's
 * records may spill up to a day into the next period: offline detections come hours later).
 *
 * Consistency. An attack sign-in with risk carries riskState 'atRisk', riskEventTypes_v2 = [its
 * detection type], riskLevelAggregated = the detection's level, and riskLevelDuringSignIn = that
 * level for real-time detections ('none' for offline ones, which Entra adds after the fact). Its
 * detection has requestId = the sign-in's id and the same correlationId, ipAddress, location and
 * user. A RiskyUsers / RiskyServicePrincipals record follows at the detection's detectedDateTime.
 * Failed attempts that got no detection (wrong passwords in a spray) carry no risk.
 *
 * MFA fatigue: Identity Protection has no MFA-fatigue detection. The approved sign-in comes from an
 * IP, ASN, country and browser the user never used, which is what the real-time "unfamiliar
 * sign-in properties" detection (unfamiliarFeatures) flags; the denied prompts before it share its
 * correlationId and carry the same sign-in risk.
 */
import { type City, FIRST_PARTY_APPS, HOSTILE_LOCATIONS } from '../reference-data.ts';
import { Rng } from '../rng.ts';
import type { ServicePrincipal, Tenant } from '../tenant.ts';
import {
  atLocal,
  DAY,
  type Emit,
  type Generator,
  HOUR,
  localWeekday,
  type SimContext,
  type SimRecord,
} from '../types.ts';
import { departuresBetween, memoryDays } from './lifecycle.ts';
import {
  type DetectionType,
  distanceKm,
  fmtTime,
  frozen,
  guid,
  type RiskLevel,
  requestId,
  riskyServicePrincipal,
  riskyUser,
  spRiskDetection,
  userRiskDetection,
} from './risk-state.ts';
import {
  cityNet,
  claimStep,
  type DeviceView,
  evaluateCa,
  lockedStep,
  MFA_BY_CLAIM,
  MFA_COMPLETED,
  mfaStep,
  type NetPoint,
  NO_RISK,
  nonInteractiveSignIn,
  passwordStep,
  type RiskFields,
  Stage,
  type Step,
  spSignIn,
  type TenantModel,
  tenantModel,
  type UserModel,
  userSignIn,
} from './signins.ts';

export const PERIOD = 14 * DAY;
const MINUTE = 60_000;

export type AttackKind =
  | 'passwordSpray'
  | 'impossibleTravel'
  | 'anonymousIp'
  | 'mfaFatigue'
  | 'compromisedServicePrincipal';

export interface AttackSummary {
  kind: AttackKind;
  start: number;
  end: number;
  /** Targeted users (spray: those whose credentials worked). */
  userIds: string[];
  servicePrincipalId?: string;
  attackerIps: string[];
}

interface Planned {
  t: number;
  category: string;
  json: string;
}

interface PeriodPlan {
  records: Planned[];
  attacks: AttackSummary[];
}

/** AS numbers of the hostile networks (hosting, VPN and Tor exit providers), by city. */
const HOSTILE_ASN: Record<string, number> = {
  Moscow: 49505,
  Lagos: 37282,
  Hanoi: 7552,
  Amsterdam: 60729,
  Bucharest: 9009,
};

const view = (
  userAgent: string,
  operatingSystem: string,
  browser: string,
  clientAppUsed: string,
): DeviceView => ({
  deviceId: '',
  displayName: '',
  operatingSystem,
  browser,
  isCompliant: false,
  isManaged: false,
  trustType: '',
  userAgent,
  clientAppUsed,
});
const SPRAY_VIEWS: readonly DeviceView[] = [
  view('python-requests/2.31.0', '', 'Python Requests 2.31', 'Mobile Apps and Desktop clients'),
  view('BAV2ROPC', '', '', 'Mobile Apps and Desktop clients'),
  view(
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
    'Windows10',
    'Chrome 120.0.0',
    'Mobile Apps and Desktop clients',
  ),
];
const ATTACKER_BROWSER = view(
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  'Windows10',
  'Chrome 124.0.0',
  'Browser',
);
const TOR_BROWSER = view(
  'Mozilla/5.0 (Windows NT 10.0; rv:115.0) Gecko/20100101 Firefox/115.0',
  'Windows10',
  'Firefox 115.0',
  'Browser',
);

const app = (name: string) => FIRST_PARTY_APPS.find((a) => a.displayName === name)!;
const SPRAY_APPS = [app('Microsoft Azure CLI'), app('Office 365 Exchange Online'), app('Microsoft Office')];
const OFFICE_HOME = app('OfficeHome');

function risk(type: DetectionType, level: RiskLevel, realtime: boolean): RiskFields {
  return {
    riskDetail: 'none',
    riskLevelAggregated: level,
    riskLevelDuringSignIn: realtime ? level : 'none',
    riskState: 'atRisk',
    riskEventTypes_v2: frozen([type]),
  };
}

/** Collects one attack's records and the attack's summary. */
class Planner {
  readonly records: Planned[] = [];
  readonly attacks: AttackSummary[] = [];
  readonly used = new Set<string>();

  constructor(
    readonly m: TenantModel,
    readonly rng: Rng,
    readonly start: number,
    readonly end: number,
    /** Members disabled before or during the period (HR leavers): never a victim. */
    readonly leavers: ReadonlySet<string> = new Set(),
  ) {}

  add(category: string, t: number, record: SimRecord): void {
    this.records.push({ t, category, json: JSON.stringify(record) });
  }

  /** A random time in the period, leaving a day at its end for the attack's aftermath. */
  time(): number {
    return this.start + this.rng.next() * (this.end - this.start - DAY);
  }

  /** A member not yet targeted in this period, satisfying `pred` when possible. */
  victim(pred: (um: UserModel) => boolean = () => true): UserModel {
    const pool = this.m.users.filter(
      (u) => !u.isGuest && u.user.enabled && !this.used.has(u.user.id) && !this.leavers.has(u.user.id),
    );
    const good = pool.filter(pred);
    const list = good.length > 0 ? good : pool.length > 0 ? pool : this.m.users;
    const um = list[Math.floor(this.rng.next() * list.length)]!;
    this.used.add(um.user.id);
    return um;
  }

  hostileCity(exclude: readonly string[] = ['Amsterdam'], farFrom?: City): City {
    let list = HOSTILE_LOCATIONS.filter((c) => !exclude.includes(c.city));
    if (farFrom) {
      const far = list.filter((c) => distanceKm(c, farFrom) > 2000);
      if (far.length > 0) list = far;
    }
    return list[Math.floor(this.rng.next() * list.length)]!;
  }

  hostileNet(c: City, ip?: string): NetPoint {
    const rng = this.rng;
    const address = ip ?? `${c.ipPrefix}.${rng.int(0, 255)}.${rng.int(1, 254)}`;
    return cityNet(
      c,
      address,
      HOSTILE_ASN[c.city] ?? 0,
      this.m.tenant.namedLocations.find((n) => !n.trusted)?.countries ?? [],
    );
  }

  torNet(): NetPoint {
    const c = HOSTILE_LOCATIONS.find((h) => h.city === 'Amsterdam') ?? HOSTILE_LOCATIONS[0]!;
    return this.hostileNet(c, `185.220.${this.rng.int(100, 103)}.${this.rng.int(1, 254)}`);
  }

  /** An interactive (or, with `interactive` false, non-interactive) sign-in of a user. */
  signIn(o: {
    um: UserModel;
    t: number;
    net: NetPoint;
    view: DeviceView;
    appName?: string;
    correlationId: string;
    id: string;
    originalRequestId: string;
    code: number;
    stage: Stage;
    steps: (time: string) => Step[];
    successDetail?: string | null;
    risk?: RiskFields;
    firstFactorFailed?: boolean;
    sessionId?: string;
    interactive?: boolean;
  }): SimRecord {
    const m = this.m;
    const um = o.um;
    const r = o.risk ?? NO_RISK;
    const a = o.appName ? app(o.appName) : OFFICE_HOME;
    const ca = evaluateCa(m, {
      admin: um.isAdmin,
      guest: um.isGuest,
      mfaExcluded: um.mfaExcluded,
      legacy: false,
      compliant: o.view.isCompliant,
      risky: r.riskLevelDuringSignIn === 'medium' || r.riskLevelDuringSignIn === 'high',
      stage: o.stage,
    });
    const time = fmtTime(o.t);
    const interactive = o.interactive ?? true;
    const spec = {
      m,
      um,
      rng: this.rng,
      time,
      interactive,
      app: a,
      resource: a.resource,
      net: o.net,
      view: o.view,
      sessionId: o.sessionId ?? guid(this.rng),
      correlationId: o.correlationId,
      id: o.id,
      originalRequestId: o.originalRequestId,
      errorCode: o.code,
      successDetail: o.successDetail ?? null,
      ca,
      authenticationRequirement:
        !o.firstFactorFailed && ca.mfaRequired ? 'multiFactorAuthentication' : 'singleFactorAuthentication',
      authenticationDetails: o.steps(time),
      risk: r,
      incomingTokenType: 'none',
      processingMs: 80 + Math.floor(this.rng.next() * 300),
    };
    const record = interactive ? userSignIn(spec) : nonInteractiveSignIn(spec);
    this.add(interactive ? 'SignInLogs' : 'NonInteractiveUserSignInLogs', o.t, record);
    return record;
  }

  /** A user risk detection for a sign-in record, and the risky-user state it leaves. */
  detect(
    um: UserModel,
    signIn: SimRecord,
    t: number,
    type: DetectionType,
    level: RiskLevel,
    delay: number,
    net: NetPoint,
    city: City,
    extraInfo?: { Key: string; Value: unknown }[],
  ): void {
    const user = { id: um.user.id, displayName: um.user.displayName, userPrincipalName: um.upn };
    const detected = t + delay;
    this.add(
      'UserRiskEvents',
      t,
      userRiskDetection(
        {
          rng: this.rng,
          type,
          level,
          activityTime: t,
          detectedTime: detected,
          requestId: signIn.id as string,
          correlationId: signIn.correlationId as string,
          ipAddress: net.ip,
          location: city,
          userAgent: signIn.userAgent as string,
          ...(extraInfo ? { extraInfo } : {}),
        },
        user,
      ),
    );
    const updated = detected + this.rng.next() * 5_000;
    this.add('RiskyUsers', updated, riskyUser(user, level, updated));
  }

  // -------------------------------------------------------------------------------------------

  /** 1–3 hostile IPs try one common password against 50–200 users in 10–60 minutes. */
  passwordSpray(): void {
    const rng = this.rng;
    const t0 = this.time();
    const duration = rng.int(10, 60) * MINUTE;
    const sources = Array.from({ length: rng.int(1, 3) }, () => {
      const city = this.hostileCity();
      return {
        city,
        net: this.hostileNet(city),
        view: SPRAY_VIEWS[rng.int(0, SPRAY_VIEWS.length - 1)]!,
        app: SPRAY_APPS[rng.int(0, SPRAY_APPS.length - 1)]!,
      };
    });
    // Accounts that still exist: a spray at a disabled one would end in 50057, not a guess.
    const members = this.m.users.filter(
      (u) => !u.isGuest && !this.used.has(u.user.id) && !this.leavers.has(u.user.id),
    );
    const n = Math.min(members.length, rng.int(50, 200));
    // Partial Fisher–Yates: the first n of a shuffled copy.
    const pool = [...members];
    for (let i = 0; i < n; i++) {
      const j = i + Math.floor(rng.next() * (pool.length - i));
      [pool[i], pool[j]] = [pool[j]!, pool[i]!];
    }
    const targets = pool.slice(0, n);
    // Whose password was the sprayed one: 1–2, preferably accounts excluded from MFA.
    const nValid = rng.int(1, 2);
    const order = [...targets.keys()].sort(
      (a, b) => Number(targets[b]!.mfaExcluded) - Number(targets[a]!.mfaExcluded),
    );
    const valid = new Set(order.slice(0, nValid));
    const locked = new Set<number>();
    const nLocked = rng.int(1, 4);
    while (locked.size < Math.min(nLocked, n - valid.size)) {
      const i = rng.int(0, n - 1);
      if (!valid.has(i)) locked.add(i);
    }
    const summary: AttackSummary = {
      kind: 'passwordSpray',
      start: t0,
      end: t0 + duration,
      userIds: [],
      attackerIps: sources.map((s) => s.net.ip),
    };
    targets.forEach((um, i) => {
      const src = sources[i % sources.length]!;
      const t = t0 + (i / n) * duration + rng.next() * 20_000;
      const id = requestId(rng);
      const base = {
        um,
        t,
        net: src.net,
        view: src.view,
        appName: src.app.displayName,
        correlationId: guid(rng),
        id,
        originalRequestId: id,
      };
      if (valid.has(i)) {
        this.used.add(um.user.id);
        summary.userIds.push(um.user.id);
        const level: RiskLevel = 'high';
        const r = risk('passwordSpray', level, false);
        // With MFA required the attacker stops at the MFA prompt; an excluded account is simply in.
        const record = um.mfaExcluded
          ? this.signIn({ ...base, code: 0, stage: Stage.Ok, steps: (s) => [passwordStep(s, true)], risk: r })
          : this.signIn({
              ...base,
              code: 50076,
              stage: Stage.Pre,
              steps: (s) => [passwordStep(s, true)],
              risk: r,
            });
        this.detect(
          um,
          record,
          t,
          'passwordSpray',
          level,
          rng.int(2 * 60, 6 * 60) * MINUTE,
          src.net,
          src.city,
        );
      } else if (locked.has(i)) {
        this.signIn({
          ...base,
          code: 50053,
          stage: Stage.Pre,
          steps: (s) => [lockedStep(s)],
          firstFactorFailed: true,
        });
      } else {
        this.signIn({
          ...base,
          code: 50126,
          stage: Stage.Pre,
          steps: (s) => [passwordStep(s, false)],
          firstFactorFailed: true,
        });
      }
    });
    this.attacks.push(summary);
  }

  /** The user signs in at the office; 1–2 h later their stolen token is used from far away. */
  impossibleTravel(): void {
    const rng = this.rng;
    const um = this.victim();
    const office = um.user.office;
    // A weekday morning in the user's office.
    let t1 = this.time();
    for (let k = 0; k < 14; k++) {
      const candidate = atLocal(Math.floor(t1 / DAY), rng.int(9, 11) + rng.next(), office.timeZone);
      const weekday = localWeekday(candidate, office.timeZone);
      if (weekday !== 0 && weekday !== 6 && candidate >= this.start && candidate < this.end - DAY) {
        t1 = candidate;
        break;
      }
      t1 = this.start + ((t1 - this.start + DAY) % (this.end - this.start - DAY));
    }
    const dm = um.devices[0]!;
    const sessionId = guid(rng);
    const id1 = requestId(rng);
    const officeRecord = this.signIn({
      um,
      t: t1,
      net: um.office,
      view: dm.browserView,
      correlationId: guid(rng),
      id: id1,
      originalRequestId: id1,
      code: 0,
      stage: Stage.Ok,
      steps: (s) => [claimStep(s, false), claimStep(s, true)],
      successDetail: MFA_BY_CLAIM,
      sessionId,
    });
    const city = this.hostileCity(['Amsterdam'], office);
    const net = this.hostileNet(city);
    const t2 = t1 + rng.int(60, 120) * MINUTE;
    const level: RiskLevel = rng.chance(0.7) ? 'medium' : 'high';
    const id2 = requestId(rng);
    const correlationId = guid(rng);
    const record = this.signIn({
      um,
      t: t2,
      net,
      view: ATTACKER_BROWSER,
      correlationId,
      id: id2,
      originalRequestId: id2,
      code: 0,
      stage: Stage.Ok,
      // A replayed session token: both factors "satisfied by claim".
      steps: (s) => [claimStep(s, false), claimStep(s, true)],
      successDetail: MFA_BY_CLAIM,
      risk: risk('unlikelyTravel', level, false),
      sessionId,
    });
    this.detect(um, record, t2, 'unlikelyTravel', level, rng.int(60, 240) * MINUTE, net, city, [
      { Key: 'relatedEventTimeInUtc', Value: officeRecord.createdDateTime },
      { Key: 'relatedUserAgent', Value: officeRecord.userAgent },
      {
        Key: 'relatedLocation',
        Value: {
          clientIP: um.office.ip,
          latitude: um.office.latitude,
          longitude: um.office.longitude,
          asn: um.office.asn,
          countryCode: um.office.countryOrRegion,
          state: um.office.state,
          city: um.office.city,
        },
      },
    ]);
    // The attacker's client keeps refreshing the stolen session for a while.
    const refreshes = rng.int(3, 6);
    for (let k = 0; k < refreshes; k++) {
      const t = t2 + (k + 1) * rng.int(4, 9) * MINUTE;
      const id = requestId(rng);
      this.signIn({
        um,
        t,
        net,
        view: { ...ATTACKER_BROWSER, clientAppUsed: 'Browser' },
        appName: 'Office 365 SharePoint Online',
        correlationId: guid(rng),
        id,
        originalRequestId: id,
        code: 0,
        stage: Stage.Ok,
        steps: (s) => [claimStep(s, true)],
        successDetail: MFA_BY_CLAIM,
        sessionId,
        interactive: false,
      });
    }
    this.attacks.push({
      kind: 'impossibleTravel',
      start: t1,
      end: t2 + refreshes * 9 * MINUTE,
      userIds: [um.user.id],
      attackerIps: [net.ip],
    });
  }

  /** Sign-ins through a Tor exit: wrong guesses, the right password, the risk policy's MFA prompt, a denial. */
  anonymousIp(): void {
    const rng = this.rng;
    const um = this.victim((u) => !u.mfaExcluded);
    const net = this.torNet();
    const city = HOSTILE_LOCATIONS.find((h) => h.city === net.city)!;
    const t0 = this.time();
    const correlationId = guid(rng);
    const firstId = requestId(rng);
    let t = t0;
    let n = 0;
    const next = () => (n++ === 0 ? firstId : requestId(rng));
    const wrong = rng.int(0, 2);
    for (let k = 0; k < wrong; k++) {
      this.signIn({
        um,
        t,
        net,
        view: TOR_BROWSER,
        correlationId,
        id: next(),
        originalRequestId: firstId,
        code: 50126,
        stage: Stage.Pre,
        steps: (s) => [passwordStep(s, false)],
        firstFactorFailed: true,
      });
      t += rng.int(10, 60) * 1000;
    }
    const level: RiskLevel = 'medium';
    const r = risk('anonymizedIPAddress', level, true);
    const record = this.signIn({
      um,
      t,
      net,
      view: TOR_BROWSER,
      correlationId,
      id: next(),
      originalRequestId: firstId,
      code: 50074,
      stage: Stage.Pre,
      steps: (s) => [passwordStep(s, true)],
      risk: r,
    });
    this.detect(um, record, t, 'anonymizedIPAddress', level, rng.int(5, 60) * 1000, net, city);
    t += rng.int(20, 60) * 1000;
    this.signIn({
      um,
      t,
      net,
      view: TOR_BROWSER,
      correlationId,
      id: next(),
      originalRequestId: firstId,
      code: 500121,
      stage: Stage.MfaFailed,
      steps: (s) => [passwordStep(s, true), mfaStep(s, um, 'denied')],
      risk: r,
    });
    this.attacks.push({
      kind: 'anonymousIp',
      start: t0,
      end: t,
      userIds: [um.user.id],
      attackerIps: [net.ip],
    });
  }

  /** 10–30 push prompts in a few minutes at night, denied, until the user approves one. */
  mfaFatigue(): void {
    const rng = this.rng;
    const um = this.victim((u) => u.user.mfaMethod === 'Mobile app notification' && !u.mfaExcluded);
    const office = um.user.office;
    // 00:30–04:30 in the user's office time zone.
    let t = atLocal(Math.floor(this.time() / DAY), rng.next() * 4 + 0.5, office.timeZone);
    if (t < this.start) t += DAY;
    const t0 = t;
    const city = this.hostileCity(['Amsterdam'], office);
    const net = this.hostileNet(city);
    const correlationId = guid(rng);
    const firstId = requestId(rng);
    const level: RiskLevel = 'medium';
    const r = risk('unfamiliarFeatures', level, true);
    const common = { um, net, view: ATTACKER_BROWSER, correlationId, originalRequestId: firstId, risk: r };
    this.signIn({
      ...common,
      t,
      id: firstId,
      code: 50074,
      stage: Stage.Pre,
      steps: (s) => [passwordStep(s, true)],
    });
    const prompts = rng.int(10, 30);
    for (let k = 0; k < prompts; k++) {
      t += rng.int(8, 25) * 1000;
      const denied = rng.chance(0.85);
      this.signIn({
        ...common,
        t,
        id: requestId(rng),
        code: 500121,
        stage: Stage.MfaFailed,
        steps: (s) => [passwordStep(s, true), mfaStep(s, um, denied ? 'denied' : 'timeout')],
      });
    }
    t += rng.int(8, 25) * 1000;
    const approved = this.signIn({
      ...common,
      t,
      id: requestId(rng),
      code: 0,
      stage: Stage.Ok,
      steps: (s) => [passwordStep(s, true), mfaStep(s, um, 'ok')],
      successDetail: MFA_COMPLETED,
    });
    this.detect(um, approved, t, 'unfamiliarFeatures', level, rng.int(10, 60) * 1000, net, city);
    this.attacks.push({
      kind: 'mfaFatigue',
      start: t0,
      end: t,
      userIds: [um.user.id],
      attackerIps: [net.ip],
    });
  }

  /** A service principal authenticates from a hostile IP with a new secret: failures, then success. */
  compromisedServicePrincipal(): void {
    const rng = this.rng;
    const sps = this.m.sps;
    if (sps.length === 0) return;
    const secrets = sps.filter((s) => s.sp.credential === 'clientSecret');
    const pool = secrets.length > 0 ? secrets : sps;
    const s = pool[Math.floor(rng.next() * pool.length)]!;
    // The attacker added a client secret; the service principal now signs in with it.
    const sp: ServicePrincipal = { ...s.sp, credential: 'clientSecret' };
    const city = this.hostileCity(['Amsterdam']);
    const net = this.hostileNet(city);
    const newKeyId = guid(rng);
    let t = this.time();
    const t0 = t;
    const fail = rng.int(3, 8);
    for (let k = 0; k < fail; k++) {
      const id = requestId(rng);
      this.add(
        'ServicePrincipalSignInLogs',
        t,
        spSignIn({
          m: this.m,
          rng,
          sp,
          time: fmtTime(t),
          id,
          correlationId: guid(rng),
          net,
          errorCode: 7000215,
          keyId: '',
          thumbprint: '',
          risk: NO_RISK,
        }),
      );
      t += rng.int(20, 90) * 1000;
    }
    const ok = rng.int(2, 6);
    const spRef = { id: sp.id, appId: sp.appId, displayName: sp.displayName };
    let first: SimRecord | null = null;
    let last: SimRecord | null = null;
    for (let k = 0; k < ok; k++) {
      t += rng.int(1, 8) * MINUTE;
      const id = requestId(rng);
      const record = spSignIn({
        m: this.m,
        rng,
        sp,
        time: fmtTime(t),
        id,
        correlationId: guid(rng),
        net,
        errorCode: 0,
        keyId: newKeyId,
        thumbprint: '',
        risk: k === 0 ? risk('suspiciousSignins', 'high', false) : NO_RISK,
      });
      this.add('ServicePrincipalSignInLogs', t, record);
      first ??= record;
      last = record;
    }
    const f = first!;
    const firstTime = Date.parse(String(f.createdDateTime));
    const detected = firstTime + rng.int(60, 180) * MINUTE;
    this.add(
      'ServicePrincipalRiskEvents',
      firstTime,
      spRiskDetection(
        {
          rng,
          type: 'suspiciousSignins',
          level: 'high',
          activityTime: firstTime,
          detectedTime: detected,
          requestId: f.id as string,
          correlationId: f.correlationId as string,
          ipAddress: net.ip,
          location: city,
        },
        spRef,
        [newKeyId],
        'signin',
      ),
    );
    const l = last!;
    this.add(
      'ServicePrincipalRiskEvents',
      t,
      spRiskDetection(
        {
          rng,
          type: 'suspiciousAPITraffic',
          level: 'high',
          activityTime: t,
          detectedTime: t + rng.int(120, 300) * MINUTE,
          requestId: null,
          correlationId: l.correlationId as string,
          ipAddress: net.ip,
          location: city,
        },
        spRef,
        [newKeyId],
        'servicePrincipal',
      ),
    );
    const updated = detected + rng.next() * 5_000;
    this.add('RiskyServicePrincipals', updated, riskyServicePrincipal(spRef, 'high', updated));
    this.attacks.push({
      kind: 'compromisedServicePrincipal',
      start: t0,
      end: t,
      userIds: [],
      servicePrincipalId: sp.id,
      attackerIps: [net.ip],
    });
  }
}

const plans = new WeakMap<Tenant, Map<string, PeriodPlan>>();

/** The attacks of one 14-day period (cached). */
export function periodPlan(tenant: Tenant, seed: string, period: number): PeriodPlan {
  let byKey = plans.get(tenant);
  if (!byKey) {
    byKey = new Map();
    plans.set(tenant, byKey);
  }
  const key = `${seed}|${period}`;
  const hit = byKey.get(key);
  if (hit) return hit;
  const m = tenantModel(tenant);
  const start = period * PERIOD;
  const leavers = new Set(
    departuresBetween(tenant, seed, start - memoryDays(tenant) * DAY, start + PERIOD + DAY).keys(),
  );
  const p = new Planner(m, new Rng(`attacks:${seed}:${period}`), start, start + PERIOD, leavers);
  p.passwordSpray();
  p.impossibleTravel();
  p.anonymousIp();
  p.mfaFatigue();
  p.compromisedServicePrincipal();
  p.records.sort((a, b) => a.t - b.t);
  const plan = { records: p.records, attacks: p.attacks };
  if (byKey.size > 64) byKey.clear();
  byKey.set(key, plan);
  return plan;
}

/** The attacks that start in [from, to). */
export function attacksIn(ctx: SimContext, from = ctx.from, to = ctx.to): AttackSummary[] {
  const out: AttackSummary[] = [];
  for (let p = Math.floor(from / PERIOD); p * PERIOD < to; p++) {
    for (const a of periodPlan(ctx.tenant, ctx.seed, p).attacks)
      if (a.start >= from && a.start < to) out.push(a);
  }
  return out;
}

function firstAtOrAfter(records: readonly Planned[], t: number): number {
  let lo = 0;
  let hi = records.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (records[mid]!.t < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export const attackScenarios: Generator = {
  name: 'attacks',
  hour(ctx: SimContext, hourStart: number, _rng: Rng, emit: Emit): void {
    const end = hourStart + HOUR;
    const p = Math.floor(hourStart / PERIOD);
    // A period's aftermath (offline detections, risky-user updates) can spill into the next one.
    const periods = Math.floor((hourStart - DAY) / PERIOD) < p ? [p - 1, p] : [p];
    for (const period of periods) {
      const { records } = periodPlan(ctx.tenant, ctx.seed, period);
      for (let i = firstAtOrAfter(records, hourStart); i < records.length && records[i]!.t < end; i++) {
        const r = records[i]!;
        emit(r.category, JSON.parse(r.json) as SimRecord);
      }
    }
  },
};
