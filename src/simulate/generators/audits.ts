/**
 * AuditLogs and CustomSecurityAttributeAuditLogs (entra-formats.md §1.2–1.4, §3.5).
 *
 * directoryAudits: a weighted mix of activities (TEMPLATES below, rates per 1000 users per
 * weekday) scaled by the working rhythm of whoever drives them (admins, users, or automation),
 * plus:
 * - onboarding and offboarding chains for the joiners and leavers of the HR plan
 *   (provisioning.ts), each sharing one correlationId: Add user → Update user → Add member to
 *   group → Change user license, and Disable account → Update user → Remove member from group →
 *   Delete user;
 * - Microsoft Substrate Management write-backs (seed 002) after mailbox provisioning, guest
 *   redemption and owners' changes to Microsoft 365 groups made in Outlook / Teams;
 * - a long tail drawn from the audit catalog itself, and a round-robin over the catalog's services
 *   (one record per hour, service = hour index mod service count), so every catalogued service
 *   appears in any window of at least that many hours (≈ 1.2 days), whatever the Rng draws.
 *
 * Every activityDisplayName / category / loggedByService triple comes from the catalog
 * (categoryOf() throws on an uncatalogued pair), so records pass ingest's strict catalog check.
 *
 * customSecurityAttributeAudits: attribute sets, definitions and assignments by the tenant's
 * attribute admins (loggedByService 'Core Directory', category 'AttributeManagement').
 */
import { AuditCatalog, type CatalogRow } from '../../registry/catalog/catalog.ts';
import { DIRECTORY_ROLE_TEMPLATES } from '../../registry/roles.ts';
import { OFFICES } from '../reference-data.ts';
import { guid, Rng, stableGuid } from '../rng.ts';
import type { Group, Tenant, User } from '../tenant.ts';
import {
  DAY,
  type Emit,
  entraTime,
  type Generator,
  HOUR,
  localDay,
  localHour,
  localWeekday,
  type SimContext,
  type SimRecord,
  workdayRhythm,
} from '../types.ts';
import { byRecordTime, type Joiner, type Leaver, lifecycleAround, MINUTE } from './provisioning.ts';

// ---------------------------------------------------------------------------------------------
// Catalog
// ---------------------------------------------------------------------------------------------

let catalogCache: AuditCatalog | undefined;
function catalog(): AuditCatalog {
  catalogCache ??= AuditCatalog.load();
  return catalogCache;
}

const categoryCache = new Map<string, string>();

/** The catalog category of (service, activity), preferring the 2024 documentation's row. */
export function categoryOf(service: string, activity: string, hint?: string): string {
  const key = `${service}\u0000${activity}\u0000${hint ?? ''}`;
  let c = categoryCache.get(key);
  if (c === undefined) {
    const rows = catalog().find(service, activity);
    if (rows.length === 0) throw new Error(`audit catalog has no '${activity}' for '${service}'`);
    const pick =
      rows.find((r) => r.category === hint) ??
      rows.find((r) => r.source === '2024') ??
      (rows[0] as CatalogRow);
    c = pick.category;
    categoryCache.set(key, c);
  }
  return c;
}

/** Graph's operationType from the activity's verb (Add, Update, Delete, Assign, Unassign, Other). */
export function operationType(activity: string): string {
  const a = activity.toLowerCase();
  if (
    /^(add|remove) (member|owner|eligible|scoped member|registered owner|registered users|app role assignment|eligibleroleassignment|role assignment|a group|user from|user to)/.test(
      a,
    )
  )
    return a.startsWith('remove') ? 'Unassign' : 'Assign';
  if (/^(consent|assign|administrator directly assigns)/.test(a)) return 'Assign';
  if (
    /^(add|create|register|invite|pre-create|onboard|new|bulk create|schedule add|viral|user registered)/.test(
      a,
    )
  )
    return 'Add';
  if (
    /^(delete|remove|hard delete|unregister|offboard|bulk delete|deleting|directory deleted|revoke)/.test(a)
  )
    return 'Delete';
  if (
    /^(update|set|change|edit|patch|reset|enable|disable|restore|renew|rotate|unlock|convert|link|unlink|apply|approve|deny|publish|unpublish|extend|verify|promote|demote|mark|postpone|dismiss|confirm|suspend|trigger|finish|start applying|admin (updated|registered|deleted))/.test(
      a,
    )
  )
    return 'Update';
  return 'Other';
}

// ---------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------

const j = JSON.stringify;
type MP = { displayName: string; oldValue: string | null; newValue: string | null };
const mp = (displayName: string, oldValue: string | null, newValue: string | null): MP => ({
  displayName,
  oldValue,
  newValue,
});
/** modifiedProperty with JSON-array old/new values, as Core Directory writes them ("[]", "[\"x\"]"). */
const mpa = (name: string, oldV: unknown[], newV: unknown[]): MP => mp(name, j(oldV), j(newV));
const included = (props: MP[]): MP =>
  mp('Included Updated Properties', null, j(props.map((p) => p.displayName).join(', ')));
const userTypeProp = (type: 'Member' | 'Guest'): MP => mp('TargetId.UserType', null, j(type));

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
function suffix5(rng: Rng): string {
  let s = '';
  for (let i = 0; i < 5; i++) s += ALNUM[rng.int(0, ALNUM.length - 1)];
  return s;
}

const iso = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

// ---------------------------------------------------------------------------------------------
// Tenant facts for audits
// ---------------------------------------------------------------------------------------------

export interface AppRef {
  appId: string | null;
  displayName: string;
  servicePrincipalId: string | null;
  servicePrincipalName: string | null;
}

interface UserLike {
  id: string;
  displayName: string;
  userPrincipalName: string;
}

interface EnterpriseApp {
  appId: string;
  displayName: string;
  spId: string;
  /** Application object id (apps registered in this tenant). */
  objectId: string | null;
}

interface Bucket {
  zone: string;
  users: User[];
}

/** Directory role template ids (well-known, the same in every tenant). */
const ROLE_TEMPLATES: Readonly<Record<string, string>> = DIRECTORY_ROLE_TEMPLATES;

const LICENSES = [
  { sku: 'SPE_E5', id: '06ebc4ee-1bb5-47dd-8120-11324bc54e06' },
  { sku: 'SPE_E3', id: '05e9a617-0261-4cee-bb44-138d3ef5d965' },
  { sku: 'EMSPREMIUM', id: 'b05e124f-c7cc-45a0-a6aa-8cf78c946968' },
  { sku: 'POWER_BI_PRO', id: 'f8a1db68-be16-40ed-86d5-cb42ce701560' },
] as const;

/** Third-party multi-tenant apps users consent to (their service principals appear on consent). */
const CONSENT_APPS = [
  'Calendly',
  'Miro',
  'Grammarly',
  'Trello',
  'Zoom for Outlook',
  'Lucidchart',
  'Asana',
  'Loom',
];

interface World {
  tenant: Tenant;
  onmicrosoft: string;
  members: User[];
  guests: User[];
  buckets: Bucket[];
  admins: User[];
  helpdesk: User[];
  appAdmins: User[];
  secAdmins: User[];
  attributeAdmins: User[];
  unified: Group[];
  security: Group[];
  groupsOf: Map<string, Group[]>;
  licenseGroup: Group | undefined;
  allEmployees: Group | undefined;
  sync: UserLike & { ip: string };
  apps: Record<
    | 'substrate'
    | 'syncFabric'
    | 'gbl'
    | 'pim'
    | 'drs'
    | 'intune'
    | 'credConfig'
    | 'approval'
    | 'governance'
    | 'lcw'
    | 'provisioning'
    | 'idProtection'
    | 'invitations'
    | 'b2c'
    | 'm365Portal',
    AppRef
  >;
  enterprise: EnterpriseApp[];
  tenantApps: EnterpriseApp[];
  graph: EnterpriseApp;
  consentApps: EnterpriseApp[];
  roleObjectId: (role: string) => string;
  devices: { id: string; displayName: string; user: User; os: string }[];
  datacenterIp: string;
  mfaExclusions: Group | undefined;
}

const worlds = new WeakMap<Tenant, World>();

function world(tenant: Tenant): World {
  let w = worlds.get(tenant);
  if (w) return w;
  const members = tenant.users.filter((u) => u.userType === 'member');
  const guests = tenant.users.filter((u) => u.userType === 'guest');
  const byZone = new Map<string, User[]>();
  for (const u of members) {
    const list = byZone.get(u.office.timeZone) ?? [];
    list.push(u);
    byZone.set(u.office.timeZone, list);
  }
  const admins = tenant.admins.length ? tenant.admins : members.slice(0, 2);
  const withRole = (...roles: string[]) => {
    const list = admins.filter((a) => a.roles.some((r) => roles.includes(r)));
    return list.length ? list : admins;
  };
  const groupsOf = new Map<string, Group[]>();
  for (const g of tenant.groups) {
    for (const id of g.members) {
      const list = groupsOf.get(id) ?? [];
      list.push(g);
      groupsOf.set(id, list);
    }
  }
  const fp = (appId: string | null, displayName: string): AppRef => ({
    appId,
    displayName,
    servicePrincipalId: appId ? stableGuid(`${tenant.id}:sp:${appId}`) : null,
    servicePrincipalName: appId ? displayName : null,
  });
  const orgName = tenant.domain.split('.')[0]!;
  const ent = (appId: string, displayName: string, owned: boolean): EnterpriseApp => ({
    appId,
    displayName,
    spId: stableGuid(`${tenant.id}:sp:${appId}`),
    objectId: owned ? stableGuid(`${tenant.id}:app:${appId}`) : null,
  });
  const tenantApps = tenant.servicePrincipals.map((sp) => ({
    appId: sp.appId,
    displayName: sp.displayName,
    spId: sp.id,
    objectId: stableGuid(`${tenant.id}:app:${sp.appId}`),
  }));
  const saas = tenant.apps.filter((a) => !a.firstParty).map((a) => ent(a.appId, a.displayName, false));
  const devices: World['devices'] = [];
  for (const u of members)
    for (const d of u.devices)
      if (d.isManaged && d.id)
        devices.push({ id: d.id, displayName: d.displayName, user: u, os: d.profile.operatingSystem });
  const attrAdmins = admins.filter((a) => !a.roles.includes('Global Administrator')).slice(0, 2);
  w = {
    tenant,
    onmicrosoft: `${orgName}.onmicrosoft.com`,
    members,
    guests,
    buckets: [...byZone].map(([zone, users]) => ({ zone, users })),
    admins,
    helpdesk: withRole('Helpdesk Administrator', 'User Administrator', 'Global Administrator'),
    appAdmins: withRole('Application Administrator', 'Global Administrator'),
    secAdmins: withRole('Security Administrator', 'Conditional Access Administrator', 'Global Administrator'),
    attributeAdmins: attrAdmins.length ? attrAdmins : admins.slice(0, 1),
    unified: tenant.groups.filter((g) => g.groupType === 'unifiedGroups'),
    security: tenant.groups.filter((g) => g.groupType === 'azureAD'),
    groupsOf,
    licenseGroup: tenant.groups.find((g) => g.displayName === 'Licensed E5'),
    allEmployees: tenant.groups.find((g) => g.displayName === 'All Employees'),
    mfaExclusions: tenant.groups.find((g) => g.displayName === 'MFA Exclusions'),
    sync: {
      id: stableGuid(`${tenant.id}:sync-account`),
      displayName: 'On-Premises Directory Synchronization Service Account',
      userPrincipalName: `Sync_DC01_${stableGuid(`${tenant.id}:sync`).replace(/-/g, '').slice(0, 12)}@${orgName}.onmicrosoft.com`,
      ip: `${OFFICES[0]!.ipPrefix}.10.5`,
    },
    apps: {
      substrate: fp('98db8bd6-0cc0-4e67-9de5-f187f1cd1b41', 'Microsoft Substrate Management'),
      syncFabric: fp(null, 'Microsoft.Azure.SyncFabric'),
      gbl: fp(null, 'Microsoft Azure AD Group-Based Licensing'),
      pim: fp('01fc33a7-78ba-4d2f-a4b7-768e336e890e', 'MS-PIM'),
      drs: fp('01cb2876-7ebd-4aa4-9cc9-d28bd4d359a9', 'Device Registration Service'),
      intune: fp('0000000a-0000-0000-c000-000000000000', 'Microsoft Intune'),
      credConfig: fp(
        'ea890292-c8c8-4433-b5ea-b09d0668e1a6',
        'Azure Credential Configuration Endpoint Service',
      ),
      approval: fp('65d91a3d-ab74-42e6-8a2f-0add61688c74', 'Microsoft Approval Management'),
      governance: fp(null, 'Azure AD Identity Governance'),
      lcw: fp(null, 'Lifecycle Workflows'),
      provisioning: fp(null, 'Azure AD Provisioning Service'),
      idProtection: fp('fc68d9e5-1f76-45ef-99aa-214805418498', 'Azure AD Identity Protection'),
      invitations: fp('4660504c-45b3-4674-a709-71951a6b0763', 'Microsoft Invitation Acceptance Portal'),
      b2c: fp(null, 'IdentityExperienceFramework'),
      m365Portal: fp('00000006-0000-0ff1-ce00-000000000000', 'Microsoft Office 365 Portal'),
    },
    enterprise: [...saas, ...tenantApps],
    tenantApps,
    graph: ent('00000003-0000-0000-c000-000000000000', 'Microsoft Graph', false),
    consentApps: CONSENT_APPS.map((n) => ent(stableGuid(`app:${n}`), n, false)),
    roleObjectId: (role) => stableGuid(`${tenant.id}:role:${role}`),
    devices,
    datacenterIp: `${OFFICES[0]!.ipPrefix}.10.5`,
  };
  worlds.set(tenant, w);
  return w;
}

// ---------------------------------------------------------------------------------------------
// Records
// ---------------------------------------------------------------------------------------------

type Initiator = { user: Record<string, unknown> | null; app: Record<string, unknown> | null };

const userIp = (u: User) => `${u.office.ipPrefix}.${u.ipSuffix}`;
/** A residential / partner address outside the tenant's offices (guests). */
const externalIp = (rng: Rng) =>
  `${rng.pick(['73', '98', '24', '86', '92', '109'])}.${rng.int(1, 254)}.${rng.int(1, 254)}.${rng.int(1, 254)}`;

