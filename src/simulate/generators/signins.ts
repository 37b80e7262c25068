/**
 * Sign-in generators: interactive, non-interactive, service principal, managed identity and AD FS
 * sign-ins, behaving like a real tenant's (rates below).
 *
 * Model, per user (precomputed once per tenant, `tenantModel`):
 * - activity follows `workdayRhythm` in the user's office time zone; interactive sign-ins are
 *   "events" (a user opening an app), each producing one record (SSO) or a short flow of records
 *   sharing a correlationId: interrupts (50074/50076 MFA, 50140 KMSI, 50097 device auth), bad
 *   passwords (50126) and the completing success;
 * - non-interactive sign-ins are background token refreshes (Teams, Outlook, OneDrive, the broker)
 *   at a workday rate plus a flat evening/night floor;
 * - the network position (office, home or mobile IP, all geolocated to the office's metro) depends
 *   on the local hour and weekday;
 * - conditional access is evaluated per policy from the user (admin, guest, MFA-excluded), the
 *   client (legacy or modern), the device (compliant or not), the sign-in risk and the stage the
 *   sign-in reached (first factor failed, interrupted, MFA failed, blocked, completed).
 *
 * Rates (per user with activity 1.0, per weekday; weekends get workdayRhythm's 12%):
 *   interactive events 4.0 → ≈ 4.4 records (10–11% of them failures), non-interactive ≈ 55
 *   (≈ 12× interactive over a week), AD FS 1.5 for the ~8% of members federated through AD FS.
 *   Service principals: `sp.rate` per hour, flat; managed identities: `mi.rate` per hour, flat.
 *
 * Records: `userSignIn` (interactive: every tenant policy in appliedConditionalAccessPolicies, all
 * the beta fields) and `nonInteractiveSignIn` (lean: only the policies a refresh triggered, no
 * constant beta fields; ~2.2 KB instead of ~3.5 KB, since JSON.stringify time is proportional to
 * bytes and non-interactive sign-ins are ~80% of all records). Every record is a fresh tree (no object or array is
 * shared between records: ingest normalisation repairs records in place). Records are emitted in
 * generation order, not sorted by time within the hour.
 */

import { immutable } from '../../security/canonical-json.ts';
import { cachedFragment, fields, fragment, hole, type JsonWriter, rawHole, Template } from '../json.ts';
import {
  type AppInfo,
  type City,
  DEVICE_PROFILES,
  FIRST_PARTY_APPS,
  OFFICES,
  RESOURCES,
  type ResourceInfo,
  SIGN_IN_ERRORS,
  type SignInErrorCode,
} from '../reference-data.ts';
import { Bits128, hash32, Rng } from '../rng.ts';
import type {
  ConditionalAccessPolicy,
  Device,
  ManagedIdentity,
  ServicePrincipal,
  Tenant,
  User,
} from '../tenant.ts';
import { type Emit, type Generator, HOUR, type SimContext, type SimRecord, workdayRhythm } from '../types.ts';
import { arrivalsAround, departuresAround, JOINER_START_DELAY, staleAttemptRate } from './lifecycle.ts';
import type { Joiner } from './provisioning.ts';
import {
  copyStrings,
  fmtTime,
  frozen,
  guid,
  keyGuid,
  requestId,
  tokenId,
  writeId,
  writeTime,
  writeTokenId,
} from './risk-state.ts';

// ---------------------------------------------------------------------------------------------
// Rates

/** Sum of workdayRhythm over the 24 hours of a weekday (hour midpoints): ≈ 10.7. */
const WEEKDAY_RHYTHM = (() => {
  const monday = Date.UTC(2024, 0, 1);
  let s = 0;
  for (let h = 0; h < 24; h++) s += workdayRhythm(monday + h * HOUR + HOUR / 2, 'UTC');
  return s;
})();

/** Interactive sign-in events per weekday for a user of activity 1. */
export const INTERACTIVE_EVENTS_PER_WORKDAY = 4.0;
/**
 * Non-interactive refreshes per weekday for a user of activity 1 (workday part + flat floor). Entra's
 * docs put non-interactive and service principal sign-ins at 5 to 10 times the interactive ones
 * (entra-formats.md §3.4); this gives about 7 to 8 times.
 */
export const NON_INTERACTIVE_PER_WORKDAY = 25;
/** Background refreshes per hour at any time (phones and laptops left on). */
export const NON_INTERACTIVE_FLOOR_PER_HOUR = 0.2;
/** AD FS sign-ins per weekday for a federated user. */
export const ADFS_PER_WORKDAY = 1.5;
/** Guests sign in far less than members. */
const GUEST_FACTOR = 0.3;

const INT_PER_UNIT = INTERACTIVE_EVENTS_PER_WORKDAY / WEEKDAY_RHYTHM;
const NI_PER_UNIT = NON_INTERACTIVE_PER_WORKDAY / WEEKDAY_RHYTHM;
const ADFS_PER_UNIT = ADFS_PER_WORKDAY / WEEKDAY_RHYTHM;

/**
 * Interactive event kinds and their probabilities (the rest, ≈ 89.4%, are SSO successes).
 * Failure records per event ≈ 0.12 → ≈ 10–11% of interactive records are failures, led by
 * 50074/50076 and 50140, then 50126 — the order real tenants show.
 */
const P_MFA = 0.06; // password + MFA prompt: 50074|50076 → (browser: 50140) → 0
const P_KMSI = 0.02; // password, MFA satisfied by claim, KMSI prompt: 50140 → 0
const P_BAD_PASSWORD = 0.012; // 50126 → (70%) retry
const P_MFA_FAILED = 0.004; // 50074 → 500121 → (50%) retry success
const P_DEVICE_AUTH = 0.003; // 50097 → 0 (Windows)
const P_LEGACY = 0.003; // legacy protocol blocked by CA: 53003
const P_EXPIRED = 0.0005; // 50055
const P_LOCKED = 0.0003; // 50053
// Cumulative thresholds for one uniform draw.
const C_MFA = P_MFA;
const C_KMSI = C_MFA + P_KMSI;
const C_BAD_PASSWORD = C_KMSI + P_BAD_PASSWORD;
const C_MFA_FAILED = C_BAD_PASSWORD + P_MFA_FAILED;
const C_DEVICE_AUTH = C_MFA_FAILED + P_DEVICE_AUTH;
const C_LEGACY = C_DEVICE_AUTH + P_LEGACY;
const C_EXPIRED = C_LEGACY + P_EXPIRED;
const C_LOCKED = C_EXPIRED + P_LOCKED;

/** Non-interactive failures (≈ 2%), by code. */
const NI_FAILURE_RATE = 0.02;
const NI_FAILURES: readonly SignInErrorCode[] = [70043, 50076, 16000, 65001, 50097];
const NI_FAILURE_WEIGHTS = [30, 30, 15, 10, 15];

/** Service principal failures (client-secret principals only). */
const SP_INVALID_SECRET = 0.004;
const SP_EXPIRED_SECRET = 0.0015;

// ---------------------------------------------------------------------------------------------
// Status texts

const ADDITIONAL_DETAILS: Partial<Record<number, string>> = {
  50126:
    "The user didn't enter the right credentials.  It's expected to see some number of these errors in your logs due to users making mistakes.",
  50074: 'MFA required in Azure AD',
  50076: 'MFA required in Azure AD',
  50140:
    'This is an expected part of the login flow, where a user is asked if they want to remain signed into this browser to make further logins easier. For more details, see https://techcommunity.microsoft.com/t5/Azure-Active-Directory/The-new-Azure-AD-sign-in-and-Keep-me-signed-in-experiences/td-p/128267',
  500121:
    "The user didn't complete the MFA prompt. They may have decided not to authenticate, timed out while doing authentication, or abandoned the sign-in process.",
};
export const MFA_BY_CLAIM = 'MFA requirement satisfied by claim in the token';
export const MFA_COMPLETED = 'MFA completed in Azure AD';

export function status(code: number, successDetail: string | null = null): SimRecord {
  if (code === 0) return { errorCode: 0, failureReason: 'Other.', additionalDetails: successDetail };
  return {
    errorCode: code,
    failureReason: SIGN_IN_ERRORS[code as SignInErrorCode] ?? 'Other.',
    additionalDetails: ADDITIONAL_DETAILS[code] ?? null,
  };
}

// ---------------------------------------------------------------------------------------------
// Tenant model: per-user constants, computed once per tenant

export interface NetPoint {
  ip: string;
  asn: number;
  city: string;
  state: string;
  countryOrRegion: string;
  latitude: number;
  longitude: number;
  /** Named location the IP falls in (null: none). */
  namedLocation: string | null;
  trusted: boolean;
}

export interface DeviceView {
  deviceId: string;
  displayName: string;
  operatingSystem: string;
  browser: string;
  isCompliant: boolean;
  isManaged: boolean;
  trustType: string;
  userAgent: string;
  clientAppUsed: string;
}

interface DeviceModel {
  device: Device;
  mobile: boolean;
  windows: boolean;
  browserView: DeviceView;
  clientView: DeviceView;
  legacyView: DeviceView;
  apps: AppInfo[];
  cum: number[];
  niApps: AppInfo[];
  niCum: number[];
  sessionDay: number;
  sessionId: string;
  /** The session id's bytes for the NDJSON path (made with the id, once a day). */
  sessionBytes: Uint8Array;
}

export interface UserModel {
  user: User;
  /** The UPN sign-in logs carry: lower case; a guest's home UPN. */
  upn: string;
  homeTenantId: string;
  crossTenantAccessType: string;
  officeIdx: number;
  office: NetPoint;
  home: NetPoint;
  mobile: NetPoint;
  devices: DeviceModel[];
  deviceCum: number[];
  isAdmin: boolean;
  isGuest: boolean;
  mfaExcluded: boolean;
  mfaDetail: string | null;
  /** Expected-rate multiplier: activity, and less for guests. */
  rate: number;
  adfs: boolean;
}

interface PolicyModel {
  policy: ConditionalAccessPolicy;
  grant: readonly string[];
  session: readonly string[];
  reportOnly: boolean;
  mfa: boolean;
}

export interface TenantModel {
  tenant: Tenant;
  users: UserModel[];
  byId: Map<string, UserModel>;
  policies: PolicyModel[];
  caCache: Map<number, CaOutcome>;
  adfsUsers: UserModel[];
  rpApps: { id: string; displayName: string }[];
  sps: { sp: ServicePrincipal; net: NetPoint; keyId: string; thumbprint: string }[];
  mis: ManagedIdentity[];
  officeIndex: Map<City, number>;
}

