/**
 * Synthetic Entra interactive sign-ins in the Microsoft Graph `signIn` shape, for benchmarks.
 *
 * A STAND-IN until the real simulator exists (tracked in its own issue): it makes records that
 * look like a tenant's interactive sign-ins — a few thousand users, real Microsoft first-party
 * app ids and names, real AADSTS error codes on ~5% of sign-ins, conditional access results,
 * authentication steps, devices, locations — sized like real ones (~1.5–2.5 KB of JSON each),
 * but with no behavioural realism (no sessions, travel, attacks or time-of-day shape).
 * When the simulator lands, the benchmarks should take their records from it instead.
 *
 * Deterministic: the same (n, seed) always gives the same records, byte for byte.
 */

/** sfc32, seeded through splitmix32: small, fast, and good enough for test data. */
export class Prng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    let s = seed >>> 0;
    const next = () => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    for (let i = 0; i < 12; i++) this.u32();
  }

  /** A uniform 32-bit unsigned integer. */
  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** A uniform float in [0, 1). */
  next(): number {
    return this.u32() / 4294967296;
  }

  /** A uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  /** A version-4 GUID, lower case. */
  guid(): string {
    let hex = '';
    for (let i = 0; i < 4; i++) hex += this.u32().toString(16).padStart(8, '0');
    const variant = '89ab'[this.int(4)]!;
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  }
}

// Microsoft first-party applications (real app ids) and the resource each usually asks a token for.
const GRAPH = { id: '00000003-0000-0000-c000-000000000000', name: 'Microsoft Graph' };
const EXO = { id: '00000002-0000-0ff1-ce00-000000000000', name: 'Office 365 Exchange Online' };
const SPO = { id: '00000003-0000-0ff1-ce00-000000000000', name: 'Office 365 SharePoint Online' };
const ARM = { id: '797f4846-ba00-4fd7-ba43-dac1f8f63013', name: 'Windows Azure Service Management API' };
const AAD = { id: '00000002-0000-0000-c000-000000000000', name: 'Windows Azure Active Directory' };
const TEAMS_SVC = { id: 'cc15fd57-2c6c-4117-a88c-83b1d56b4bbe', name: 'Microsoft Teams Services' };
const PBI = { id: '00000009-0000-0000-c000-000000000000', name: 'Power BI Service' };

interface App {
  appId: string;
  appDisplayName: string;
  resources: ReadonlyArray<{ id: string; name: string }>;
  /** Relative frequency. */
  weight: number;
  client: 'Browser' | 'Mobile Apps and Desktop clients';
}