function byUser(u: UserLike & { ip?: string }, ip?: string): Initiator {
  return {
    user: {
      id: u.id,
      displayName: u.displayName,
      userPrincipalName: u.userPrincipalName,
      ipAddress: ip ?? u.ip ?? ('office' in u ? userIp(u as User) : null),
    },
    app: null,
  };
}

function byApp(a: AppRef): Initiator {
  return { user: null, app: { ...a } };
}

function tUser(u: UserLike, props: MP[] = []): SimRecord {
  return {
    id: u.id,
    displayName: u.displayName,
    type: 'User',
    userPrincipalName: u.userPrincipalName,
    groupType: null,
    modifiedProperties: props,
  };
}
function tGroup(g: Group, props: MP[] = []): SimRecord {
  return {
    id: g.id,
    displayName: g.displayName,
    type: 'Group',
    userPrincipalName: null,
    groupType: g.groupType,
    modifiedProperties: props,
  };
}
function tOther(type: string, id: string | null, displayName: string | null, props: MP[] = []): SimRecord {
  return { id, displayName, type, userPrincipalName: null, groupType: null, modifiedProperties: props };
}

interface RecOpts {
  t: number;
  service: string;
  activity: string;
  category?: string;
  corr: string;
  by: Initiator;
  targets: SimRecord[];
  details?: [string, string][];
  /** A failure's resultReason; the record is a failure when set. */
  failure?: string | null;
  resultReason?: string;
  ua?: string | null;
  op?: string;
}

/**
 * Where an activity is catalogued under several categories, the one this generator means: PIM's
 * activities are listed for roles, groups and Azure resources alike; the templates are about roles.
 */
const CATEGORY_HINT: Record<string, string> = { 'Privileged Identity Management (PIM)': 'RoleManagement' };

function buildRecord(rng: Rng, o: RecOpts): SimRecord {
  const id =
    o.service === 'Core Directory'
      ? `Directory_${o.corr}_${suffix5(rng)}_${rng.int(10_000_000, 999_999_999)}`
      : o.service === 'Self-service group management'
        ? `SSGM_${guid(rng)}`
        : guid(rng);
  const details = o.details ? [...o.details] : [];
  if (o.ua) details.push(['User-Agent', o.ua]);
  return {
    id,
    category: o.category ?? categoryOf(o.service, o.activity, CATEGORY_HINT[o.service]),
    correlationId: o.corr,
    result: o.failure ? 'failure' : 'success',
    resultReason: o.failure ?? o.resultReason ?? '',
    activityDisplayName: o.activity,
    activityDateTime: entraTime(o.t, rng),
    loggedByService: o.service,
    operationType: o.op ?? operationType(o.activity),
    userAgent: o.ua ?? null,
    initiatedBy: o.by,
    targetResources: o.targets,
    additionalDetails: details.map(([key, value]) => ({ key, value })),
  };
}

const GENERIC_FAILURES = [
  'Insufficient privileges to complete the operation.',
  'One or more properties contains invalid values.',
  'Microsoft.Online.Workflows.ObjectAlreadyExistsException',
  'Request_ResourceNotFound',
  'Microsoft.Online.DirectoryServices.DirectoryValueTooLongException',
];

// ---------------------------------------------------------------------------------------------
// One hour of generation
// ---------------------------------------------------------------------------------------------

/** Σ of workdayRhythm over a weekday's 24 hours (≈10.9): turns per-day rates into per-hour ones. */
const RHYTHM_PER_DAY = (() => {
  let s = 0;
  // 2024-01-03 was a Wednesday.
  const base = Date.UTC(2024, 0, 3);
  for (let h = 0; h < 24; h++) s += workdayRhythm(base + h * HOUR + HOUR / 2, 'UTC');
  return s;
})();

class Hour {
  readonly out: { t: number; r: SimRecord }[] = [];
  readonly end: number;
  readonly mid: number;
  readonly adminWeights: number[];
  readonly bucketWeights: number[];
  /** Mean workday rhythm of the admins and of the members at this hour (0–1). */
  readonly adminRhythm: number;
  readonly userRhythm: number;

  constructor(
    readonly ctx: SimContext,
    readonly w: World,
    readonly rng: Rng,
    readonly start: number,
  ) {
    this.end = start + HOUR;
    this.mid = start + HOUR / 2;
    this.adminWeights = w.admins.map((a) => workdayRhythm(this.mid, a.office.timeZone));
    this.adminRhythm = this.adminWeights.reduce((s, x) => s + x, 0) / Math.max(1, w.admins.length);
    this.bucketWeights = w.buckets.map((b) => b.users.length * workdayRhythm(this.mid, b.zone));
    const total = this.bucketWeights.reduce((s, x) => s + x, 0);
    this.userRhythm = total / Math.max(1, w.members.length);
  }

  /** A time in this hour, leaving `room` ms before its end for a chain's later steps. */
  time(room = 0): number {
    return this.start + this.rng.int(0, Math.max(0, HOUR - room - 1000));
  }

  corr(): string {
    return guid(this.rng);
  }

  admin(pool: User[] = this.w.admins): User {
    if (pool.length === 0) pool = this.w.admins;
    if (pool === this.w.admins)
      return this.rng.weighted(
        pool,
        this.adminWeights.map((x) => x + 0.01),
      );
    return this.rng.weighted(
      pool,
      pool.map((a) => workdayRhythm(this.mid, a.office.timeZone) + 0.01),
    );
  }

  /** A member, weighted by how much of their office is at work now. */
  user(): User {
    const b = this.rng.weighted(
      this.w.buckets,
      this.bucketWeights.map((x) => x + 1e-6),
    );
    return this.rng.pick(b.users);
  }

  group(kind?: 'unified' | 'security'): Group {
    const pool =
      kind === 'unified' ? this.w.unified : kind === 'security' ? this.w.security : this.w.tenant.groups;
    return this.rng.pick(pool.length ? pool : this.w.tenant.groups);
  }

  fail(rate = 0.03, reasons: readonly string[] = GENERIC_FAILURES): string | null {
    return this.rng.chance(rate) ? this.rng.pick(reasons) : null;
  }

  push(o: RecOpts): void {
    if (o.t < this.start || o.t >= this.end) return;
    this.out.push({ t: o.t, r: buildRecord(this.rng, o) });
  }
}

/** The user agent an admin's or user's browser sends (their first device). */
const uaOf = (u: User) => u.devices[0]?.profile.userAgent ?? null;

/** Advances a chain's clock by a few seconds. */
function step(rng: Rng, t: number, min = 1000, max = 4000): number {
  return t + rng.int(min, max);
}

// ---------------------------------------------------------------------------------------------
// Property builders
// ---------------------------------------------------------------------------------------------

const TITLES = [
  'Account Executive',
  'Senior Account Executive',
  'Marketing Manager',
  'Software Engineer',
  'Senior Software Engineer',
  'Engineering Manager',
  'Financial Analyst',
  'HR Generalist',
  'Program Manager',
  'Support Engineer',
  'Support Lead',
  'Systems Engineer',
];

function phone(rng: Rng): string {
  return `+1 425 555 ${String(rng.int(100, 9999)).padStart(4, '0')}`;
}

/** 1–3 changed user attributes, JSON-encoded as Core Directory writes them. */
function userChanges(rng: Rng, u: User): MP[] {
  const options: (() => MP)[] = [
    () => mpa('JobTitle', [u.jobTitle], [rng.pick(TITLES.filter((x) => x !== u.jobTitle))]),
    () => mpa('TelephoneNumber', rng.chance(0.5) ? [] : [phone(rng)], [phone(rng)]),
    () => mpa('Mobile', [], [phone(rng)]),
    () => mpa('UsageLocation', [], [u.office.countryOrRegion]),
    () => mpa('City', [], [u.office.city]),
    () => mpa('PhysicalDeliveryOfficeName', [], [`${u.office.city} ${rng.int(1, 5)}`]),
    () =>
      mpa(
        'Department',
        [u.department],
        [rng.pick(['Sales', 'Marketing', 'Operations', 'Support', 'Engineering'])],
      ),
    () => mpa('CompanyName', [], ['Contoso']),
  ];
  const n = rng.weighted([1, 2, 3], [6, 3, 1]);
  const out: MP[] = [];
  const used = new Set<number>();
  while (out.length < n) {
    const i = rng.int(0, options.length - 1);
    if (used.has(i)) continue;
    used.add(i);
    out.push(options[i]!());
  }
  return out;
}

function withIncluded(props: MP[], userType?: 'Member' | 'Guest'): MP[] {
  const out = [...props, included(props)];
  if (userType) out.push(userTypeProp(userType));
  return out;
}

function licenseValue(tenantId: string, skus: readonly (typeof LICENSES)[number][]): string {
  return j(skus.map((s) => `[SkuName=${s.sku}, AccountId=${tenantId}, SkuId=${s.id}, Disabled=[]]`));
}

function groupRefProps(g: Group): MP[] {
  return [
    mp('Group.ObjectID', null, j(g.id)),
    mp('Group.DisplayName', null, j(g.displayName)),
    mp('Group.WellKnownObjectName', null, null),
  ];
}

function roleRefProps(w: World, role: string): MP[] {
  return [
    mp('Role.ObjectID', null, j(w.roleObjectId(role))),
    mp('Role.DisplayName', null, j(role)),
    mp('Role.TemplateId', null, j(ROLE_TEMPLATES[role] ?? stableGuid(`role-template:${role}`))),
    mp('Role.WellKnownObjectName', null, j(role.replace(/ /g, ''))),
  ];
}

function roleTarget(w: World, role: string): SimRecord {
  return tOther('Role', w.roleObjectId(role), role);
}

function spTarget(a: EnterpriseApp, props: MP[] = []): SimRecord {
  return tOther('ServicePrincipal', a.spId, a.displayName, props);
}

function appTarget(a: EnterpriseApp, props: MP[] = []): SimRecord {
  return tOther('Application', a.objectId ?? stableGuid(`app:${a.appId}`), a.displayName, props);
}

// ---------------------------------------------------------------------------------------------
// Templates: the weighted activity mix
// ---------------------------------------------------------------------------------------------

type Driver = 'admin' | 'user' | 'system';

interface Template {
  /** For the report: what it mostly emits. */
  name: string;
  /** Expected occurrences per weekday per 1000 users (at full rhythm for admin / user drivers). */
  perDay: number;
  driver: Driver;
  /** Weekends: automation keeps running, people mostly don't (their rhythm already drops). */
  run(h: Hour): void;
}

const CD = 'Core Directory';

// -- user management ---------------------------------------------------------------------------

function updateUserByAdmin(h: Hour): void {
  const a = h.admin(h.w.helpdesk);
  const u = h.user();
  const t = h.time();
  h.push({
    t,
    service: CD,
    activity: 'Update user',
    corr: h.corr(),
    by: byUser(a),
    targets: [tUser(u, withIncluded(userChanges(h.rng, u), 'Member'))],
    details: [['UserType', 'Member']],
    failure: h.fail(),
    ua: uaOf(a),
  });
}

function updateUserBySync(h: Hour): void {
  // Entra Connect exports every 30 minutes: changes land in bursts at :00 and :30.
  const u = h.user();
  const t = h.start + (h.rng.chance(0.5) ? 0 : 30 * MINUTE) + h.rng.int(20, 240) * 1000;
  const props = userChanges(h.rng, u);
  props.push(mpa('LastDirSyncTime', [iso(t - 30 * MINUTE - h.rng.int(0, 86_400) * 1000)], [iso(t)]));
  h.push({
    t,
    service: CD,
    activity: 'Update user',
    corr: h.corr(),
    by: byUser(h.w.sync),
    targets: [tUser(u, withIncluded(props, 'Member'))],
    details: [['UserType', 'Member']],
    failure: h.fail(0.01, [
      'Another object with the same value for property proxyAddresses already exists.',
      'Microsoft.Online.DirectoryServices.DirectoryValueTooLongException',
    ]),
  });
}

function passwordChangeChain(h: Hour): void {
  // The user changes their password in My Account: three services, one correlation.
  const u = h.user();
  const corr = h.corr();
  let t = h.time(2 * MINUTE);
  const ua = uaOf(u);
  h.push({
    t,
    service: 'Authentication Methods',
    activity: 'User started password change',
    corr,
    by: byUser(u),
    targets: [tUser(u)],
    ua,
  });
  t = step(h.rng, t, 8000, 60_000);
  const failure = h.fail(0.04, [
    'User entered incorrect current password',
    'Password does not meet complexity requirements',
  ]);
  h.push({
    t,
    service: 'Self-service password management',
    activity: 'Change password (self-service)',
    corr,
    by: byUser(u),
    targets: [tUser(u)],
    failure,
    resultReason: failure ? undefined : 'User successfully changed password',
    ua,
  });
  if (failure) return;
  t = step(h.rng, t);
  h.push({
    t,
    service: CD,
    activity: 'Change user password',
    corr,
    by: byUser(u),
    targets: [tUser(u)],
    details: [['UserType', 'Member']],
  });
}

function adminPasswordReset(h: Hour): void {
  const a = h.admin(h.w.helpdesk);
  const u = h.user();
  const corr = h.corr();
  let t = h.time(MINUTE);
  h.push({
    t,
    service: 'Authentication Methods',
    activity: 'Admin started password reset',
    corr,
    by: byUser(a),
    targets: [tUser(u)],
    ua: uaOf(a),
  });
  t = step(h.rng, t);
  h.push({
    t,
    service: CD,
    activity: 'Reset password',
    corr,
    by: byUser(a),
    targets: [tUser(u)],
    details: [['UserType', 'Member']],
    ua: uaOf(a),
  });
  if (h.rng.chance(0.7)) {
    t = step(h.rng, t);
    h.push({
      t,
      service: CD,
      activity: 'Set force change user password',
      corr,
      by: byUser(a),
      targets: [tUser(u, withIncluded([mpa('ForceChangePasswordNextLogin', [false], [true])], 'Member'))],
      details: [['UserType', 'Member']],
    });
  }
}

function licenseChange(h: Hour): void {
  const a = h.admin(h.w.helpdesk);
  const u = h.user();
  const corr = h.corr();
  let t = h.time(MINUTE);
  const before = [LICENSES[1]];
  const after = h.rng.chance(0.5) ? [LICENSES[0]] : [LICENSES[1], LICENSES[3]];
  h.push({
    t,
    service: CD,
    activity: 'Change user license',
    corr,
    by: byUser(a),
    targets: [tUser(u)],
    details: [['UserType', 'Member']],
    ua: uaOf(a),
    failure: h.fail(0.02, ['License assignment failed because service plans are mutually exclusive.']),
  });
  t = step(h.rng, t);
  h.push({
    t,
    service: CD,
    activity: 'Update user',
    corr,
    by: byUser(a),
    targets: [
      tUser(
        u,
        withIncluded(
          [mp('AssignedLicense', licenseValue(h.w.tenant.id, before), licenseValue(h.w.tenant.id, after))],
          'Member',
        ),
      ),
    ],
    details: [['UserType', 'Member']],
  });
}