/** Residential and mobile ISPs per country: public prefixes (two octets) and their AS numbers. */
const HOME_ISPS: Record<string, { prefix: string; asn: number }[]> = {
  US: [
    { prefix: '73.162', asn: 7922 },
    { prefix: '71.231', asn: 701 },
    { prefix: '24.17', asn: 20115 },
  ],
  GB: [
    { prefix: '86.151', asn: 2856 },
    { prefix: '82.38', asn: 5089 },
  ],
  IE: [
    { prefix: '86.46', asn: 5466 },
    { prefix: '89.101', asn: 6830 },
  ],
  DE: [
    { prefix: '91.55', asn: 3320 },
    { prefix: '92.211', asn: 3209 },
  ],
  FR: [
    { prefix: '86.246', asn: 3215 },
    { prefix: '78.192', asn: 12322 },
  ],
  IN: [
    { prefix: '49.36', asn: 55836 },
    { prefix: '122.171', asn: 24560 },
  ],
  SG: [
    { prefix: '116.86', asn: 9506 },
    { prefix: '118.189', asn: 4773 },
  ],
  AU: [
    { prefix: '120.148', asn: 1221 },
    { prefix: '101.184', asn: 4804 },
  ],
  JP: [
    { prefix: '126.236', asn: 17676 },
    { prefix: '180.12', asn: 2516 },
  ],
  BR: [
    { prefix: '177.138', asn: 28573 },
    { prefix: '189.6', asn: 18881 },
  ],
};
const MOBILE_ISPS: Record<string, { prefix: string; asn: number }> = {
  US: { prefix: '174.205', asn: 6167 },
  GB: { prefix: '31.94', asn: 12576 },
  IE: { prefix: '37.228', asn: 15502 },
  DE: { prefix: '80.187', asn: 3320 },
  FR: { prefix: '92.184', asn: 51207 },
  IN: { prefix: '106.207', asn: 45609 },
  SG: { prefix: '111.65', asn: 45143 },
  AU: { prefix: '1.144', asn: 1221 },
  JP: { prefix: '133.106', asn: 2516 },
  BR: { prefix: '179.95', asn: 26599 },
};
/** AS numbers of the offices' business connections, by office index. */
const OFFICE_ASNS = [8075, 7018, 7922, 2856, 5466, 3320, 3215, 9498, 7473, 1221, 2914, 28573];

/** Preference of each first-party client for background refreshes (non-interactive). */
const NI_WEIGHTS: Record<string, number> = {
  'Microsoft Teams': 30,
  'Office 365 Exchange Online': 12,
  'Outlook Mobile': 14,
  'OneDrive SyncEngine': 14,
  'Microsoft Office': 12,
  'Microsoft Authentication Broker': 10,
  'Office 365 SharePoint Online': 6,
  'Microsoft Edge': 6,
  'Windows Sign In': 3,
  OfficeHome: 3,
};
/** Clients that sign in in a browser; the rest are desktop and mobile apps. */
const BROWSER_APPS = new Set([
  'OfficeHome',
  'Azure Portal',
  'My Apps',
  'Office 365 SharePoint Online',
  'Office 365 Exchange Online',
]);
const DESKTOP_ONLY = new Set([
  'Windows Sign In',
  'OneDrive SyncEngine',
  'Microsoft Azure CLI',
  'Microsoft Azure PowerShell',
]);
const MOBILE_ONLY = new Set(['Outlook Mobile']);
/** Resources the busiest background clients ask tokens for, besides their main one. */
const NI_RESOURCES: Record<string, readonly ResourceInfo[]> = {
  'Microsoft Teams': [
    RESOURCES.teams,
    RESOURCES.teams,
    RESOURCES.graph,
    RESOURCES.sharepoint,
    RESOURCES.exchange,
  ],
  'Microsoft Office': [RESOURCES.sharepoint, RESOURCES.exchange, RESOURCES.graph],
  'Microsoft Authentication Broker': [RESOURCES.windowsAzureAD, RESOURCES.graph],
  'Microsoft Edge': [RESOURCES.graph, RESOURCES.sharepoint],
};

export function isBrowserApp(app: AppInfo): boolean {
  return !app.firstParty || BROWSER_APPS.has(app.displayName);
}

function hashFrac(key: string): number {
  return hash32(key) / 4294967296;
}

function ipTail(key: string): string {
  const h = hash32(key);
  return `${(h >>> 8) & 255}.${1 + ((h & 255) % 254)}`;
}

function netPoint(c: City, ip: string, asn: number, jitter: number, key: string): NetPoint {
  return {
    ip,
    asn,
    city: c.city,
    state: c.state,
    countryOrRegion: c.countryOrRegion,
    latitude: Math.round((c.latitude + (hashFrac(`${key}:lat`) - 0.5) * jitter) * 1e4) / 1e4,
    longitude: Math.round((c.longitude + (hashFrac(`${key}:lon`) - 0.5) * jitter) * 1e4) / 1e4,
    namedLocation: null,
    trusted: false,
  };
}

/** A network point at a city for an IP outside the offices (named location only if the country is blocked). */
export function cityNet(c: City, ip: string, asn: number, blockedCountries: readonly string[]): NetPoint {
  const p = netPoint(c, ip, asn, 0, ip);
  if (blockedCountries.includes(c.countryOrRegion)) p.namedLocation = 'Blocked countries';
  return p;
}

const CLIENT_UA: Record<string, { browser: string; userAgent: string }> = {
  Windows10: {
    browser: 'Rich Client 4.61.0.0',
    userAgent:
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64; WebView/3.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/70.0.3538.102 Safari/537.36 Edge/18.19045',
  },
  MacOs: {
    browser: 'Rich Client 4.61.0.0',
    userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)',
  },
  Linux: { browser: 'Rich Client 4.61.0.0', userAgent: 'Mozilla/5.0 (compatible; MSAL 1.0) PKeyAuth/1.0' },
};
const LEGACY_UA: Record<string, string> = {
  ios: 'Apple-iPhone15C2/2104.93',
  android: 'Android-Mail/2024.03.10.614462081.Release',
  desktop: '',
};

function deviceView(d: Device, kind: 'browser' | 'client' | 'legacy'): DeviceView {
  const p = d.profile;
  let browser = p.browser;
  let userAgent = p.userAgent;
  let clientAppUsed = kind === 'browser' ? 'Browser' : 'Mobile Apps and Desktop clients';
  if (kind === 'client' && !p.mobile) {
    const c = CLIENT_UA[p.operatingSystem] ?? CLIENT_UA['Linux']!;
    browser = c.browser;
    userAgent = c.userAgent;
  }
  if (kind === 'legacy') {
    browser = '';
    if (p.mobile) {
      clientAppUsed = 'Exchange ActiveSync';
      userAgent = p.operatingSystem.startsWith('Ios') ? LEGACY_UA['ios']! : LEGACY_UA['android']!;
    } else {
      clientAppUsed = 'IMAP4';
      userAgent = LEGACY_UA['desktop']!;
    }
  }
  return {
    deviceId: d.id,
    displayName: d.displayName,
    operatingSystem: p.operatingSystem,
    browser,
    isCompliant: d.isCompliant,
    isManaged: d.isManaged,
    trustType: d.isManaged ? p.trustType : '',
    userAgent,
    clientAppUsed,
  };
}

/** The sign-in model of one user (office network points, devices and their apps, MFA, rates). */
function userModel(
  tenant: Tenant,
  u: User,
  officeIndex: Map<City, number>,
  excluded: Set<string>,
): UserModel {
  const corporate = tenant.namedLocations.find((n) => n.trusted);
  const idx = officeIndex.get(u.office) ?? OFFICES.findIndex((o) => o.city === u.office.city);
  const officeIdx = Math.max(idx, 0);
  const country = u.office.countryOrRegion;
  const homeIsps = HOME_ISPS[country] ?? [{ prefix: u.office.ipPrefix, asn: 0 }];
  const homeIsp = homeIsps[hash32(`${u.id}:isp`) % homeIsps.length]!;
  const mobileIsp = MOBILE_ISPS[country] ?? homeIsp;
  const office = netPoint(
    u.office,
    `${u.office.ipPrefix}.${u.ipSuffix}`,
    OFFICE_ASNS[officeIdx] ?? 8075,
    0,
    u.id,
  );
  const home = netPoint(
    u.office,
    `${homeIsp.prefix}.${ipTail(`${u.id}:home`)}`,
    homeIsp.asn,
    0.3,
    `${u.id}:home`,
  );
  const mobile = netPoint(
    u.office,
    `${mobileIsp.prefix}.${ipTail(`${u.id}:mobile`)}`,
    mobileIsp.asn,
    0.1,
    `${u.id}:mobile`,
  );
  for (const p of [office, home, mobile]) {
    if (corporate?.countries.includes(country)) {
      p.namedLocation = corporate.displayName;
      p.trusted = true;
    }
  }
  const devices: DeviceModel[] = u.devices.map((d) => {
    const mobileDevice = d.profile.mobile;
    const apps: AppInfo[] = [];
    const weights: number[] = [];
    const niApps: AppInfo[] = [];
    const niWeights: number[] = [];
    u.apps.forEach((a, i) => {
      if (mobileDevice ? DESKTOP_ONLY.has(a.displayName) : MOBILE_ONLY.has(a.displayName)) return;
      if (a.displayName === 'Windows Sign In' && !d.profile.operatingSystem.startsWith('Windows')) return;
      // Phones are for mail, chat and files; laptops for everything.
      const w =
        u.appWeights[i]! *
        (mobileDevice && !/Teams|Outlook|Exchange|Authenticator|Broker|OneDrive/.test(a.displayName)
          ? 0.2
          : 1);
      apps.push(a);
      weights.push(w);
      niApps.push(a);
      niWeights.push(
        a.firstParty ? (NI_WEIGHTS[a.displayName] ?? 1) * (0.6 + hashFrac(`${u.id}:${a.appId}`)) : 0.5,
      );
    });
    return {
      device: d,
      mobile: mobileDevice,
      windows: d.profile.operatingSystem.startsWith('Windows'),
      browserView: deviceView(d, 'browser'),
      clientView: deviceView(d, 'client'),
      legacyView: deviceView(d, 'legacy'),
      apps,
      cum: cumulative(weights),
      niApps,
      niCum: cumulative(niWeights),
      sessionDay: -1,
      sessionId: '',
      sessionBytes: NONE_BYTES,
    };
  });
  const isGuest = u.userType === 'guest';
  const guestDomain = isGuest ? u.mail.slice(u.mail.indexOf('@') + 1) : '';
  return {
    user: u,
    upn: (isGuest ? u.mail : u.userPrincipalName).toLowerCase(),
    homeTenantId: isGuest ? keyGuid(`tenant:${guestDomain}`) : tenant.id,
    crossTenantAccessType: isGuest ? 'b2bCollaboration' : 'none',
    officeIdx,
    office,
    home,
    mobile,
    devices,
    // The first (desktop) device is the main one; phones take a third of events.
    deviceCum: cumulative(devices.map((d, i) => (i === 0 ? 3 : d.mobile ? 1.5 : 1))),
    isAdmin: u.roles.length > 0,
    isGuest,
    mfaExcluded: excluded.has(u.id),
    mfaDetail:
      u.mfaMethod === 'Text message' || u.mfaMethod.startsWith('Phone call')
        ? `+X XXXXXXXX${String(hash32(`${u.id}:phone`) % 100).padStart(2, '0')}`
        : null,
    rate: u.activity * (isGuest ? GUEST_FACTOR : 1),
    adfs: !isGuest && hash32(`${u.id}:adfs`) % 100 < 8,
  };
}

