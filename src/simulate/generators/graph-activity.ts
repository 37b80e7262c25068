/**
 * MicrosoftGraphActivityLogs: one record per HTTP request to Microsoft Graph (schema:
 * registry/schemas/graph-activity.ts, the LA table's columns in camelCase).
 *
 * Callers:
 * - the tenant's service principals that call Graph (app-only tokens, `roles`), at their rate,
 *   around the clock: payroll sync, CRM connector, HR export, SIEM collector, Terraform;
 * - managed identities whose resource is Graph;
 * - users' apps (delegated tokens, `scopes`) during each office's working day: OfficeHome,
 *   Teams web, Outlook, OneDrive; admins also use Graph Explorer and the Graph PowerShell SDK.
 *
 * Mostly 200s; 201 / 202 / 204 for writes; some 403 (missing permission), 404, 429 (throttled),
 * 401 and 503.
 */

import { DIRECTORY_ROLE_TEMPLATES } from '../../registry/roles.ts';
import type { City } from '../reference-data.ts';
import type { Rng } from '../rng.ts';
import { guid, stableGuid } from '../rng.ts';
import type { ManagedIdentity, ServicePrincipal, Tenant, User } from '../tenant.ts';
import {
  type Emit,
  entraTime,
  type Generator,
  HOUR,
  type SimContext,
  type SimRecord,
  workdayRhythm,
} from '../types.ts';
import { departuresAround } from './lifecycle.ts';
import { byRecordTime } from './provisioning.ts';

const GRAPH = 'https://graph.microsoft.com';
const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';

/** Well-known directory role template ids, for the `wids` claim. */
const ROLE_WIDS: Readonly<Record<string, string>> = DIRECTORY_ROLE_TEMPLATES;
/** Every member's token carries the default user role template. */
const DEFAULT_USER_WID = 'b79fbf4d-3ef9-4689-8143-76b194e85509';

/** The Azure region that serves an office's requests. */
function regionFor(c: City): string {
  if (c.utcOffset <= -7) return 'West US 2';
  if (c.utcOffset <= -6) return 'Central US';
  if (c.utcOffset <= -4) return 'East US';
  if (c.utcOffset < 0) return 'Brazil South';
  if (c.countryOrRegion === 'GB') return 'UK South';
  if (c.countryOrRegion === 'IE') return 'North Europe';
  if (c.utcOffset <= 2) return 'West Europe';
  if (c.utcOffset <= 6) return 'Central India';
  if (c.countryOrRegion === 'JP') return 'Japan East';
  if (c.countryOrRegion === 'AU') return 'Australia East';
  return 'Southeast Asia';
}

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** A token's `uti` (the signInActivityId): 22 base64url characters. */
function uti(rng: Rng): string {
  let s = '';
  for (let i = 0; i < 22; i++) s += B64URL[rng.int(0, 63)];
  return s;
}

const iso = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

// ---------------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------------

type Kind = 'single' | 'list' | 'heavy' | 'photo' | 'create' | 'action' | 'update' | 'delete';

interface Req {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  kind: Kind;
  version?: 'v1.0' | 'beta';
}

interface Ctx {
  rng: Rng;
  tenant: Tenant;
  user: () => User;
}

type ReqFn = (c: Ctx) => Req;

const get = (path: string, kind: Kind = 'single', version?: 'v1.0' | 'beta'): Req => ({
  method: 'GET',
  path,
  kind,
  version,
});

