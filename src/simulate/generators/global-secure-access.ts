/**
 * Global Secure Access (schemas: registry/schemas/global-secure-access.ts):
 *
 * - networkAccessTraffic: the traffic of the users who run the GSA client (about a quarter of the
 *   members with a managed Windows or Mac laptop) during their working day — Microsoft 365
 *   profile traffic, internet traffic through web content filtering (some of it denied), and
 *   Private Access to on-premises apps through connectors — plus branch-office traffic from the
 *   remote networks.
 * - remoteNetworkHealth: each remote network (branch CPE ↔ Microsoft edge IPsec tunnel with BGP)
 *   reports "alive" every 5–15 minutes, with an occasional tunnel flap.
 * - enrichedOffice365Audit: SharePoint, Exchange and Teams audit events of the GSA users,
 *   enriched with the device and source address the traffic came from.
 */
import type { City } from '../reference-data.ts';
import { OFFICES } from '../reference-data.ts';
import { guid, hash32, type Rng, stableGuid } from '../rng.ts';
import type { Tenant, User } from '../tenant.ts';
import {
  type Emit,
  entraTime,
  type Generator,
  HOUR,
  type SimContext,
  type SimRecord,
  workdayRhythm,
} from '../types.ts';
import { type Departure, departuresAround } from './lifecycle.ts';
import { byRecordTime, MINUTE } from './provisioning.ts';

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function region(c: City): string {
  if (c.utcOffset <= -7) return 'westus2';
  if (c.utcOffset <= -4) return 'eastus';
  if (c.utcOffset < 0) return 'brazilsouth';
  if (c.utcOffset <= 2) return c.countryOrRegion === 'GB' ? 'uksouth' : 'westeurope';
  if (c.utcOffset <= 6) return 'centralindia';
  if (c.countryOrRegion === 'AU') return 'australiaeast';
  return 'southeastasia';
}

// ---------------------------------------------------------------------------------------------
// Tenant facts
// ---------------------------------------------------------------------------------------------

interface GsaUser {
  user: User;
  deviceId: string;
  os: string;
  osVersion: string;
  /** Private address on the laptop's network. */
  localIp: string;
  publicIp: string;
  agentVersion: string;
  userKey: string;
  browser: string;
}

interface RemoteNetwork {
  id: string;
  office: City;
  sourceIp: string;
  destinationIp: string;
  routes: number;
}

interface GsaWorld {
  users: GsaUser[];
  byZone: { zone: string; users: GsaUser[] }[];
  networks: RemoteNetwork[];
  quickAccessAppId: string;
  connectors: { id: string; name: string; ip: string }[];
  policies: { filtering: { id: string; name: string }; ruleIds: Record<string, string>; profileId: string };
  sharepointHost: string;
  onedriveHost: string;
}

const worlds = new WeakMap<Tenant, GsaWorld>();