function setManager(h: Hour): void {
  const a = h.admin(h.w.helpdesk);
  const u = h.user();
  const m = h.user();
  h.push({
    t: h.time(),
    service: CD,
    activity: 'Set user manager',
    corr: h.corr(),
    by: byUser(a),
    targets: [tUser(u), tUser(m)],
    details: [['UserType', 'Member']],
    ua: uaOf(a),
  });
}

function revokeSessions(h: Hour): void {
  const a = h.admin(h.w.helpdesk);
  const u = h.user();
  const corr = h.corr();
  let t = h.time(MINUTE);
  h.push({
    t,
    service: CD,
    activity: 'Update StsRefreshTokenValidFrom Timestamp',
    corr,
    by: byUser(a),
    targets: [tUser(u)],
    ua: uaOf(a),
  });
  t = step(h.rng, t);
  h.push({
    t,
    service: CD,
    activity: 'Update user',
    corr,
    by: byUser(a),
    targets: [
      tUser(u, withIncluded([mpa('StsRefreshTokensValidFrom', [iso(t - 40 * DAY)], [iso(t)])], 'Member')),
    ],
    details: [['UserType', 'Member']],
  });
}

function disableEnable(h: Hour): void {
  const a = h.admin(h.w.helpdesk);
  const u = h.user();
  const corr = h.corr();
  let t = h.time(MINUTE);
  const disable = h.rng.chance(0.6);
  h.push({
    t,
    service: CD,
    activity: disable ? 'Disable account' : 'Enable account',
    corr,
    by: byUser(a),
    targets: [tUser(u)],
    ua: uaOf(a),
  });
  t = step(h.rng, t);
  h.push({
    t,
    service: CD,
    activity: 'Update user',
    corr,
    by: byUser(a),
    targets: [tUser(u, withIncluded([mpa('AccountEnabled', [disable], [!disable])], 'Member'))],
    details: [['UserType', 'Member']],
  });
}

function guestCleanup(h: Hour): void {
  const g = h.w.guests.length ? h.rng.pick(h.w.guests) : h.user();
  const a = h.admin(h.w.helpdesk);
  h.push({
    t: h.time(),
    service: CD,
    activity: h.rng.chance(0.9) ? 'Delete user' : 'Restore user',
    corr: h.corr(),
    by: byUser(a),
    targets: [tUser(g, [mpa('UserType', ['Guest'], []), included([mp('UserType', null, null)])])],
    details: [['UserType', 'Guest']],
    ua: uaOf(a),
  });
}

function removeAppRoleFromUser(h: Hour): void {
  const a = h.admin(h.w.appAdmins);
  const u = h.user();
  const app = h.rng.pick(h.w.enterprise);
  h.push({
    t: h.time(),
    service: CD,
    activity: 'Remove app role assignment from user',
    corr: h.corr(),
    by: byUser(a),
    targets: [
      spTarget(app, [
        mp('AppRole.Id', j('00000000-0000-0000-0000-000000000000'), null),
        mp('AppRole.Value', null, null),
        mp('User.UPN', j(u.userPrincipalName), null),
      ]),
      tUser(u),
    ],
    ua: uaOf(a),
  });
}

// -- group management --------------------------------------------------------------------------

function memberChange(h: Hour, add: boolean, byOwner: boolean): void {
  const g = byOwner ? h.group('unified') : h.group();
  const u = h.user();
  const actor = byOwner ? h.user() : h.admin(h.rng.chance(0.5) ? h.w.helpdesk : h.w.admins);
  const corr = h.corr();
  const t = h.time(10 * MINUTE);
  const props = groupRefProps(g);
  h.push({
    t,
    service: CD,
    activity: add ? 'Add member to group' : 'Remove member from group',
    corr,
    by: byUser(actor),
    targets: [tUser(u, add ? props : props.map((p) => mp(p.displayName, p.newValue, null))), tGroup(g)],
    failure: add
      ? h.fail(0.035, [
          "One or more added object references already exist for the following modified properties: 'members'.",
        ])
      : h.fail(0.02),
    ua: uaOf(actor),
  });
  // Licence group: group-based licensing follows within a minute (its own correlation).
  if (add && g === h.w.licenseGroup) groupLicensing(h, t + h.rng.int(10, 50) * 1000, u, g);
  // An owner's change to a Microsoft 365 group is written back by Exchange (seed 002).
  if (g.groupType === 'unifiedGroups' && h.rng.chance(0.35))
    substrateGroupUpdate(h, t + h.rng.int(30, 300) * 1000, g);
}

function groupLicensing(h: Hour, t: number, u: User | UserLike, g: Group): void {
  const corr = h.corr();
  const gbl = byApp(h.w.apps.gbl);
  h.push({
    t,
    service: CD,
    activity: 'Update user',
    corr,
    by: gbl,
    targets: [
      tUser(
        u,
        withIncluded([mp('AssignedLicense', '[]', licenseValue(h.w.tenant.id, [LICENSES[0]]))], 'Member'),
      ),
    ],
    details: [['UserType', 'Member']],
  });
  h.push({
    t: step(h.rng, t),
    service: CD,
    activity: 'Change user license',
    corr,
    by: gbl,
    targets: [tUser(u)],
  });
  h.push({
    t: step(h.rng, t, 5000, 9000),
    service: CD,
    activity: 'Finish applying group based license to user',
    corr,
    by: gbl,
    targets: [tGroup(g), tUser(u)],
  });
}

function substrateGroupUpdate(h: Hour, t: number, g: Group): void {
  const kind = h.rng.int(0, 2);
  const props =
    kind === 0
      ? [mpa('Description', [`${g.displayName}`], [`${g.displayName} – team site and mailbox`])]
      : kind === 1
        ? [
            mpa(
              'ProxyAddresses',
              [`SMTP:${g.displayName.replace(/\s+/g, '')}@${h.w.tenant.domain}`],
              [
                `SMTP:${g.displayName.replace(/\s+/g, '')}@${h.w.tenant.domain}`,
                `smtp:${g.displayName.replace(/\s+/g, '')}@${h.w.onmicrosoft}`,
              ],
            ),
          ]
        : [mpa('ResourceBehaviorOptions', [], ['HideGroupInOutlook'])];
  h.push({
    t,
    service: CD,
    activity: 'Update group',
    corr: h.corr(),
    by: byApp(h.w.apps.substrate),
    targets: [tGroup(g, withIncluded(props))],
    failure: h.fail(0.015, [
      'Another object with the same value for property proxyAddresses already exists.',
    ]),
  });
}

function substrateMemberWriteback(h: Hour): void {
  // Owners who add members from Outlook: Exchange writes the membership back to Entra.
  const g = h.group('unified');
  const u = h.user();
  h.push({
    t: h.time(),
    service: CD,
    activity: h.rng.chance(0.75) ? 'Add member to group' : 'Remove member from group',
    corr: h.corr(),
    by: byApp(h.w.apps.substrate),
    targets: [tUser(u, groupRefProps(g)), tGroup(g)],
  });
}

function substrateEdit(h: Hour): void {
  substrateGroupUpdate(h, h.time(), h.group('unified'));
}

function updateGroupByAdmin(h: Hour): void {
  const a = h.admin();
  const g = h.group();
  const props = h.rng.chance(0.6)
    ? [mpa('Description', [], [`Members of ${g.displayName}`])]
    : g.groupType === 'unifiedGroups'
      ? [mpa('Visibility', ['Public'], ['Private'])]
      : [mpa('MembershipRule', [], [`(user.department -eq "${g.displayName.split(' ')[0]}")`])];
  h.push({
    t: h.time(),
    service: CD,
    activity: 'Update group',
    corr: h.corr(),
    by: byUser(a),
    targets: [tGroup(g, withIncluded(props))],
    ua: uaOf(a),
    failure: h.fail(),
  });
}

function ownerChange(h: Hour): void {
  const a = h.admin();
  const g = h.group();
  const u = h.user();
  const add = h.rng.chance(0.65);
  h.push({
    t: h.time(),
    service: CD,
    activity: add ? 'Add owner to group' : 'Remove owner from group',
    corr: h.corr(),
    by: byUser(a),
    targets: [tUser(u, add ? groupRefProps(g) : []), tGroup(g)],
    ua: uaOf(a),
  });
}

function teamCreation(h: Hour): void {
  // A user creates a team in Teams: Add group, owner, members; Exchange writes addresses back.
  const u = h.user();
  const corr = h.corr();
  let t = h.time(15 * MINUTE);
  const name = `${h.rng.pick(['Project', 'Launch', 'Ops', 'Deal', 'Design', 'Hiring'])} ${h.rng.pick(['Falcon', 'Aurora', 'Q3 Review', 'Berlin', 'Atlas', 'Nimbus', 'Orion'])}`;
  const g: Group = { id: guid(h.rng), displayName: name, groupType: 'unifiedGroups', members: [] };
  const nick = name.replace(/\s+/g, '');
  h.push({
    t,
    service: CD,
    activity: 'Add group',
    corr,
    by: byUser(u),
    targets: [
      tGroup(
        g,
        withIncluded([
          mpa('DisplayName', [], [name]),
          mpa('MailNickname', [], [nick]),
          mpa('GroupTypes', [], ['Unified']),
          mpa('MailEnabled', [], [true]),
          mpa('SecurityEnabled', [], [false]),
        ]),
      ),
    ],
    ua: uaOf(u),
  });
  t = step(h.rng, t);
  h.push({
    t,
    service: CD,
    activity: 'Add owner to group',
    corr,
    by: byUser(u),
    targets: [tUser(u, groupRefProps(g)), tGroup(g)],
  });
  const n = h.rng.int(1, 4);
  for (let i = 0; i < n; i++) {
    t = step(h.rng, t);
    h.push({
      t,
      service: CD,
      activity: 'Add member to group',
      corr,
      by: byUser(u),
      targets: [tUser(h.user(), groupRefProps(g)), tGroup(g)],
    });
  }
  t = step(h.rng, t, 60_000, 8 * MINUTE);
  h.push({
    t,
    service: CD,
    activity: 'Update group',
    corr: h.corr(),
    by: byApp(h.w.apps.substrate),
    targets: [
      tGroup(
        g,
        withIncluded([
          mpa('ProxyAddresses', [], [`SMTP:${nick}@${h.w.tenant.domain}`, `smtp:${nick}@${h.w.onmicrosoft}`]),
          mpa('Mail', [], [`${nick}@${h.w.tenant.domain}`]),
        ]),
      ),
    ],
  });
}

function deleteGroup(h: Hour): void {
  const a = h.admin();
  const g = h.group();
  h.push({
    t: h.time(),
    service: CD,
    activity: 'Delete group',
    corr: h.corr(),
    by: byUser(a),
    targets: [tGroup(g)],
    ua: uaOf(a),
  });
}

function appRoleToGroup(h: Hour): void {
  const a = h.admin(h.w.appAdmins);
  const g = h.group('security');
  const app = h.rng.pick(h.w.enterprise);
  h.push({
    t: h.time(),
    service: CD,
    activity: 'Add app role assignment to group',
    category: 'GroupManagement',
    corr: h.corr(),
    by: byUser(a),
    targets: [
      spTarget(app, [
        mp('AppRole.Id', null, j('00000000-0000-0000-0000-000000000000')),
        mp('Group.ObjectID', null, j(g.id)),
        mp('Group.DisplayName', null, j(g.displayName)),
      ]),
      tGroup(g),
    ],
    ua: uaOf(a),
  });
}

// -- application management --------------------------------------------------------------------

function updateServicePrincipal(h: Hour, automation: boolean): void {
  const app = h.rng.pick(automation ? h.w.tenantApps : h.w.enterprise);
  const actor = automation ? byApp(terraform(h.w)) : byUser(h.admin(h.w.appAdmins));
  const props = h.rng.pick([
    () => [mpa('AppRoleAssignmentRequired', [false], [true])],
    () => [
      mpa(
        'Tags',
        ['WindowsAzureActiveDirectoryIntegratedApp'],
        ['WindowsAzureActiveDirectoryIntegratedApp', 'HideApp'],
      ),
    ],
    () => [mpa('PreferredSingleSignOnMode', [], ['saml'])],
    () => [mpa('Notes', [], [`Owner: ${h.rng.pick(['IT', 'Sales Ops', 'HR Systems'])}`])],
    () => [
      mpa('AccountEnabled', [true], [true]),
      mpa('LoginUrl', [], [`https://login.${app.displayName.toLowerCase().replace(/\s+/g, '')}.com/`]),
    ],
  ])();
  h.push({
    t: h.time(),
    service: CD,
    activity: 'Update service principal',
    corr: h.corr(),
    by: actor,
    targets: [
      spTarget(app, [...withIncluded(props), mp('TargetId.ServicePrincipalNames', null, j(app.appId))]),
    ],
    failure: automation ? null : h.fail(),
  });
}

function terraform(w: World): AppRef {
  const sp =
    w.tenant.servicePrincipals.find((s) => s.displayName === 'Terraform Deployer') ??
    w.tenant.servicePrincipals[0]!;
  return {
    appId: sp.appId,
    displayName: sp.displayName,
    servicePrincipalId: sp.id,
    servicePrincipalName: sp.displayName,
  };
}

