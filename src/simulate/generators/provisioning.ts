/**
 * ProvisioningLogs: the Entra provisioning service's cycles (entra-formats.md §1.2
 * provisioningObjectSummary). Four jobs, each running an incremental cycle every 40 minutes:
 *
 * - Workday → Active Directory (inbound HR): mostly skipped workers (out of scope, nothing to
 *   change), attribute updates, and the creates / disables of the joiners and leavers below.
 * - Entra → ServiceNow, Salesforce, Adobe (outbound SaaS): updates of assigned users, skipped
 *   users (not assigned, nothing to export), creates for joiners who get the app, disables for
 *   leavers, and failures with the target's error code, reason and recommended action.
 *
 * This module also owns the joiner / leaver plan (HR is the source of truth for both), so the
 * audit generator's onboarding and offboarding chains are the same people at consistent times:
 * Workday record → Workday2AD create → Entra Connect sync "Add user" → SaaS create.
 */
import { type City, DEPARTMENTS, FIRST_NAMES, LAST_NAMES, OFFICES } from '../reference-data.ts';
import { guid, hash32, Rng } from '../rng.ts';
import type { Tenant, User } from '../tenant.ts';
import {
  atLocal,
  DAY,
  type Emit,
  entraTime,
  type Generator,
  HOUR,
  type SimContext,
  type SimRecord,
  workdayRhythm,
} from '../types.ts';

export const MINUTE = 60_000;

/** Orders buffered records by their ISO time field (the sub-second digits are random, so not by t). */
export function byRecordTime(field: string) {
  return (a: { r: Record<string, unknown> }, b: { r: Record<string, unknown> }): number => {
    const x = a.r[field] as string;
    const y = b.r[field] as string;
    return x < y ? -1 : x > y ? 1 : 0;
  };
}

/** The provisioning service's incremental cycle interval (Entra: fixed at 40 minutes). */
export const CYCLE_INTERVAL = 40 * MINUTE;

export type SaasKey = 'servicenow' | 'salesforce' | 'adobe';
export type JobKey = 'workday' | SaasKey;

// ---------------------------------------------------------------------------------------------
// Joiners and leavers (shared with the audit generator)
// ---------------------------------------------------------------------------------------------

export interface Joiner {
  /** Plan key: the audit generator forks its own Rng from it for the chain's details. */
  key: string;
  /** Entra object id the user gets. */
  id: string;
  /** Workday worker id. */
  employeeId: string;
  givenName: string;
  surname: string;
  displayName: string;
  userPrincipalName: string;
  department: string;
  jobTitle: string;
  office: City;
  /** 'workday': an HR hire, created in AD by Workday2AD and synced by Entra Connect. 'cloud': a contractor an admin creates in Entra. */
  source: 'workday' | 'cloud';
  /** When the hire becomes visible in Workday (or the admin starts, for cloud hires). */
  hrTime: number;
  /** Workday2AD cycle that creates the AD account (workday hires only). */
  adTime: number | null;
  /** The Entra "Add user" (start of the onboarding chain). */
  entraTime: number;
  /** SaaS apps the joiner is assigned (through department groups). */
  saas: SaasKey[];
}

export interface Leaver {
  key: string;
  user: User;
  employeeId: string;
  /** Termination effective in Workday. */
  hrTime: number;
  /** Workday2AD cycle that disables the AD account. */
  adTime: number;
  /** Start of the admin's offboarding chain in Entra. */
  entraTime: number;
  saas: SaasKey[];
}

const JOB_TITLES: Record<string, readonly string[]> = {
  Sales: ['Account Executive', 'Sales Development Representative', 'Sales Manager'],
  Marketing: ['Marketing Manager', 'Content Strategist', 'Digital Marketing Specialist'],
  Engineering: ['Software Engineer', 'Senior Software Engineer', 'Site Reliability Engineer'],
  Finance: ['Financial Analyst', 'Accountant', 'Controller'],
  'Human Resources': ['HR Generalist', 'Recruiter', 'HR Business Partner'],
  Legal: ['Counsel', 'Paralegal'],
  Operations: ['Operations Analyst', 'Program Manager'],
  Support: ['Support Engineer', 'Support Lead', 'Customer Success Manager'],
  IT: ['IT Administrator', 'Systems Engineer', 'Service Desk Analyst'],
  Executive: ['Vice President', 'Chief of Staff', 'Director'],
};

/** Which SaaS apps a department's people get (ServiceNow is the company's IT portal: everyone). */
export function saasForDepartment(department: string): SaasKey[] {
  const out: SaasKey[] = ['servicenow'];
  if (['Sales', 'Marketing', 'Support', 'Executive'].includes(department)) out.push('salesforce');
  if (['Marketing', 'Engineering'].includes(department)) out.push('adobe');
  return out;
}