function gsaWorld(tenant: Tenant): GsaWorld {
  let w = worlds.get(tenant);
  if (w) return w;
  const org = tenant.domain.split('.')[0]!;
  const users: GsaUser[] = [];
  for (const u of tenant.users) {
    const d = u.devices[0];
    if (u.userType !== 'member' || !d || !d.isManaged || !d.id) continue;
    const os = d.profile.operatingSystem;
    if (os !== 'Windows10' && os !== 'MacOs') continue;
    const h = hash32(`${u.id}:gsa`);
    if (h % 4 !== 0) continue; // the pilot: about a quarter of eligible users
    const win11 = (h >>> 8) % 3 !== 0;
    users.push({
      user: u,
      deviceId: d.id,
      os: os === 'MacOs' ? 'macOS' : win11 ? 'Windows 11 Enterprise' : 'Windows 10 Enterprise',
      osVersion: os === 'MacOs' ? '14.4.1' : win11 ? '10.0.22631' : '10.0.19045',
      localIp: `${(h >>> 4) % 2 ? '192.168' : '10.20'}.${(h >>> 12) % 250}.${2 + ((h >>> 20) % 250)}`,
      publicIp: `${u.office.ipPrefix}.${u.ipSuffix}`,
      agentVersion: os === 'MacOs' ? '1.1.24080' : (h >>> 16) % 2 ? '2.4.71' : '2.3.125',
      userKey: `i:0h.f|membership|10032000${hash32(`${u.id}:puid`).toString(16).padStart(8, '0')}@live.com`,
      browser: d.profile.browser.startsWith('Edge')
        ? 'msedge.exe'
        : d.profile.browser.startsWith('Safari')
          ? 'Safari'
          : 'chrome.exe',
    });
  }
  const byZone = new Map<string, GsaUser[]>();
  for (const g of users) {
    const list = byZone.get(g.user.office.timeZone) ?? [];
    list.push(g);
    byZone.set(g.user.office.timeZone, list);
  }
  // Branch offices connected as remote networks (not the headquarters).
  const branchNames = ['Chicago', 'Berlin', 'Bengaluru'];
  const networks = OFFICES.filter((o) => branchNames.includes(o.city)).map((o, i) => ({
    id: stableGuid(`${tenant.id}:rn:${o.city}`),
    office: o,
    sourceIp: `${o.ipPrefix}.0.${1 + i}`,
    destinationIp: `20.${118 + i * 3}.${(hash32(o.city) % 200) + 20}.${(hash32(`${o.city}:e`) % 250) + 1}`,
    routes: 6 + (hash32(`${tenant.id}:${o.city}:routes`) % 18),
  }));
  w = {
    users,
    byZone: [...byZone].map(([zone, list]) => ({ zone, users: list })),
    networks,
    quickAccessAppId: stableGuid(`${tenant.id}:quick-access`),
    connectors: [
      { id: stableGuid(`${tenant.id}:conn1`), name: 'connector-hq-01', ip: '10.10.0.4' },
      { id: stableGuid(`${tenant.id}:conn2`), name: 'connector-hq-02', ip: '10.10.0.5' },
    ],
    policies: {
      filtering: { id: stableGuid(`${tenant.id}:wcf`), name: 'Block risky categories' },
      ruleIds: {
        Gambling: stableGuid(`${tenant.id}:rule:gambling`),
        PeerToPeer: stableGuid(`${tenant.id}:rule:p2p`),
        CloudStorage: stableGuid(`${tenant.id}:rule:storage`),
        Phishing: stableGuid(`${tenant.id}:rule:threat`),
      },
      profileId: stableGuid(`${tenant.id}:profile:baseline`),
    },
    sharepointHost: `${org}.sharepoint.com`,
    onedriveHost: `${org}-my.sharepoint.com`,
  };
  worlds.set(tenant, w);
  return w;
}

// ---------------------------------------------------------------------------------------------
// Traffic
// ---------------------------------------------------------------------------------------------

interface Dest {
  fqdn: string;
  ip: string;
  port: number;
  categories: string;
  /** Web content filtering rule that denies it, if any. */
  deny?: 'Gambling' | 'PeerToPeer' | 'CloudStorage' | 'Phishing';
  weight: number;
  process?: string;
}

const INTERNET: Dest[] = [
  { fqdn: 'www.linkedin.com', ip: '13.107.42.14', port: 443, categories: 'SocialNetworking', weight: 6 },
  { fqdn: 'github.com', ip: '140.82.112.3', port: 443, categories: 'ComputersAndTechnology', weight: 5 },
  { fqdn: 'www.bbc.co.uk', ip: '151.101.0.81', port: 443, categories: 'NewsAndMedia', weight: 3 },
  {
    fqdn: 'www.google.com',
    ip: '142.250.80.36',
    port: 443,
    categories: 'SearchEnginesAndPortals',
    weight: 8,
  },
  {
    fqdn: 'stackoverflow.com',
    ip: '104.18.32.7',
    port: 443,
    categories: 'ComputersAndTechnology',
    weight: 3,
  },
  { fqdn: 'www.amazon.com', ip: '52.94.236.248', port: 443, categories: 'Shopping', weight: 2 },
  { fqdn: 'zoom.us', ip: '170.114.52.2', port: 443, categories: 'Business', weight: 2 },
  { fqdn: 'contoso.my.salesforce.com', ip: '13.108.238.130', port: 443, categories: 'Business', weight: 3 },
  { fqdn: 'contoso.service-now.com', ip: '149.96.5.10', port: 443, categories: 'Business', weight: 2 },
  {
    fqdn: 'www.bet365.com',
    ip: '104.18.6.90',
    port: 443,
    categories: 'Gambling',
    deny: 'Gambling',
    weight: 0.3,
  },
  {
    fqdn: 'www.utorrent.com',
    ip: '104.26.10.166',
    port: 443,
    categories: 'PeerToPeer',
    deny: 'PeerToPeer',
    weight: 0.15,
  },
  {
    fqdn: 'www.dropbox.com',
    ip: '162.125.6.18',
    port: 443,
    categories: 'CloudStorage',
    deny: 'CloudStorage',
    weight: 0.6,
  },
  {
    fqdn: 'login-microsoftonline-secure.com',
    ip: '185.225.73.40',
    port: 443,
    categories: 'Phishing',
    deny: 'Phishing',
    weight: 0.05,
  },
];