function updateApplication(h: Hour, automation: boolean): void {
  const app = h.rng.pick(h.w.tenantApps);
  const actor = automation ? byApp(terraform(h.w)) : byUser(h.admin(h.w.appAdmins));
  const host = app.displayName.toLowerCase().replace(/\s+/g, '-');
  const props = h.rng.pick([
    () => [
      mp(
        'AppAddress',
        j([
          {
            AddressType: 0,
            Address: `https://${host}.contoso.com/signin-oidc`,
            ReplyAddressClientType: 1,
            ReplyAddressIndex: null,
            IsReplyAddressDefault: false,
          },
        ]),
        j([
          {
            AddressType: 0,
            Address: `https://${host}.contoso.com/signin-oidc`,
            ReplyAddressClientType: 1,
            ReplyAddressIndex: null,
            IsReplyAddressDefault: false,
          },
          {
            AddressType: 0,
            Address: `https://${host}-staging.contoso.com/signin-oidc`,
            ReplyAddressClientType: 1,
            ReplyAddressIndex: null,
            IsReplyAddressDefault: false,
          },
        ]),
      ),
    ],
    () => [
      mp(
        'RequiredResourceAccess',
        j([
          {
            ResourceAppId: '00000003-0000-0000-c000-000000000000',
            RequiredAppPermissions: [
              {
                EntitlementId: 'e1fe6dd8-ba31-4d61-89e7-88639da4683d',
                DirectAccessGrant: false,
                ImpersonationAccessGrant: true,
              },
            ],
          },
        ]),
        j([
          {
            ResourceAppId: '00000003-0000-0000-c000-000000000000',
            RequiredAppPermissions: [
              {
                EntitlementId: 'e1fe6dd8-ba31-4d61-89e7-88639da4683d',
                DirectAccessGrant: false,
                ImpersonationAccessGrant: true,
              },
              {
                EntitlementId: 'df021288-bdef-4463-88db-98f22de89214',
                DirectAccessGrant: true,
                ImpersonationAccessGrant: false,
              },
            ],
          },
        ]),
      ),
    ],
    () => [mpa('DisplayName', [app.displayName], [app.displayName])],
  ])();
  h.push({
    t: h.time(),
    service: CD,
    activity: 'Update application',
    corr: h.corr(),
    by: actor,
    targets: [appTarget(app, withIncluded(props))],
    failure: automation ? null : h.fail(),
  });
}

function secretsManagement(h: Hour, automation: boolean): void {
  const app = h.rng.pick(h.w.tenantApps);
  const actor = automation ? byApp(terraform(h.w)) : byUser(h.admin(h.w.appAdmins));
  const keyId = guid(h.rng);
  const name = h.rng.pick(['prod-secret', 'ci-deploy', 'rotation', 'integration']);
  const corr = h.corr();
  const t = h.time(MINUTE);
  h.push({
    t,
    service: CD,
    activity: 'Update application - Certificates and secrets management',
    corr,
    by: actor,
    targets: [
      appTarget(
        app,
        withIncluded([
          mp(
            'KeyDescription',
            '[]',
            j([
              `[KeyIdentifier=${keyId},KeyType=Password,KeyUsage=Verify,DisplayName=${name}-${new Date(t).getUTCFullYear()}]`,
            ]),
          ),
        ]),
      ),
    ],
  });
}

function consentChain(h: Hour, admin: boolean): void {
  // A user (or admin, for the organisation) consents to a third-party app: the service principal
  // appears if new, a delegated permission grant is added, then the consent itself.
  const actor = admin ? h.admin(h.w.appAdmins) : h.user();
  const app = h.rng.pick(h.w.consentApps);
  const corr = h.corr();
  let t = h.time(2 * MINUTE);
  const ua = uaOf(actor);
  const scope = admin
    ? 'User.Read Calendars.ReadWrite Files.Read.All offline_access'
    : 'User.Read openid profile email offline_access';
  if (h.rng.chance(0.3)) {
    h.push({
      t,
      service: CD,
      activity: 'Add service principal',
      corr,
      by: byUser(actor),
      targets: [
        spTarget(
          app,
          withIncluded([
            mpa('AccountEnabled', [], [true]),
            mpa('AppPrincipalId', [], [app.appId]),
            mpa('DisplayName', [], [app.displayName]),
            mpa('ServicePrincipalName', [], [app.appId]),
          ]),
        ),
      ],
      ua,
    });
    t = step(h.rng, t);
  }
  h.push({
    t,
    service: CD,
    activity: 'Add delegated permission grant',
    corr,
    by: byUser(actor),
    targets: [
      spTarget(h.w.graph, [
        mp('DelegatedPermissionGrant.Scope', null, j(` ${scope}`)),
        mp('DelegatedPermissionGrant.ConsentType', null, j(admin ? 'AllPrincipals' : 'Principal')),
        mp('ServicePrincipal.ObjectID', null, j(app.spId)),
      ]),
      spTarget(app),
    ],
    ua,
  });
  t = step(h.rng, t);
  const failure = h.fail(0.05, [
    'Microsoft.Online.Security.UserConsentBlockedForRiskyAppsException',
    'Consent is blocked: the app requires admin approval',
  ]);
  h.push({
    t,
    service: CD,
    activity: 'Consent to application',
    corr,
    by: byUser(actor),
    targets: [
      spTarget(app, [
        mp('ConsentContext.IsAdminConsent', null, j(admin ? 'True' : 'False')),
        mp('ConsentContext.IsAppOnly', null, j('False')),
        mp('ConsentContext.OnBehalfOfAll', null, j(admin ? 'True' : 'False')),
        mp('ConsentContext.Tags', null, j('WindowsAzureActiveDirectoryIntegratedApp')),
        mp(
          'ConsentAction.Permissions',
          null,
          j(
            `[] => [[Id: ${h.rng.hex(40)}, ClientId: ${app.spId}, PrincipalId: ${admin ? '' : actor.id}, ResourceId: ${h.w.graph.spId}, ConsentType: ${admin ? 'AllPrincipals' : 'Principal'}, Scope:  ${scope}, CreatedDateTime: , LastModifiedDateTime ]]; `,
          ),
        ),
        mp('TargetId.ServicePrincipalNames', null, j(app.appId)),
      ]),
    ],
    failure,
    ua,
  });
}

function appRoleToSp(h: Hour): void {
  const a = h.admin(h.w.appAdmins);
  const app = h.rng.pick(h.w.tenantApps);
  const role = h.rng.pick([
    ['User.Read.All', 'df021288-bdef-4463-88db-98f22de89214'],
    ['Group.Read.All', '5b567255-7703-4780-807c-7be8301ae99b'],
    ['AuditLog.Read.All', 'b0afded3-3588-46d8-8b3d-9842eff778da'],
    ['Mail.Send', 'b633e1c5-b582-4048-a93e-9f11b44c7e96'],
  ] as const);
  const corr = h.corr();
  const t = h.time(MINUTE);
  h.push({
    t,
    service: CD,
    activity: 'Add app role assignment to service principal',
    corr,
    by: byUser(a),
    targets: [
      spTarget(h.w.graph, [
        mp('AppRole.Id', null, j(role[1])),
        mp('AppRole.Value', null, j(role[0])),
        mp('AppRole.DisplayName', null, j(`Read all ${role[0].split('.')[0]!.toLowerCase()}s`)),
        mp('ServicePrincipal.ObjectID', null, j(app.spId)),
        mp('ServicePrincipal.DisplayName', null, j(app.displayName)),
      ]),
      spTarget(app),
    ],
    ua: uaOf(a),
  });
  if (h.rng.chance(0.6))
    h.push({
      t: step(h.rng, t),
      service: CD,
      activity: 'Consent to application',
      corr,
      by: byUser(a),
      targets: [
        spTarget(app, [
          mp('ConsentContext.IsAdminConsent', null, j('True')),
          mp('ConsentContext.IsAppOnly', null, j('True')),
          mp('ConsentContext.OnBehalfOfAll', null, j('True')),
        ]),
      ],
    });
}

function spCredentials(h: Hour): void {
  const auto = h.rng.chance(0.5);
  const app = h.rng.pick(h.w.tenantApps);
  const add = h.rng.chance(0.5);
  const keyId = guid(h.rng);
  h.push({
    t: h.time(),
    service: CD,
    activity: add ? 'Add service principal credentials' : 'Remove service principal credentials',
    corr: h.corr(),
    by: auto ? byApp(terraform(h.w)) : byUser(h.admin(h.w.appAdmins)),
    targets: [
      spTarget(
        app,
        withIncluded([
          mp(
            'KeyDescription',
            add
              ? '[]'
              : j([
                  `[KeyIdentifier=${keyId},KeyType=AsymmetricX509Cert,KeyUsage=Verify,DisplayName=CN=${app.displayName}]`,
                ]),
            add
              ? j([
                  `[KeyIdentifier=${keyId},KeyType=AsymmetricX509Cert,KeyUsage=Verify,DisplayName=CN=${app.displayName}]`,
                ])
              : '[]',
          ),
        ]),
      ),
    ],
  });
}

function newAppRegistration(h: Hour): void {
  const a = h.admin(h.w.appAdmins);
  const corr = h.corr();
  let t = h.time(2 * MINUTE);
  const name = `${h.rng.pick(['Contoso', 'HR', 'Finance', 'Ops', 'Sales'])} ${h.rng.pick(['Portal', 'Reporting', 'Automation', 'Bot', 'Dashboard', 'API'])}`;
  const app: EnterpriseApp = {
    appId: guid(h.rng),
    displayName: name,
    spId: guid(h.rng),
    objectId: guid(h.rng),
  };
  const ua = uaOf(a);
  h.push({
    t,
    service: CD,
    activity: 'Add application',
    corr,
    by: byUser(a),
    targets: [
      appTarget(
        app,
        withIncluded([
          mpa('AppId', [], [app.appId]),
          mpa('DisplayName', [], [name]),
          mpa('AvailableToOtherTenants', [], [false]),
        ]),
      ),
    ],
    ua,
  });
  t = step(h.rng, t);
  h.push({
    t,
    service: CD,
    activity: 'Add owner to application',
    corr,
    by: byUser(a),
    targets: [
      tUser(a, [
        mp('Application.ObjectID', null, j(app.objectId)),
        mp('Application.DisplayName', null, j(name)),
        mp('Application.AppId', null, j(app.appId)),
      ]),
      appTarget(app),
    ],
    ua,
  });
  t = step(h.rng, t);
  h.push({
    t,
    service: CD,
    activity: 'Add service principal',
    corr,
    by: byUser(a),
    targets: [
      spTarget(
        app,
        withIncluded([
          mpa('AccountEnabled', [], [true]),
          mpa('AppPrincipalId', [], [app.appId]),
          mpa('DisplayName', [], [name]),
        ]),
      ),
    ],
    ua,
  });
}

function deleteApplication(h: Hour): void {
  const a = h.admin(h.w.appAdmins);
  const app = h.rng.pick(h.w.consentApps);
  h.push({
    t: h.time(),
    service: CD,
    activity: h.rng.chance(0.5) ? 'Remove service principal' : 'Remove delegated permission grant',
    corr: h.corr(),
    by: byUser(a),
    targets: [spTarget(app)],
    ua: uaOf(a),
  });
}

// -- self-service, authentication methods ------------------------------------------------------

const SECURITY_INFO = [
  'User registered Authenticator App with Notification and Code',
  'User registered Mobile Phone SMS',
  'User registered Fido2 Authentication Method',
  'User registered Software Oath Token',
  'User registered Email',
  'User registered Windows Hello for Business',
];

function securityInfoRegistration(h: Hour): void {
  const u = h.user();
  const corr = h.corr();
  let t = h.time(5 * MINUTE);
  const ua = uaOf(u);
  h.push({
    t,
    service: 'Authentication Methods',
    activity: 'User started security info registration',
    corr,
    by: byUser(u),
    targets: [tUser(u)],
    resultReason: 'User started the registration for Authenticator App',
    ua,
  });
  t = step(h.rng, t, 15_000, 120_000);
  if (h.rng.chance(0.08)) {
    h.push({
      t,
      service: 'Authentication Methods',
      activity: 'User canceled security info registration',
      corr,
      by: byUser(u),
      targets: [tUser(u)],
      resultReason: 'User canceled the registration',
      ua,
    });
    return;
  }
  const what = h.rng.weighted(SECURITY_INFO, [10, 4, 1, 1, 1, 1]);
  h.push({
    t,
    service: 'Authentication Methods',
    activity: 'User registered security info',
    corr,
    by: byUser(u),
    targets: [tUser(u)],
    resultReason: what,
    ua,
  });
  t = step(h.rng, t);
  h.push({
    t,
    service: CD,
    activity: 'Update user',
    corr,
    by: byApp(h.w.apps.credConfig),
    targets: [
      tUser(
        u,
        withIncluded(
          [
            mp(
              'StrongAuthenticationMethod',
              j([{ MethodType: 6, Default: true }]),
              j([
                { MethodType: 6, Default: false },
                { MethodType: 7, Default: true },
              ]),
            ),
            mp(
              'StrongAuthenticationPhoneAppDetail',
              '[]',
              j([
                {
                  DeviceName: u.devices[0]?.displayName || 'iPhone',
                  DeviceToken: h.rng.hex(32),
                  DeviceTag: 'SoftwareTokenActivated',
                  PhoneAppVersion: '6.8.9',
                  OathTokenTimeDrift: 0,
                  AuthenticationType: 3,
                  NotificationType: 4,
                },
              ]),
            ),
          ],
          'Member',
        ),
      ),
    ],
    details: [['UserType', 'Member']],
  });
  if (h.rng.chance(0.4)) {
    t = step(h.rng, t);
    h.push({
      t,
      service: 'Authentication Methods',
      activity: 'User registered all required security info',
      corr,
      by: byUser(u),
      targets: [tUser(u)],
      resultReason: 'User registered all required security info',
      ua,
    });
  }
  if (h.rng.chance(0.25)) {
    t = step(h.rng, t, 5000, 30_000);
    h.push({
      t,
      service: 'Authentication Methods',
      activity: 'User changed default security info',
      corr,
      by: byUser(u),
      targets: [tUser(u)],
      resultReason: 'User changed default security info to Authenticator App',
      ua,
    });
  }
}

function securityInfoMisc(h: Hour): void {
  const u = h.user();
  const activity = h.rng.weighted(
    ['User deleted security info', 'User reviewed security info', 'User updated security info'],
    [3, 3, 2],
  );
  h.push({
    t: h.time(),
    service: 'Authentication Methods',
    activity,
    corr: h.corr(),
    by: byUser(u),
    targets: [tUser(u)],
    resultReason:
      activity === 'User reviewed security info'
        ? 'User reviewed security info'
        : h.rng.pick(SECURITY_INFO).replace('registered', activity.split(' ')[1]!),
    ua: uaOf(u),
  });
}

function adminSecurityInfo(h: Hour): void {
  const a = h.admin(h.w.helpdesk);
  const u = h.user();
  const activity = h.rng.weighted(
    ['Admin registered security info', 'Admin updated security info', 'Admin deleted security info'],
    [2, 2, 1],
  );
  const method = h.rng.pick(['Mobile Phone SMS', 'Temporary Access Pass', 'Email', 'Hardware OATH token']);
  h.push({
    t: h.time(),
    service: 'Authentication Methods',
    activity,
    corr: h.corr(),
    by: byUser(a),
    targets: [tUser(u)],
    resultReason: `${activity.replace(' security info', '')} ${method}`,
    ua: uaOf(a),
    failure: h.fail(),
  });
}