const APPS: readonly App[] = [
  {
    appId: 'd3590ed6-52b3-4102-aeff-aad2292ab01c',
    appDisplayName: 'Microsoft Office',
    resources: [EXO, SPO, GRAPH],
    weight: 14,
    client: 'Mobile Apps and Desktop clients',
  },
  {
    appId: '1fec8e78-bce4-4aaf-ab1b-5451cc387264',
    appDisplayName: 'Microsoft Teams',
    resources: [TEAMS_SVC, GRAPH, SPO],
    weight: 14,
    client: 'Mobile Apps and Desktop clients',
  },
  {
    appId: '4765445b-32c6-49b0-83e6-1d93765276ca',
    appDisplayName: 'OfficeHome',
    resources: [GRAPH, SPO],
    weight: 10,
    client: 'Browser',
  },
  {
    appId: '9199bf20-a13f-4107-85dc-02114787ef48',
    appDisplayName: 'One Outlook Web',
    resources: [EXO],
    weight: 10,
    client: 'Browser',
  },
  {
    appId: '27922004-5251-4030-b22d-91ecd9a37ea4',
    appDisplayName: 'Outlook Mobile',
    resources: [EXO],
    weight: 7,
    client: 'Mobile Apps and Desktop clients',
  },
  {
    appId: '89bee1f7-5e6e-4d8a-9f3d-ecd601259da7',
    appDisplayName: 'Office365 Shell WCSS-Client',
    resources: [GRAPH],
    weight: 6,
    client: 'Browser',
  },
  {
    appId: '5e3ce6c0-2b1f-4285-8d4b-75ee78787346',
    appDisplayName: 'Microsoft Teams Web Client',
    resources: [TEAMS_SVC],
    weight: 5,
    client: 'Browser',
  },
  {
    appId: 'ab9b8c07-8f02-4f72-87fa-80105867a763',
    appDisplayName: 'OneDrive SyncEngine',
    resources: [SPO],
    weight: 5,
    client: 'Mobile Apps and Desktop clients',
  },
  {
    appId: '38aa3b87-a06d-4817-b275-7a316988d93b',
    appDisplayName: 'Windows Sign In',
    resources: [AAD],
    weight: 6,
    client: 'Mobile Apps and Desktop clients',
  },
  {
    appId: '29d9ed98-a469-4536-ade2-f981bc1d605e',
    appDisplayName: 'Microsoft Authentication Broker',
    resources: [AAD, GRAPH],
    weight: 4,
    client: 'Mobile Apps and Desktop clients',
  },
  {
    appId: 'ecd6b820-32c2-49b6-98a6-444530e5a77a',
    appDisplayName: 'Microsoft Edge',
    resources: [GRAPH],
    weight: 4,
    client: 'Mobile Apps and Desktop clients',
  },
  {
    appId: 'c44b4083-3bb0-49c1-b47d-974e53cbdf3c',
    appDisplayName: 'Azure Portal',
    resources: [ARM, GRAPH],
    weight: 3,
    client: 'Browser',
  },
  {
    appId: '04b07795-8ddb-461a-bbee-02f9e1bf7b46',
    appDisplayName: 'Microsoft Azure CLI',
    resources: [ARM, GRAPH],
    weight: 2,
    client: 'Mobile Apps and Desktop clients',
  },
  {
    appId: '1950a258-227b-4e31-a9cf-717495945fc2',
    appDisplayName: 'Microsoft Azure PowerShell',
    resources: [ARM],
    weight: 1,
    client: 'Mobile Apps and Desktop clients',
  },
  {
    appId: 'de8bc8b5-d9f9-48b1-a8ad-b748da725064',
    appDisplayName: 'Graph Explorer',
    resources: [GRAPH],
    weight: 1,
    client: 'Browser',
  },
  {
    appId: 'aebc6443-996d-45c2-90f0-388ff96faa56',
    appDisplayName: 'Visual Studio Code',
    resources: [GRAPH, ARM],
    weight: 2,
    client: 'Mobile Apps and Desktop clients',
  },
  {
    appId: '871c010f-5e61-4fb1-83ac-98610a7e9110',
    appDisplayName: 'Microsoft Power BI',
    resources: [PBI],
    weight: 2,
    client: 'Browser',
  },
  {
    appId: '9ba1a5c7-f17a-4de9-a1f1-6178c8d51223',
    appDisplayName: 'Microsoft Intune Company Portal',
    resources: [GRAPH],
    weight: 1,
    client: 'Mobile Apps and Desktop clients',
  },
  {
    appId: '19db86c3-b2b9-44cc-b339-36da233a3be2',
    appDisplayName: 'My Signins',
    resources: [GRAPH],
    weight: 1,
    client: 'Browser',
  },
  {
    appId: '8c59ead7-d703-4a27-9e55-c96a0054c8d2',
    appDisplayName: 'My Profile',
    resources: [GRAPH],
    weight: 1,
    client: 'Browser',
  },
];

const APP_WEIGHTS = cumulative(APPS.map((a) => a.weight));

