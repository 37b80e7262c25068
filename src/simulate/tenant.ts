/**
 * The simulated tenant: who and what exists in it. Built deterministically from a seed; every
 * generator reads it, so a user who signs in is the user whose audit events appear too.
 */
import {
  type AppInfo,
  type City,
  DEPARTMENTS,
  DEVICE_PROFILES,
  type DeviceProfile,
  FIRST_NAMES,
  FIRST_PARTY_APPS,
  LAST_NAMES,
  OFFICES,
  RESOURCES,
  THIRD_PARTY_APP_NAMES,
} from './reference-data.ts';
import { Rng } from './rng.ts';

export interface Device {
  id: string;
  displayName: string;
  profile: DeviceProfile;
  isCompliant: boolean;
  isManaged: boolean;
}

export interface User {
  id: string;
  displayName: string;
  givenName: string;
  surname: string;
  /** Lower case, as sign-in logs store it; guests carry `#ext#`. */
  userPrincipalName: string;
  mail: string;
  department: string;
  jobTitle: string;
  office: City;
  userType: 'member' | 'guest';
  /** Entra directory roles held (display names), e.g. 'Global Administrator'. */
  roles: string[];
  devices: Device[];
  /** Apps this user uses, with the user's own preference weights. */
  apps: AppInfo[];
  appWeights: number[];
  /** Uses MFA by phone app (most) or SMS/voice. */
  mfaMethod:
    | 'Mobile app notification'
    | 'Text message'
    | 'OATH verification code'
    | 'Phone call approval (Authentication phone)';
  /** Number of the address inside the office's /16, so the same user keeps an IP. */
  ipSuffix: string;
  /** Sign-in activity level multiplier (some people sign in far more than others). */
  activity: number;
  enabled: boolean;
  manager?: string;
}

export interface Group {
  id: string;
  displayName: string;
  groupType: 'unifiedGroups' | 'azureAD';
  members: string[];
}

export interface ServicePrincipal {
  id: string;
  appId: string;
  displayName: string;
  /** Credential it authenticates with. */
  credential: 'clientSecret' | 'certificate' | 'federatedIdentityCredential';
  /** Calls per hour on average. */
  rate: number;
  resource: { id: string; displayName: string };
  ip: string;
  location: City;
}

export interface ManagedIdentity {
  id: string;
  appId: string;
  displayName: string;
  msiType: 'systemAssigned' | 'userAssigned';
  associatedResourceId: string;
  rate: number;
  resource: { id: string; displayName: string };
}

export interface ConditionalAccessPolicy {
  id: string;
  displayName: string;
  state: 'enabled' | 'enabledForReportingButNotEnforced';
  grantControls: string[];
  sessionControls: string[];
  /** Which sign-ins it applies to. */
  appliesTo: 'admins' | 'all' | 'legacy' | 'unmanagedDevices' | 'riskySignIns' | 'guests';
}

export interface NamedLocation {
  id: string;
  displayName: string;
  countries: string[];
  trusted: boolean;
}

export interface Tenant {
  id: string;
  domain: string;
  displayName: string;
  users: User[];
  groups: Group[];
  /** Enterprise apps: first-party and the tenant's third-party SaaS. */
  apps: AppInfo[];
  servicePrincipals: ServicePrincipal[];
  managedIdentities: ManagedIdentity[];
  policies: ConditionalAccessPolicy[];
  namedLocations: NamedLocation[];
  admins: User[];
}

export interface TenantOptions {
  seed: number | string;
  users: number;
  tenantId?: string;
  domain?: string;
}

const JOB_TITLES: Record<string, string[]> = {
  Sales: ['Account Executive', 'Sales Manager'],
  Marketing: ['Marketing Manager', 'Content Strategist'],
  Engineering: ['Software Engineer', 'Senior Software Engineer', 'Engineering Manager'],
  Finance: ['Financial Analyst', 'Controller'],
  'Human Resources': ['HR Generalist', 'Recruiter'],
  Legal: ['Counsel', 'Paralegal'],
  Operations: ['Operations Analyst', 'Program Manager'],
  Support: ['Support Engineer', 'Support Lead'],
  IT: ['IT Administrator', 'Systems Engineer'],
  Executive: ['Vice President', 'Chief of Staff'],
};

const SP_CREDENTIALS = [
  'clientSecret',
  'certificate',
  'clientSecret',
  'federatedIdentityCredential',
  'clientSecret',
  'certificate',
] as const;