interface M365Dest extends Dest {
  appId: string;
}

function m365(w: GsaWorld): M365Dest[] {
  return [
    {
      fqdn: 'outlook.office365.com',
      ip: '52.96.165.2',
      port: 443,
      categories: '',
      weight: 5,
      appId: '00000002-0000-0ff1-ce00-000000000000',
      process: 'OUTLOOK.EXE',
    },
    {
      fqdn: w.sharepointHost,
      ip: '13.107.136.9',
      port: 443,
      categories: '',
      weight: 4,
      appId: '00000003-0000-0ff1-ce00-000000000000',
    },
    {
      fqdn: w.onedriveHost,
      ip: '13.107.136.10',
      port: 443,
      categories: '',
      weight: 3,
      appId: '00000003-0000-0ff1-ce00-000000000000',
      process: 'OneDrive.exe',
    },
    {
      fqdn: 'teams.microsoft.com',
      ip: '52.113.194.132',
      port: 443,
      categories: '',
      weight: 4,
      appId: 'cc15fd57-2c6c-4117-a88c-83b1d56b4bbe',
      process: 'ms-teams.exe',
    },
  ];
}

const PRIVATE: Dest[] = [
  {
    fqdn: 'fileserver01.corp.contoso.com',
    ip: '10.20.1.15',
    port: 445,
    categories: '',
    weight: 4,
    process: 'explorer.exe',
  },
  { fqdn: 'intranet.corp.contoso.com', ip: '10.20.2.20', port: 443, categories: '', weight: 4 },
  { fqdn: 'erp.corp.contoso.com', ip: '10.20.3.40', port: 8443, categories: '', weight: 2 },
  {
    fqdn: 'jump01.corp.contoso.com',
    ip: '10.20.9.10',
    port: 3389,
    categories: '',
    weight: 0.5,
    process: 'mstsc.exe',
  },
];

function pickDest<T extends Dest>(rng: Rng, list: T[]): T {
  return rng.weighted(
    list,
    list.map((d) => d.weight),
  );
}