// Real AADSTS codes with the failureReason text Entra reports for them.
const FAILURES = [
  {
    errorCode: 50126,
    failureReason: 'Error validating credentials due to invalid username or password.',
    additionalDetails:
      'The user didn\u2019t enter the right credentials. It\u2019s expected to see some number of these errors in your logs due to users making mistakes.',
    weight: 40,
  },
  {
    errorCode: 50074,
    failureReason: 'Strong Authentication is required.',
    additionalDetails: 'MFA required in Azure AD',
    weight: 25,
  },
  {
    errorCode: 50140,
    failureReason: "This error occurred due to 'Keep me signed in' interrupt when the user was signing in.",
    additionalDetails:
      'This is an expected part of the login flow, where a user is asked if they want to remain signed into this browser to make further logins easier.',
    weight: 15,
  },
  {
    errorCode: 53003,
    failureReason:
      'Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.',
    additionalDetails: null,
    weight: 12,
  },
  {
    errorCode: 500121,
    failureReason: 'Authentication failed during strong authentication request.',
    additionalDetails:
      'The user didn\u2019t complete the MFA prompt. They may have decided not to authenticate, timed out while doing authentication, or abandoned the sign-in process.',
    weight: 8,
  },
] as const;
const FAILURE_WEIGHTS = cumulative(FAILURES.map((f) => f.weight));

const CA_POLICIES = [
  { id: '', displayName: 'Require MFA for all users', grant: ['Mfa'], session: [] },
  { id: '', displayName: 'Block legacy authentication', grant: ['Block'], session: [] },
  {
    id: '',
    displayName: 'Require compliant device for admins',
    grant: ['RequireCompliantDevice', 'RequireDomainJoinedDevice'],
    session: [],
  },
  {
    id: '',
    displayName: 'Session lifetime for unmanaged devices',
    grant: [],
    session: ['SignInFrequency', 'PersistentBrowserSessionMode'],
  },
  { id: '', displayName: 'Require MFA for Azure management', grant: ['Mfa'], session: [] },
  { id: '', displayName: 'Block untrusted countries', grant: ['Block'], session: [] },
];

const LOCATIONS = [
  {
    city: 'Redmond',
    state: 'Washington',
    countryOrRegion: 'US',
    lat: 47.6740036010742,
    lon: -122.121200561523,
  },
  {
    city: 'Seattle',
    state: 'Washington',
    countryOrRegion: 'US',
    lat: 47.6062088012695,
    lon: -122.332069396973,
  },
  {
    city: 'New York',
    state: 'New York',
    countryOrRegion: 'US',
    lat: 40.7127990722656,
    lon: -74.0059967041016,
  },
  {
    city: 'Chicago',
    state: 'Illinois',
    countryOrRegion: 'US',
    lat: 41.8781127929688,
    lon: -87.6297988891602,
  },
  { city: 'London', state: 'England', countryOrRegion: 'GB', lat: 51.5073509216309, lon: -0.127758204936981 },
  { city: 'Dublin', state: 'Dublin', countryOrRegion: 'IE', lat: 53.3497657775879, lon: -6.26030778884888 },
  {
    city: 'Amsterdam',
    state: 'Noord-Holland',
    countryOrRegion: 'NL',
    lat: 52.3675727844238,
    lon: 4.90413284301758,
  },
  { city: 'Paris', state: 'Paris', countryOrRegion: 'FR', lat: 48.8566131591797, lon: 2.35222196578979 },
  { city: 'Berlin', state: 'Berlin', countryOrRegion: 'DE', lat: 52.5200080871582, lon: 13.404954910278 },
  {
    city: 'Bengaluru',
    state: 'Karnataka',
    countryOrRegion: 'IN',
    lat: 12.9715986251831,
    lon: 77.5945663452148,
  },
  {
    city: 'Singapore',
    state: 'Singapore',
    countryOrRegion: 'SG',
    lat: 1.35208106040955,
    lon: 103.819839477539,
  },
  {
    city: 'Sydney',
    state: 'New South Wales',
    countryOrRegion: 'AU',
    lat: -33.8688201904297,
    lon: 151.209289550781,
  },
  { city: 'Toronto', state: 'Ontario', countryOrRegion: 'CA', lat: 43.6532592773438, lon: -79.383186340332 },
  {
    city: 'S\u00e3o Paulo',
    state: 'S\u00e3o Paulo',
    countryOrRegion: 'BR',
    lat: -23.5505199432373,
    lon: -46.6333084106445,
  },
];