const SAAS_APP_NAME: Record<SaasKey, string> = {
  servicenow: 'ServiceNow',
  salesforce: 'Salesforce',
  adobe: 'Adobe Creative Cloud',
};

function saasOf(user: User): SaasKey[] {
  const names = new Set(user.apps.map((a) => a.displayName));
  return (Object.keys(SAAS_APP_NAME) as SaasKey[]).filter((k) => names.has(SAAS_APP_NAME[k]));
}

/** Offset of a job's cycles within the 40-minute grid, fixed per tenant. */
export function cyclePhase(tenant: Tenant, job: JobKey): number {
  return (hash32(`${tenant.id}:${job}`) % (40 * 60)) * 1000;
}

/** Start of the first cycle of `job` at or after `t`. */
export function cycleAtOrAfter(tenant: Tenant, job: JobKey, t: number): number {
  const phase = cyclePhase(tenant, job);
  return phase + Math.ceil((t - phase) / CYCLE_INTERVAL) * CYCLE_INTERVAL;
}

/** Entra Connect's scheduler runs a delta sync every 30 minutes. */
function nextDirSync(t: number, rng: Rng): number {
  return Math.ceil((t + 2 * MINUTE) / (30 * MINUTE)) * 30 * MINUTE + rng.int(20, 200) * 1000;
}

/** Joiners and leavers per weekday per 1000 users (≈ 20 % yearly hiring, 15 % attrition). */
const JOINERS_PER_1000 = 0.9;
const LEAVERS_PER_1000 = 0.7;

interface TenantFacts {
  upns: Set<string>;
  employeeIds: Map<string, string>;
  /** Members who may leave: not admins, not guests. */
  leaverPool: User[];
  stride: number;
  base: number;
}
const tenantFacts = new WeakMap<Tenant, TenantFacts>();