const SSPR_PROGRESS = [
  'User started the SSPR flow',
  'User submitted their user ID',
  'User completed the CAPTCHA',
  'User verified with Authenticator app notification',
  'User verified with a code sent to their phone',
  'User entered a new password',
];

function selfServiceReset(h: Hour): void {
  const u = h.user();
  const corr = h.corr();
  let t = h.time(6 * MINUTE);
  const ua = uaOf(u);
  const svc = 'Self-service password management';
  const n = h.rng.int(3, SSPR_PROGRESS.length);
  for (let i = 0; i < n; i++) {
    h.push({
      t,
      service: svc,
      activity: 'Self-service password reset flow activity progress',
      corr,
      by: byUser(u),
      targets: [tUser(u)],
      resultReason: SSPR_PROGRESS[i],
      ua,
    });
    t = step(h.rng, t, 4000, 40_000);
  }
  if (h.rng.chance(0.05)) {
    h.push({
      t,
      service: svc,
      activity: 'Blocked from self-service password reset',
      corr,
      by: byUser(u),
      targets: [tUser(u)],
      failure: 'User was blocked after too many verification attempts',
      ua,
    });
    return;
  }
  h.push({
    t,
    service: svc,
    activity: 'Reset password (self-service)',
    corr,
    by: byUser(u),
    targets: [tUser(u)],
    resultReason: 'Successfully completed reset.',
    ua,
  });
  if (h.rng.chance(0.1)) {
    t = step(h.rng, t);
    h.push({
      t,
      service: svc,
      activity: 'Unlock user account (self-service)',
      corr,
      by: byUser(u),
      targets: [tUser(u)],
      resultReason: 'User successfully unlocked their account',
      ua,
    });
  }
}

function ssprRegistration(h: Hour): void {
  const u = h.user();
  h.push({
    t: h.time(),
    service: 'Self-service password management',
    activity: 'Security info saved for self-service password reset',
    corr: h.corr(),
    by: byUser(u),
    targets: [tUser(u)],
    resultReason: 'User registered for self-service password reset',
    ua: uaOf(u),
  });
}

// -- devices -----------------------------------------------------------------------------------

function deviceRegistration(h: Hour): void {
  const u = h.user();
  const corr = h.corr();
  let t = h.time(8 * MINUTE);
  const os = h.rng.weighted(['Windows', 'iOS', 'Android', 'MacMDM'], [6, 2, 1.5, 1]);
  const dev = {
    id: guid(h.rng),
    displayName:
      os === 'Windows'
        ? `LAPTOP-${h.rng.hex(6).toUpperCase()}`
        : os === 'MacMDM'
          ? `MAC-${h.rng.hex(6).toUpperCase()}`
          : `${u.givenName}'s ${os === 'iOS' ? 'iPhone' : 'Pixel'}`,
  };
  const trust = os === 'Windows' ? 'AzureAd' : 'Workplace';
  const drs = byApp(h.w.apps.drs);
  const details: [string, string][] = [
    ['Device Id', dev.id],
    ['Device OS', os],
    ['Device Trust Type', trust],
  ];
  h.push({
    t,
    service: 'Device Registration Service',
    activity: 'Register device',
    corr,
    by: drs,
    targets: [tOther('Device', dev.id, dev.displayName), tUser(u)],
    details,
  });
  t = step(h.rng, t);
  h.push({
    t,
    service: CD,
    activity: 'Add device',
    corr,
    by: drs,
    targets: [
      tOther(
        'Device',
        dev.id,
        dev.displayName,
        withIncluded([
          mpa('AccountEnabled', [], [true]),
          mpa('DeviceOSType', [], [os]),
          mpa('DisplayName', [], [dev.displayName]),
          mpa('DeviceTrustType', [], [trust === 'AzureAd' ? 'AzureAd' : 'Workplace']),
        ]),
      ),
    ],
  });
  t = step(h.rng, t);
  h.push({
    t,
    service: CD,
    activity: 'Add registered owner to device',
    corr,
    by: drs,
    targets: [tOther('Device', dev.id, dev.displayName), tUser(u)],
  });
  t = step(h.rng, t);
  h.push({
    t,
    service: CD,
    activity: 'Add registered users to device',
    corr,
    by: drs,
    targets: [tOther('Device', dev.id, dev.displayName), tUser(u)],
  });
  if (os === 'Windows') {
    t = step(h.rng, t, 30_000, 120_000);
    h.push({
      t,
      service: 'Device Registration Service',
      activity: 'Add BitLocker key',
      corr: h.corr(),
      by: byUser(u),
      targets: [tOther('Device', dev.id, dev.displayName)],
      details: [
        ['Key Id', guid(h.rng)],
        ['Key Type', 'Operating system volume'],
      ],
    });
    if (h.rng.chance(0.7)) {
      t = step(h.rng, t, 30_000, 300_000);
      h.push({
        t,
        service: 'Device Registration Service',
        activity: 'Add Windows Hello for Business credential',
        corr: h.corr(),
        by: drs,
        targets: [tUser(u)],
        details: [
          ['Device Id', dev.id],
          ['Key Id', h.rng.hex(44)],
        ],
      });
    }
  }
}

function intuneCompliance(h: Hour): void {
  const d = h.w.devices.length ? h.rng.pick(h.w.devices) : undefined;
  if (!d) return;
  const t = h.time();
  const bad = h.rng.chance(0.12);
  const props = bad
    ? [mpa('IsCompliant', [true], [false])]
    : h.rng.pick([
        () => [mpa('IsCompliant', [false], [true])],
        () => [mpa('DeviceOSVersion', ['10.0.22631.3296'], ['10.0.22631.3447'])],
        () => [
          mpa('IsManaged', [true], [true]),
          mpa('ComplianceExpiryTime', [iso(t - 2 * DAY)], [iso(t + 5 * DAY)]),
        ],
      ])();
  const corr = h.corr();
  h.push({
    t,
    service: CD,
    activity: 'Update device',
    corr,
    by: byApp(h.w.apps.intune),
    targets: [tOther('Device', d.id, d.displayName, withIncluded(props))],
    failure: h.fail(0.01, ['Microsoft.Online.DirectoryServices.ObjectNotFoundException']),
  });
  if (bad)
    h.push({
      t: step(h.rng, t),
      service: CD,
      activity: 'Device no longer compliant',
      corr,
      by: byApp(h.w.apps.intune),
      targets: [tOther('Device', d.id, d.displayName)],
    });
}

function deviceCleanup(h: Hour): void {
  const d = h.w.devices.length ? h.rng.pick(h.w.devices) : undefined;
  if (!d) return;
  const a = h.admin(h.w.helpdesk);
  const corr = h.corr();
  const t = h.time(MINUTE);
  if (h.rng.chance(0.5)) {
    h.push({
      t,
      service: 'Device Registration Service',
      activity: 'Unregister device',
      corr,
      by: byApp(h.w.apps.drs),
      targets: [tOther('Device', d.id, d.displayName)],
    });
    h.push({
      t: step(h.rng, t),
      service: CD,
      activity: 'Delete device',
      corr,
      by: byApp(h.w.apps.drs),
      targets: [tOther('Device', d.id, d.displayName)],
    });
  } else {
    h.push({
      t,
      service: CD,
      activity: 'Delete device',
      corr,
      by: byUser(a),
      targets: [tOther('Device', d.id, d.displayName)],
      ua: uaOf(a),
    });
  }
}

function bitlockerRead(h: Hour): void {
  const d = h.w.devices.length ? h.rng.pick(h.w.devices) : undefined;
  if (!d) return;
  const a = h.admin(h.w.helpdesk);
  const laps = h.rng.chance(0.35);
  h.push({
    t: h.time(),
    service: 'Device Registration Service',
    activity: laps ? 'Recover device local administrator password' : 'Read BitLocker key',
    corr: h.corr(),
    by: byUser(a),
    targets: [tOther('Device', d.id, d.displayName)],
    details: laps
      ? [['Device Id', d.id]]
      : [
          ['Key Id', guid(h.rng)],
          ['Device Id', d.id],
        ],
    ua: uaOf(a),
  });
}

// -- privileged access, policies ---------------------------------------------------------------

const JUSTIFICATIONS = [
  'Monthly access review',
  'Investigating incident INC0042',
  'Onboarding new hires',
  'Change CHG1187: app registration',
  'Helpdesk escalation',
  'Updating Conditional Access policy',
];

function pimActivation(h: Hour): void {
  const a = h.admin();
  const role = a.roles[0] ?? 'User Administrator';
  const corr = h.corr();
  let t = h.time(3 * MINUTE);
  const ua = uaOf(a);
  const hours = h.rng.pick([1, 2, 4, 8]);
  const details: [string, string][] = [
    ['Justification', h.rng.pick(JUSTIFICATIONS)],
    ['StartTime', iso(t)],
    ['ExpirationTime', iso(t + hours * HOUR)],
    ['RoleDefinitionOriginId', ROLE_TEMPLATES[role] ?? ''],
  ];
  const pim = 'Privileged Identity Management (PIM)';
  const targets = () => [roleTarget(h.w, role), tUser(a), tOther('Other', guid(h.rng), 'Request')];
  h.push({
    t,
    service: pim,
    activity: 'Add member to role requested (PIM activation)',
    corr,
    by: byUser(a),
    targets: targets(),
    details,
    ua,
  });
  t = step(h.rng, t, 2000, 15_000);
  if (h.rng.chance(0.03)) {
    h.push({
      t,
      service: pim,
      activity: 'Add member to role request denied (PIM activation)',
      corr,
      by: byApp(h.w.apps.pim),
      targets: targets(),
      details,
      failure: 'MFA or justification requirements not met',
    });
    return;
  }
  h.push({
    t,
    service: CD,
    activity: 'Add member to role',
    corr,
    by: byApp(h.w.apps.pim),
    targets: [tUser(a, roleRefProps(h.w, role)), roleTarget(h.w, role)],
  });
  t = step(h.rng, t);
  h.push({
    t,
    service: pim,
    activity: 'Add member to role completed (PIM activation)',
    corr,
    by: byUser(a),
    targets: targets(),
    details,
    ua,
  });
}

function pimExpiry(h: Hour): void {
  // Activations expire hours later; MS-PIM removes the membership.
  const a = h.admin();
  const role = a.roles[0] ?? 'User Administrator';
  const corr = h.corr();
  const t = h.time(MINUTE);
  h.push({
    t,
    service: 'Privileged Identity Management (PIM)',
    activity: 'Remove member from role (PIM activation expired)',
    corr,
    by: byApp(h.w.apps.pim),
    targets: [roleTarget(h.w, role), tUser(a)],
  });
  h.push({
    t: step(h.rng, t),
    service: CD,
    activity: 'Remove member from role',
    corr,
    by: byApp(h.w.apps.pim),
    targets: [
      tUser(
        a,
        roleRefProps(h.w, role).map((p) => mp(p.displayName, p.newValue, null)),
      ),
      roleTarget(h.w, role),
    ],
  });
}

function pimEligibility(h: Hour): void {
  const a = h.admin(
    h.w.admins.filter(
      (x) => x.roles.includes('Global Administrator') || x.roles.includes('Privileged Role Administrator'),
    ),
  );
  const u = h.rng.pick(h.w.admins);
  const role = h.rng.pick([
    'Security Reader',
    'Global Reader',
    'Helpdesk Administrator',
    'Exchange Administrator',
    'SharePoint Administrator',
  ]);
  const corr = h.corr();
  const t = h.time(MINUTE);
  h.push({
    t,
    service: 'Privileged Identity Management (PIM)',
    activity: 'Add eligible member to role in PIM completed (timebound)',
    corr,
    by: byUser(a),
    targets: [roleTarget(h.w, role), tUser(u)],
    details: [
      ['Justification', 'Quarterly role review'],
      ['ExpirationTime', iso(t + 180 * DAY)],
    ],
    ua: uaOf(a),
  });
  h.push({
    t: step(h.rng, t),
    service: CD,
    activity: 'Add eligible member to role',
    corr,
    by: byApp(h.w.apps.pim),
    targets: [tUser(u, roleRefProps(h.w, role)), roleTarget(h.w, role)],
  });
}

function policyJson(p: Tenant['policies'][number], state: string, w: World, t: number): string {
  return j({
    id: p.id,
    displayName: p.displayName,
    createdDateTime: iso(t - 200 * DAY),
    modifiedDateTime: iso(t),
    state,
    conditions: {
      applications: { includeApplications: ['All'] },
      users: {
        includeUsers: p.appliesTo === 'admins' ? [] : ['All'],
        includeRoles: p.appliesTo === 'admins' ? Object.values(ROLE_TEMPLATES).slice(0, 6) : [],
        excludeGroups: w.mfaExclusions ? [w.mfaExclusions.id] : [],
      },
      clientAppTypes: p.appliesTo === 'legacy' ? ['exchangeActiveSync', 'other'] : ['all'],
    },
    grantControls: {
      operator: 'OR',
      builtInControls: p.grantControls.map((c) => c.charAt(0).toLowerCase() + c.slice(1)),
    },
  });
}

function caPolicyUpdate(h: Hour): void {
  const a = h.admin(h.w.secAdmins);
  const p = h.rng.pick(h.w.tenant.policies);
  const t = h.time();
  const from = p.state;
  const to = h.rng.chance(0.5) ? from : from === 'enabled' ? 'enabledForReportingButNotEnforced' : 'enabled';
  h.push({
    t,
    service: 'Conditional Access',
    activity: 'Update Conditional Access policy',
    corr: h.corr(),
    by: byUser(a),
    targets: [
      tOther('Policy', p.id, p.displayName, [
        mp('ConditionalAccessPolicy', policyJson(p, from, h.w, t - 3 * DAY), policyJson(p, to, h.w, t)),
      ]),
    ],
    ua: uaOf(a),
    failure: h.fail(0.02),
  });
}