function traffic(
  w: GsaWorld,
  tenant: Tenant,
  rng: Rng,
  g: GsaUser | null,
  net: RemoteNetwork | null,
  t: number,
): SimRecord {
  const kind = g
    ? rng.weighted(['microsoft365', 'internet', 'private'] as const, [55, 35, 10])
    : rng.weighted(['microsoft365', 'internet'] as const, [60, 40]);
  const office = g ? g.user.office : net!.office;
  let dest: Dest;
  let appId = '';
  if (kind === 'microsoft365') {
    const d = pickDest(rng, m365(w));
    dest = d;
    appId = d.appId;
  } else if (kind === 'private') {
    dest = pickDest(rng, PRIVATE);
    appId = w.quickAccessAppId;
  } else dest = pickDest(rng, INTERNET);
  const denied = !!dest.deny;
  const connector = kind === 'private' ? rng.pick(w.connectors) : null;
  const web = kind === 'internet';
  const received = denied
    ? rng.int(0, 900)
    : kind === 'private' && dest.port === 445
      ? rng.int(50_000, 40_000_000)
      : rng.int(2_000, 3_500_000);
  const sent = denied ? rng.int(300, 1_800) : rng.int(800, Math.max(1_000, Math.floor(received / 8)));
  const path = web ? rng.pick(['/', '/feed/', '/search?q=quarterly+report', '/login', '/products']) : '';
  return {
    transactionId: guid(rng),
    timeGenerated: entraTime(t, rng),
    accessType: kind === 'private' ? 'QuickAccess' : '',
    action: denied ? 'Denied' : 'Allowed',
    agentVersion: g ? g.agentVersion : '',
    appId,
    connectionId: guid(rng),
    connectionStatus: denied ? 'Closed' : rng.weighted(['Closed', 'Active', 'Open'], [85, 10, 5]),
    connectorId: connector?.id ?? '',
    connectorIp: connector?.ip ?? '',
    connectorName: connector?.name ?? '',
    description: denied ? `Blocked by web content filtering: ${dest.categories}` : '',
    destinationFqdn: dest.fqdn,
    destinationIp: dest.ip,
    destinationPort: dest.port,
    destinationUrl: web ? `https://${dest.fqdn}${path}` : '',
    destinationWebCategories: dest.categories,
    deviceCategory: g ? 'Client' : 'Branch',
    deviceId: g ? g.deviceId : '',
    deviceOperatingSystem: g ? g.os : '',
    deviceOperatingSystemVersion: g ? g.osVersion : '',
    filteringProfileId: web ? w.policies.profileId : '',
    filteringProfileName: web ? 'Baseline profile' : '',
    initiatingProcessName: g
      ? (dest.process ?? (web || dest.port === 443 || dest.port === 8443 ? g.browser : ''))
      : '',
    networkProtocol: 'IPv4',
    originHeader: '',
    policyId: denied ? w.policies.filtering.id : '',
    policyName: denied ? w.policies.filtering.name : kind === 'private' ? 'Quick Access' : '',
    policyRuleId: denied ? w.policies.ruleIds[dest.deny!]! : '',
    processingRegion: region(office),
    receivedBytes: received,
    referrerHeader: web && rng.chance(0.3) ? 'https://www.google.com/' : '',
    resourceTenantId: kind === 'microsoft365' ? tenant.id : '',
    ruleName: denied ? `Block ${dest.deny}` : '',
    sentBytes: sent,
    sessionId: guid(rng),
    sourceIp: g ? g.localIp : net!.sourceIp,
    sourcePort: rng.int(49152, 65535),
    threatType: dest.deny === 'Phishing' ? 'Phishing' : '',
    trafficType: kind,
    transportProtocol: 'tcp',
    userId: g ? g.user.id : '',
    userPrincipalName: g ? g.user.userPrincipalName : '',
    xForwardedFor: '',
  };
}

/** Flows per GSA user per hour at full working rhythm. */
const FLOWS_PER_USER_HOUR = 1.6;

/** Whether the user's account was disabled (HR leaver) by `t`: the client has no token any more. */
function disabledBy(gone: Map<string, Departure>, g: GsaUser, t: number): boolean {
  if (gone.size === 0) return false;
  const dep = gone.get(g.user.id);
  return dep !== undefined && dep.disabledAt <= t;
}
/** Branch (remote network) flows per hour at the branch's full working rhythm. */
const BRANCH_FLOWS_HOUR = 8;

function trafficHour(ctx: SimContext, hourStart: number, rng: Rng, emit: Emit): void {
  const w = gsaWorld(ctx.tenant);
  const mid = hourStart + HOUR / 2;
  const out: { t: number; r: SimRecord }[] = [];
  const gone = departuresAround(ctx, hourStart);
  for (const b of w.byZone) {
    const n = rng.poisson(b.users.length * FLOWS_PER_USER_HOUR * workdayRhythm(mid, b.zone));
    for (let i = 0; i < n; i++) {
      const t = hourStart + rng.int(0, HOUR - 1);
      const g = rng.pick(b.users);
      if (disabledBy(gone, g, t)) continue;
      out.push({ t, r: traffic(w, ctx.tenant, rng, g, null, t) });
    }
  }
  for (const net of w.networks) {
    const n = rng.poisson(BRANCH_FLOWS_HOUR * (0.1 + workdayRhythm(mid, net.office.timeZone)));
    for (let i = 0; i < n; i++) {
      const t = hourStart + rng.int(0, HOUR - 1);
      out.push({ t, r: traffic(w, ctx.tenant, rng, null, net, t) });
    }
  }
  out.sort(byRecordTime('timeGenerated'));
  for (const o of out) emit('NetworkAccessTrafficLogs', o.r);
}

export const networkAccessTraffic: Generator = { name: 'gsa-network-traffic', hour: trafficHour };