/** Request mixes per caller profile (weights, then builders). */
const PROFILES: Record<string, [number, ReqFn][]> = {
  payroll: [
    [5, () => get('/users?$select=id,employeeId,displayName,department,accountEnabled&$top=999', 'list')],
    [3, (c) => get(`/users/${c.user().id}?$select=id,employeeId,jobTitle,department,manager`)],
    [2, (c) => ({ method: 'PATCH', path: `/users/${c.user().id}`, kind: 'update' })],
  ],
  crm: [
    [4, (c) => get(`/users/${c.user().id}`)],
    [3, (c) => get(`/groups/${c.rng.pick(c.tenant.groups).id}/members?$select=id,mail,displayName`, 'list')],
    [1, (c) => get(`/users/${c.user().id}/manager`)],
  ],
  hr: [
    [
      4,
      () =>
        get(
          '/users?$filter=accountEnabled eq true&$select=id,displayName,jobTitle,department,employeeId&$top=999',
          'list',
        ),
    ],
    [2, (c) => get(`/users/${c.user().id}/manager`, 'single', 'beta')],
    [1, () => get('/groups?$select=id,displayName,groupTypes&$top=999', 'list')],
  ],
  siem: [
    [5, () => get('/auditLogs/signIns?$filter=createdDateTime ge {since}&$top=1000', 'heavy')],
    [3, () => get('/auditLogs/directoryAudits?$filter=activityDateTime ge {since}&$top=1000', 'heavy')],
    [2, () => get('/security/alerts_v2?$filter=createdDateTime ge {since}', 'list')],
    [1, () => get("/identityProtection/riskyUsers?$filter=riskLevel eq 'high'", 'list')],
  ],
  terraform: [
    [4, (c) => get(`/applications(appId='${c.rng.pick(c.tenant.servicePrincipals).appId}')`)],
    [3, (c) => get(`/servicePrincipals(appId='${c.rng.pick(c.tenant.servicePrincipals).appId}')`)],
    [1, (c) => ({ method: 'PATCH', path: `/applications/${guid(c.rng)}`, kind: 'update' })],
    [1, (c) => get(`/groups/${c.rng.pick(c.tenant.groups).id}`)],
  ],
  mi: [
    [4, (c) => get(`/users/${c.user().id}?$select=id,displayName,mail,department`)],
    [2, (c) => ({ method: 'POST', path: `/users/${c.user().id}/sendMail`, kind: 'action' })],
    [1, () => get('/users/delta?$select=id,displayName,accountEnabled', 'list')],
  ],
  officehome: [
    [4, () => get('/me')],
    [3, () => get('/me/photo/$value', 'photo')],
    [3, () => get('/me/drive/recent?$top=20', 'list')],
    [2, () => get('/me/insights/used?$top=10', 'list')],
  ],
  teams: [
    [4, () => get('/me/joinedTeams', 'list')],
    [3, () => get('/me/chats?$expand=members&$top=50', 'list', 'beta')],
    [3, (c) => get(`/users/${c.user().id}/presence`)],
    [2, (c) => get(`/users/${c.user().id}/photo/$value`, 'photo')],
  ],
  outlook: [
    [5, () => get('/me/mailFolders/inbox/messages?$top=25&$select=subject,from,receivedDateTime', 'list')],
    [3, () => get('/me/calendarView?startDateTime={today}&endDateTime={tomorrow}', 'list')],
    [1, () => ({ method: 'POST', path: '/me/sendMail', kind: 'action' })],
    [1, () => ({ method: 'POST', path: '/me/events', kind: 'create' })],
  ],
  onedrive: [
    [4, () => get('/me/drive/root/children', 'list')],
    [2, (c) => get(`/me/drive/items/${c.rng.hex(16).toUpperCase()}`)],
    [1, (c) => ({ method: 'PATCH', path: `/me/drive/items/${c.rng.hex(16).toUpperCase()}`, kind: 'update' })],
  ],
  admin: [
    [
      5,
      () =>
        get(
          "/users?$filter=startswith(displayName,'{q}')&$select=id,displayName,userPrincipalName,accountEnabled",
          'list',
        ),
    ],
    [3, (c) => get(`/users/${c.user().id}/authentication/methods`, 'list', 'beta')],
    [3, (c) => get(`/groups/${c.rng.pick(c.tenant.groups).id}/members?$top=100`, 'list')],
    [2, () => get("/auditLogs/signIns?$filter=userPrincipalName eq '{upn}'&$top=50", 'heavy')],
    [2, (c) => ({ method: 'PATCH', path: `/users/${c.user().id}`, kind: 'update' })],
    [
      1,
      (c) => ({
        method: 'POST',
        path: `/groups/${c.rng.pick(c.tenant.groups).id}/members/$ref`,
        kind: 'update',
      }),
    ],
    [
      1,
      (c) => ({
        method: 'DELETE',
        path: `/groups/${c.rng.pick(c.tenant.groups).id}/members/${c.user().id}/$ref`,
        kind: 'delete',
      }),
    ],
    [1, () => get('/roleManagement/directory/roleAssignments?$expand=principal', 'list', 'beta')],
    [1, () => ({ method: 'POST', path: '/users', kind: 'create' })],
  ],
};