function namedLocation(h: Hour): void {
  const a = h.admin(h.w.secAdmins);
  const nl = h.rng.pick(h.w.tenant.namedLocations);
  h.push({
    t: h.time(),
    service: 'Conditional Access',
    activity: 'Update named location',
    corr: h.corr(),
    by: byUser(a),
    targets: [
      tOther('Policy', nl.id, nl.displayName, [
        mp(
          'NamedLocation',
          j({ countriesAndRegions: nl.countries }),
          j({ countriesAndRegions: [...nl.countries, 'BY'] }),
        ),
      ]),
    ],
    ua: uaOf(a),
  });
}

function identityProtection(h: Hour): void {
  const a = h.admin(h.w.secAdmins);
  const u = h.user();
  const activity = h.rng.weighted(
    ['DismissUser', 'ConfirmSafe', 'ConfirmAccountCompromised', 'DismissRisk'],
    [5, 3, 1, 2],
  );
  h.push({
    t: h.time(),
    service: 'Microsoft Entra ID Protection (Identity Protection)',
    activity,
    corr: h.corr(),
    by: byUser(a),
    targets: [tUser(u)],
    ua: uaOf(a),
  });
}

// -- B2B, entitlement management, access reviews -------------------------------------------------

function b2bInvite(h: Hour): void {
  const inviter = h.rng.chance(0.7) ? h.user() : h.admin();
  const corr = h.corr();
  let t = h.time(3 * MINUTE);
  const first = h.rng.pick(['jamie', 'sam', 'alex', 'robin', 'kai', 'morgan', 'chris', 'lee']);
  const dom = h.rng.pick([
    'fabrikam.com',
    'northwindtraders.com',
    'adatum.com',
    'woodgrovebank.com',
    'tailspintoys.com',
    'gmail.com',
  ]);
  const email = `${first}.${h.rng.pick(['berg', 'chen', 'patel', 'nowak', 'okafor', 'silva'])}@${dom}`;
  const guest: UserLike = {
    id: guid(h.rng),
    displayName: email.split('@')[0]!,
    userPrincipalName: `${email.replace('@', '_')}#EXT#@${h.w.onmicrosoft}`,
  };
  const ua = 'office' in inviter ? uaOf(inviter) : null;
  h.push({
    t,
    service: 'Invited users',
    activity: 'Invite external user',
    corr,
    by: byUser(inviter),
    targets: [tUser(guest)],
    details: [['invitedUserEmailAddress', email]],
    ua,
    failure: h.fail(0.03, ['Invitations to this domain are blocked by the cross-tenant access policy.']),
  });
  t = step(h.rng, t);
  h.push({
    t,
    service: CD,
    activity: 'Add user',
    corr,
    by: byUser(inviter),
    targets: [
      tUser(
        guest,
        withIncluded(
          [
            mpa('AccountEnabled', [], [true]),
            mpa('DisplayName', [], [guest.displayName]),
            mpa('Mail', [], [email]),
            mpa('UserPrincipalName', [], [guest.userPrincipalName]),
            mpa('UserType', [], ['Guest']),
            mpa('UserState', [], ['PendingAcceptance']),
          ],
          'Guest',
        ),
      ),
    ],
    details: [['UserType', 'Guest']],
  });
  t = step(h.rng, t);
  h.push({
    t,
    service: 'Invited users',
    activity: 'Invitation Email',
    corr,
    by: byApp(h.w.apps.invitations),
    targets: [tUser(guest)],
    details: [['invitedUserEmailAddress', email]],
  });
}

function b2bRedeem(h: Hour): void {
  if (!h.w.guests.length) return;
  const g = h.rng.pick(h.w.guests);
  const corr = h.corr();
  let t = h.time(6 * MINUTE);
  const ip = externalIp(h.rng);
  h.push({
    t,
    service: 'Invited users',
    activity: 'Redeem external user invite',
    corr,
    by: byUser(g, ip),
    targets: [tUser(g)],
    resultReason: 'Redemption successful',
    details: [['UserType', 'Guest']],
  });
  t = step(h.rng, t);
  h.push({
    t,
    service: CD,
    activity: 'Update user',
    corr,
    by: byApp(h.w.apps.syncFabric),
    targets: [
      tUser(
        g,
        withIncluded(
          [mpa('UserState', ['PendingAcceptance'], ['Accepted']), mpa('UserStateChangedOn', [], [iso(t)])],
          'Guest',
        ),
      ),
    ],
    details: [['UserType', 'Guest']],
  });
  // Exchange creates the guest's mail user and writes its addresses back (seed 002).
  t = step(h.rng, t, 60_000, 5 * MINUTE);
  const local = g.mail.replace('@', '_');
  h.push({
    t,
    service: CD,
    activity: 'Update user',
    corr: h.corr(),
    by: byApp(h.w.apps.substrate),
    targets: [
      tUser(g, withIncluded([mpa('ProxyAddresses', [], [`SMTP:${local}@${h.w.onmicrosoft}`])], 'Guest')),
    ],
    details: [['UserType', 'Guest']],
  });
}

function termsOfUse(h: Hour): void {
  if (!h.w.guests.length) return;
  const g = h.rng.pick(h.w.guests);
  const policy = h.w.tenant.policies.find((p) => p.appliesTo === 'guests');
  h.push({
    t: h.time(),
    service: 'Terms of use',
    activity: 'Accept Terms Of Use',
    corr: h.corr(),
    by: byUser(g, externalIp(h.rng)),
    targets: [tOther('Policy', policy?.id ?? stableGuid('tou'), 'Guest access terms of use'), tUser(g)],
  });
}

function accessPackageRequest(h: Hour): void {
  const u = h.user();
  const corr = h.corr();
  let t = h.time(10 * MINUTE);
  const em = 'Entitlement Management';
  const pkg = h.rng.pick([
    'Sales tools',
    'Finance reporting',
    'Engineering GitHub access',
    'Partner collaboration',
    'Marketing assets',
  ]);
  const pkgId = stableGuid(`${h.w.tenant.id}:ap:${pkg}`);
  const reqId = guid(h.rng);
  const targets = () => [
    tOther('AccessPackage', pkgId, pkg),
    tOther('AccessPackageAssignmentRequest', reqId, null),
    tUser(u),
  ];
  h.push({
    t,
    service: em,
    activity: 'User requests access package assignment',
    corr,
    by: byUser(u),
    targets: targets(),
    details: [['Justification', 'Need access for current project']],
    ua: uaOf(u),
  });
  t = step(h.rng, t, 30_000, 6 * MINUTE);
  const approver = h.rng.chance(0.6) ? h.user() : h.admin();
  const approved = h.rng.chance(0.9);
  h.push({
    t,
    service: em,
    activity: approved
      ? 'Approve access package assignment request'
      : 'Deny access package assignment request',
    corr,
    by: byUser(approver),
    targets: targets(),
    ua: uaOf(approver),
  });
  if (!approved) return;
  t = step(h.rng, t, 2000, 20_000);
  h.push({
    t,
    service: em,
    activity: 'Ready to fulfill access package assignment request',
    corr,
    by: byApp(h.w.apps.governance),
    targets: targets(),
  });
  t = step(h.rng, t, 5000, 60_000);
  h.push({
    t,
    service: em,
    activity: 'Fulfill access package assignment request',
    corr,
    by: byApp(h.w.apps.governance),
    targets: targets(),
  });
}

function accessReviewDecision(h: Hour): void {
  const reviewer = h.rng.chance(0.7) ? h.user() : h.admin();
  const u = h.user();
  const activity = h.rng.weighted(
    ['Approve decision', 'Deny decision', "Don't know decision", 'Bulk Approve decisions'],
    [10, 2, 0.5, 1],
  );
  const review = h.rng.pick([
    'Quarterly review: VPN Users',
    'Guest access review',
    'Privileged Access Workstations review',
    'Salesforce users review',
  ]);
  h.push({
    t: h.time(),
    service: 'Access reviews',
    activity,
    corr: h.corr(),
    by: byUser(reviewer),
    targets: [tOther('AccessReview', stableGuid(`${h.w.tenant.id}:ar:${review}`), review), tUser(u)],
    ua: uaOf(reviewer),
  });
}

function selfServiceGroups(h: Hour): void {
  const u = h.user();
  const g = h.group('unified');
  const corr = h.corr();
  let t = h.time(15 * MINUTE);
  const ssgm = 'Self-service group management';
  h.push({
    t,
    service: ssgm,
    activity: 'Request to join a group',
    corr,
    by: byUser(u),
    targets: [tGroup(g), tUser(u)],
    ua: uaOf(u),
  });
  t = step(h.rng, t, 60_000, 12 * MINUTE);
  const owner = h.user();
  if (h.rng.chance(0.85)) {
    h.push({
      t,
      service: ssgm,
      activity: 'Approve a pending request to join a group',
      corr,
      by: byUser(owner),
      targets: [tGroup(g), tUser(u)],
      ua: uaOf(owner),
    });
    t = step(h.rng, t);
    h.push({
      t,
      service: CD,
      activity: 'Add member to group',
      corr,
      by: byUser(owner),
      targets: [tUser(u, groupRefProps(g)), tGroup(g)],
    });
  } else {
    h.push({
      t,
      service: ssgm,
      activity: 'Reject a pending request to join a group',
      corr,
      by: byUser(owner),
      targets: [tGroup(g), tUser(u)],
      ua: uaOf(owner),
    });
  }
}

function ssgmMisc(h: Hour): void {
  const u = h.user();
  const g = h.group('unified');
  const activity = h.rng.weighted(
    ['Renew group', 'Group_AddMember', 'Group_Update', 'Group_RemoveMember', 'Group_AddOwner'],
    [3, 4, 2, 2, 1],
  );
  h.push({
    t: h.time(),
    service: 'Self-service group management',
    activity,
    corr: h.corr(),
    by: byUser(u),
    targets: [tGroup(g)],
    ua: uaOf(u),
  });
}

function adminBulk(h: Hour): void {
  const a = h.admin();
  const corr = h.corr();
  const t = h.time(5 * MINUTE);
  const [cat, finished] = h.rng.pick([
    ['UserManagement', 'Download users - finished (bulk)'],
    ['GroupManagement', 'Download group members - finished (bulk)'],
    ['DeviceManagement', 'Download devices - finished (bulk)'],
    ['GroupManagement', 'Bulk import group members - finished (bulk)'],
  ] as const);
  const ux = 'Microsoft Entra (AAD) Management UX';
  h.push({
    t,
    service: ux,
    activity: 'started (bulk)',
    category: cat,
    corr,
    by: byUser(a),
    targets: [tOther('Other', null, null)],
    ua: uaOf(a),
  });
  h.push({
    t: step(h.rng, t, 20_000, 4 * MINUTE),
    service: ux,
    activity: finished,
    category: cat,
    corr,
    by: byUser(a),
    targets: [tOther('Other', null, null)],
    details: [['Total', String(h.rng.int(10, h.w.tenant.users.length))]],
    ua: uaOf(a),
  });
}

function adminUnit(h: Hour): void {
  const a = h.admin();
  const u = h.user();
  const au = h.rng.pick(['EMEA users', 'AMER users', 'APAC users']);
  h.push({
    t: h.time(),
    service: CD,
    activity: 'Add member to administrative unit',
    corr: h.corr(),
    by: byUser(a),
    targets: [tOther('Other', stableGuid(`${h.w.tenant.id}:au:${au}`), au), tUser(u)],
    ua: uaOf(a),
  });
}

function directoryPolicy(h: Hour): void {
  const a = h.admin(h.w.secAdmins);
  const activity = h.rng.weighted(
    ['Update policy', 'Update authorization policy', 'Update company settings'],
    [4, 2, 1],
  );
  h.push({
    t: h.time(),
    service: CD,
    activity,
    corr: h.corr(),
    by: byUser(a),
    targets: [
      tOther(
        activity === 'Update company settings' ? 'Directory' : 'Policy',
        stableGuid(`${h.w.tenant.id}:${activity}`),
        activity === 'Update policy'
          ? 'Default token lifetime policy'
          : activity === 'Update authorization policy'
            ? 'Authorization Policy'
            : h.w.tenant.displayName,
      ),
    ],
    ua: uaOf(a),
  });
}

function authMethodsPolicy(h: Hour): void {
  const a = h.admin(h.w.secAdmins);
  h.push({
    t: h.time(),
    service: 'Authentication Methods',
    activity: 'Authentication Methods Policy Update',
    corr: h.corr(),
    by: byUser(a),
    targets: [tOther('Policy', stableGuid(`${h.w.tenant.id}:amp`), 'Authentication Methods Policy')],
    ua: uaOf(a),
  });
}