/**
 * A joiner of the HR plan as a user of the sign-in model: a new laptop (often a phone too), the
 * first-party apps and some SaaS, drawn from the joiner's own plan key (so any hour agrees).
 */
function joinerUser(tenant: Tenant, j: Joiner): User {
  const rng = new Rng(`${j.key}:signin-profile`);
  const devices: Device[] = [];
  const nDevices = rng.weighted([1, 2], [4, 6]);
  for (let d = 0; d < nDevices; d++) {
    const profile = d === 0 ? rng.pick(DEVICE_PROFILES.filter((p) => !p.mobile)) : rng.pick(DEVICE_PROFILES);
    const managed = profile.trustType !== '';
    devices.push({
      id: managed ? rng.guid() : '',
      displayName: managed ? `${profile.mobile ? 'PHONE' : 'LAPTOP'}-${rng.hex(6).toUpperCase()}` : '',
      profile,
      isCompliant: managed,
      isManaged: managed,
    });
  }
  const apps = tenant.apps.filter((a) => a.firstParty || rng.chance(0.3));
  return {
    id: j.id,
    displayName: j.displayName,
    givenName: j.givenName,
    surname: j.surname,
    userPrincipalName: j.userPrincipalName,
    mail: j.userPrincipalName,
    department: j.department,
    jobTitle: j.jobTitle,
    office: j.office,
    userType: 'member',
    roles: [],
    devices,
    apps,
    appWeights: apps.map((a) => a.weight * (0.5 + rng.next())),
    mfaMethod: 'Mobile app notification',
    ipSuffix: `${rng.int(0, 255)}.${rng.int(1, 254)}`,
    activity: Math.max(0.2, rng.normal(1, 0.35)),
    enabled: true,
  };
}

const joinerModels = new WeakMap<Tenant, Map<string, UserModel>>();

/** The sign-in model of a joiner (cached per tenant and plan key). */
export function joinerModel(m: TenantModel, j: Joiner): UserModel {
  let byKey = joinerModels.get(m.tenant);
  if (!byKey) {
    byKey = new Map();
    joinerModels.set(m.tenant, byKey);
  }
  let um = byKey.get(j.key);
  if (!um) {
    um = userModel(m.tenant, joinerUser(m.tenant, j), m.officeIndex, new Set());
    if (byKey.size > 4096) byKey.clear();
    byKey.set(j.key, um);
  }
  return um;
}

const models = new WeakMap<Tenant, TenantModel>();

/** The per-tenant precomputation shared by the sign-in and attack generators. */
export function tenantModel(tenant: Tenant): TenantModel {
  let m = models.get(tenant);
  if (m) return m;
  const officeIndex = new Map<City, number>();
  OFFICES.forEach((o, i) => {
    officeIndex.set(o, i);
  });
  const excluded = new Set(tenant.groups.find((g) => g.displayName === 'MFA Exclusions')?.members ?? []);
  const users: UserModel[] = [];
  for (const u of tenant.users) users.push(userModel(tenant, u, officeIndex, excluded));
  const policies: PolicyModel[] = tenant.policies.map((p) => ({
    policy: p,
    grant: frozen(p.grantControls),
    session: frozen(p.sessionControls),
    reportOnly: p.state !== 'enabled',
    mfa: p.grantControls.includes('Mfa'),
  }));
  const blocked = tenant.namedLocations.find((n) => !n.trusted)?.countries ?? [];
  m = {
    tenant,
    users,
    byId: new Map(users.map((um) => [um.user.id, um])),
    policies,
    caCache: new Map(),
    adfsUsers: users.filter((um) => um.adfs),
    rpApps: [
      { id: `urn:${tenant.domain.split('.')[0]}:hr`, displayName: `${tenant.displayName} HR portal` },
      {
        id: `https://expenses.${tenant.domain}/adfs/ls/`,
        displayName: `${tenant.displayName} Expense Reporting`,
      },
      { id: 'urn:sap:netweaver:portal', displayName: 'SAP NetWeaver Portal' },
      {
        id: `urn:sharepoint:intranet.${tenant.domain}`,
        displayName: `${tenant.displayName} Intranet (SharePoint Server)`,
      },
    ],
    sps: tenant.servicePrincipals.map((sp) => ({
      sp,
      net: cityNet(sp.location, sp.ip, 8075, blocked),
      keyId: keyGuid(`${sp.id}:key`),
      // A SHA-1 thumbprint: 40 upper-case hex digits.
      thumbprint: (keyGuid(`${sp.id}:thumb`) + keyGuid(`${sp.id}:thumb2`))
        .replace(/-/g, '')
        .toUpperCase()
        .slice(0, 40),
    })),
    mis: tenant.managedIdentities,
    officeIndex,
  };
  models.set(tenant, m);
  return m;
}

function cumulative(weights: readonly number[]): number[] {
  const out: number[] = [];
  let s = 0;
  for (const w of weights) {
    s += w;
    out.push(s);
  }
  return out;
}

function pickCum(cum: readonly number[], rng: Rng): number {
  const n = cum.length;
  if (n === 0) return -1;
  const x = rng.next() * cum[n - 1]!;
  for (let i = 0; i < n; i++) if (x < cum[i]!) return i;
  return n - 1;
}

function sessionId(um: UserModel, dm: DeviceModel, t: number): string {
  const day = Math.floor(t / 86_400_000);
  if (dm.sessionDay !== day) {
    dm.sessionDay = day;
    dm.sessionId = keyGuid(
      `${um.user.id}:${dm.device.id || dm.device.displayName || um.devices.indexOf(dm)}:${day}`,
    );
    dm.sessionBytes = fragment(dm.sessionId);
  }
  return dm.sessionId;
}

const NONE_BYTES = new Uint8Array(0);

// ---------------------------------------------------------------------------------------------
// Conditional access

/** The stage a sign-in reached, which decides how far conditional access got. */
export enum Stage {
  /** Failed or interrupted before CA was enforced (first factor, KMSI, MFA interrupt, lockout). */
  Pre = 0,
  /** CA evaluated and satisfied: the sign-in completed. */
  Ok = 1,
  /** CA evaluated, its MFA grant control not satisfied (500121). */
  MfaFailed = 2,
  /** CA blocked the sign-in (53003). */
  Blocked = 3,
}

export interface CaOutcome {
  status: 'success' | 'failure' | 'notApplied';
  results: string[];
  /** An enforced MFA policy applies to this sign-in. */
  mfaRequired: boolean;
}

export interface CaInput {
  admin: boolean;
  guest: boolean;
  mfaExcluded: boolean;
  legacy: boolean;
  compliant: boolean;
  risky: boolean;
  stage: Stage;
}

/** Evaluates every tenant policy for a sign-in (memoised: there are at most 256 input combinations). */
export function evaluateCa(m: TenantModel, c: CaInput): CaOutcome {
  const key =
    (c.admin ? 1 : 0) |
    (c.guest ? 2 : 0) |
    (c.mfaExcluded ? 4 : 0) |
    (c.legacy ? 8 : 0) |
    (c.compliant ? 16 : 0) |
    (c.risky ? 32 : 0) |
    (c.stage << 6);
  const hit = m.caCache.get(key);
  if (hit) return hit;
  const results: string[] = [];
  let anySuccess = false;
  let anyFailure = false;
  let mfaRequired = false;
  for (const p of m.policies) {
    let applies: boolean;
    switch (p.policy.appliesTo) {
      case 'admins':
        applies = c.admin && !c.legacy;
        break;
      case 'all':
        applies = !c.mfaExcluded && !c.legacy;
        break;
      case 'legacy':
        applies = c.legacy;
        break;
      case 'unmanagedDevices':
        applies = !c.legacy;
        break;
      case 'riskySignIns':
        applies = c.risky;
        break;
      case 'guests':
        applies = c.guest;
        break;
      default:
        applies = false;
    }
    if (applies && p.mfa && !p.reportOnly) mfaRequired = true;
    let r: string;
    if (!applies || c.stage === Stage.Pre) {
      r = 'notApplied';
    } else if (p.policy.grantControls.includes('Block')) {
      r = 'failure';
    } else if (p.policy.grantControls.includes('RequireCompliantDevice')) {
      r = c.compliant ? 'success' : 'failure';
    } else if (p.mfa) {
      r = c.stage === Stage.MfaFailed ? 'failure' : c.stage === Stage.Blocked ? 'notApplied' : 'success';
    } else {
      r = c.stage === Stage.Blocked ? 'notApplied' : 'success';
    }
    if (p.reportOnly) {
      r =
        r === 'success'
          ? 'reportOnlySuccess'
          : r === 'failure'
            ? 'reportOnlyFailure'
            : 'reportOnlyNotApplied';
    } else if (r === 'success') anySuccess = true;
    else if (r === 'failure') anyFailure = true;
    results.push(r);
  }
  const out: CaOutcome = {
    status: anyFailure ? 'failure' : anySuccess ? 'success' : 'notApplied',
    results,
    mfaRequired,
  };
  m.caCache.set(key, out);
  return out;
}

/**
 * The appliedConditionalAccessPolicies list: every tenant policy with its result, or (`appliedOnly`,
 * for the lean non-interactive records) only the policies the sign-in triggered.
 */