const ADMIN_ROLES = [
  'Global Administrator',
  'User Administrator',
  'Security Administrator',
  'Application Administrator',
  'Groups Administrator',
  'Privileged Role Administrator',
  'Conditional Access Administrator',
  'Helpdesk Administrator',
];

export function buildTenant(opts: TenantOptions): Tenant {
  const rng = new Rng(`tenant:${opts.seed}`);
  const domain = opts.domain ?? 'contoso.com';
  const id = opts.tenantId ?? rng.guid();

  const apps: AppInfo[] = [
    ...FIRST_PARTY_APPS,
    ...THIRD_PARTY_APP_NAMES.map((name) => ({
      appId: rng.guid(),
      displayName: name,
      weight: 2,
      resource: { id: rng.guid(), displayName: name },
      firstParty: false,
    })),
  ];

  const users: User[] = [];
  const taken = new Set<string>();
  // Offices get people in proportion to a headquarters-heavy distribution.
  const officeWeights = OFFICES.map((_, i) => (i === 0 ? 6 : i < 3 ? 3 : 1.5));
  for (let i = 0; i < opts.users; i++) {
    const given = rng.pick(FIRST_NAMES);
    const surname = rng.pick(LAST_NAMES);
    let local = `${given}.${surname}`.toLowerCase();
    if (taken.has(local)) local = `${local}${i}`;
    taken.add(local);
    const guest = rng.chance(0.05);
    const guestDomain = rng.pick(['fabrikam.com', 'northwindtraders.com', 'adatum.com', 'woodgrovebank.com']);
    const userPrincipalName = guest ? `${local}_${guestDomain}#ext#@${domain}` : `${local}@${domain}`;
    const department = rng.pick(DEPARTMENTS);
    const devices: Device[] = [];
    const nDevices = rng.weighted([1, 2, 3], [5, 4, 1]);
    for (let d = 0; d < nDevices; d++) {
      const profile =
        d === 0 ? rng.pick(DEVICE_PROFILES.filter((p) => !p.mobile)) : rng.pick(DEVICE_PROFILES);
      const managed = !guest && profile.trustType !== '';
      devices.push({
        id: managed ? rng.guid() : '',
        displayName: managed ? `${profile.mobile ? 'PHONE' : 'LAPTOP'}-${rng.hex(6).toUpperCase()}` : '',
        profile,
        isCompliant: managed && rng.chance(0.92),
        isManaged: managed,
      });
    }
    const userApps = apps.filter((a) => a.firstParty || rng.chance(0.3));
    users.push({
      id: rng.guid(),
      displayName: `${given} ${surname}`,
      givenName: given,
      surname,
      userPrincipalName,
      mail: guest ? `${local}@${guestDomain}` : `${local}@${domain}`,
      department,
      jobTitle: rng.pick(JOB_TITLES[department]!),
      office: rng.weighted(OFFICES, officeWeights),
      userType: guest ? 'guest' : 'member',
      roles: [],
      devices,
      apps: userApps,
      appWeights: userApps.map((a) => a.weight * (0.5 + rng.next())),
      mfaMethod: rng.weighted(
        [
          'Mobile app notification',
          'Text message',
          'OATH verification code',
          'Phone call approval (Authentication phone)',
        ] as const,
        [80, 12, 5, 3],
      ),
      ipSuffix: `${rng.int(0, 255)}.${rng.int(1, 254)}`,
      activity: Math.max(0.2, rng.normal(1, 0.35)),
      enabled: true,
    });
  }
  // A few admins, drawn from members in IT first.
  const members = users.filter((u) => u.userType === 'member');
  const nAdmins = Math.max(2, Math.round(users.length * 0.01));
  const itFirst = [...members].sort((a, b) => Number(b.department === 'IT') - Number(a.department === 'IT'));
  const admins = itFirst.slice(0, Math.min(nAdmins, itFirst.length));
  admins.forEach((u, i) => {
    u.roles.push(i < 2 ? 'Global Administrator' : ADMIN_ROLES[1 + (i % (ADMIN_ROLES.length - 1))]!);
  });
  for (const u of members) if (!u.roles.length && rng.chance(0.3)) u.manager = rng.pick(members).id;

  const groups: Group[] = [
    ...DEPARTMENTS.map((d) => ({
      id: rng.guid(),
      displayName: `${d} Team`,
      groupType: 'unifiedGroups' as const,
      members: users.filter((u) => u.department === d).map((u) => u.id),
    })),
    ...['All Employees', 'VPN Users', 'Licensed E5', 'MFA Exclusions', 'Privileged Access Workstations'].map(
      (name) => ({
        id: rng.guid(),
        displayName: name,
        groupType: 'azureAD' as const,
        members: users
          .filter(() => rng.chance(name === 'All Employees' ? 1 : name === 'MFA Exclusions' ? 0.02 : 0.2))
          .map((u) => u.id),
      }),
    ),
  ];

  const spNames = [
    'Contoso Payroll Sync',
    'Contoso CRM Connector',
    'Backup Automation',
    'Terraform Deployer',
    'HR Data Export',
    'SIEM Collector',
  ];
  const spResources = [
    RESOURCES.graph,
    RESOURCES.graph,
    RESOURCES.storage,
    RESOURCES.azureManagement,
    RESOURCES.graph,
    RESOURCES.graph,
  ];
  const servicePrincipals: ServicePrincipal[] = spNames.map((name, i) => ({
    id: rng.guid(),
    appId: rng.guid(),
    displayName: name,
    // Fixed by position, so every tenant has principals of each credential kind and rate.
    credential: SP_CREDENTIALS[i % SP_CREDENTIALS.length]!,
    rate: [12, 4, 30, 12, 60, 4][i % 6]!,
    resource: spResources[i]!,
    ip: `${rng.pick(['20.190', '40.126', '52.168', '13.107'])}.${rng.int(0, 255)}.${rng.int(1, 254)}`,
    location: rng.pick(OFFICES.slice(0, 5)),
  }));
  const miNames = [
    'func-payroll-prod',
    'app-intranet-prod',
    'vm-build-agent-01',
    'aks-platform-prod',
    'logic-hr-onboarding',
  ];
  const managedIdentities: ManagedIdentity[] = miNames.map((name) => {
    const kind = name.startsWith('func')
      ? 'Microsoft.Web/sites'
      : name.startsWith('vm')
        ? 'Microsoft.Compute/virtualMachines'
        : name.startsWith('aks')
          ? 'Microsoft.ContainerService/managedClusters'
          : name.startsWith('logic')
            ? 'Microsoft.Logic/workflows'
            : 'Microsoft.Web/sites';
    const sub = rng.guid();
    return {
      id: rng.guid(),
      appId: rng.guid(),
      displayName: name,
      msiType: rng.chance(0.7) ? ('systemAssigned' as const) : ('userAssigned' as const),
      associatedResourceId: `/subscriptions/${sub}/resourceGroups/rg-${name.split('-')[1]}/providers/${kind}/${name}`,
      // Managed identities cache tokens for hours: a few sign-ins per hour each.
      rate: rng.pick([2, 4, 8]),
      resource: rng.pick([RESOURCES.keyVault, RESOURCES.storage, RESOURCES.graph, RESOURCES.azureManagement]),
    };
  });

  const policies: ConditionalAccessPolicy[] = [
    {
      name: 'Require MFA for administrators',
      grant: ['Mfa'],
      session: [],
      applies: 'admins' as const,
      state: 'enabled' as const,
    },
    {
      name: 'Require MFA for all users',
      grant: ['Mfa'],
      session: [],
      applies: 'all' as const,
      state: 'enabled' as const,
    },
    {
      name: 'Block legacy authentication',
      grant: ['Block'],
      session: [],
      applies: 'legacy' as const,
      state: 'enabled' as const,
    },
    {
      name: 'Require compliant device',
      grant: ['RequireCompliantDevice'],
      session: [],
      applies: 'unmanagedDevices' as const,
      state: 'enabledForReportingButNotEnforced' as const,
    },
    {
      name: 'Sign-in risk policy',
      grant: ['Mfa'],
      session: ['SignInFrequency'],
      applies: 'riskySignIns' as const,
      state: 'enabled' as const,
    },
    {
      name: 'Guest access terms of use',
      grant: ['TermsOfUse'],
      session: [],
      applies: 'guests' as const,
      state: 'enabledForReportingButNotEnforced' as const,
    },
  ].map((p) => ({
    id: rng.guid(),
    displayName: p.name,
    state: p.state,
    grantControls: p.grant,
    sessionControls: p.session,
    appliesTo: p.applies,
  }));

  const namedLocations: NamedLocation[] = [
    {
      id: rng.guid(),
      displayName: 'Corporate offices',
      countries: [...new Set(OFFICES.map((o) => o.countryOrRegion))],
      trusted: true,
    },
    { id: rng.guid(), displayName: 'Blocked countries', countries: ['RU', 'KP', 'IR'], trusted: false },
  ];

  return {
    id,
    domain,
    displayName: 'Contoso',
    users,
    groups,
    apps,
    servicePrincipals,
    managedIdentities,
    policies,
    namedLocations,
    admins,
  };
}