// ---------------------------------------------------------------------------------------------
// Remote network health
// ---------------------------------------------------------------------------------------------

/** Chance per network-hour that the IPsec tunnel flaps (≈ once a week per network). */
const FLAP_PER_HOUR = 1 / 160;

function healthHour(ctx: SimContext, hourStart: number, rng: Rng, emit: Emit): void {
  const w = gsaWorld(ctx.tenant);
  const end = hourStart + HOUR;
  const out: { t: number; r: SimRecord }[] = [];
  for (const net of w.networks) {
    const rec = (t: number, status: string, description: string, bytes: boolean): void => {
      const busy = 0.1 + workdayRhythm(t, net.office.timeZone);
      out.push({
        t,
        r: {
          id: guid(rng),
          createdDateTime: entraTime(t, rng),
          bgpRoutesAdvertisedCount:
            status.startsWith('bgpDisconnected') || status === 'tunnelDisconnected' ? 0 : net.routes,
          description,
          destinationIp: net.destinationIp,
          receivedBytes: bytes ? Math.round(rng.int(2_000_000, 60_000_000) * busy) : 0,
          remoteNetworkId: net.id,
          sentBytes: bytes ? Math.round(rng.int(500_000, 15_000_000) * busy) : 0,
          sourceIp: net.sourceIp,
          status,
        },
      });
    };
    let flapAt = rng.chance(FLAP_PER_HOUR) ? hourStart + rng.int(5, 40) * MINUTE : null;
    for (let t = hourStart + rng.int(0, 5 * MINUTE); t < end; t += rng.int(5 * MINUTE, 15 * MINUTE)) {
      if (flapAt !== null && t >= flapAt) {
        let f = flapAt;
        rec(
          f,
          'tunnelDisconnected',
          'IPsec tunnel to the Microsoft gateway is down: dead peer detection timeout',
          false,
        );
        f += rng.int(1_000, 5_000);
        rec(f, 'bgpDisconnected', `BGP session with ${net.destinationIp} is down`, false);
        f += rng.int(1, 10) * MINUTE;
        if (f < end) rec(f, 'tunnelConnected', 'IPsec tunnel to the Microsoft gateway is up', false);
        f += rng.int(5_000, 40_000);
        if (f < end) rec(f, 'bgpConnected', `BGP session established with ${net.destinationIp}`, false);
        t = Math.max(t, f);
        flapAt = null;
        continue;
      }
      rec(t, 'remoteNetworkAlive', 'Remote network is alive', true);
    }
  }
  out.sort(byRecordTime('createdDateTime'));
  for (const o of out) emit('RemoteNetworkHealthLogs', o.r);
}

export const remoteNetworkHealth: Generator = { name: 'gsa-remote-network-health', hour: healthHour };

// ---------------------------------------------------------------------------------------------
// Enriched Microsoft 365 audit
// ---------------------------------------------------------------------------------------------

const FILES = [
  ['Shared Documents/Quarterly report.docx', 'docx'],
  ['Shared Documents/Budget 2024.xlsx', 'xlsx'],
  ['Shared Documents/Roadmap.pptx', 'pptx'],
  ['Shared Documents/Contracts/MSA draft.pdf', 'pdf'],
  ['Shared Documents/Onboarding checklist.docx', 'docx'],
  ['Shared Documents/Pipeline.xlsx', 'xlsx'],
] as const;

const SITES = ['finance', 'sales', 'engineering', 'hr', 'marketing', 'allcompany', 'it'];

function uniqueTokenId(rng: Rng): string {
  let s = '';
  for (let i = 0; i < 22; i++) s += B64URL[rng.int(0, 63)];
  return s;
}