interface Caller {
  appId: string;
  servicePrincipalId: string;
  userId: string | null;
  ip: string;
  location: string;
  userAgent: string;
  clientAuthMethod: number;
  roles: string | null;
  scopes: string | null;
  wids: string | null;
  profile: string;
}

interface ClientApp {
  appId: string;
  name: string;
  profile: string;
  scopes: string;
  /** 0 public client, 2 certificate (first-party web apps). */
  auth: number;
  weight: number;
  browser: boolean;
}

const USER_APPS: ClientApp[] = [
  {
    appId: '4765445b-32c6-49b0-83e6-1d93765276ca',
    name: 'OfficeHome',
    profile: 'officehome',
    scopes: 'User.Read Files.ReadWrite.All Sites.Read.All People.Read',
    auth: 2,
    weight: 3,
    browser: true,
  },
  {
    appId: '5e3ce6c0-2b1f-4285-8d4b-75ee78787346',
    name: 'Microsoft Teams Web Client',
    profile: 'teams',
    scopes: 'User.Read Chat.ReadWrite Team.ReadBasic.All Presence.Read.All',
    auth: 0,
    weight: 4,
    browser: true,
  },
  {
    appId: '27922004-5251-4030-b22d-91ecd9a37ea4',
    name: 'Outlook Mobile',
    profile: 'outlook',
    scopes: 'Mail.ReadWrite Mail.Send Calendars.ReadWrite Contacts.ReadWrite',
    auth: 0,
    weight: 3,
    browser: false,
  },
  {
    appId: 'ab9b8c07-8f02-4f72-87fa-80105867a763',
    name: 'OneDrive SyncEngine',
    profile: 'onedrive',
    scopes: 'Files.ReadWrite.All Sites.ReadWrite.All',
    auth: 0,
    weight: 2,
    browser: false,
  },
];

const ADMIN_APPS: ClientApp[] = [
  {
    appId: 'de8bc8b5-d9f9-48b1-a8ad-b748da725064',
    name: 'Graph Explorer',
    profile: 'admin',
    scopes: 'openid profile User.Read User.ReadWrite.All Directory.Read.All AuditLog.Read.All',
    auth: 0,
    weight: 1,
    browser: true,
  },
  {
    appId: '14d82eec-204b-4c2f-b7e8-296a70dab67e',
    name: 'Microsoft Graph Command Line Tools',
    profile: 'admin',
    scopes:
      'User.ReadWrite.All Group.ReadWrite.All Directory.AccessAsUser.All AuditLog.Read.All openid profile email',
    auth: 0,
    weight: 2,
    browser: false,
  },
];

const SP_PROFILES: Record<
  string,
  { profile: string; roles: string; userAgent: string; callsPerSignIn: number }