export const TEMPLATES: readonly Template[] = [
  // UserManagement (Core Directory)
  { name: 'Update user (admin edits)', perDay: 40, driver: 'admin', run: updateUserByAdmin },
  { name: 'Update user (Entra Connect sync)', perDay: 45, driver: 'user', run: updateUserBySync },
  {
    name: 'Password change chain (Auth Methods → SSPR → Change user password)',
    perDay: 8,
    driver: 'user',
    run: passwordChangeChain,
  },
  { name: 'Admin password reset', perDay: 6, driver: 'admin', run: adminPasswordReset },
  {
    name: 'Change user license + Update user AssignedLicense',
    perDay: 6,
    driver: 'admin',
    run: licenseChange,
  },
  { name: 'Set user manager', perDay: 5, driver: 'admin', run: setManager },
  { name: 'Revoke sessions', perDay: 2, driver: 'admin', run: revokeSessions },
  { name: 'Disable / enable account', perDay: 1.5, driver: 'admin', run: disableEnable },
  { name: 'Guest cleanup (Delete user)', perDay: 1.5, driver: 'admin', run: guestCleanup },
  { name: 'Remove app role assignment from user', perDay: 1.5, driver: 'admin', run: removeAppRoleFromUser },
  // GroupManagement (Core Directory)
  {
    name: 'Add member to group (admin)',
    perDay: 40,
    driver: 'admin',
    run: (h) => memberChange(h, true, false),
  },
  {
    name: 'Add member to group (M365 group owner)',
    perDay: 30,
    driver: 'user',
    run: (h) => memberChange(h, true, true),
  },
  {
    name: 'Remove member from group (admin)',
    perDay: 18,
    driver: 'admin',
    run: (h) => memberChange(h, false, false),
  },
  {
    name: 'Remove member from group (owner)',
    perDay: 10,
    driver: 'user',
    run: (h) => memberChange(h, false, true),
  },
  {
    name: 'Substrate write-back: member change made in Outlook',
    perDay: 14,
    driver: 'user',
    run: substrateMemberWriteback,
  },
  { name: 'Substrate write-back: group edited in Outlook', perDay: 8, driver: 'user', run: substrateEdit },
  { name: 'Update group (admin)', perDay: 6, driver: 'admin', run: updateGroupByAdmin },
  { name: 'Add / remove owner', perDay: 4, driver: 'admin', run: ownerChange },
  { name: 'Team created in Teams (+ Substrate write-back)', perDay: 2, driver: 'user', run: teamCreation },
  { name: 'Delete group', perDay: 0.8, driver: 'admin', run: deleteGroup },
  { name: 'Add app role assignment to group', perDay: 1, driver: 'admin', run: appRoleToGroup },
  // ApplicationManagement (Core Directory)
  {
    name: 'Update service principal (admin)',
    perDay: 12,
    driver: 'admin',
    run: (h) => updateServicePrincipal(h, false),
  },
  {
    name: 'Update service principal (Terraform)',
    perDay: 6,
    driver: 'system',
    run: (h) => updateServicePrincipal(h, true),
  },
  { name: 'Update application (admin)', perDay: 6, driver: 'admin', run: (h) => updateApplication(h, false) },
  {
    name: 'Update application (Terraform)',
    perDay: 3,
    driver: 'system',
    run: (h) => updateApplication(h, true),
  },
  {
    name: 'Certificates and secrets management',
    perDay: 2,
    driver: 'admin',
    run: (h) => secretsManagement(h, h.rng.chance(0.4)),
  },
  { name: 'User consent chain', perDay: 8, driver: 'user', run: (h) => consentChain(h, false) },
  { name: 'Admin consent chain', perDay: 1.5, driver: 'admin', run: (h) => consentChain(h, true) },
  { name: 'Add app role assignment to service principal', perDay: 2, driver: 'admin', run: appRoleToSp },
  { name: 'Service principal credentials', perDay: 2, driver: 'admin', run: spCredentials },
  { name: 'New app registration chain', perDay: 1, driver: 'admin', run: newAppRegistration },
  { name: 'Remove service principal / grant', perDay: 0.6, driver: 'admin', run: deleteApplication },
  // Self-service and authentication methods
  { name: 'Security info registration chain', perDay: 10, driver: 'user', run: securityInfoRegistration },
  { name: 'Security info deleted / reviewed / updated', perDay: 5, driver: 'user', run: securityInfoMisc },
  { name: 'Admin security info', perDay: 1.5, driver: 'admin', run: adminSecurityInfo },
  { name: 'Self-service password reset chain', perDay: 5, driver: 'user', run: selfServiceReset },
  { name: 'SSPR registration', perDay: 3, driver: 'user', run: ssprRegistration },
  { name: 'Self-service group join request', perDay: 3, driver: 'user', run: selfServiceGroups },
  { name: 'Self-service group management (My Groups)', perDay: 5, driver: 'user', run: ssgmMisc },
  // Devices
  {
    name: 'Device registration chain (DRS → Core Directory)',
    perDay: 6,
    driver: 'user',
    run: deviceRegistration,
  },
  { name: 'Intune compliance: Update device', perDay: 25, driver: 'system', run: intuneCompliance },
  { name: 'Stale device cleanup', perDay: 1.5, driver: 'admin', run: deviceCleanup },
  { name: 'BitLocker key / LAPS password read', perDay: 1, driver: 'admin', run: bitlockerRead },
  // Privileged access and policy
  { name: 'PIM activation chain', perDay: 8, driver: 'admin', run: pimActivation },
  { name: 'PIM activation expiry', perDay: 6, driver: 'admin', run: pimExpiry },
  { name: 'PIM eligible assignment', perDay: 0.4, driver: 'admin', run: pimEligibility },
  { name: 'Update Conditional Access policy', perDay: 0.5, driver: 'admin', run: caPolicyUpdate },
  { name: 'Update named location', perDay: 0.1, driver: 'admin', run: namedLocation },
  { name: 'Identity Protection admin actions', perDay: 0.8, driver: 'admin', run: identityProtection },
  { name: 'Authentication methods policy', perDay: 0.15, driver: 'admin', run: authMethodsPolicy },
  { name: 'Directory policies and settings', perDay: 0.3, driver: 'admin', run: directoryPolicy },
  // Collaboration and governance
  { name: 'B2B invitation chain', perDay: 2.5, driver: 'user', run: b2bInvite },
  { name: 'B2B redemption (+ Substrate write-back)', perDay: 1.5, driver: 'user', run: b2bRedeem },
  { name: 'Terms of use accepted', perDay: 1, driver: 'user', run: termsOfUse },
  { name: 'Access package request chain', perDay: 2.5, driver: 'user', run: accessPackageRequest },
  { name: 'Access review decisions', perDay: 3, driver: 'user', run: accessReviewDecision },
  { name: 'Management UX bulk operations', perDay: 0.4, driver: 'admin', run: adminBulk },
  { name: 'Administrative unit membership', perDay: 0.8, driver: 'admin', run: adminUnit },
];

/** Long tail: random catalog rows (not B2C: this is a workforce tenant) per weekday per 1000 users. */
const LONG_TAIL_PER_DAY = 8;

// ---------------------------------------------------------------------------------------------
// Long tail and round-robin over the catalog
// ---------------------------------------------------------------------------------------------

const AUTOMATED =
  /^(auto |schedule |on-demand|process|quarantine|export|import$|synchronization rule|user provisioning|triggered|refresh pim|request expired|access review ended|fulfill|ready to fulfill|partially fulfill|execute|entitlement management (creates|removes)|device no longer|pim activation request expired|remove member from role \(pim activation expired\)|issue|validate|send |verify|exchange token|federate|evaluate|get |remediate|make phone|register totp|a self-service|an api was called|other$|finish applying|start applying)/i;

function serviceApp(w: World, service: string): AppRef {
  switch (service) {
    case 'Account provisioning':
      return w.apps.provisioning;
    case 'Lifecycle Workflows':
      return w.apps.lcw;
    case 'Entitlement Management':
    case 'Access reviews':
      return w.apps.governance;
    case 'Privileged Identity Management (PIM)':
      return w.apps.pim;
    case 'Device Registration Service':
      return w.apps.drs;
    case 'B2C':
      return w.apps.b2c;
    case 'Microsoft Entra ID Protection (Identity Protection)':
      return w.apps.idProtection;
    case 'Self-service group management':
      return w.apps.approval;
    default:
      return w.apps.m365Portal;
  }
}

/** A believable record for any catalog row: target type from the activity's words, actor by service. */
function genericRecord(h: Hour, row: CatalogRow, t: number): void {
  const a = `${row.activity} ${row.category}`.toLowerCase();
  const w = h.w;
  const u = h.user();
  let targets: SimRecord[];
  if (/device|bitlocker|local administrator/.test(a)) {
    const d = w.devices.length ? h.rng.pick(w.devices) : undefined;
    targets = [tOther('Device', d?.id ?? guid(h.rng), d?.displayName ?? null)];
  } else if (/group/.test(a)) targets = [tGroup(h.group())];
  else if (/role|pim/.test(a)) {
    const role = h.rng.pick(Object.keys(ROLE_TEMPLATES));
    targets = [roleTarget(w, role), tUser(h.rng.pick(w.admins))];
  } else if (
    /application|service principal|app role|consent|certificate|connector|collection|ssl|oauth|permission grant/.test(
      a,
    )
  )
    targets = [spTarget(h.rng.pick(w.enterprise))];
  else if (/user|password|security info|sponsor|invite|credential|passkey|hello|mfa|fraud|account/.test(a))
    targets = [tUser(u)];
  else if (
    /policy|conditional|named location|terms of use|agreement|setting|authentication context|rollout/.test(a)
  )
    targets = [tOther('Policy', stableGuid(`${w.tenant.id}:policy:${row.activity}`), null)];
  else if (/domain|company|directory|tenant|partner|subscription|branding/.test(a))
    targets = [tOther('Directory', w.tenant.id, w.tenant.domain)];
  else targets = [tOther('Other', guid(h.rng), null)];
  const auto = AUTOMATED.test(row.activity) || (row.service === 'Lifecycle Workflows' && /execution/.test(a));
  const admin = h.admin();
  const actor = auto ? byApp(serviceApp(w, row.service)) : byUser(admin);
  h.push({
    t,
    service: row.service,
    activity: row.activity,
    category: row.category,
    corr: h.corr(),
    by: actor,
    targets,
    ua: auto ? null : uaOf(admin),
  });
}

interface CatalogPools {
  services: string[];
  byService: Map<string, { rows: CatalogRow[]; weights: number[] }>;
  tail: CatalogRow[];
  tailWeights: number[];
}
let pools: CatalogPools | undefined;

/**
 * Activities that only the onboarding/offboarding chains emit, so that every 'Add user' of Core
 * Directory starts a chain (the long tail and round-robin leave them out).
 */
const CHAINED = new Set([
  'Add user',
  'Update user',
  'Add member to group',
  'Remove member from group',
  'Change user license',
  'Disable account',
  'Delete user',
]);

function catalogPools(): CatalogPools {
  if (pools) return pools;
  const cat = catalog();
  const byService = new Map<string, { rows: CatalogRow[]; weights: number[] }>();
  const rows = cat.rows.filter((r) => !(r.service === 'Core Directory' && CHAINED.has(r.activity)));
  for (const r of rows) {
    const e = byService.get(r.service) ?? { rows: [], weights: [] };
    e.rows.push(r);
    e.weights.push(r.source === '2024' ? 3 : 1);
    byService.set(r.service, e);
  }
  const tail = rows.filter((r) => r.service !== 'B2C');
  pools = {
    services: cat.services(),
    byService,
    tail,
    tailWeights: tail.map((r) => (r.source === '2024' ? 3 : 1)),
  };
  return pools;
}

/** The catalog service the round-robin covers in the hour starting at `hourStart`. */
export function roundRobinService(hourStart: number): string {
  const p = catalogPools();
  return p.services[Math.floor(hourStart / HOUR) % p.services.length]!;
}

// ---------------------------------------------------------------------------------------------
// Joiners and leavers
// ---------------------------------------------------------------------------------------------

function onboardingChain(h: Hour, jn: Joiner): void {
  // All details come from the joiner's own Rng, so the chain is identical from whichever hour
  // it is generated; push() keeps only this hour's part.
  const r = new Rng(`${jn.key}:audit`);
  const w = h.w;
  const corr = guid(r);
  const nu: UserLike = { id: jn.id, displayName: jn.displayName, userPrincipalName: jn.userPrincipalName };
  const admin = r.weighted(
    w.helpdesk,
    w.helpdesk.map((a) => workdayRhythm(jn.entraTime, a.office.timeZone) + 0.01),
  );
  const creator = jn.source === 'workday' ? byUser(w.sync) : byUser(admin);
  const ua = uaOf(admin);
  let t = jn.entraTime;
  const push = (o: Omit<RecOpts, 'corr'>) => {
    if (o.t >= h.start && o.t < h.end) h.out.push({ t: o.t, r: buildRecord(r, { ...o, corr }) });
    else buildRecord(r, { ...o, corr }); // keep the joiner's Rng in step whichever hour this is
  };
  const createProps = [
    mpa('AccountEnabled', [], [true]),
    mpa('DisplayName', [], [jn.displayName]),
    mpa('GivenName', [], [jn.givenName]),
    mpa('Surname', [], [jn.surname]),
    mpa('MailNickname', [], [jn.userPrincipalName.split('@')[0]]),
    mpa('UserPrincipalName', [], [jn.userPrincipalName]),
    mpa('UserType', [], ['Member']),
    mpa('Department', [], [jn.department]),
    mpa('JobTitle', [], [jn.jobTitle]),
  ];
  if (jn.source === 'workday') {
    createProps.push(
      mpa('EmployeeId', [], [jn.employeeId]),
      mpa('LastDirSyncTime', [], [iso(t)]),
      mpa(
        'OnPremisesDistinguishedName',
        [],
        [`CN=${jn.displayName},OU=${jn.department},OU=Users,DC=${w.tenant.domain.split('.').join(',DC=')}`],
      ),
    );
  }
  push({
    t,
    service: CD,
    activity: 'Add user',
    by: creator,
    targets: [tUser(nu, withIncluded(createProps, 'Member'))],
    details: [['UserType', 'Member']],
    ua: jn.source === 'cloud' ? ua : null,
  });
  t = step(r, t);
  push({
    t,
    service: CD,
    activity: 'Update user',
    by: creator,
    targets: [
      tUser(
        nu,
        withIncluded(
          [
            mpa('UsageLocation', [], [jn.office.countryOrRegion]),
            mpa('City', [], [jn.office.city]),
            mpa('PhysicalDeliveryOfficeName', [], [jn.office.city]),
          ],
          'Member',
        ),
      ),
    ],
    details: [['UserType', 'Member']],
  });
  const manager =
    w.members.find(
      (m) => m.department === jn.department && m.jobTitle.match(/Manager|Lead|Director|Controller|Vice/),
    ) ?? w.members[0];
  if (manager) {
    t = step(r, t);
    push({
      t,
      service: CD,
      activity: 'Set user manager',
      by: creator,
      targets: [tUser(nu), tUser(manager)],
      details: [['UserType', 'Member']],
    });
  }
  // The admin picks the new hire up a few minutes later: groups, then the licence.
  t = step(r, t, 2 * MINUTE, 8 * MINUTE);
  const groups = w.tenant.groups.filter(
    (g) =>
      g.displayName === `${jn.department} Team` ||
      g === w.allEmployees ||
      (g.displayName === 'VPN Users' && r.chance(0.3)),
  );
  for (const g of groups) {
    push({
      t,
      service: CD,
      activity: 'Add member to group',
      by: byUser(admin),
      targets: [tUser(nu, groupRefProps(g)), tGroup(g)],
      ua,
    });
    t = step(r, t);
  }
  const skus = jn.department === 'Engineering' || jn.department === 'IT' ? [LICENSES[0]] : [LICENSES[1]];
  push({
    t,
    service: CD,
    activity: 'Change user license',
    by: byUser(admin),
    targets: [tUser(nu)],
    details: [['UserType', 'Member']],
    ua,
  });
  t = step(r, t);
  push({
    t,
    service: CD,
    activity: 'Update user',
    by: byUser(admin),
    targets: [
      tUser(nu, withIncluded([mp('AssignedLicense', '[]', licenseValue(w.tenant.id, skus))], 'Member')),
    ],
    details: [['UserType', 'Member']],
  });
  // Exchange provisions the mailbox and writes its addresses back (seed 002): own correlation.
  t = step(r, t, 4 * MINUTE, 20 * MINUTE);
  const corr2 = guid(r);
  const o = {
    t,
    service: CD,
    activity: 'Update user',
    corr: corr2,
    by: byApp(w.apps.substrate),
    targets: [
      tUser(
        nu,
        withIncluded(
          [
            mpa(
              'ProxyAddresses',
              [],
              [`SMTP:${jn.userPrincipalName}`, `smtp:${jn.userPrincipalName.split('@')[0]}@${w.onmicrosoft}`],
            ),
          ],
          'Member',
        ),
      ),
    ],
    details: [['UserType', 'Member']] as [string, string][],
  };
  if (t >= h.start && t < h.end) h.out.push({ t, r: buildRecord(r, o) });
}