function caPolicies(m: TenantModel, ca: CaOutcome, appliedOnly = false): SimRecord[] {
  const out: SimRecord[] = [];
  const ps = m.policies;
  for (let i = 0; i < ps.length; i++) {
    const p = ps[i]!;
    const r = ca.results[i]!;
    if (appliedOnly && (r === 'notApplied' || r === 'reportOnlyNotApplied')) continue;
    out.push({
      id: p.policy.id,
      displayName: p.policy.displayName,
      enforcedGrantControls: copyStrings(p.grant),
      enforcedSessionControls: copyStrings(p.session),
      result: r,
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Authentication details

export type Step = SimRecord;

export function passwordStep(time: string, ok: boolean, detail = 'Password in the cloud'): Step {
  return {
    authenticationStepDateTime: time,
    authenticationMethod: 'Password',
    authenticationMethodDetail: detail,
    succeeded: ok,
    authenticationStepResultDetail: ok
      ? 'Correct password'
      : 'Invalid username or password or Invalid on-premise username or password.',
    authenticationStepRequirement: 'Primary authentication',
  };
}

export function lockedStep(time: string): Step {
  return {
    authenticationStepDateTime: time,
    authenticationMethod: 'Password',
    authenticationMethodDetail: 'Password in the cloud',
    succeeded: false,
    authenticationStepResultDetail: 'Account is locked',
    authenticationStepRequirement: 'Primary authentication',
  };
}

export function claimStep(time: string, mfa: boolean): Step {
  return {
    authenticationStepDateTime: time,
    authenticationMethod: 'Previously satisfied',
    authenticationMethodDetail: null,
    succeeded: true,
    authenticationStepResultDetail: mfa
      ? MFA_BY_CLAIM
      : 'First factor requirement satisfied by claim in the token',
    authenticationStepRequirement: mfa ? 'Multifactor authentication' : 'Primary authentication',
  };
}

/** claimStep without the (null) method detail, for the lean non-interactive records. */
function leanClaimStep(time: string, mfa: boolean): Step {
  return {
    authenticationStepDateTime: time,
    authenticationMethod: 'Previously satisfied',
    succeeded: true,
    authenticationStepResultDetail: mfa
      ? MFA_BY_CLAIM
      : 'First factor requirement satisfied by claim in the token',
    authenticationStepRequirement: mfa ? 'Multifactor authentication' : 'Primary authentication',
  };
}

/** An MFA step: `result` 'ok', 'denied' (user declined) or 'timeout' (no answer / wrong code). */
export function mfaStep(time: string, um: UserModel, result: 'ok' | 'denied' | 'timeout'): Step {
  const method = um.user.mfaMethod;
  let detail: string;
  if (result === 'ok') detail = 'MFA successfully completed';
  else if (result === 'denied') detail = 'MFA denied; user declined the authentication';
  else if (method === 'Mobile app notification')
    detail = 'MFA denied; user did not respond to mobile app notification';
  else if (method.startsWith('Phone call')) detail = 'MFA denied; phone call not answered';
  else detail = 'MFA denied; invalid verification code';
  return {
    authenticationStepDateTime: time,
    authenticationMethod: method,
    authenticationMethodDetail: um.mfaDetail,
    succeeded: result === 'ok',
    authenticationStepResultDetail: detail,
    authenticationStepRequirement: 'Multifactor authentication',
  };
}

// ---------------------------------------------------------------------------------------------
// Record builders

export interface RiskFields {
  riskDetail: string;
  riskLevelAggregated: string;
  riskLevelDuringSignIn: string;
  riskState: string;
  riskEventTypes_v2: readonly string[];
}
export const NO_RISK: RiskFields = Object.freeze({
  riskDetail: 'none',
  riskLevelAggregated: 'none',
  riskLevelDuringSignIn: 'none',
  riskState: 'none',
  riskEventTypes_v2: [],
});

export interface UserSignInSpec {
  m: TenantModel;
  um: UserModel;
  rng: Rng;
  time: string;
  interactive: boolean;
  app: { appId: string; displayName: string };
  resource: ResourceInfo;
  net: NetPoint;
  view: DeviceView;
  sessionId: string;
  correlationId: string;
  id: string;
  originalRequestId: string;
  errorCode: number;
  successDetail: string | null;
  ca: CaOutcome;
  authenticationRequirement: string;
  authenticationDetails: Step[];
  risk: RiskFields;
  incomingTokenType: string;
  processingMs: number;
}

/**
 * The nested values of a sign-in that come from the model. Records get fresh copies (ingest
 * normalisation repairs records in place), or, for a consumer that promises not to mutate them
 * (`Emit.immutable`), one shared deep-frozen value per model object whose canonical text is
 * computed once.
 */
export interface SignInParts {
  location(net: NetPoint, altitude: boolean): SimRecord;
  deviceDetail(view: DeviceView): SimRecord;
  status(code: number, successDetail: string | null): SimRecord;
  policies(m: TenantModel, ca: CaOutcome, appliedOnly: boolean): SimRecord[];
}

export const FRESH_PARTS: SignInParts = {
  location: (net, altitude) => locationOf(net, altitude),
  deviceDetail: (view) => deviceDetailOf(view),
  status: (code, detail) => status(code, detail),
  policies: (m, ca, appliedOnly) => caPolicies(m, ca, appliedOnly),
};

function sharedBy<K extends object, V extends object>(make: (k: K) => V): (k: K) => V {
  const cache = new WeakMap<K, V>();
  return (k) => {
    let v = cache.get(k);
    if (!v) {
      v = immutable(make(k));
      cache.set(k, v);
    }
    return v;
  };
}
const sharedLocation = [false, true].map((alt) => sharedBy((net: NetPoint) => locationOf(net, alt)));
const sharedDevice = sharedBy(deviceDetailOf);
const sharedStatus = new Map<string | null, Map<number, SimRecord>>();
const sharedPolicies = new WeakMap<CaOutcome, SimRecord[][]>();

export const SHARED_PARTS: SignInParts = {
  location: (net, altitude) => sharedLocation[altitude ? 1 : 0]!(net),
  deviceDetail: sharedDevice,
  status(code, detail) {
    let byCode = sharedStatus.get(detail);
    if (!byCode) {
      byCode = new Map();
      sharedStatus.set(detail, byCode);
    }
    let v = byCode.get(code);
    if (!v) {
      v = immutable(status(code, detail));
      byCode.set(code, v);
    }
    return v;
  },
  policies(m, ca, appliedOnly) {
    let both = sharedPolicies.get(ca);
    if (!both) {
      both = [immutable(caPolicies(m, ca, false)), immutable(caPolicies(m, ca, true))];
      sharedPolicies.set(ca, both);
    }
    return both[appliedOnly ? 1 : 0]!;
  },
};

/** A sign-in's location at a network point (interactive records carry a null altitude). */
function locationOf(net: NetPoint, altitude: boolean): SimRecord {
  return {
    city: net.city,
    state: net.state,
    countryOrRegion: net.countryOrRegion,
    geoCoordinates: altitude
      ? { altitude: null, latitude: net.latitude, longitude: net.longitude }
      : { latitude: net.latitude, longitude: net.longitude },
  };
}

function networkDetailsOf(net: NetPoint): SimRecord[] {
  return net.namedLocation
    ? [
        {
          networkType: net.trusted ? 'trustedNamedLocation' : 'namedNetwork',
          networkNames: [net.namedLocation],
        },
      ]
    : [];
}

function deviceDetailOf(view: DeviceView): SimRecord {
  return {
    deviceId: view.deviceId,
    displayName: view.displayName,
    operatingSystem: view.operatingSystem,
    browser: view.browser,
    isCompliant: view.isCompliant,
    isManaged: view.isManaged,
    trustType: view.trustType,
  };
}

function mfaRequirementPolicies(): SimRecord[] {
  return [{ requirementProvider: 'multiConditionalAccess', detail: 'Conditional Access' }];
}

/** A user sign-in (interactive or non-interactive) in the Graph beta signIn shape. */
export function userSignIn(s: UserSignInSpec, parts: SignInParts = FRESH_PARTS): SimRecord {
  const { um, net, view, risk } = s;
  const u = um.user;
  return {
    id: s.id,
    createdDateTime: s.time,
    userDisplayName: u.displayName,
    userPrincipalName: um.upn,
    userId: u.id,
    userType: u.userType,
    appId: s.app.appId,
    appDisplayName: s.app.displayName,
    resourceDisplayName: s.resource.displayName,
    resourceId: s.resource.id,
    resourceTenantId: s.m.tenant.id,
    homeTenantId: um.homeTenantId,
    ipAddress: net.ip,
    autonomousSystemNumber: net.asn,
    location: parts.location(net, true),
    networkLocationDetails: networkDetailsOf(net),
    clientAppUsed: view.clientAppUsed,
    userAgent: view.userAgent,
    deviceDetail: parts.deviceDetail(view),
    correlationId: s.correlationId,
    originalRequestId: s.originalRequestId,
    sessionId: s.sessionId,
    uniqueTokenIdentifier: tokenId(s.rng),
    isInteractive: s.interactive,
    signInEventTypes: [s.interactive ? 'interactiveUser' : 'nonInteractiveUser'],
    tokenIssuerType: 'AzureAD',
    tokenIssuerName: '',
    incomingTokenType: s.incomingTokenType,
    authenticationProtocol: 'none',
    crossTenantAccessType: um.crossTenantAccessType,
    status: parts.status(s.errorCode, s.successDetail),
    conditionalAccessStatus: s.ca.status,
    appliedConditionalAccessPolicies: parts.policies(s.m, s.ca, false),
    authenticationRequirement: s.authenticationRequirement,
    authenticationRequirementPolicies:
      s.authenticationRequirement === 'multiFactorAuthentication' ? mfaRequirementPolicies() : [],
    authenticationDetails: s.authenticationDetails,
    riskDetail: risk.riskDetail,
    riskLevelAggregated: risk.riskLevelAggregated,
    riskLevelDuringSignIn: risk.riskLevelDuringSignIn,
    riskState: risk.riskState,
    riskEventTypes_v2: copyStrings(risk.riskEventTypes_v2),
    processingTimeInMilliseconds: s.processingMs,
  };
}

/**
 * A non-interactive sign-in, lean: the fields people filter on, without the beta fields that are
 * constant or empty for background refreshes (tenant ids, ASN, named networks, token and protocol
 * types, requirement policies, processing time), and with only the conditional access policies the
 * refresh triggered. Non-interactive sign-ins are ~80% of all records, and JSON.stringify cost is
 * proportional to bytes (see the report): this keeps them at ~1.9 KB instead of ~3.4 KB.
 */
export function nonInteractiveSignIn(s: UserSignInSpec, parts: SignInParts = FRESH_PARTS): SimRecord {
  const { um, net, view, risk } = s;
  const u = um.user;
  return {
    id: s.id,
    createdDateTime: s.time,
    userDisplayName: u.displayName,
    userPrincipalName: um.upn,
    userId: u.id,
    userType: u.userType,
    appId: s.app.appId,
    appDisplayName: s.app.displayName,
    resourceDisplayName: s.resource.displayName,
    resourceId: s.resource.id,
    ipAddress: net.ip,
    location: parts.location(net, false),
    clientAppUsed: view.clientAppUsed,
    userAgent: view.userAgent,
    deviceDetail: parts.deviceDetail(view),
    correlationId: s.correlationId,
    originalRequestId: s.originalRequestId,
    sessionId: s.sessionId,
    uniqueTokenIdentifier: tokenId(s.rng),
    isInteractive: false,
    signInEventTypes: ['nonInteractiveUser'],
    tokenIssuerType: 'AzureAD',
    status: parts.status(s.errorCode, s.successDetail),
    conditionalAccessStatus: s.ca.status,
    appliedConditionalAccessPolicies: parts.policies(s.m, s.ca, true),
    authenticationRequirement: s.authenticationRequirement,
    authenticationDetails: s.authenticationDetails,
    riskDetail: risk.riskDetail,
    riskLevelAggregated: risk.riskLevelAggregated,
    riskLevelDuringSignIn: risk.riskLevelDuringSignIn,
    riskState: risk.riskState,
    riskEventTypes_v2: copyStrings(risk.riskEventTypes_v2),
  };
}

// ---------------------------------------------------------------------------------------------
// NDJSON lines from fragments (../json.ts): the same records as the builders above, as bytes.
// Each fragment is JSON.stringify of the builders' own sub-objects, cached per model object; the
// line writers only fix the top-level key order, which json.test.ts checks against the builders.

const userFrags = new WeakMap<UserModel, Uint8Array>();
const tenantFrags = new WeakMap<UserModel, Uint8Array>();
const appFrags = new WeakMap<{ appId: string; displayName: string }, Uint8Array>();
const resourceFrags = new WeakMap<ResourceInfo, Uint8Array>();
const leanNetFrags = new WeakMap<NetPoint, Uint8Array>();
const fullNetFrags = new WeakMap<NetPoint, Uint8Array>();
const viewFrags = new WeakMap<DeviceView, Uint8Array>();
const caFrags = new WeakMap<CaOutcome, Uint8Array>();
const riskFrags = new WeakMap<RiskFields, Uint8Array>();
/** status objects by success detail, then error code. */
const statusFrags = new Map<string | null, Map<number, Uint8Array>>();

// The makers take their key rather than close over it: a closure per call (cache hit or not)
// was ~85 bytes of garbage a fragment, the largest share of the NDJSON path's allocations.
const userFields = (um: UserModel) =>
  fields({
    userDisplayName: um.user.displayName,
    userPrincipalName: um.upn,
    userId: um.user.id,
    userType: um.user.userType,
  });
const appFields = (app: { appId: string; displayName: string }) =>
  fields({ appId: app.appId, appDisplayName: app.displayName });
const resourceFields = (r: ResourceInfo) => fields({ resourceDisplayName: r.displayName, resourceId: r.id });
const leanNetFields = (net: NetPoint) => fields({ ipAddress: net.ip, location: locationOf(net, false) });
const fullNetFields = (net: NetPoint) =>
  fields({
    ipAddress: net.ip,
    autonomousSystemNumber: net.asn,
    location: locationOf(net, true),
    networkLocationDetails: networkDetailsOf(net),
  });
const viewFields = (view: DeviceView) =>
  fields({
    clientAppUsed: view.clientAppUsed,
    userAgent: view.userAgent,
    deviceDetail: deviceDetailOf(view),
  });
const userFrag = (um: UserModel) => cachedFragment(userFrags, um, userFields);
const appFrag = (app: { appId: string; displayName: string }) => cachedFragment(appFrags, app, appFields);
const resourceFrag = (r: ResourceInfo) => cachedFragment(resourceFrags, r, resourceFields);
const leanNetFrag = (net: NetPoint) => cachedFragment(leanNetFrags, net, leanNetFields);
const fullNetFrag = (net: NetPoint) => cachedFragment(fullNetFrags, net, fullNetFields);
const viewFrag = (view: DeviceView) => cachedFragment(viewFrags, view, viewFields);
const riskFields = (risk: RiskFields) =>
  fields({
    riskDetail: risk.riskDetail,
    riskLevelAggregated: risk.riskLevelAggregated,
    riskLevelDuringSignIn: risk.riskLevelDuringSignIn,
    riskState: risk.riskState,
    riskEventTypes_v2: risk.riskEventTypes_v2,
  });
const riskFrag = (risk: RiskFields) => cachedFragment(riskFrags, risk, riskFields);

function statusFrag(code: number, successDetail: string | null): Uint8Array {
  let byCode = statusFrags.get(successDetail);
  if (!byCode) {
    byCode = new Map();
    statusFrags.set(successDetail, byCode);
  }
  let f = byCode.get(code);
  if (f === undefined) {
    f = fragment(JSON.stringify(status(code, successDetail)));
    byCode.set(code, f);
  }
  return f;
}

const MFA_REQUIREMENT_POLICIES = fragment(JSON.stringify(mfaRequirementPolicies()));
const NONE = fragment('[]');

const UI = [
  '{"id":"',
  '","createdDateTime":"',
  '",',
  ',',
  ',"correlationId":"',
  '","originalRequestId":"',
  '","sessionId":"',
  '","uniqueTokenIdentifier":"',
  '","isInteractive":true,"signInEventTypes":["interactiveUser"]',
  '","isInteractive":false,"signInEventTypes":["nonInteractiveUser"]',
  ',"tokenIssuerType":"AzureAD","tokenIssuerName":"","incomingTokenType":"',
  '","authenticationProtocol":"none","crossTenantAccessType":"',
  '","status":',
  ',"conditionalAccessStatus":"',
  '","appliedConditionalAccessPolicies":',
  ',"authenticationRequirement":"',
  '","authenticationRequirementPolicies":',
  ',"authenticationDetails":',
  ',"processingTimeInMilliseconds":',
  '}',
].map(fragment);

/**
 * Writes a user sign-in as `JSON.stringify(userSignIn(s))` would (same Rng draws). The steps are
 * `s.authenticationDetails`, or, when `steps` is given, the flow's steps from a template made once
 * per kind (and per user for MFA steps, which carry the user's method) with the flow's first time
 * and this record's time in its holes. The spec's ids, session id and time are copied unchecked
 * (`JsonWriter.ascii`): they must come from the id and time formatters, as the generators' do.
 */
export function writeUserSignIn(
  w: JsonWriter,
  s: UserSignInSpec,
  steps?: { kind: Steps; first: string },
): void {
  const { um, m } = s;
  // Closures only on a miss (see userFields).
  const tenants =
    tenantFrags.get(um) ??
    cachedFragment(tenantFrags, um, () =>
      fields({ resourceTenantId: m.tenant.id, homeTenantId: um.homeTenantId }),
    );
  const ca = caFrags.get(s.ca) ?? cachedFragment(caFrags, s.ca, (c) => JSON.stringify(caPolicies(m, c)));
  const mfaPolicies =
    s.authenticationRequirement === 'multiFactorAuthentication' ? MFA_REQUIREMENT_POLICIES : NONE;
  const start = w.pos;
  try {
    w.bytes(UI[0]!);
    w.ascii(s.id);
    w.bytes(UI[1]!);
    w.ascii(s.time);
    w.bytes(UI[2]!);
    w.bytes(userFrag(um));
    w.bytes(UI[3]!);
    w.bytes(appFrag(s.app));
    w.bytes(UI[3]!);
    w.bytes(resourceFrag(s.resource));
    w.bytes(UI[3]!);
    w.bytes(tenants);
    w.bytes(UI[3]!);
    w.bytes(fullNetFrag(s.net));
    w.bytes(UI[3]!);
    w.bytes(viewFrag(s.view));
    w.bytes(UI[4]!);
    w.ascii(s.correlationId);
    w.bytes(UI[5]!);
    w.ascii(s.originalRequestId);
    w.bytes(UI[6]!);
    w.ascii(s.sessionId);
    w.bytes(UI[7]!);
    writeTokenId(w, s.rng);
    w.bytes(s.interactive ? UI[8]! : UI[9]!);
    w.bytes(UI[10]!);
    w.safe(s.incomingTokenType);
    w.bytes(UI[11]!);
    w.safe(um.crossTenantAccessType);
    w.bytes(UI[12]!);
    w.bytes(statusFrag(s.errorCode, s.successDetail));
    w.bytes(UI[13]!);
    w.safe(s.ca.status);
    w.bytes(UI[14]!);
    w.bytes(ca);
    w.bytes(UI[15]!);
    w.safe(s.authenticationRequirement);
    w.bytes(UI[16]!);
    w.bytes(mfaPolicies);
    w.bytes(UI[17]!);
    if (steps) stepsTemplate(steps.kind, um).fill(w, [steps.first, s.time]);
    else w.json(JSON.stringify(s.authenticationDetails));
    w.bytes(UI[3]!);
    w.bytes(riskFrag(s.risk));
    w.bytes(UI[18]!);
    w.safe(String(s.processingMs));
    w.bytes(UI[19]!);
  } catch (err) {
    w.pos = start; // no half line
    throw err;
  }
  w.newline();
}

/** Steps templates of the kinds without MFA (the same for every user), by kind. */
const plainSteps: Template[] = [];
/** Steps templates of the MFA kinds, by user then kind. */
const mfaSteps = new WeakMap<UserModel, Template[]>();

function stepsTemplate(kind: Steps, um: UserModel): Template {
  const mfa =
    kind === Steps.PasswordMfa || kind === Steps.PasswordMfaDenied || kind === Steps.PasswordMfaTimeout;
  let byKind = plainSteps;
  if (mfa) {
    byKind = mfaSteps.get(um) ?? [];
    mfaSteps.set(um, byKind);
  }
  let t = byKind[kind];
  if (!t) {
    t = new Template(JSON.stringify(stepsOf(kind, hole(0), hole(1), um)), 2);
    byKind[kind] = t;
  }
  return t;
}

/** A lean claim step's JSON around its time, as text, by MFA. */
const LEAN_CLAIM_TEXT = [false, true].map((mfa) => {
  const [before, after] = JSON.stringify([leanClaimStep(hole(0), mfa)]).split(
    JSON.stringify(hole(0)).slice(1, -1),
  );
  return { before: before!, after: after! };
});

/**
 * The end of a non-interactive line from the token id's closing quote on: constant for a
 * conditional access outcome and an error code (status, policies, requirement, the claim step but
 * its time, no risk), so it is made once as two fragments around the claim step's time (`b` null
 * when the record has no step).
 */
interface NiTail {
  a: Uint8Array;
  b: Uint8Array | null;
}
const niTails = new WeakMap<CaOutcome, Map<number, NiTail>>();

function niTail(m: TenantModel, ca: CaOutcome, code: number): NiTail {
  let byCode = niTails.get(ca);
  if (!byCode) {
    byCode = new Map();
    niTails.set(ca, byCode);
  }
  let tail = byCode.get(code);
  if (tail) return tail;
  const ok = code === 0;
  const requirement =
    ca.mfaRequired && code !== 70043 ? 'multiFactorAuthentication' : 'singleFactorAuthentication';
  const head =
    '","isInteractive":false,"signInEventTypes":["nonInteractiveUser"],"tokenIssuerType":"AzureAD"' +
    `,"status":${JSON.stringify(status(code, ok && ca.mfaRequired ? MFA_BY_CLAIM : null))}` +
    `,"conditionalAccessStatus":${JSON.stringify(ca.status)}` +
    `,"appliedConditionalAccessPolicies":${JSON.stringify(caPolicies(m, ca, true))}` +
    `,"authenticationRequirement":${JSON.stringify(requirement)},"authenticationDetails":`;
  const end = `,${riskFields(NO_RISK)}}`;
  if (ok) {
    const claim = LEAN_CLAIM_TEXT[ca.mfaRequired ? 1 : 0]!;
    tail = { a: fragment(head + claim.before), b: fragment(claim.after + end) };
  } else tail = { a: fragment(`${head}[]${end}`), b: null };
  byCode.set(code, tail);
  return tail;
}

const NI_ID = new Bits128();
const NI_CORRELATION = new Bits128();
/** The head of a user sign-in, the same as the interactive writer's (UI[0..7]). */
const NI = UI.slice(0, 8) as [
  Uint8Array,
  Uint8Array,
  Uint8Array,
  Uint8Array,
  Uint8Array,
  Uint8Array,
  Uint8Array,
  Uint8Array,
];

/**
 * Writes a non-interactive sign-in as `JSON.stringify(nonInteractiveSignIn(spec))` would, for the
 * spec `nonInteractive` builds on the object path: the request and correlation ids come as drawn
 * bits (NI_ID, NI_CORRELATION), the times as milliseconds, the token id is drawn here (last, as
 * the record builder draws it), and everything after it is one cached tail (`niTail`).
 */
function writeNonInteractive(
  w: JsonWriter,
  m: TenantModel,
  um: UserModel,
  t: number,
  app: AppInfo,
  resource: ResourceInfo,
  net: NetPoint,
  view: DeviceView,
  session: Uint8Array,
  code: number,
  ca: CaOutcome,
  rng: Rng,
): void {
  const tail = niTail(m, ca, code);
  w.bytes(NI[0]);
  writeId(w, NI_ID, true);
  w.bytes(NI[1]);
  writeTime(w, t);
  w.bytes(NI[2]);
  w.bytes(userFrag(um));
  w.bytes(NI[3]);
  w.bytes(appFrag(app));
  w.bytes(NI[3]);
  w.bytes(resourceFrag(resource));
  w.bytes(NI[3]);
  w.bytes(leanNetFrag(net));
  w.bytes(NI[3]);
  w.bytes(viewFrag(view));
  w.bytes(NI[4]);
  writeId(w, NI_CORRELATION, false);
  w.bytes(NI[5]);
  writeId(w, NI_ID, true);
  w.bytes(NI[6]);
  w.bytes(session);
  w.bytes(NI[7]);
  writeTokenId(w, rng);
  w.bytes(tail.a);
  if (tail.b) {
    writeTime(w, t);
    w.bytes(tail.b);
  }
  w.newline();
}

// ---------------------------------------------------------------------------------------------
// Per-hour helpers

/** workdayRhythm per office for an hour (sampled at its midpoint). */
function officeRhythms(hourStart: number): number[] {
  const mid = hourStart + HOUR / 2;
  return OFFICES.map((o) => workdayRhythm(mid, o.timeZone));
}

/** Where the user is: office on workday hours (mostly), home otherwise, sometimes mobile. */
function pickNet(um: UserModel, rhythm: number, mobileDevice: boolean, rng: Rng): NetPoint {
  const x = rng.next();
  if (mobileDevice && x < 0.35) return um.mobile;
  // rhythm ≥ 0.5 ⇔ weekday office hours.
  if (rhythm >= 0.5) return x < 0.78 ? um.office : x < 0.97 ? um.home : um.mobile;
  return x < 0.88 ? um.home : um.mobile;
}

function pickResource(app: AppInfo, rng: Rng): ResourceInfo {
  const alts = NI_RESOURCES[app.displayName];
  return alts ? alts[Math.floor(rng.next() * alts.length)]! : app.resource;
}

// ---------------------------------------------------------------------------------------------
// Interactive

const EXCHANGE = FIRST_PARTY_APPS.find((a) => a.displayName === 'Office 365 Exchange Online')!;

/** Authentication steps of a record of an interactive flow. */
enum Steps {
  Password,
  BadPassword,
  Locked,
  PasswordMfa,
  PasswordMfaDenied,
  PasswordMfaTimeout,
  PasswordClaimMfa,
  Claim,
  ClaimClaimMfa,
}

/** Authentication steps of a record of an interactive flow (`first`: the flow's first time). */
function stepsOf(kind: Steps, first: string, time: string, um: UserModel): Step[] {
  switch (kind) {
    case Steps.Password:
      return [passwordStep(first, true)];
    case Steps.BadPassword:
      return [passwordStep(first, false)];
    case Steps.Locked:
      return [lockedStep(first)];
    case Steps.PasswordMfa:
      return [passwordStep(first, true), mfaStep(time, um, 'ok')];
    case Steps.PasswordMfaDenied:
      return [passwordStep(first, true), mfaStep(time, um, 'denied')];
    case Steps.PasswordMfaTimeout:
      return [passwordStep(first, true), mfaStep(time, um, 'timeout')];
    case Steps.PasswordClaimMfa:
      return [passwordStep(first, true), claimStep(time, true)];
    case Steps.Claim:
      return [claimStep(time, false)];
    case Steps.ClaimClaimMfa:
      return [claimStep(time, false), claimStep(time, true)];
  }
}

/**
 * One interactive sign-in event: a user opening an app, and the records it leaves — interrupts and
 * the completing sign-in share the correlationId, and `originalRequestId` is the first request's id.
 */
class InteractiveFlow {
  app: AppInfo;
  view: DeviceView;
  browser: boolean;
  readonly net: NetPoint;
  readonly sessionId: string;
  readonly correlationId: string;
  readonly firstId: string;
  firstTime = '';
  t: number;
  n = 0;
  readonly ca: CaInput;
  readonly mfaNeeded: boolean;
  /** 50074 in the office; 50076 ("you moved to a new location") elsewhere. */
  readonly mfaCode: number;

  constructor(
    readonly m: TenantModel,
    readonly um: UserModel,
    readonly dm: DeviceModel,
    app: AppInfo,
    t0: number,
    rhythm: number,
    readonly rng: Rng,
    readonly emit: Emit,
    /** The account is disabled: the attempt ends at the first factor with 50057. */
    readonly disabled = false,
  ) {
    this.app = app;
    this.browser = isBrowserApp(app);
    this.view = this.browser ? dm.browserView : dm.clientView;
    this.net = pickNet(um, rhythm, dm.mobile, rng);
    this.sessionId = sessionId(um, dm, t0);
    this.correlationId = guid(rng);
    this.firstId = requestId(rng);
    this.t = t0;
    this.ca = {
      admin: um.isAdmin,
      guest: um.isGuest,
      mfaExcluded: um.mfaExcluded,
      legacy: false,
      compliant: dm.device.isCompliant,
      risky: false,
      stage: Stage.Ok,
    };
    this.mfaNeeded = evaluateCa(m, this.ca).mfaRequired;
    this.mfaCode = this.net === um.office ? 50074 : 50076;
  }

  /** Emits one record of the flow and moves the clock on by a few seconds. */
  record(
    code: number,
    stage: Stage,
    kind: Steps,
    successDetail: string | null,
    firstFactorFailed = false,
  ): void {
    const time = fmtTime(this.t);
    if (this.n === 0) this.firstTime = time;
    this.ca.stage = stage;
    const ca = evaluateCa(this.m, this.ca);
    const rng = this.rng;
    const dm = this.dm;
    const out = this.emit.out;
    const spec: UserSignInSpec = {
      m: this.m,
      um: this.um,
      rng,
      time,
      interactive: true,
      app: this.app,
      resource: this.app.resource,
      net: this.net,
      view: this.view,
      sessionId: this.ca.legacy ? '' : this.sessionId,
      correlationId: this.correlationId,
      id: this.n === 0 ? this.firstId : requestId(rng),
      originalRequestId: this.firstId,
      errorCode: code,
      successDetail,
      ca,
      authenticationRequirement:
        !firstFactorFailed && ca.mfaRequired ? 'multiFactorAuthentication' : 'singleFactorAuthentication',
      authenticationDetails: out ? NO_STEPS : stepsOf(kind, this.firstTime, time, this.um),
      risk: NO_RISK,
      incomingTokenType: dm.windows && dm.device.isManaged && !this.browser ? 'primaryRefreshToken' : 'none',
      processingMs: 40 + Math.floor(rng.next() * (code === 0 ? 400 : 150)),
    };
    if (out) writeUserSignIn(out('SignInLogs'), spec, { kind, first: this.firstTime });
    else this.emit('SignInLogs', userSignIn(spec, this.emit.immutable ? SHARED_PARTS : FRESH_PARTS));
    this.n++;
    this.t += 2_000 + rng.next() * 20_000;
  }

  /** Switches to a browser app (KMSI only shows in browsers). */
  useBrowser(): void {
    if (this.browser) return;
    const app = this.dm.apps.find(isBrowserApp);
    if (!app) return;
    this.app = app;
    this.browser = true;
    this.view = this.dm.browserView;
  }

  /** Single sign-on: the session cookie or the device's primary refresh token satisfies everything. */
  sso(): void {
    if (this.mfaNeeded) this.record(0, Stage.Ok, Steps.ClaimClaimMfa, MFA_BY_CLAIM);
    else this.record(0, Stage.Ok, Steps.Claim, null);
  }

  /** A full sign-in: password, MFA when CA requires it (fresh or by claim), KMSI in browsers, success. */
  full(freshMfa: boolean): void {
    if (this.mfaNeeded && freshMfa) {
      this.record(this.mfaCode, Stage.Pre, Steps.Password, null);
      if (this.browser && this.rng.chance(0.5)) this.record(50140, Stage.Pre, Steps.PasswordMfa, null);
      this.record(0, Stage.Ok, Steps.PasswordMfa, MFA_COMPLETED);
    } else {
      const kind = this.mfaNeeded ? Steps.PasswordClaimMfa : Steps.Password;
      if (this.browser) this.record(50140, Stage.Pre, kind, null);
      this.record(0, Stage.Ok, kind, this.mfaNeeded ? MFA_BY_CLAIM : null);
    }
  }

  run(): void {
    const rng = this.rng;
    if (this.disabled || !this.um.user.enabled) {
      this.record(50057, Stage.Pre, Steps.Password, null, true);
      return;
    }
    const x = rng.next();
    if (x < C_MFA) {
      this.full(true);
    } else if (x < C_KMSI) {
      this.useBrowser();
      this.full(false);
    } else if (x < C_BAD_PASSWORD) {
      this.record(50126, Stage.Pre, Steps.BadPassword, null, true);
      this.t += 5_000 + rng.next() * 30_000;
      if (rng.chance(0.7)) this.full(rng.chance(0.5));
    } else if (x < C_MFA_FAILED) {
      if (!this.mfaNeeded) {
        this.sso();
        return;
      }
      this.record(this.mfaCode, Stage.Pre, Steps.Password, null);
      this.t += 30_000 + rng.next() * 30_000;
      this.record(
        500121,
        Stage.MfaFailed,
        rng.chance(0.8) ? Steps.PasswordMfaTimeout : Steps.PasswordMfaDenied,
        null,
      );
      if (rng.chance(0.5)) this.record(0, Stage.Ok, Steps.PasswordMfa, MFA_COMPLETED);
    } else if (x < C_DEVICE_AUTH) {
      if (this.dm.windows && this.dm.device.isManaged) this.record(50097, Stage.Pre, Steps.Claim, null);
      this.sso();
    } else if (x < C_LEGACY) {
      // Legacy protocol: single-factor password, blocked by 'Block legacy authentication'.
      this.app = EXCHANGE;
      this.browser = false;
      this.view =
        !this.dm.mobile && rng.chance(0.3)
          ? { ...this.dm.legacyView, clientAppUsed: 'Authenticated SMTP' }
          : this.dm.legacyView;
      this.ca.legacy = true;
      this.record(53003, Stage.Blocked, Steps.Password, null, true);
    } else if (x < C_EXPIRED) {
      this.record(50055, Stage.Pre, Steps.Password, null, true);
    } else if (x < C_LOCKED) {
      this.record(50053, Stage.Pre, Steps.Locked, null, true);
    } else {
      this.sso();
    }
  }
}

function interactiveEvent(
  m: TenantModel,
  um: UserModel,
  t0: number,
  rhythm: number,
  rng: Rng,
  emit: Emit,
  disabled = false,
): void {
  const di = pickCum(um.deviceCum, rng);
  const dm = um.devices[Math.max(di, 0)];
  if (!dm) return;
  const ai = pickCum(dm.cum, rng);
  if (ai < 0) return;
  new InteractiveFlow(m, um, dm, dm.apps[ai]!, t0, rhythm, rng, emit, disabled).run();
}

/**
 * A leaver trying to sign in after the disable (a personal phone, a bookmark, not knowing yet):
 * rare, mostly in the first day, one 50057 record each.
 */
function staleInteractive(
  m: TenantModel,
  um: UserModel,
  disabledAt: number,
  hourStart: number,
  rhythm: number,
  rng: Rng,
  emit: Emit,
): void {
  const from = Math.max(hourStart, disabledAt);
  const rate = (staleAttemptRate(from - disabledAt) / 15) * (0.2 + rhythm);
  if (rate === 0) return;
  const n = rng.poisson((rate * (hourStart + HOUR - from)) / HOUR);
  for (let k = 0; k < n; k++) {
    interactiveEvent(m, um, from + rng.next() * (hourStart + HOUR - from), rhythm, rng, emit, true);
  }
}

/** Upper bound of a flow's length, so every record of a flow falls in the hour it starts in. */
const MAX_FLOW_MS = 4 * 60_000;

export const interactiveSignIns: Generator = {
  name: 'signins.interactive',
  hour(ctx: SimContext, hourStart: number, rng: Rng, emit: Emit): void {
    const m = tenantModel(ctx.tenant);
    const rhythms = officeRhythms(hourStart);
    const gone = departuresAround(ctx, hourStart);
    for (const um of m.users) {
      const rhythm = rhythms[um.officeIdx]!;
      const dep = gone.size > 0 ? gone.get(um.user.id) : undefined;
      if (dep && dep.disabledAt < hourStart + HOUR) {
        staleInteractive(m, um, dep.disabledAt, hourStart, rhythm, rng, emit);
        // Before the disable (its hour), the leaver still works; no flow may end after it.
        const until = dep.disabledAt - MAX_FLOW_MS;
        if (until <= hourStart) continue;
        const n = rng.poisson(INT_PER_UNIT * um.rate * rhythm * ((until - hourStart) / HOUR));
        for (let k = 0; k < n; k++)
          interactiveEvent(m, um, hourStart + rng.next() * (until - hourStart), rhythm, rng, emit);
        continue;
      }
      const n = rng.poisson(INT_PER_UNIT * um.rate * rhythm);
      for (let k = 0; k < n; k++) {
        interactiveEvent(m, um, hourStart + rng.next() * (HOUR - MAX_FLOW_MS), rhythm, rng, emit);
      }
    }
    // Joiners, from the hour their new account is handed over.
    for (const j of arrivalsAround(ctx, hourStart)) {
      const um = joinerModel(m, j);
      const rhythm = rhythms[um.officeIdx]!;
      const from = Math.max(hourStart, j.entraTime + JOINER_START_DELAY);
      const span = hourStart + HOUR - MAX_FLOW_MS - from;
      if (span <= 0) continue;
      const n = rng.poisson((INT_PER_UNIT * um.rate * rhythm * span) / HOUR);
      for (let k = 0; k < n; k++) interactiveEvent(m, um, from + rng.next() * span, rhythm, rng, emit);
    }
  },
};

// ---------------------------------------------------------------------------------------------
// Non-interactive

function nonInteractive(
  m: TenantModel,
  um: UserModel,
  t: number,
  rhythm: number,
  rng: Rng,
  emit: Emit,
  disabled = false,
): void {
  const di = pickCum(um.deviceCum, rng);
  const dm = um.devices[Math.max(di, 0)];
  if (!dm) return;
  const ai = pickCum(dm.niCum, rng);
  if (ai < 0) return;
  const app = dm.niApps[ai]!;
  const browser = isBrowserApp(app);
  const net = pickNet(um, rhythm, dm.mobile, rng);
  const out = emit.out;
  // The NDJSON path draws the ids as bits and writes them, and the times, straight into its buffer.
  let id = '';
  if (out) NI_ID.draw(rng);
  else id = requestId(rng);
  let code = 0;
  if (disabled || !um.user.enabled) code = 50057;
  else if (rng.next() < NI_FAILURE_RATE) code = rng.weighted(NI_FAILURES, NI_FAILURE_WEIGHTS);
  const ok = code === 0;
  // One input object reused (evaluateCa keeps none): not an allocation per refresh.
  const input = NI_CA_INPUT;
  input.admin = um.isAdmin;
  input.guest = um.isGuest;
  input.mfaExcluded = um.mfaExcluded;
  input.compliant = dm.device.isCompliant;
  input.stage = ok ? Stage.Ok : Stage.Pre;
  const ca = evaluateCa(m, input);
  // The Rng draws in the order the record builder has always made them (resource, correlation id,
  // processing time, then the token id inside the builder), so both paths give the same record.
  const resource = pickResource(app, rng);
  const view = browser ? dm.browserView : dm.clientView;
  const sid = sessionId(um, dm, t);
  let correlationId = '';
  if (out) NI_CORRELATION.draw(rng);
  else correlationId = guid(rng);
  const processingMs = 20 + Math.floor(rng.next() * 180);
  if (out) {
    const w = out('NonInteractiveUserSignInLogs');
    writeNonInteractive(w, m, um, t, app, resource, net, view, dm.sessionBytes, code, ca, rng);
    return;
  }
  const time = fmtTime(t);
  const spec: UserSignInSpec = {
    m,
    um,
    rng,
    time,
    interactive: false,
    app,
    resource,
    net,
    view,
    sessionId: sid,
    correlationId,
    id,
    originalRequestId: id,
    errorCode: code,
    successDetail: ok && ca.mfaRequired ? MFA_BY_CLAIM : null,
    ca,
    authenticationRequirement:
      ca.mfaRequired && code !== 70043 ? 'multiFactorAuthentication' : 'singleFactorAuthentication',
    authenticationDetails: NO_STEPS, // set below on the object path only
    risk: NO_RISK,
    incomingTokenType: dm.windows && dm.device.isManaged ? 'primaryRefreshToken' : 'refreshToken',
    processingMs,
  };
  spec.authenticationDetails = ok ? [leanClaimStep(time, ca.mfaRequired)] : [];
  emit(
    'NonInteractiveUserSignInLogs',
    nonInteractiveSignIn(spec, emit.immutable ? SHARED_PARTS : FRESH_PARTS),
  );
}

const NI_CA_INPUT: CaInput = {
  admin: false,
  guest: false,
  mfaExcluded: false,
  legacy: false,
  compliant: false,
  risky: false,
  stage: Stage.Ok,
};

/** Placeholder for a spec's steps on the line path (never placed in a record). */
const NO_STEPS: Step[] = Object.freeze([]) as unknown as Step[];

export const nonInteractiveSignIns: Generator = {
  name: 'signins.nonInteractive',
  hour(ctx: SimContext, hourStart: number, rng: Rng, emit: Emit): void {
    const m = tenantModel(ctx.tenant);
    const rhythms = officeRhythms(hourStart);
    const gone = departuresAround(ctx, hourStart);
    for (const um of m.users) {
      const rhythm = rhythms[um.officeIdx]!;
      const rate = um.rate * (NI_PER_UNIT * rhythm + NON_INTERACTIVE_FLOOR_PER_HOUR);
      const dep = gone.size > 0 ? gone.get(um.user.id) : undefined;
      if (dep && dep.disabledAt < hourStart + HOUR) {
        // Refreshes until the disable, then the devices' stale tokens fail with 50057.
        const until = Math.max(hourStart, dep.disabledAt);
        const n = rng.poisson((rate * (until - hourStart)) / HOUR);
        for (let k = 0; k < n; k++)
          nonInteractive(m, um, hourStart + rng.next() * (until - hourStart), rhythm, rng, emit);
        const stale = rng.poisson(
          (staleAttemptRate(until - dep.disabledAt) * (hourStart + HOUR - until)) / HOUR,
        );
        for (let k = 0; k < stale; k++) {
          nonInteractive(m, um, until + rng.next() * (hourStart + HOUR - until), rhythm, rng, emit, true);
        }
        continue;
      }
      const n = rng.poisson(rate);
      for (let k = 0; k < n; k++) nonInteractive(m, um, hourStart + rng.next() * HOUR, rhythm, rng, emit);
    }
    for (const j of arrivalsAround(ctx, hourStart)) {
      const um = joinerModel(m, j);
      const rhythm = rhythms[um.officeIdx]!;
      const from = Math.max(hourStart, j.entraTime + JOINER_START_DELAY);
      const span = hourStart + HOUR - from;
      const n = rng.poisson(
        (um.rate * (NI_PER_UNIT * rhythm + NON_INTERACTIVE_FLOOR_PER_HOUR) * span) / HOUR,
      );
      for (let k = 0; k < n; k++) nonInteractive(m, um, from + rng.next() * span, rhythm, rng, emit);
    }
  },
};

// ---------------------------------------------------------------------------------------------
// Service principals

export interface SpSignInSpec {
  m: TenantModel;
  rng: Rng;
  sp: ServicePrincipal;
  time: string;
  id: string;
  correlationId: string;
  net: NetPoint;
  errorCode: number;
  keyId: string;
  thumbprint: string;
  risk: RiskFields;
}

/**
 * A service principal sign-in (client credentials). No user (userId null), no home tenant ("not
 * applicable in managed identity or service principal sign-ins"), and the credential's identifier:
 * the key id of a secret, the thumbprint of a certificate, or the federated credential's id.
 */
export function spSignIn(s: SpSignInSpec, parts: SignInParts = FRESH_PARTS): SimRecord {
  const { sp, net } = s;
  const r: SimRecord = {
    id: s.id,
    createdDateTime: s.time,
    appId: sp.appId,
    appDisplayName: sp.displayName,
    servicePrincipalId: sp.id,
    servicePrincipalName: sp.displayName,
    userId: null,
    resourceDisplayName: sp.resource.displayName,
    resourceId: sp.resource.id,
    resourceTenantId: s.m.tenant.id,
    ipAddress: net.ip,
    location: parts.location(net, false),
    correlationId: s.correlationId,
    uniqueTokenIdentifier: tokenId(s.rng),
    isInteractive: false,
    signInEventTypes: ['servicePrincipal'],
    clientCredentialType: sp.credential,
    servicePrincipalCredentialKeyId: null,
    tokenIssuerType: 'AzureAD',
    status: parts.status(s.errorCode, null),
    conditionalAccessStatus: 'notApplied',
    appliedConditionalAccessPolicies: [],
    riskDetail: s.risk.riskDetail,
    riskLevelAggregated: s.risk.riskLevelAggregated,
    riskLevelDuringSignIn: s.risk.riskLevelDuringSignIn,
    riskState: s.risk.riskState,
    riskEventTypes_v2: copyStrings(s.risk.riskEventTypes_v2),
  };
  if (sp.credential === 'certificate') {
    r.servicePrincipalCredentialKeyId = s.keyId;
    r.servicePrincipalCredentialThumbprint = s.thumbprint;
  } else if (sp.credential === 'federatedIdentityCredential') {
    r.federatedCredentialId = s.keyId;
  } else {
    r.servicePrincipalCredentialKeyId = s.keyId;
  }
  return r;
}

type SpEntry = TenantModel['sps'][number];
const spTemplates = new WeakMap<SpEntry, Template>();

/** A service principal's sign-in as text with holes: id, time, correlation id, token id, status. */
function spTemplate(m: TenantModel, s: SpEntry): Template {
  let t = spTemplates.get(s);
  if (!t) {
    const r = spSignIn({
      m,
      rng: new Rng('template'),
      sp: s.sp,
      time: hole(1),
      id: hole(0),
      correlationId: hole(2),
      net: s.net,
      errorCode: 0,
      keyId: s.keyId,
      thumbprint: s.thumbprint,
      risk: NO_RISK,
    });
    // Reassigning keeps each key where the builder put it.
    r.uniqueTokenIdentifier = hole(3);
    r.status = rawHole(4);
    t = new Template(JSON.stringify(r), 5);
    spTemplates.set(s, t);
  }
  return t;
}

export const servicePrincipalSignIns: Generator = {
  name: 'signins.servicePrincipal',
  hour(ctx: SimContext, hourStart: number, rng: Rng, emit: Emit): void {
    const m = tenantModel(ctx.tenant);
    for (const s of m.sps) {
      const n = rng.poisson(s.sp.rate);
      const secret = s.sp.credential === 'clientSecret';
      for (let k = 0; k < n; k++) {
        const t = hourStart + rng.next() * HOUR;
        let code = 0;
        if (secret) {
          const x = rng.next();
          code = x < SP_INVALID_SECRET ? 7000215 : x < SP_INVALID_SECRET + SP_EXPIRED_SECRET ? 7000222 : 0;
        }
        const id = requestId(rng);
        const time = fmtTime(t);
        const correlationId = guid(rng);
        if (emit.out) {
          const w = emit.out('ServicePrincipalSignInLogs');
          spTemplate(m, s).write(w, [id, time, correlationId, tokenId(rng), statusFrag(code, null)]);
          continue;
        }
        emit(
          'ServicePrincipalSignInLogs',
          spSignIn(
            {
              m,
              rng,
              sp: s.sp,
              time,
              id,
              correlationId,
              net: s.net,
              errorCode: code,
              keyId: s.keyId,
              thumbprint: s.thumbprint,
              risk: NO_RISK,
            },
            emit.immutable ? SHARED_PARTS : FRESH_PARTS,
          ),
        );
      }
    }
  },
};

// ---------------------------------------------------------------------------------------------
// Managed identities

export const managedIdentitySignIns: Generator = {
  name: 'signins.managedIdentity',
  hour(ctx: SimContext, hourStart: number, rng: Rng, emit: Emit): void {
    const m = tenantModel(ctx.tenant);
    const tid = m.tenant.id;
    for (const mi of m.mis) {
      const n = rng.poisson(mi.rate);
      for (let k = 0; k < n; k++) {
        const id = requestId(rng);
        const time = fmtTime(hourStart + rng.next() * HOUR);
        const correlationId = guid(rng);
        const token = tokenId(rng);
        if (emit.out) {
          let t = miTemplates.get(mi);
          if (!t) {
            t = new Template(JSON.stringify(miSignIn(tid, mi, hole(0), hole(1), hole(2), hole(3))), 4);
            miTemplates.set(mi, t);
          }
          t.write(emit.out('ManagedIdentitySignInLogs'), [id, time, correlationId, token]);
        } else emit('ManagedIdentitySignInLogs', miSignIn(tid, mi, id, time, correlationId, token));
      }
    }
  },
};

const miTemplates = new WeakMap<ManagedIdentity, Template>();

/** A managed identity sign-in (token for an Azure resource, no user, no conditional access). */
function miSignIn(
  tid: string,
  mi: ManagedIdentity,
  id: string,
  time: string,
  correlationId: string,
  token: string,
): SimRecord {
  return {
    id,
    createdDateTime: time,
    appId: mi.appId,
    appDisplayName: mi.displayName,
    servicePrincipalId: mi.id,
    servicePrincipalName: mi.displayName,
    userId: null,
    resourceDisplayName: mi.resource.displayName,
    resourceId: mi.resource.id,
    resourceTenantId: tid,
    correlationId,
    uniqueTokenIdentifier: token,
    isInteractive: false,
    signInEventTypes: ['managedIdentity'],
    clientCredentialType: 'managedIdentity',
    managedServiceIdentity: { msiType: mi.msiType, associatedResourceId: mi.associatedResourceId },
    azureResourceId: mi.associatedResourceId,
    tokenIssuerType: 'AzureAD',
    status: { errorCode: 0, failureReason: 'Other.', additionalDetails: null },
    conditionalAccessStatus: 'notApplied',
    appliedConditionalAccessPolicies: [],
    riskDetail: 'none',
    riskLevelAggregated: 'none',
    riskLevelDuringSignIn: 'none',
    riskState: 'none',
    riskEventTypes_v2: [],
  };
}

// ---------------------------------------------------------------------------------------------
// AD FS

const ADFS_SERVERS = ['ADFS01', 'ADFS02'];

export const adfsSignIns: Generator = {
  name: 'signins.adfs',
  hour(ctx: SimContext, hourStart: number, rng: Rng, emit: Emit): void {
    const m = tenantModel(ctx.tenant);
    const rhythms = officeRhythms(hourStart);
    const issuer = `adfs.${m.tenant.domain}`;
    const tid = m.tenant.id;
    const gone = departuresAround(ctx, hourStart);
    for (const um of m.adfsUsers) {
      const rhythm = rhythms[um.officeIdx]!;
      // AD FS checks the on-premises account, disabled by Workday2AD before the Entra disable.
      const dep = gone.size > 0 ? gone.get(um.user.id) : undefined;
      const until = dep ? Math.min(hourStart + HOUR, dep.adTime) : hourStart + HOUR;
      if (until <= hourStart) continue;
      const n = rng.poisson((ADFS_PER_UNIT * um.rate * rhythm * (until - hourStart)) / HOUR);
      for (let k = 0; k < n; k++) {
        const t = hourStart + rng.next() * (until - hourStart);
        const dm = um.devices[0]!;
        const net = rhythm >= 0.5 && rng.chance(0.8) ? um.office : um.home;
        // Inside the office the browser signs in with Kerberos; outside, through the Web Application Proxy's form.
        const intranet = net === um.office;
        const rp = m.rpApps[Math.floor(rng.next() * m.rpApps.length)]!;
        const x = rng.next();
        const code = x < 0.025 ? 50126 : x < 0.027 ? 50053 : 0;
        const time = fmtTime(t);
        const id = guid(rng);
        const view = dm.browserView;
        emit('ADFSSignInLogs', {
          id,
          createdDateTime: time,
          userDisplayName: um.user.displayName,
          userPrincipalName: um.upn,
          userId: um.user.id,
          userType: 'member',
          appId: rp.id,
          appDisplayName: rp.displayName,
          resourceDisplayName: rp.displayName,
          resourceId: rp.id,
          resourceTenantId: tid,
          homeTenantId: tid,
          ipAddress: net.ip,
          location: {
            city: net.city,
            state: net.state,
            countryOrRegion: net.countryOrRegion,
            geoCoordinates: { altitude: null, latitude: net.latitude, longitude: net.longitude },
          },
          clientAppUsed: 'Browser',
          userAgent: view.userAgent,
          deviceDetail: {
            deviceId: view.deviceId,
            displayName: view.displayName,
            operatingSystem: view.operatingSystem,
            browser: view.browser,
            isCompliant: view.isCompliant,
            isManaged: view.isManaged,
            trustType: view.trustType,
          },
          correlationId: guid(rng),
          originalRequestId: id,
          uniqueTokenIdentifier: tokenId(rng),
          isInteractive: true,
          signInEventTypes: ['interactiveUser'],
          tokenIssuerType: 'ADFederationServices',
          tokenIssuerName: issuer,
          authenticationProtocol: intranet ? 'wsFederation' : 'saml20',
          authenticationRequirement: 'singleFactorAuthentication',
          authenticationDetails: [
            {
              authenticationStepDateTime: time,
              authenticationMethod: intranet ? 'Integrated Windows Authentication' : 'Password',
              authenticationMethodDetail: intranet ? 'Kerberos' : 'Forms Authentication',
              succeeded: code === 0,
              authenticationStepResultDetail: code === 0 ? null : SIGN_IN_ERRORS[code as SignInErrorCode],
              authenticationStepRequirement: '',
            },
          ],
          authenticationProcessingDetails: [
            { key: 'Server name', value: ADFS_SERVERS[Math.floor(rng.next() * ADFS_SERVERS.length)] },
            { key: 'IP Addresses Involved in Auth Flow', value: net.ip },
            { key: 'Legacy TLS (TLS 1.0, 1.1, 3DES)', value: 'False' },
          ],
          status: status(code),
          conditionalAccessStatus: 'notApplied',
          appliedConditionalAccessPolicies: [],
          riskDetail: 'hidden',
          riskLevelAggregated: 'hidden',
          riskLevelDuringSignIn: 'hidden',
          riskState: 'none',
          riskEventTypes_v2: [],
        });
      }
    }
  },
};

/** All five sign-in generators, in a stable order. */
export const signInGenerators: readonly Generator[] = [
  interactiveSignIns,
  nonInteractiveSignIns,
  servicePrincipalSignIns,
  managedIdentitySignIns,
  adfsSignIns,
];