> = {
  'Contoso Payroll Sync': {
    profile: 'payroll',
    roles: 'User.ReadWrite.All',
    userAgent: 'PayrollSync/2.4.1 Microsoft-Graph-SDK-dotnet/5.44.0',
    callsPerSignIn: 1.5,
  },
  'Contoso CRM Connector': {
    profile: 'crm',
    roles: 'User.Read.All GroupMember.Read.All',
    userAgent: 'python-requests/2.31.0',
    callsPerSignIn: 1.2,
  },
  'HR Data Export': {
    profile: 'hr',
    roles: 'User.Read.All Directory.Read.All',
    userAgent: 'Go-http-client/1.1',
    callsPerSignIn: 1.5,
  },
  'SIEM Collector': {
    profile: 'siem',
    roles: 'AuditLog.Read.All Directory.Read.All SecurityAlert.Read.All IdentityRiskyUser.Read.All',
    userAgent: 'SIEMConnector/1.8.2 (+https://contoso.com/siem)',
    callsPerSignIn: 1.2,
  },
  'Terraform Deployer': {
    profile: 'terraform',
    roles: 'Application.ReadWrite.OwnedBy Directory.Read.All',
    userAgent: 'Go-http-client/2.0 HashiCorp Terraform/1.7.5 terraform-provider-azuread/2.47.0',
    callsPerSignIn: 0.4,
  },
};

const PWSH_UA = 'Mozilla/5.0 (Windows NT 10.0; Microsoft Windows 10.0.22631; en-US) PowerShell/7.4.1';

interface GraphWorld {
  spCallers: { sp: ServicePrincipal; caller: Caller; perHour: number }[];
  miCallers: { mi: ManagedIdentity; caller: Caller; perHour: number }[];
  members: User[];
  buckets: { zone: string; users: User[] }[];
  /** Service principal object ids of the first-party client apps in this tenant. */
  spIdOf: (appId: string) => string;
}

const worlds = new WeakMap<Tenant, GraphWorld>();

function graphWorld(tenant: Tenant): GraphWorld {
  let w = worlds.get(tenant);
  if (w) return w;
  const members = tenant.users.filter((u) => u.userType === 'member');
  const byZone = new Map<string, User[]>();
  for (const u of members) {
    const list = byZone.get(u.office.timeZone) ?? [];
    list.push(u);
    byZone.set(u.office.timeZone, list);
  }
  const spCallers: GraphWorld['spCallers'] = [];
  for (const sp of tenant.servicePrincipals) {
    const p = SP_PROFILES[sp.displayName];
    if (!p || (sp.resource.id !== GRAPH_APP_ID && p.profile !== 'terraform')) continue;
    spCallers.push({
      sp,
      perHour: sp.rate * p.callsPerSignIn,
      caller: {
        appId: sp.appId,
        servicePrincipalId: sp.id,
        userId: null,
        ip: sp.ip,
        location: regionFor(sp.location),
        userAgent: p.userAgent,
        clientAuthMethod: sp.credential === 'clientSecret' ? 1 : 2,
        roles: p.roles,
        scopes: null,
        wids: null,
        profile: p.profile,
      },
    });
  }
  const miCallers: GraphWorld['miCallers'] = tenant.managedIdentities
    .filter((mi) => mi.resource.id === GRAPH_APP_ID)
    .map((mi, i) => ({
      mi,
      perHour: mi.rate * 0.8,
      caller: {
        appId: mi.appId,
        servicePrincipalId: mi.id,
        userId: null,
        ip: `20.${42 + i}.${(i * 37) % 250}.${10 + i}`,
        location: 'West US 2',
        userAgent: mi.displayName.startsWith('func')
          ? 'azsdk-js-identity/4.0.1 core-rest-pipeline/1.14.0 Node/v20.11.1 OS/(x64-Linux-5.15.0)'
          : 'azsdk-net-Identity/1.10.4 (.NET 8.0.2; Microsoft Windows 10.0.20348)',
        clientAuthMethod: 2,
        roles: 'User.Read.All Mail.Send',
        scopes: null,
        wids: null,
        profile: 'mi',
      },
    }));
  w = {
    spCallers,
    miCallers,
    members,
    buckets: [...byZone].map(([zone, users]) => ({ zone, users })),
    spIdOf: (appId) => stableGuid(`${tenant.id}:sp:${appId}`),
  };
  worlds.set(tenant, w);
  return w;
}