function offboardingChain(h: Hour, lv: Leaver): void {
  const r = new Rng(`${lv.key}:audit`);
  const w = h.w;
  const corr = guid(r);
  const u = lv.user;
  const admin = r.weighted(
    w.helpdesk,
    w.helpdesk.map((a) => workdayRhythm(lv.entraTime, a.office.timeZone) + 0.01),
  );
  const ua = uaOf(admin);
  let t = lv.entraTime;
  const push = (o: Omit<RecOpts, 'corr' | 'by'>) => {
    const rec = buildRecord(r, { ...o, corr, by: byUser(admin) });
    if (o.t >= h.start && o.t < h.end) h.out.push({ t: o.t, r: rec });
  };
  push({
    t,
    service: CD,
    activity: 'Disable account',
    targets: [tUser(u)],
    details: [['UserType', 'Member']],
    ua,
  });
  t = step(r, t);
  push({
    t,
    service: CD,
    activity: 'Update user',
    targets: [tUser(u, withIncluded([mpa('AccountEnabled', [true], [false])], 'Member'))],
    details: [['UserType', 'Member']],
  });
  t = step(r, t);
  push({ t, service: CD, activity: 'Update StsRefreshTokenValidFrom Timestamp', targets: [tUser(u)], ua });
  for (const g of (w.groupsOf.get(u.id) ?? []).slice(0, 4)) {
    t = step(r, t);
    push({
      t,
      service: CD,
      activity: 'Remove member from group',
      targets: [
        tUser(
          u,
          groupRefProps(g).map((p) => mp(p.displayName, p.newValue, null)),
        ),
        tGroup(g),
      ],
      ua,
    });
  }
  t = step(r, t);
  push({
    t,
    service: CD,
    activity: 'Change user license',
    targets: [tUser(u)],
    details: [['UserType', 'Member']],
    ua,
  });
  t = step(r, t);
  push({
    t,
    service: CD,
    activity: 'Update user',
    targets: [
      tUser(
        u,
        withIncluded([mp('AssignedLicense', licenseValue(w.tenant.id, [LICENSES[1]]), '[]')], 'Member'),
      ),
    ],
    details: [['UserType', 'Member']],
  });
  t = step(r, t, 30_000, 3 * MINUTE);
  push({
    t,
    service: CD,
    activity: 'Delete user',
    targets: [tUser(u, [mpa('UserType', ['Member'], []), included([mp('UserType', null, null)])])],
    details: [['UserType', 'Member']],
    ua,
  });
}

// ---------------------------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------------------------

function directoryAuditHour(ctx: SimContext, hourStart: number, rng: Rng, emit: Emit): void {
  const w = world(ctx.tenant);
  const h = new Hour(ctx, w, rng, hourStart);
  const scale = ctx.tenant.users.length / 1000;
  const weekend = localWeekday(h.mid, w.admins[0]?.office.timeZone ?? 'UTC');
  const systemFactor = weekend === 0 || weekend === 6 ? 0.6 : 1;
  for (const tpl of TEMPLATES) {
    const intensity =
      tpl.driver === 'admin'
        ? h.adminRhythm / RHYTHM_PER_DAY
        : tpl.driver === 'user'
          ? h.userRhythm / RHYTHM_PER_DAY
          : systemFactor / 24;
    const n = rng.poisson(tpl.perDay * scale * intensity);
    for (let i = 0; i < n; i++) tpl.run(h);
  }
  // Long tail straight from the catalog.
  const p = catalogPools();
  const nTail = rng.poisson(LONG_TAIL_PER_DAY * scale * (h.adminRhythm / RHYTHM_PER_DAY));
  for (let i = 0; i < nTail; i++) genericRecord(h, rng.weighted(p.tail, p.tailWeights), h.time());
  // Round-robin: one record of this hour's catalog service, whatever the draws above were.
  const svc = p.byService.get(roundRobinService(hourStart))!;
  genericRecord(h, rng.weighted(svc.rows, svc.weights), h.time());
  // Lifecycle Workflows' scheduler runs every 3 hours.
  if (Math.floor(hourStart / HOUR) % 3 === 0) {
    const corr = h.corr();
    const t = hourStart + rng.int(60_000, 5 * MINUTE);
    const wf = tOther('Workflow', stableGuid(`${ctx.tenant.id}:lcw`), 'Onboard pre-hire employee');
    h.push({
      t,
      service: 'Lifecycle Workflows',
      activity: 'Schedule workflow execution started',
      corr,
      by: byApp(w.apps.lcw),
      targets: [wf],
    });
    h.push({
      t: step(rng, t, 20_000, 120_000),
      service: 'Lifecycle Workflows',
      activity: 'Schedule workflow execution completed',
      corr,
      by: byApp(w.apps.lcw),
      targets: [wf],
      details: [['UsersProcessed', String(rng.int(0, 3))]],
    });
  }
  // Joiners and leavers of the HR plan.
  const { joiners, leavers } = lifecycleAround(ctx, hourStart);
  for (const jn of joiners)
    if (jn.entraTime < h.end && jn.entraTime + 2 * HOUR > h.start) onboardingChain(h, jn);
  for (const lv of leavers)
    if (lv.entraTime < h.end && lv.entraTime + HOUR > h.start) offboardingChain(h, lv);
  h.out.sort(byRecordTime('activityDateTime'));
  for (const o of h.out) emit('AuditLogs', o.r);
}

export const directoryAudits: Generator = { name: 'directory-audits', hour: directoryAuditHour };

/** Runs every template of the mix once in the given hour (tests: even the rare ones validate). */
export function everyTemplateOnce(ctx: SimContext, hourStart: number, rng: Rng, emit: Emit): void {
  const h = new Hour(ctx, world(ctx.tenant), rng, hourStart);
  for (const tpl of TEMPLATES) tpl.run(h);
  h.out.sort(byRecordTime('activityDateTime'));
  for (const o of h.out) emit('AuditLogs', o.r);
}

// ---------------------------------------------------------------------------------------------
// Custom security attributes
// ---------------------------------------------------------------------------------------------

interface AttrDef {
  set: string;
  name: string;
  values: string[];
  multi: boolean;
  /** Assigned to service principals rather than users. */
  sp: boolean;
}

const ATTRIBUTE_SETS: { name: string; description: string; attrs: Omit<AttrDef, 'set'>[] }[] = [
  {
    name: 'Engineering',
    description: 'Attributes for engineering projects',
    attrs: [
      { name: 'Project', values: ['Baker', 'Cascade', 'Denali', 'Everest', 'Fuji'], multi: true, sp: false },
      { name: 'CostCenter', values: ['1001', '1002', '2001', '3005'], multi: false, sp: false },
    ],
  },
  {
    name: 'HR',
    description: 'Employment attributes from HR',
    attrs: [
      {
        name: 'EmployeeType',
        values: ['FullTime', 'PartTime', 'Contractor', 'Intern'],
        multi: false,
        sp: false,
      },
      { name: 'JobLevel', values: ['L1', 'L2', 'L3', 'L4', 'L5', 'L6'], multi: false, sp: false },
    ],
  },
  {
    name: 'Security',
    description: 'Data access clearance',
    attrs: [
      {
        name: 'DataClearance',
        values: ['Public', 'Internal', 'Confidential', 'HighlyConfidential'],
        multi: false,
        sp: false,
      },
    ],
  },
  {
    name: 'AppGovernance',
    description: 'Ownership and risk of applications',
    attrs: [
      { name: 'RiskTier', values: ['Low', 'Medium', 'High'], multi: false, sp: true },
      { name: 'DataOwner', values: ['IT', 'Finance', 'Sales', 'Human Resources'], multi: false, sp: true },
    ],
  },
];
const NEW_SETS = [
  'Finance',
  'Legal',
  'Compliance',
  'Marketing',
  'Research',
  'Operations',
  'Sales',
  'Facilities',
];

const CSA_SETUP = [
  'Update custom security attribute definition in an attribute set',
  'Add custom security attribute definition in an attribute set',
  'Update an attribute set',
  'Update custom security attribute definition in an attribute set',
  'Add an attribute set',
] as const;

function csaHour(ctx: SimContext, hourStart: number, rng: Rng, emit: Emit): void {
  const w = world(ctx.tenant);
  const h = new Hour(ctx, w, rng, hourStart);
  const defs: AttrDef[] = ATTRIBUTE_SETS.flatMap((s) => s.attrs.map((a) => ({ ...a, set: s.name })));
  const userDefs = defs.filter((d) => !d.sp);
  const spDefs = defs.filter((d) => d.sp);
  const scale = ctx.tenant.users.length / 1000;
  const adminRhythm =
    w.attributeAdmins.reduce((s, a) => s + workdayRhythm(h.mid, a.office.timeZone), 0) /
    w.attributeAdmins.length;
  const svc = CD;
  const cat = 'AttributeManagement';
  const attrValue = (d: AttrDef, old: boolean) => {
    if (old && h.rng.chance(0.6)) return '[]';
    if (d.multi)
      return j(
        h.rng.chance(0.5)
          ? [h.rng.pick(d.values)]
          : [h.rng.pick(d.values), h.rng.pick(d.values)].filter((v, i, a) => a.indexOf(v) === i),
      );
    return j([h.rng.pick(d.values)]);
  };
  const admin = () => h.admin(w.attributeAdmins);
  // Assignments to users (bulk-ish: an admin often sets several users in a row).
  const nUser = rng.poisson((6 * scale * adminRhythm) / RHYTHM_PER_DAY);
  for (let i = 0; i < nUser; i++) {
    const a = admin();
    const corr = h.corr();
    let t = h.time(5 * MINUTE);
    const burst = rng.weighted([1, 2, 3, 5], [6, 2, 1, 0.5]);
    const d = rng.pick(userDefs);
    for (let k = 0; k < burst; k++) {
      const u = h.user();
      h.push({
        t,
        service: svc,
        activity: 'Update attribute values assigned to a user',
        category: cat,
        corr: k === 0 ? corr : h.corr(),
        by: byUser(a),
        targets: [tUser(u, [mp(`${d.set}_${d.name}`, attrValue(d, true), attrValue(d, false))])],
        ua: uaOf(a),
        failure: h.fail(0.01, ['The value is not one of the predefined values for this attribute.']),
      });
      t = step(rng, t, 5000, 40_000);
    }
  }
  const nSp = rng.poisson((0.6 * scale * adminRhythm) / RHYTHM_PER_DAY);
  for (let i = 0; i < nSp; i++) {
    const a = admin();
    const app = rng.pick(w.enterprise);
    const d = rng.pick(spDefs);
    h.push({
      t: h.time(),
      service: svc,
      activity: 'Update attribute values assigned to a servicePrincipal',
      category: cat,
      corr: h.corr(),
      by: byUser(a),
      targets: [spTarget(app, [mp(`${d.set}_${d.name}`, attrValue(d, true), attrValue(d, false))])],
      ua: uaOf(a),
    });
  }
  // Definition work: once per weekday at 10:00 in the first attribute admin's office.
  const lead = w.attributeAdmins[0]!;
  const wd = localWeekday(hourStart, lead.office.timeZone);
  if (Math.floor(localHour(hourStart, lead.office.timeZone)) === 10 && wd !== 0 && wd !== 6) {
    const day = localDay(hourStart, lead.office.timeZone);
    const activity = CSA_SETUP[day % CSA_SETUP.length]!;
    const t = h.time();
    let target: SimRecord;
    if (activity === 'Add an attribute set') {
      const name = `${NEW_SETS[Math.floor(day / CSA_SETUP.length) % NEW_SETS.length]}${Math.floor(day / (CSA_SETUP.length * NEW_SETS.length)) % 10 || ''}`;
      target = tOther('AttributeSet', name, name, [
        mp('Description', null, j(`Attributes for ${name}`)),
        mp('MaxAttributesPerSet', null, j(25)),
      ]);
    } else if (activity === 'Update an attribute set') {
      const s = rng.pick(ATTRIBUTE_SETS);
      target = tOther('AttributeSet', s.name, s.name, [
        mp('Description', j(s.description), j(`${s.description} (owned by IT)`)),
      ]);
    } else if (activity === 'Add custom security attribute definition in an attribute set') {
      const s = rng.pick(ATTRIBUTE_SETS);
      const name = rng.pick(['Region', 'Clearance', 'Program', 'Workload', 'Sensitivity']);
      target = tOther('CustomSecurityAttributeDefinition', `${s.name}_${name}`, `${s.name}_${name}`, [
        mp('AttributeSet', null, j(s.name)),
        mp('Type', null, j('String')),
        mp('IsCollection', null, j(false)),
        mp('IsSearchable', null, j(true)),
        mp('UsePreDefinedValuesOnly', null, j(true)),
        mp('Status', null, j('Available')),
      ]);
    } else {
      const d = rng.pick(defs);
      const deactivate = rng.chance(0.15);
      target = tOther(
        'CustomSecurityAttributeDefinition',
        `${d.set}_${d.name}`,
        `${d.set}_${d.name}`,
        deactivate
          ? [mp('Status', j('Available'), j('Deprecated'))]
          : [mp('AllowedValues', j(d.values), j([...d.values, `${d.values[0]}-2`]))],
      );
    }
    const a = h.admin(w.attributeAdmins);
    h.push({
      t,
      service: svc,
      activity,
      category: cat,
      corr: h.corr(),
      by: byUser(a),
      targets: [target],
      ua: uaOf(a),
    });
  }
  h.out.sort(byRecordTime('activityDateTime'));
  for (const o of h.out) emit('CustomSecurityAttributeAuditLogs', o.r);
}

export const customSecurityAttributeAudits: Generator = {
  name: 'custom-security-attribute-audits',
  hour: csaHour,
};