function facts(tenant: Tenant): TenantFacts {
  let f = tenantFacts.get(tenant);
  if (!f) {
    const employeeIds = new Map<string, string>();
    tenant.users.forEach((u, i) => {
      if (u.userType === 'member') employeeIds.set(u.id, String(21000 + i));
    });
    const adminIds = new Set(tenant.admins.map((a) => a.id));
    const leaverPool = tenant.users.filter((u) => u.userType === 'member' && !adminIds.has(u.id));
    // A stride coprime to the pool size walks the pool without repeats for pool/4 days.
    let stride = 7919 % Math.max(1, leaverPool.length);
    while (leaverPool.length > 1 && gcd(stride, leaverPool.length) !== 1) stride++;
    f = {
      upns: new Set(tenant.users.map((u) => u.userPrincipalName)),
      employeeIds,
      leaverPool,
      stride: Math.max(1, stride),
      base: hash32(`${tenant.id}:leavers`) % Math.max(1, leaverPool.length),
    };
    tenantFacts.set(tenant, f);
  }
  return f;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/**
 * Days before the leaver walk can pick the same member again (four slots a day through the pool):
 * how long the account-state model (lifecycle.ts) may remember a departure without one person
 * leaving twice.
 */
export function leaverRepeatDays(tenant: Tenant): number {
  return Math.max(1, Math.floor(facts(tenant).leaverPool.length / 4));
}

export function employeeIdOf(tenant: Tenant, user: User): string {
  return facts(tenant).employeeIds.get(user.id) ?? String(20000 + (hash32(user.id) % 1000));
}

const planCache = new Map<string, { joiners: Joiner[]; leavers: Leaver[] }>();

/**
 * The joiners and leavers whose HR record falls on UTC day `day` (ms / DAY). A pure function of
 * the run's seed, the tenant and the day, so every generator and every hour sees the same people.
 */
export function lifecycleForDay(ctx: SimContext, day: number): { joiners: Joiner[]; leavers: Leaver[] } {
  const cacheKey = `${ctx.seed}|${ctx.tenant.id}|${ctx.tenant.users.length}|${day}`;
  const cached = planCache.get(cacheKey);
  if (cached) return cached;
  const tenant = ctx.tenant;
  const f = facts(tenant);
  const dayStart = day * DAY;
  const rng = new Rng(`${ctx.seed}:lifecycle:${tenant.id}:${day}`);
  const scale = tenant.users.length / 1000;
  const joiners: Joiner[] = [];
  const leavers: Leaver[] = [];
  const weekday = new Date(dayStart).getUTCDay();
  if (weekday !== 0 && weekday !== 6) {
    const nJoin = Math.min(6, rng.poisson(JOINERS_PER_1000 * scale));
    for (let i = 0; i < nJoin; i++) {
      const key = `${ctx.seed}:joiner:${tenant.id}:${day}:${i}`;
      const jr = new Rng(key);
      const givenName = jr.pick(FIRST_NAMES);
      const surname = jr.pick(LAST_NAMES);
      let local = `${givenName}.${surname}`.toLowerCase();
      if (f.upns.has(`${local}@${tenant.domain}`)) local = `${local}${jr.int(2, 99)}`;
      const department = jr.pick(DEPARTMENTS);
      const office = jr.weighted(
        OFFICES,
        OFFICES.map((_, k) => (k === 0 ? 6 : k < 3 ? 3 : 1.5)),
      );
      const source = jr.chance(0.75) ? ('workday' as const) : ('cloud' as const);
      const hrTime = atLocal(day, jr.int(8 * 60, 15 * 60) / 60, office.timeZone) + jr.int(0, 59_999);
      const adTime =
        source === 'workday' ? cycleAtOrAfter(tenant, 'workday', hrTime) + jr.int(2_000, 40_000) : null;
      joiners.push({
        key,
        id: guid(jr),
        employeeId: String(30000 + (day % 10000) * 6 + i),
        givenName,
        surname,
        displayName: `${givenName} ${surname}`,
        userPrincipalName: `${local}@${tenant.domain}`,
        department,
        jobTitle: jr.pick(JOB_TITLES[department] ?? ['Analyst']),
        office,
        source,
        hrTime,
        adTime,
        entraTime: adTime !== null ? nextDirSync(adTime, jr) : hrTime + jr.int(1, 20) * MINUTE,
        saas: saasForDepartment(department),
      });
    }
    const nLeave = Math.min(4, rng.poisson(LEAVERS_PER_1000 * scale));
    for (let i = 0; i < nLeave && f.leaverPool.length > 0; i++) {
      const key = `${ctx.seed}:leaver:${tenant.id}:${day}:${i}`;
      const lr = new Rng(key);
      const user = f.leaverPool[(f.base + (day * 4 + i) * f.stride) % f.leaverPool.length]!;
      const hrTime = atLocal(day, lr.int(14 * 60, 17 * 60) / 60, user.office.timeZone) + lr.int(0, 59_999);
      const adTime = cycleAtOrAfter(tenant, 'workday', hrTime) + lr.int(2_000, 40_000);
      leavers.push({
        key,
        user,
        employeeId: employeeIdOf(tenant, user),
        hrTime,
        adTime,
        entraTime: adTime + lr.int(8, 45) * MINUTE,
        saas: saasOf(user),
      });
    }
  }
  const plan = { joiners, leavers };
  if (planCache.size > 256) planCache.clear();
  planCache.set(cacheKey, plan);
  return plan;
}

/** Joiners and leavers of the days around `t` (plans may spill a few hours across midnight). */
export function lifecycleAround(ctx: SimContext, t: number): { joiners: Joiner[]; leavers: Leaver[] } {
  const d = Math.floor(t / DAY);
  const joiners: Joiner[] = [];
  const leavers: Leaver[] = [];
  for (const day of [d - 1, d, d + 1]) {
    const p = lifecycleForDay(ctx, day);
    joiners.push(...p.joiners);
    leavers.push(...p.leavers);
  }
  return { joiners, leavers };
}

// ---------------------------------------------------------------------------------------------
// Jobs
// ---------------------------------------------------------------------------------------------

interface Job {
  key: JobKey;
  templateId: string;
  jobId: string;
  sp: { id: string; displayName: string; appId: string };
  source: { id: string; displayName: string; details: Record<string, unknown> };
  target: { id: string; displayName: string; details: Record<string, unknown> };
  /** Users already provisioned by this job (SaaS: users assigned the app). */
  assigned: User[];
  /** Members in the job's source but not assigned to it (skipped as NotEffectivelyEntitled). */
  unassigned: User[];
}

interface ProvWorld {
  jobs: Job[];
  members: User[];
}
const worlds = new WeakMap<Tenant, ProvWorld>();

const AAD_SOURCE = 'Azure Active Directory';

function provWorld(tenant: Tenant): ProvWorld {
  let w = worlds.get(tenant);
  if (w) return w;
  const r = new Rng(`${tenant.id}:provisioning-world`);
  const members = tenant.users.filter((u) => u.userType === 'member');
  const compact = (id: string) => id.replace(/-/g, '');
  const aadSource = { id: guid(r), displayName: AAD_SOURCE, details: {} };
  const wdSp = {
    id: guid(r),
    appId: guid(r),
    displayName: 'Workday to Active Directory User Provisioning',
  };
  const jobs: Job[] = [
    {
      key: 'workday',
      templateId: 'Workday2AD',
      jobId: `Workday2AD.${compact(wdSp.id)}.${tenant.id}`,
      sp: wdSp,
      source: { id: guid(r), displayName: 'Workday', details: {} },
      target: { id: guid(r), displayName: 'Active Directory', details: { Domain: tenant.domain } },
      assigned: members,
      unassigned: [],
    },
  ];
  const saasTemplates: Record<SaasKey, string> = {
    servicenow: 'ServiceNowOutDelta',
    salesforce: 'SalesforceOutDelta',
    adobe: 'AdobeIdentityManagementOutDelta',
  };
  for (const key of ['servicenow', 'salesforce', 'adobe'] as const) {
    const app = tenant.apps.find((a) => a.displayName === SAAS_APP_NAME[key]);
    const sp = { id: guid(r), appId: app?.appId ?? guid(r), displayName: SAAS_APP_NAME[key] };
    jobs.push({
      key,
      templateId: saasTemplates[key],
      jobId: `${saasTemplates[key]}.${compact(sp.id)}.${tenant.id}`,
      sp,
      source: aadSource,
      target: {
        id: guid(r),
        displayName: SAAS_APP_NAME[key],
        details: {
          ApplicationId: sp.appId,
          ServicePrincipalId: sp.id,
          ServicePrincipalDisplayName: sp.displayName,
        },
      },
      assigned: members.filter((u) => saasOf(u).includes(key)),
      unassigned: members.filter((u) => !saasOf(u).includes(key)),
    });
  }
  w = { jobs, members };
  worlds.set(tenant, w);
  return w;
}

// ---------------------------------------------------------------------------------------------
// Errors and skip reasons
// ---------------------------------------------------------------------------------------------

interface ErrorInfo {
  errorCode: string;
  errorCategory: 'failure' | 'nonServiceFailure';
  reason: string;
  recommendedAction: string;
  /** Only happens when creating the account. */
  createOnly?: boolean;
}

const SAAS_ERRORS: Record<JobKey, readonly ErrorInfo[]> = {
  workday: [
    {
      errorCode: 'HybridSynchronizationActiveDirectoryInsufficientAccessRights',
      errorCategory: 'nonServiceFailure',
      reason:
        'The provisioning agent service account does not have permission to update the object in Active Directory. Access is denied.',
      recommendedAction:
        'Grant the gMSA used by the provisioning agent write permissions on the target OU, then retry the cycle.',
    },
    {
      errorCode: 'DuplicateTargetEntries',
      errorCategory: 'nonServiceFailure',
      reason:
        'The operation could not be completed because more than one user in Active Directory was found with the configured matching attribute (employeeID).',
      recommendedAction:
        'Remove the duplicate user from Active Directory, or reconfigure the matching attribute in the attribute mappings.',
    },
    {
      errorCode: 'MandatoryFieldsMissing',
      createOnly: true,
      errorCategory: 'nonServiceFailure',
      reason:
        'The user could not be created because required values are missing (sAMAccountName could not be generated).',
      recommendedAction:
        'Correct the missing attribute values in Workday or review the expression that builds sAMAccountName.',
    },
  ],
  servicenow: [
    {
      errorCode: 'ServiceNowHttpUnauthorized',
      errorCategory: 'nonServiceFailure',
      reason:
        'ServiceNow returned an error response with the HTTP status code 401. The credentials provided for the provisioning connection were rejected.',
      recommendedAction:
        'Update the ServiceNow admin credentials on the Provisioning page of the application and test the connection.',
    },
    {
      errorCode: 'ServiceNowTimeout',
      errorCategory: 'failure',
      reason: 'The operation could not be completed because ServiceNow took too long to respond.',
      recommendedAction: 'There is nothing to do. This attempt will automatically be retried in 40 minutes.',
    },
  ],
  salesforce: [
    {
      errorCode: 'SalesforceDuplicateUsername',
      createOnly: true,
      errorCategory: 'nonServiceFailure',
      reason:
        'Salesforce returned an error response: DUPLICATE_USERNAME. The username already exists in this or another Salesforce organization.',
      recommendedAction:
        'Usernames must be unique across all Salesforce organizations. Change the mapping for Username (for example append a suffix) or remove the conflicting user.',
    },
    {
      errorCode: 'SalesforceLicenseLimitExceeded',
      createOnly: true,
      errorCategory: 'nonServiceFailure',
      reason:
        'The user could not be created in Salesforce because there are no available Salesforce licenses.',
      recommendedAction:
        'Procure more licenses in Salesforce, or review the users and groups assigned to the application.',
    },
    {
      errorCode: 'SalesforceRequestLimitExceeded',
      errorCategory: 'failure',
      reason:
        'Salesforce returned an error response: REQUEST_LIMIT_EXCEEDED. The organization has exceeded its daily API request limit.',
      recommendedAction: 'There is nothing to do. This attempt will automatically be retried in 40 minutes.',
    },
  ],
  adobe: [
    {
      errorCode: 'AdobeConflict',
      createOnly: true,
      errorCategory: 'nonServiceFailure',
      reason:
        'Adobe Identity Management returned an error response with the HTTP status code 409. A user with the same email address already exists in another Adobe organization.',
      recommendedAction:
        'Claim the domain in the Adobe Admin Console or remove the conflicting account, then retry the provisioning of this user.',
    },
    {
      errorCode: 'AdobeTooManyRequests',
      errorCategory: 'failure',
      reason: 'Adobe rejected the request because it is receiving too many requests (HTTP 429).',
      recommendedAction: 'There is nothing to do. This attempt will automatically be retried.',
    },
  ],
};

const SKIPS: Record<'workday' | 'saas', readonly { code: string; why: string }[]> = {
  workday: [
    { code: 'NotInScope', why: "the worker is out of scope (scoping filter: WorkerType EQUALS 'Employee')" },
    { code: 'NotInScope', why: 'the worker is a contingent worker and contingent workers are not in scope' },
    { code: 'RedundantExport', why: 'no changes were detected for the user in Active Directory' },
    { code: 'FutureHire', why: 'the hire date is more than 14 days in the future' },
  ],
  saas: [
    { code: 'NotEffectivelyEntitled', why: 'the user is not assigned to the application' },
    { code: 'RedundantExport', why: 'no changes were detected for the user in the target system' },
    { code: 'NotInScope', why: "the user is out of scope (scoping filter: accountEnabled EQUALS 'True')" },
  ],
};

// ---------------------------------------------------------------------------------------------
// Records
// ---------------------------------------------------------------------------------------------

type Action = 'create' | 'update' | 'disable' | 'delete' | 'other';
type Status = 'success' | 'failure' | 'skipped' | 'warning';

interface Subject {
  id: string;
  displayName: string;
  upn: string;
  employeeId: string;
  department: string;
  jobTitle: string;
  givenName: string;
  surname: string;
}

/** A Workday worker with no Entra account: a contingent worker or a future hire. */
function syntheticWorker(rng: Rng, code: string): Subject {
  const givenName = rng.pick(FIRST_NAMES);
  const surname = rng.pick(LAST_NAMES);
  const department = rng.pick(DEPARTMENTS);
  return {
    id: '',
    displayName: `${givenName} ${surname}`,
    upn: '',
    employeeId: code === 'FutureHire' ? String(rng.int(40000, 49999)) : `C${rng.int(1000, 9999)}`,
    department,
    jobTitle: rng.pick(JOB_TITLES[department] ?? ['Analyst']),
    givenName,
    surname,
  };
}

function subjectOf(tenant: Tenant, u: User): Subject {
  return {
    id: u.id,
    displayName: u.displayName,
    upn: u.userPrincipalName,
    employeeId: employeeIdOf(tenant, u),
    department: u.department,
    jobTitle: u.jobTitle,
    givenName: u.givenName,
    surname: u.surname,
  };
}

function joinerSubject(j: Joiner): Subject {
  return {
    id: j.id,
    displayName: j.displayName,
    upn: j.userPrincipalName,
    employeeId: j.employeeId,
    department: j.department,
    jobTitle: j.jobTitle,
    givenName: j.givenName,
    surname: j.surname,
  };
}

/** A stable id of the user's account in a target system. */
function targetAccountId(job: JobKey, s: Subject): string {
  const r = new Rng(`${s.id}:${job}:account`);
  switch (job) {
    case 'workday':
      return guid(r); // AD objectGUID
    case 'salesforce': {
      const B62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
      let id = '0058d0000';
      for (let i = 0; i < 6; i++) id += B62[r.int(0, 61)];
      return `${id}AAK`;
    }
    default:
      return r.hex(32); // ServiceNow sys_id, Adobe SCIM id
  }
}

const WORD: Record<Action, string> = {
  create: 'Add',
  update: 'Update',
  disable: 'Update',
  delete: 'Delete',
  other: 'Update',
};
const VERB: Record<Action, string> = {
  create: 'created',
  update: 'updated',
  disable: 'disabled',
  delete: 'deleted',
  other: 'updated',
};

function modifiedProps(job: JobKey, action: Action, s: Subject, rng: Rng, tenant: Tenant) {
  const p = (displayName: string, oldValue: string | null, newValue: string | null) => ({
    displayName,
    oldValue,
    newValue,
  });
  const local = s.upn.split('@')[0]!;
  if (action === 'disable') {
    if (job === 'workday') return [p('accountDisabled', 'False', 'True')];
    if (job === 'salesforce') return [p('IsActive', 'True', 'False')];
    return [p('active', 'True', 'False')];
  }
  if (action === 'create') {
    switch (job) {
      case 'workday':
        return [
          p('employeeID', null, s.employeeId),
          p('givenName', null, s.givenName),
          p('sn', null, s.surname),
          p('displayName', null, s.displayName),
          p('sAMAccountName', null, `${s.givenName[0]}${s.surname}`.toLowerCase().slice(0, 20)),
          p('userPrincipalName', null, s.upn),
          p('department', null, s.department),
          p('title', null, s.jobTitle),
          p('company', null, tenant.displayName),
          p('accountDisabled', null, 'False'),
          p(
            'parentDistinguishedName',
            null,
            `OU=${s.department},OU=Users,DC=${tenant.domain.split('.').join(',DC=')}`,
          ),
        ];
      case 'salesforce':
        return [
          p('Username', null, `${s.upn}.sf`),
          p('Email', null, s.upn),
          p('FirstName', null, s.givenName),
          p('LastName', null, s.surname),
          p('Alias', null, local.replace('.', '').slice(0, 8)),
          p('Title', null, s.jobTitle),
          p('Department', null, s.department),
          p('IsActive', null, 'True'),
          p('ProfileId', null, '00e8d000001ABCDAA2'),
        ];
      case 'servicenow':
        return [
          p('user_name', null, s.upn),
          p('email', null, s.upn),
          p('first_name', null, s.givenName),
          p('last_name', null, s.surname),
          p('title', null, s.jobTitle),
          p('department', null, s.department),
          p('active', null, 'True'),
        ];
      case 'adobe':
        return [
          p('userName', null, s.upn),
          p('emails[type eq "work"].value', null, s.upn),
          p('name.givenName', null, s.givenName),
          p('name.familyName', null, s.surname),
          p('active', null, 'True'),
        ];
    }
  }
  // update: one or two attributes changed
  const titles = JOB_TITLES[s.department] ?? ['Analyst'];
  const newTitle = rng.pick(titles.filter((t) => t !== s.jobTitle).concat(titles.length === 1 ? titles : []));
  const phone = `+1 425 555 0${rng.int(100, 199)}`;
  const choices: ReturnType<typeof p>[] = [];
  switch (job) {
    case 'workday':
      choices.push(
        p('title', s.jobTitle, newTitle),
        p('telephoneNumber', null, phone),
        p('physicalDeliveryOfficeName', null, rng.pick(OFFICES).city),
        p(
          'manager',
          null,
          `CN=${rng.pick(tenant.users).displayName},OU=Users,DC=${tenant.domain.split('.').join(',DC=')}`,
        ),
      );
      break;
    case 'salesforce':
      choices.push(p('Title', s.jobTitle, newTitle), p('Phone', null, phone), p('MobilePhone', null, phone));
      break;
    case 'servicenow':
      choices.push(
        p('title', s.jobTitle, newTitle),
        p('phone', null, phone),
        p('location', null, rng.pick(OFFICES).city),
      );
      break;
    case 'adobe':
      choices.push(p('title', s.jobTitle, newTitle), p('phoneNumbers[type eq "work"].value', null, phone));
      break;
  }
  const n = rng.int(1, 2);
  const out: ReturnType<typeof p>[] = [];
  for (let i = 0; i < n; i++) {
    const c = rng.pick(choices);
    if (!out.includes(c)) out.push(c);
  }
  return out;
}

interface Outcome {
  action: Action;
  status: Status;
  skip?: { code: string; why: string };
  error?: ErrorInfo;
}

function record(
  tenant: Tenant,
  job: Job,
  cycleId: string,
  t: number,
  s: Subject,
  o: Outcome,
  rng: Rng,
): SimRecord {
  const inbound = job.key === 'workday';
  const objType = inbound ? 'Worker' : 'User';
  const srcName = job.source.displayName;
  const tgtName = job.target.displayName;
  const label = inbound ? `Worker '${s.employeeId}'` : `User '${s.upn}'`;
  const targetLabel = `User '${inbound ? s.displayName : s.upn}'`;
  const w = WORD[o.action];
  const steps: SimRecord[] = [
    {
      name: `EntryImport${w === 'Delete' ? 'Delete' : w}`,
      provisioningStepType: 'import',
      status: 'success',
      description: `Received ${label} change of type (${w}) from ${srcName}`,
      details: inbound ? { WorkerID: s.employeeId } : { ObjectId: s.id, UserPrincipalName: s.upn },
    },
  ];
  if (o.status === 'skipped') {
    steps.push({
      name: 'EntrySynchronizationSkipped',
      provisioningStepType: o.skip!.code === 'RedundantExport' ? 'matching' : 'scoping',
      status: 'skipped',
      description: `${label} will be skipped. Reason: ${o.skip!.why}.`,
      details: { SkipReason: o.skip!.code },
    });
  } else {
    steps.push({
      name: 'EntrySynchronizationScoping',
      provisioningStepType: 'scoping',
      status: 'success',
      description: `Determine if ${objType} in scope by evaluating against each scoping filter`,
      details: { 'Active in the source system': 'True', 'Assigned to the application': 'True' },
    });
    const matchDesc =
      o.action === 'create'
        ? `${targetLabel} will be created in ${tgtName} (${objType} is active and assigned in ${srcName}, but no matching User was found in ${tgtName})`
        : `${targetLabel} will be ${VERB[o.action]} in ${tgtName} (${objType} is assigned in ${srcName} and a matching User was found in ${tgtName})`;
    steps.push({
      name: `EntrySynchronization${w}`,
      provisioningStepType: 'matching',
      status: 'success',
      description: matchDesc,
      details: {},
    });
    steps.push({
      name: `EntryExport${w}`,
      provisioningStepType: 'export',
      status: o.status === 'failure' ? 'failure' : 'success',
      description:
        o.status === 'failure'
          ? `Failed to ${o.action === 'create' ? 'create' : 'update'} ${targetLabel} in ${tgtName}`
          : `${targetLabel} was ${VERB[o.action]} in ${tgtName}`,
      details: { ReportableIdentifier: inbound ? s.displayName : s.upn },
    });
  }
  // Skipped objects have an account in the target only when the skip is "nothing to change".
  const hasTarget =
    o.status === 'skipped'
      ? o.skip?.code === 'RedundantExport'
      : o.action !== 'create' || o.status === 'success';
  const durationInMilliseconds =
    o.status === 'skipped'
      ? rng.int(15, 250)
      : o.action === 'create'
        ? rng.int(900, 4200)
        : rng.int(250, 2200);
  return {
    id: guid(rng),
    activityDateTime: entraTime(t, rng),
    tenantId: tenant.id,
    jobId: job.jobId,
    cycleId,
    changeId: guid(rng),
    durationInMilliseconds:
      o.status === 'failure' ? durationInMilliseconds + rng.int(1000, 30_000) : durationInMilliseconds,
    provisioningAction: o.action,
    initiatedBy: { id: '', displayName: 'Azure AD Provisioning Service', initiatorType: 'system' },
    servicePrincipal: { id: job.sp.id, displayName: job.sp.displayName },
    sourceSystem: job.source,
    targetSystem: job.target,
    sourceIdentity: inbound
      ? { id: s.employeeId, displayName: s.displayName, identityType: 'Worker', details: {} }
      : { id: s.id, displayName: s.displayName, identityType: 'User', details: { UserPrincipalName: s.upn } },
    targetIdentity: {
      id: hasTarget ? targetAccountId(job.key, s) : '',
      displayName: hasTarget ? (inbound ? s.displayName : s.upn) : '',
      identityType: inbound ? 'user' : 'User',
      details: {},
    },
    provisioningStatusInfo: {
      status: o.status,
      // "If status isn't success / skipped, details for the error are contained in this."
      errorInformation: o.error
        ? {
            errorCode: o.error.errorCode,
            errorCategory: o.error.errorCategory,
            reason: o.error.reason,
            recommendedAction: o.error.recommendedAction,
            additionalDetails: null,
          }
        : null,
    },
    provisioningSteps: steps,
    modifiedProperties: o.status === 'skipped' ? [] : modifiedProps(job.key, o.action, s, rng, tenant),
  };
}

/** Background (non-lifecycle) records per cycle, per 1000 users, at the HR/IT workday peak. */
const BACKGROUND: Record<JobKey, { updates: number; skipped: number; failRate: number }> = {
  workday: { updates: 0.6, skipped: 3.5, failRate: 0.02 },
  servicenow: { updates: 0.7, skipped: 1.5, failRate: 0.02 },
  salesforce: { updates: 0.35, skipped: 0.8, failRate: 0.04 },
  adobe: { updates: 0.25, skipped: 0.6, failRate: 0.04 },
};

function provisioningHour(ctx: SimContext, hourStart: number, rng: Rng, emit: Emit): void {
  const tenant = ctx.tenant;
  const w = provWorld(tenant);
  const hourEnd = hourStart + HOUR;
  const scale = tenant.users.length / 1000;
  const { joiners, leavers } = lifecycleAround(ctx, hourStart);
  // HR changes follow the headquarters' working day; a floor keeps the night cycles non-empty.
  const hq = tenant.users[0]?.office.timeZone ?? 'UTC';
  const rhythm = 0.25 + workdayRhythm(hourStart + HOUR / 2, hq);
  const out: { t: number; r: SimRecord }[] = [];
  for (const job of w.jobs) {
    for (let start = cycleAtOrAfter(tenant, job.key, hourStart); start < hourEnd; start += CYCLE_INTERVAL) {
      const cycleId = guid(rng);
      let t = start + rng.int(1500, 6000);
      const next = () => {
        t += rng.int(300, 3500);
        return Math.min(t, hourEnd - rng.int(1, 999));
      };
      const add = (s: Subject, o: Outcome) => {
        const at = next();
        out.push({ t: at, r: record(tenant, job, cycleId, at, s, o, rng) });
      };
      const failOr = (action: Action, rate: number): Outcome =>
        rng.chance(rate)
          ? {
              action,
              status: 'failure',
              error: rng.pick(SAAS_ERRORS[job.key].filter((e) => action === 'create' || !e.createOnly)),
            }
          : { action, status: 'success' };
      // Lifecycle: joiners and leavers whose change reached this job since the last cycle.
      for (const j of joiners) {
        const due =
          job.key === 'workday'
            ? j.adTime === null
              ? null
              : j.adTime
            : j.saas.includes(job.key)
              ? j.entraTime + 15 * MINUTE
              : null;
        if (due === null) continue;
        if (pickupCycle(tenant, job.key, due) !== start) continue;
        add(joinerSubject(j), failOr('create', job.key === 'workday' ? 0.03 : 0.06));
      }
      for (const l of leavers) {
        const due =
          job.key === 'workday' ? l.adTime : l.saas.includes(job.key) ? l.entraTime + 5 * MINUTE : null;
        if (due === null) continue;
        if (pickupCycle(tenant, job.key, due) !== start) continue;
        add(subjectOf(tenant, l.user), failOr('disable', 0.02));
      }
      // Background: attribute updates of assigned users and skipped objects.
      const bg = BACKGROUND[job.key];
      const nUpd = job.assigned.length ? rng.poisson(bg.updates * scale * rhythm) : 0;
      for (let i = 0; i < nUpd; i++)
        add(subjectOf(tenant, rng.pick(job.assigned)), failOr('update', bg.failRate));
      const nSkip = rng.poisson(bg.skipped * scale * rhythm);
      for (let i = 0; i < nSkip; i++) {
        const skip = rng.pick(SKIPS[job.key === 'workday' ? 'workday' : 'saas']);
        // "Nothing to change" is about provisioned users; the other reasons about objects that
        // are not (contingent workers and future hires in Workday, unassigned users in Entra).
        const subject =
          skip.code === 'RedundantExport'
            ? subjectOf(tenant, rng.pick(job.assigned.length ? job.assigned : w.members))
            : job.key === 'workday'
              ? syntheticWorker(rng, skip.code)
              : subjectOf(tenant, rng.pick(job.unassigned.length ? job.unassigned : w.members));
        add(subject, {
          action: skip.code === 'FutureHire' ? 'create' : rng.chance(0.8) ? 'update' : 'other',
          status: 'skipped',
          skip,
        });
      }
    }
  }
  out.sort(byRecordTime('activityDateTime'));
  for (const o of out) emit('ProvisioningLogs', o.r);
}

/**
 * The cycle that processes a change due at `due`. Workday2AD times in the plan are already a
 * cycle start plus a few seconds (the record's own time), so they belong to that cycle.
 */
function pickupCycle(tenant: Tenant, job: JobKey, due: number): number {
  return job === 'workday' ? cycleAtOrAfter(tenant, job, due - MINUTE) : cycleAtOrAfter(tenant, job, due);
}

export const provisioningCycles: Generator = {
  name: 'provisioning-cycles',
  hour: provisioningHour,
};