function userCaller(w: GraphWorld, u: User, app: ClientApp): Caller {
  const wids = [DEFAULT_USER_WID, ...u.roles.map((r) => ROLE_WIDS[r]).filter((x): x is string => !!x)];
  return {
    appId: app.appId,
    servicePrincipalId: w.spIdOf(app.appId),
    userId: u.id,
    ip: `${u.office.ipPrefix}.${u.ipSuffix}`,
    location: regionFor(u.office),
    userAgent: app.browser
      ? (u.devices[0]?.profile.userAgent ?? 'Mozilla/5.0')
      : app.profile === 'admin'
        ? PWSH_UA
        : app.profile === 'outlook'
          ? 'Outlook-iOS/2.0'
          : 'Microsoft SkyDriveSync 24.070.0407.0003 ship; Windows NT 10.0 (22631)',
    clientAuthMethod: app.auth,
    roles: null,
    scopes: app.scopes,
    wids: wids.join(' '),
    profile: app.profile,
  };
}

// ---------------------------------------------------------------------------------------------
// Records
// ---------------------------------------------------------------------------------------------

function status(rng: Rng, req: Req, caller: Caller): number {
  const x = rng.next();
  // App-only callers hit throttling and missing permissions a little more often.
  const app = caller.userId === null;
  if (x < (app ? 0.012 : 0.005)) return 429;
  if (x < (app ? 0.03 : 0.015)) return 403;
  if (x < 0.04) return req.method === 'GET' && req.kind === 'single' ? 404 : 400;
  if (x < 0.043) return 401;
  if (x < 0.045) return 503;
  switch (req.kind) {
    case 'create':
      return 201;
    case 'action':
      return 202;
    case 'update':
    case 'delete':
      return 204;
    default:
      return 200;
  }
}

function sizeAndDuration(rng: Rng, req: Req, code: number): [number, number] {
  if (code === 429) return [rng.int(180, 320), rng.int(3, 25)];
  if (code >= 400) return [rng.int(220, 480), rng.int(8, 120)];
  switch (req.kind) {
    case 'single':
      return [rng.int(600, 4200), rng.int(18, 180)];
    case 'list':
      return [rng.int(4_000, 420_000), rng.int(60, 1_600)];
    case 'heavy':
      return [rng.int(50_000, 2_400_000), rng.int(400, 7_500)];
    case 'photo':
      return [rng.int(4_000, 48_000), rng.int(25, 260)];
    case 'create':
      return [rng.int(700, 3_000), rng.int(90, 900)];
    case 'action':
      return [0, rng.int(80, 700)];
    default:
      return [0, rng.int(40, 520)];
  }
}

function fillUri(path: string, t: number, rng: Rng, tenant: Tenant): string {
  if (!path.includes('{')) return path;
  const day = new Date(t).toISOString().slice(0, 10);
  const u = rng.pick(tenant.users);
  return path
    .replace('{since}', iso(t - rng.int(5, 30) * 60_000))
    .replace('{today}', `${day}T00:00:00Z`)
    .replace('{tomorrow}', `${new Date(t + 86_400_000).toISOString().slice(0, 10)}T00:00:00Z`)
    .replace('{q}', u.givenName)
    .replace('{upn}', u.userPrincipalName);
}

function request(
  tenant: Tenant,
  rng: Rng,
  caller: Caller,
  req: Req,
  t: number,
  tokenAt: number,
  sid: string,
): SimRecord {
  const requestId = guid(rng);
  const code = status(rng, req, caller);
  const [size, dur] = sizeAndDuration(rng, req, code);
  const version = req.version ?? 'v1.0';
  return {
    requestId,
    timeGenerated: entraTime(t, rng),
    tenantId: tenant.id,
    apiVersion: version,
    appId: caller.appId,
    atContent: '',
    clientAuthMethod: caller.clientAuthMethod,
    clientRequestId: rng.chance(0.85) ? guid(rng) : requestId,
    durationMs: dur,
    identityProvider: `https://sts.windows.net/${tenant.id}/`,
    ipAddress: caller.ip,
    location: caller.location,
    operationId: requestId,
    requestMethod: req.method,
    requestUri: `${GRAPH}/${version}${fillUri(req.path, t, rng, tenant)}`,
    responseSizeBytes: size,
    responseStatusCode: code,
    roles: caller.roles,
    scopes: caller.scopes,
    servicePrincipalId: caller.servicePrincipalId,
    signInActivityId: sid,
    tokenIssuedAt: iso(tokenAt),
    userAgent: caller.userAgent,
    userId: caller.userId,
    wids: caller.wids,
  };
}