const DEVICES = [
  {
    operatingSystem: 'Windows10',
    browser: 'Edge 124.0.0',
    userAgent:
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.0.0',
    managed: true,
  },
  {
    operatingSystem: 'Windows10',
    browser: 'Chrome 125.0.0',
    userAgent:
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.0.0 Safari/537.36',
    managed: true,
  },
  {
    operatingSystem: 'Windows10',
    browser: 'Rich Client 4.61.0.0',
    userAgent:
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64; WebView/3.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/70.0.3538.102 Safari/537.36 Edge/18.19045',
    managed: true,
  },
  {
    operatingSystem: 'MacOs',
    browser: 'Safari 17.4',
    userAgent:
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Safari/605.1.15',
    managed: false,
  },
  {
    operatingSystem: 'MacOs',
    browser: 'Chrome 125.0.0',
    userAgent:
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.0.0 Safari/537.36',
    managed: false,
  },
  {
    operatingSystem: 'Ios',
    browser: 'Mobile Safari 17.4',
    userAgent:
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Mobile/15E148 Safari/604.1',
    managed: false,
  },
  {
    operatingSystem: 'Android',
    browser: 'Rich Client 5.1.0',
    userAgent: 'Dalvik/2.1.0 (Linux; U; Android 14; Pixel 8 Build/AP1A.240405.002)',
    managed: false,
  },
];

const FIRST_NAMES = [
  'Adele',
  'Alex',
  'Allan',
  'Amara',
  'Ben',
  'Bianca',
  'Carlos',
  'Chen',
  'Christie',
  'Diego',
  'Elena',
  'Emily',
  'Farah',
  'Grady',
  'Hana',
  'Henrietta',
  'Isaiah',
  'Jamal',
  'Johanna',
  'Joni',
  'Kenji',
  'Lee',
  'Lidia',
  'Lynne',
  'Megan',
  'Miriam',
  'Nestor',
  'Nora',
  'Olga',
  'Patti',
  'Pradeep',
  'Priya',
  'Raul',
  'Sakura',
  'Sven',
  'Tomas',
  'Ulrike',
  'Wei',
  'Yusuf',
  'Zara',
];
const LAST_NAMES = [
  'Adams',
  'Bowen',
  'Chen',
  'Diaz',
  'Eriksson',
  'Fischer',
  'Gupta',
  'Hernandez',
  'Ito',
  'Johansson',
  'Kim',
  'Larsen',
  'Mueller',
  'Nakamura',
  'Okafor',
  'Patel',
  'Quinn',
  'Rossi',
  'Sato',
  'Schmidt',
  'Tanaka',
  'Usman',
  'Vance',
  'Wilber',
  'Xu',
  'Yamamoto',
  'Zielinski',
  'Brown',
  'Cole',
  'Dubois',
  'Evans',
  'Garcia',
  'Hughes',
  'Ivanova',
  'Jensen',
  'Kowalski',
  'Lopez',
  'Moreau',
  'Novak',
  'Olsen',
];

const DOMAIN = 'contoso.com';

interface User {
  id: string;
  upn: string;
  name: string;
  homeLocation: number;
  device: number;
  deviceId: string;
  deviceName: string;
  ipBase: string;
}

function cumulative(weights: readonly number[]): number[] {
  const out: number[] = [];
  let sum = 0;
  for (const w of weights) {
    sum += w;
    out.push(sum);
  }
  return out.map((c) => c / sum);
}