function enriched(w: GsaWorld, tenant: Tenant, rng: Rng, g: GsaUser, t: number): SimRecord {
  const workload = rng.weighted(['SharePoint', 'Exchange', 'MicrosoftTeams'] as const, [60, 25, 15]);
  let operation: string;
  let recordType: number;
  let objectId: string;
  let additionalProperties: Record<string, unknown>;
  if (workload === 'SharePoint') {
    const site = rng.pick(SITES);
    const [file, ext] = rng.pick(FILES);
    operation = rng.weighted(
      ['FileAccessed', 'FilePreviewed', 'FileModified', 'FileDownloaded', 'FileUploaded', 'PageViewed'],
      [10, 4, 5, 3, 2, 3],
    );
    recordType = operation === 'PageViewed' ? 4 : 6;
    const siteUrl = `https://${w.sharepointHost}/sites/${site}/`;
    objectId = operation === 'PageViewed' ? `${siteUrl}SitePages/Home.aspx` : `${siteUrl}${file}`;
    additionalProperties = {
      SiteUrl: siteUrl,
      SourceRelativeUrl: operation === 'PageViewed' ? 'SitePages' : file.split('/').slice(0, -1).join('/'),
      SourceFileName: operation === 'PageViewed' ? 'Home.aspx' : file.split('/').pop(),
      SourceFileExtension: operation === 'PageViewed' ? 'aspx' : ext,
      ItemType: operation === 'PageViewed' ? 'Page' : 'File',
      ListItemUniqueId: guid(rng),
      Platform: g.os.startsWith('mac') ? 'MacDesktop' : 'WinDesktop',
      IsManagedDevice: true,
      GeoLocation: g.user.office.utcOffset < 0 ? 'NAM' : g.user.office.utcOffset <= 3 ? 'EUR' : 'APC',
    };
  } else if (workload === 'Exchange') {
    operation = rng.weighted(['MailItemsAccessed', 'Send', 'MoveToDeletedItems', 'Update'], [8, 3, 2, 1]);
    recordType = operation === 'MailItemsAccessed' ? 50 : 2;
    objectId = operation === 'MailItemsAccessed' ? '' : `<${guid(rng)}@${tenant.domain}>`;
    additionalProperties = {
      MailboxOwnerUPN: g.user.userPrincipalName,
      MailboxGuid: guid(rng),
      ClientInfoString: 'Client=OWA;Action=ViaProxy',
      LogonType: 0,
      ...(operation === 'MailItemsAccessed'
        ? { OperationCount: rng.int(1, 40), MailAccessType: 'Bind' }
        : {}),
    };
  } else {
    operation = rng.weighted(['MessageSent', 'ChatCreated', 'MessageRead'], [6, 1, 3]);
    recordType = 25;
    objectId = '';
    additionalProperties = {
      ChatThreadId: `19:${guid(rng).replace(/-/g, '')}@thread.v2`,
      CommunicationType: rng.pick(['OneOnOne', 'GroupChat', 'Team']),
      ClientApplication: 'Teams',
    };
  }
  return {
    id: guid(rng),
    timeGenerated: entraTime(t, rng),
    actorUserType: 'Regular',
    additionalProperties,
    clientIp: g.publicIp,
    deviceId: g.deviceId,
    deviceOperatingSystem: g.os,
    deviceOperatingSystemVersion: g.osVersion,
    objectId,
    operation,
    organizationId: tenant.id,
    recordType,
    resultStatus: rng.chance(0.99) ? 'Succeeded' : 'Failed',
    sourceIp: g.localIp,
    uniqueTokenId: uniqueTokenId(rng),
    userId: g.user.userPrincipalName,
    userKey: g.userKey,
    userType: 'Regular',
    workload,
  };
}

/** Enriched Microsoft 365 audit events per GSA user per hour at full working rhythm. */
const M365_EVENTS_PER_USER_HOUR = 0.6;

function enrichedHour(ctx: SimContext, hourStart: number, rng: Rng, emit: Emit): void {
  const w = gsaWorld(ctx.tenant);
  const mid = hourStart + HOUR / 2;
  const out: { t: number; r: SimRecord }[] = [];
  const gone = departuresAround(ctx, hourStart);
  for (const b of w.byZone) {
    const n = rng.poisson(b.users.length * M365_EVENTS_PER_USER_HOUR * workdayRhythm(mid, b.zone));
    for (let i = 0; i < n; i++) {
      const t = hourStart + rng.int(0, HOUR - 1);
      const g = rng.pick(b.users);
      if (disabledBy(gone, g, t)) continue;
      out.push({ t, r: enriched(w, ctx.tenant, rng, g, t) });
    }
  }
  out.sort(byRecordTime('timeGenerated'));
  for (const o of out) emit('EnrichedOffice365AuditLogs', o.r);
}

export const enrichedOffice365Audit: Generator = { name: 'gsa-enriched-m365-audit', hour: enrichedHour };