function pickReq(rng: Rng, profile: string, c: Ctx): Req {
  const p = PROFILES[profile]!;
  const fn = rng.weighted(
    p.map((x) => x[1]),
    p.map((x) => x[0]),
  );
  return fn(c);
}

function graphHour(ctx: SimContext, hourStart: number, rng: Rng, emit: Emit): void {
  const tenant = ctx.tenant;
  const w = graphWorld(tenant);
  const mid = hourStart + HOUR / 2;
  const out: { t: number; r: SimRecord }[] = [];
  const c: Ctx = { rng, tenant, user: () => rng.pick(w.members) };

  // A caller's session: one token (signInActivityId) used for a burst of requests.
  // `until`: a leaver's token stops working at the disable.
  const session = (caller: Caller, n: number, until = hourStart + HOUR) => {
    let t = hourStart + rng.int(0, HOUR - 1);
    const tokenAt = t - rng.int(0, 55) * 60_000;
    const sid = uti(rng);
    for (let i = 0; i < n && t < until; i++) {
      out.push({ t, r: request(tenant, rng, caller, pickReq(rng, caller.profile, c), t, tokenAt, sid) });
      t += rng.int(40, 4000);
    }
  };

  // Daemons: not every token request is followed by Graph calls (many fetch tokens for other
  // resources, or reuse cached data), so runs ≈ a third of their sign-in rate, 1–3 calls each.
  for (const { caller, perHour } of w.spCallers) {
    const runs = rng.poisson(perHour * 0.17);
    for (let i = 0; i < runs; i++) session(caller, rng.int(1, 3));
  }
  for (const { caller, perHour } of w.miCallers) {
    const runs = rng.poisson(perHour * 0.17);
    for (let i = 0; i < runs; i++) session(caller, rng.int(1, 3));
  }
  // Users' apps: ~0.05 sessions per member-hour at full rhythm, 1–4 requests each; none by a
  // member whose account is disabled.
  const gone = departuresAround(ctx, hourStart);
  for (const b of w.buckets) {
    const n = rng.poisson(b.users.length * 0.05 * workdayRhythm(mid, b.zone));
    for (let i = 0; i < n; i++) {
      const u = rng.pick(b.users);
      const app = rng.weighted(
        USER_APPS,
        USER_APPS.map((a) => a.weight),
      );
      const n = rng.int(1, 4);
      const dep = gone.size > 0 ? gone.get(u.id) : undefined;
      if (dep && dep.disabledAt <= hourStart) continue;
      session(userCaller(w, u, app), n, dep ? Math.min(hourStart + HOUR, dep.disabledAt) : hourStart + HOUR);
    }
  }
  // Admins scripting and exploring.
  for (const a of tenant.admins) {
    const n = rng.poisson(0.6 * workdayRhythm(mid, a.office.timeZone));
    for (let i = 0; i < n; i++) {
      const app = rng.weighted(
        ADMIN_APPS,
        ADMIN_APPS.map((x) => x.weight),
      );
      session(userCaller(w, a, app), rng.int(2, 8));
    }
  }
  out.sort(byRecordTime('timeGenerated'));
  for (const o of out) emit('MicrosoftGraphActivityLogs', o.r);
}

export const graphActivity: Generator = { name: 'graph-activity', hour: graphHour };