function weighted<T>(rng: Prng, items: readonly T[], cum: readonly number[]): T {
  const x = rng.next();
  for (let i = 0; i < cum.length; i++) if (x < cum[i]!) return items[i]!;
  return items[items.length - 1]!;
}

function makeUsers(rng: Prng, count: number): User[] {
  const users: User[] = [];
  const taken = new Set<string>();
  for (let i = 0; i < count; i++) {
    const first = rng.pick(FIRST_NAMES);
    const last = rng.pick(LAST_NAMES);
    let alias = `${first}.${last}`.toLowerCase();
    for (let k = 2; taken.has(alias); k++) alias = `${first}.${last}${k}`.toLowerCase();
    taken.add(alias);
    users.push({
      id: rng.guid(),
      upn: `${alias}@${DOMAIN}`,
      name: `${first} ${last}`,
      homeLocation: rng.int(LOCATIONS.length),
      device: rng.int(DEVICES.length),
      deviceId: rng.guid(),
      deviceName: `CPC-${alias.slice(0, 5).replace('.', '')}-${rng.u32().toString(36).slice(0, 5).toUpperCase()}`,
      ipBase: `${20 + rng.int(180)}.${rng.int(256)}.${rng.int(256)}`,
    });
  }
  return users;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** ISO 8601 UTC with Entra's 7 fractional digits. */
function isoTicks(ms: number, ticks: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}${pad(ticks, 4)}Z`;
}

export interface SignInOptions {
  /** Users in the pool (default 3000). */
  users?: number;
  /** Start of the day the sign-ins are spread over (default 2025-03-10T00:00:00Z). */
  dayStart?: string;
}

/**
 * Yields `n` sign-ins spread evenly (with jitter, in time order) over one day. Records are
 * Graph-shaped objects with keys in the order Graph returns them.
 */
export function* signIns(
  n: number,
  seed: number,
  opts: SignInOptions = {},
): Generator<Record<string, unknown>> {
  const rng = new Prng(seed);
  const users = makeUsers(rng, opts.users ?? 3000);
  const policyIds = CA_POLICIES.map(() => rng.guid());
  const start = Date.parse(opts.dayStart ?? '2025-03-10T00:00:00Z');
  const step = 86_400_000 / Math.max(n, 1);
  for (let i = 0; i < n; i++) {
    const user = rng.pick(users);
    const app = weighted(rng, APPS, APP_WEIGHTS);
    const resource = rng.pick(app.resources);
    const t = start + Math.floor(i * step + rng.next() * step);
    const created = isoTicks(t, rng.int(10_000));
    const id = rng.guid();
    const travelling = rng.chance(0.04);
    const loc = LOCATIONS[travelling ? rng.int(LOCATIONS.length) : user.homeLocation]!;
    const dev = DEVICES[rng.chance(0.85) ? user.device : rng.int(DEVICES.length)]!;
    const failure = rng.chance(0.05) ? weighted(rng, FAILURES, FAILURE_WEIGHTS) : null;
    const mfa = failure ? failure.errorCode !== 50126 : rng.chance(0.35);

    // Conditional access: 2–4 policies evaluated; 53003 means one of them blocked.
    const nPolicies = 2 + rng.int(3);
    const first = rng.int(CA_POLICIES.length);
    const policies = [];
    let anySuccess = false;
    for (let p = 0; p < nPolicies; p++) {
      const k = (first + p) % CA_POLICIES.length;
      const pol = CA_POLICIES[k]!;
      const blocked = failure?.errorCode === 53003 && p === 0;
      const applies = blocked || (pol.grant[0] === 'Mfa' ? mfa : rng.chance(0.3));
      const result = blocked
        ? 'failure'
        : applies && pol.grant[0] !== 'Block'
          ? 'success'
          : rng.chance(0.2)
            ? 'reportOnlyNotApplied'
            : 'notApplied';
      if (result === 'success') anySuccess = true;
      policies.push({
        id: policyIds[k],
        displayName: pol.displayName,
        enforcedGrantControls:
          result === 'notApplied' || result === 'reportOnlyNotApplied' ? [] : [...pol.grant],
        enforcedSessionControls: result === 'success' ? [...pol.session] : [],
        result,
      });
    }
    const caStatus = failure?.errorCode === 53003 ? 'failure' : anySuccess ? 'success' : 'notApplied';

    const stepTime = `${new Date(t - 1000 * (1 + rng.int(20))).toISOString().slice(0, 19)}Z`;
    const authenticationDetails: Record<string, unknown>[] = [
      {
        authenticationStepDateTime: stepTime,
        authenticationMethod: 'Password',
        authenticationMethodDetail: 'Password in the cloud',
        succeeded: failure?.errorCode !== 50126,
        authenticationStepResultDetail:
          failure?.errorCode === 50126
            ? 'Invalid username or password or Invalid on-premise username or password.'
            : 'Correct password',
        authenticationStepRequirement: 'Primary authentication',
      },
    ];
    if (mfa) {
      const mfaFailed = failure?.errorCode === 500121 || failure?.errorCode === 50074;
      authenticationDetails.push({
        authenticationStepDateTime: stepTime,
        authenticationMethod: rng.chance(0.8) ? 'Mobile app notification' : 'OATH verification code',
        authenticationMethodDetail: null,
        succeeded: !mfaFailed,
        authenticationStepResultDetail: mfaFailed
          ? failure?.errorCode === 50074
            ? 'MFA required in Azure AD'
            : 'Authentication in progress'
          : 'MFA successfully completed',
        authenticationStepRequirement: 'Multi-factor authentication',
      });
    }

    const ip = travelling
      ? `${20 + rng.int(180)}.${rng.int(256)}.${rng.int(256)}.${rng.int(256)}`
      : `${user.ipBase}.${1 + rng.int(254)}`;
    yield {
      id,
      createdDateTime: created,
      userDisplayName: user.name,
      userPrincipalName: user.upn,
      userId: user.id,
      appId: app.appId,
      appDisplayName: app.appDisplayName,
      ipAddress: ip,
      clientAppUsed: app.client,
      correlationId: rng.guid(),
      conditionalAccessStatus: caStatus,
      originalRequestId: id,
      isInteractive: true,
      tokenIssuerType: 'AzureAD',
      riskDetail: 'none',
      riskLevelAggregated: 'none',
      riskLevelDuringSignIn: 'none',
      riskState: 'none',
      riskEventTypes_v2: [],
      resourceDisplayName: resource.name,
      resourceId: resource.id,
      authenticationRequirement: mfa ? 'multiFactorAuthentication' : 'singleFactorAuthentication',
      signInEventTypes: ['interactiveUser'],
      userAgent: dev.userAgent,
      userType: 'member',
      status: failure
        ? {
            errorCode: failure.errorCode,
            failureReason: failure.failureReason,
            additionalDetails: failure.additionalDetails,
          }
        : {
            errorCode: 0,
            failureReason: 'Other.',
            additionalDetails: mfa ? 'MFA requirement satisfied by claim in the token' : null,
          },
      deviceDetail: {
        deviceId: dev.managed ? user.deviceId : '',
        displayName: dev.managed ? user.deviceName : '',
        operatingSystem: dev.operatingSystem,
        browser: dev.browser,
        isCompliant: dev.managed,
        isManaged: dev.managed,
        trustType: dev.managed ? 'Azure AD joined' : '',
      },
      location: {
        city: loc.city,
        state: loc.state,
        countryOrRegion: loc.countryOrRegion,
        geoCoordinates: { altitude: null, latitude: loc.lat, longitude: loc.lon },
      },
      appliedConditionalAccessPolicies: policies,
      authenticationDetails,
    };
  }
}

/** `n` sign-ins for a seed (see `signIns`), as an array. */
export function generateSignIns(n: number, seed: number): object[] {
  return [...signIns(n, seed)];
}
