/**
 * More realistic Entra queries (Sentinel detections and hunting, workbook and docs queries, seed
 * 002/003 questions) over the same fixed dataset as kql-entra-queries.int.test.ts; each expected
 * result is computed in plain JS from the Graph-shaped records (test/helpers/kql-entra.ts).
 */
import { createHash } from 'node:crypto';
import { geoInfo } from '../src/query/kql/geo.ts';
import { buildWatchlist } from '../src/watchlists/build.ts';
import {
  binTime,
  byAll,
  byKey,
  type Case,
  countBy,
  day,
  describeCases,
  distinct,
  FROM,
  failed,
  hour,
  isoTime,
  type R,
  recs,
  signIns,
  TENANT,
  TO,
} from './helpers/kql-entra.ts';
import { anomalies, decompose, outliers } from './helpers/series-reference.ts';

const audit = () => recs('AuditLogs');
const graph = () => recs('MicrosoftGraphActivityLogs');
const nonInteractive = () => recs('NonInteractiveUserSignInLogs');
const spSignIns = () => recs('ServicePrincipalSignInLogs');
const miSignIns = () => recs('ManagedIdentitySignInLogs');
const provisioning = () => recs('ProvisioningLogs');
const traffic = () => recs('NetworkAccessTrafficLogs');
/** [key parts…, count] rows from a count over joined keys, sorted by every column. */
const countByParts = <T>(rows: T[], key: (r: T) => unknown[]) =>
  countBy(rows, (r) => JSON.stringify(key(r)))
    .map(([k, n]) => [...(JSON.parse(String(k)) as unknown[]), n])
    .sort(byAll);
const users = (rows: R[]) => distinct(rows.map((r) => r.userPrincipalName));
const round = (x: number, d: number) => Math.round(x * 10 ** d) / 10 ** d;
const upnOf = (r: R) => r.initiatedBy?.user?.userPrincipalName ?? '';
const appOf = (r: R) => r.initiatedBy?.app?.displayName ?? '';
const DAY = 86_400_000;
const HOUR = 3_600_000;
/** Hourly counts over [FROM, TO) per key, as make-series … default = 0 step 1h by key makes them. */
const hourlySeries = (rows: R[], key: (r: R) => string, time = (r: R) => r.createdDateTime as string) => {
  const m = new Map<string, number[]>();
  for (const r of rows) {
    const k = key(r);
    const xs = m.get(k) ?? Array.from({ length: (TO - FROM) / HOUR }, () => 0);
    xs[Math.floor((Date.parse(time(r)) - FROM) / HOUR)]!++;
    m.set(k, xs);
  }
  return [...m].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
};
const geoField = (ip: string, f: 'country' | 'city') => geoInfo(ip)?.[f] ?? '';
/** Microseconds since the epoch of a record time (idtrail keeps microseconds, Date.parse ms). */
const usOf = (t: string) =>
  Date.parse(`${t.slice(0, 19)}Z`) * 1000 +
  Number((t.split('.')[1] ?? '').replace('Z', '').padEnd(6, '0').slice(0, 6));
/** A record time as idtrail prints a datetime (6 fraction digits when there is a fraction). */
const outTime = (t: string) => {
  const us = usOf(t);
  const frac = us % 1_000_000;
  return `${new Date(Math.floor(us / 1000)).toISOString().slice(0, 19)}${frac ? `.${String(frac).padStart(6, '0')}` : ''}Z`;
};

// --- Watchlists (Sentinel's _GetWatchlist), made from the dataset in plain JS -------------------
/** A CSV field, quoted when it needs to be (RFC 4180). */
const csvField = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
const csv = (header: string[], rows: string[][]) =>
  [header, ...rows].map((r) => r.map(csvField).join(',')).join('\r\n');
/** Every 5th user (sorted): the VIPs, with a title that needs quoting and a tier. */
const vips = () =>
  users(signIns())
    .sort()
    .filter((_, i) => i % 5 === 0)
    .map((u, i) => [u, `Director, ${['Finance', 'Sales', 'IT', 'Legal', 'HR'][i % 5]}`, String((i % 2) + 1)]);
/** Every 4th sign-in address (sorted), with a reason. */
const suspiciousIps = () =>
  distinct(signIns().map((r) => r.ipAddress as string))
    .sort()
    .filter((_, i) => i % 4 === 0)
    .map((ip, i) => [ip, i % 2 ? 'password spray source' : 'TOR exit node']);
/** The first two service principals by name (sorted), by app id, with an owner. */
const highValueApps = () =>
  distinct(spSignIns().map((r) => `${r.servicePrincipalName}\t${r.appId}`))
    .sort()
    .slice(0, 2)
    .map((x, i) => [x.split('\t')[1]!, `owner${i}@contoso.com`]);
const vipOf = (upn: string) => vips().find((v) => v[0] === upn);
const ipReason = (ip: string) => suspiciousIps().find((v) => v[0] === ip)?.[1];

async function createWatchlists(db: {
  putWatchlist: (...a: ReturnType<typeof buildWatchlist>) => Promise<void>;
}) {
  const make = (alias: string, key: string, rawContent: string, numberOfLinesToSkip = 0) =>
    db.putWatchlist(
      ...buildWatchlist({
        tenant: TENANT,
        alias,
        displayName: alias,
        provider: 'Custom',
        source: `${alias}.csv`,
        itemsSearchKey: key,
        rawContent,
        contentType: 'text/csv',
        numberOfLinesToSkip,
        by: 'test',
      }),
    );
  await make('VIPUsers', 'UserPrincipalName', csv(['UserPrincipalName', 'Title', 'Tier'], vips()));
  await make('SuspiciousIPs', 'IPAddress', csv(['IPAddress', 'Reason'], suspiciousIps()));
  await make(
    'HighValueApps',
    'AppId',
    `# exported from the CMDB\r\n${csv(['AppId', 'Owner'], highValueApps())}`,
    1,
  );
}

const CASES: Case[] = [
  // --- watchlists (_GetWatchlist): Sentinel detection patterns ----------------------------------
  {
    name: "VIP users' failed sign-ins (let of _GetWatchlist SearchKey, then in)",
    kql: `let VIPs = _GetWatchlist('VIPUsers') | project SearchKey;
SigninLogs | where ResultType != "0" and UserPrincipalName in (VIPs)
| summarize Failures = count() by UserPrincipalName`,
    expect: () =>
      countBy(
        signIns().filter((r) => failed(r) && vipOf(r.userPrincipalName)),
        (r) => r.userPrincipalName,
      ),
  },
  {
    name: "VIP users' sign-ins with their title and tier (join kind=inner on $right.SearchKey)",
    kql: `SigninLogs
| join kind=inner (_GetWatchlist('VIPUsers')) on $left.UserPrincipalName == $right.SearchKey
| summarize SignIns = count(), Apps = dcount(AppDisplayName) by UserPrincipalName, Title, Tier`,
    expect: () =>
      users(signIns())
        .filter((u) => vipOf(u))
        .map((u) => {
          const rows = signIns().filter((r) => r.userPrincipalName === u);
          const [, title, tier] = vipOf(u)!;
          return [u, title, tier, rows.length, distinct(rows.map((r) => r.appDisplayName)).length];
        }),
  },
  {
    name: 'sign-ins from addresses on a watchlist: attempts, users and failures per address and reason',
    kql: `SigninLogs
| join kind=inner (_GetWatchlist('SuspiciousIPs') | project SearchKey, Reason) on $left.IPAddress == $right.SearchKey
| summarize Attempts = count(), Users = dcount(UserPrincipalName), Failures = countif(ResultType != "0") by IPAddress, Reason`,
    expect: () =>
      distinct(signIns().map((r) => r.ipAddress as string))
        .filter((ip) => ipReason(ip))
        .map((ip) => {
          const rows = signIns().filter((r) => r.ipAddress === ip);
          return [ip, ipReason(ip), rows.length, users(rows).length, rows.filter(failed).length];
        }),
  },
  {
    name: 'service principals on a high-value-asset watchlist (lookup kind=inner, header after a skipped line)',
    kql: `AADServicePrincipalSignInLogs
| lookup kind=inner (_GetWatchlist('HighValueApps') | project AppId = SearchKey, Owner) on AppId
| summarize SignIns = count(), IPs = dcount(IPAddress) by ServicePrincipalName, Owner`,
    expect: () =>
      highValueApps().map(([appId, owner]) => {
        const rows = spSignIns().filter((r) => r.appId === appId);
        return [
          rows[0]!.servicePrincipalName,
          owner,
          rows.length,
          distinct(rows.map((r) => r.ipAddress)).length,
        ];
      }),
  },
  {
    name: 'users who are not VIPs but signed in from a watchlisted address (!in, then in, over two watchlists)',
    kql: `let VIPs = _GetWatchlist('VIPUsers') | project UserPrincipalName;
let BadIPs = _GetWatchlist('SuspiciousIPs') | project SearchKey;
SigninLogs | where UserPrincipalName !in (VIPs) and IPAddress in (BadIPs)
| distinct UserPrincipalName`,
    expect: () =>
      users(signIns().filter((r) => !vipOf(r.userPrincipalName) && ipReason(r.ipAddress))).map((u) => [u]),
  },

  // --- SigninLogs: seed 002/003 questions and Sentinel detections ------------------------------
  {
    name: 'MFA share of sign-ins per app (countif over AuthenticationRequirement)',
    kql: `SigninLogs | summarize Total = count(), MFA = countif(AuthenticationRequirement == "multiFactorAuthentication") by AppDisplayName
| extend Pct = round(100.0 * MFA / Total, 2) | project AppDisplayName, Total, Pct | sort by AppDisplayName asc`,
    expect: () =>
      distinct(signIns().map((r) => r.appDisplayName))
        .sort()
        .map((a) => {
          const rows = signIns().filter((r) => r.appDisplayName === a);
          const mfa = rows.filter((r) => r.authenticationRequirement === 'multiFactorAuthentication').length;
          return [a, rows.length, round((100 * mfa) / rows.length, 2)];
        }),
  },
  {
    name: 'failure reasons (ResultDescription) of failed sign-ins',
    kql: 'SigninLogs | where ResultType != "0" | summarize count() by ResultType, ResultDescription | sort by count_ desc, ResultType asc',
    expect: () =>
      countBy(signIns().filter(failed), (r) =>
        JSON.stringify([String(r.status.errorCode), r.status.failureReason ?? '']),
      )
        .map(([k, n]) => [...JSON.parse(String(k)), n])
        .sort((a, b) => (b[2] as number) - (a[2] as number) || byKey(a, b)),
  },
  {
    name: 'sign-ins from outside the home country (Location)',
    kql: 'SigninLogs | where Location != "US" | summarize SignIns = count(), Users = dcount(UserPrincipalName) by Location | sort by Location asc',
    expect: () =>
      distinct(signIns().map((r) => r.location?.countryOrRegion ?? ''))
        .filter((c) => c !== 'US')
        .sort()
        .map((c) => {
          const rows = signIns().filter((r) => (r.location?.countryOrRegion ?? '') === c);
          return [c, rows.length, users(rows).length];
        }),
  },
  {
    name: 'users seen in more than one city (LocationDetails.city, make_set)',
    kql: `SigninLogs | summarize Cities = make_set(tostring(LocationDetails.city)) by UserPrincipalName
| where array_length(Cities) > 1 | project UserPrincipalName, N = array_length(Cities) | sort by UserPrincipalName asc`,
    expect: () =>
      users(signIns())
        .sort()
        .map((u) => [
          u,
          distinct(
            signIns()
              .filter((r) => r.userPrincipalName === u)
              .map((r) => r.location?.city ?? ''),
          ).length,
        ])
        .filter(([, n]) => (n as number) > 1),
  },
  {
    name: 'Sentinel: a failure followed by a success from the same IP (join on two keys)',
    kql: `let fails = SigninLogs | where ResultType != "0" | summarize Failures = count() by UserPrincipalName, IPAddress;
SigninLogs | where ResultType == "0" | summarize Successes = count() by UserPrincipalName, IPAddress
| join kind=inner fails on UserPrincipalName, IPAddress | project UserPrincipalName, IPAddress, Failures, Successes
| sort by UserPrincipalName asc, IPAddress asc`,
    expect: () => {
      const key = (r: R) => `${r.userPrincipalName}|${r.ipAddress}`;
      const f = countBy(signIns().filter(failed), key);
      const s = new Map(
        countBy(
          signIns().filter((r) => !failed(r)),
          key,
        ),
      );
      return f
        .filter(([k]) => s.has(k))
        .map(([k, n]) => [...String(k).split('|'), n, s.get(k)])
        .sort(byAll);
    },
  },
  {
    name: 'users who signed in on both days of the window (dcount of startofday)',
    kql: 'SigninLogs | summarize Days = dcount(startofday(TimeGenerated)) by UserPrincipalName | where Days == 2 | count',
    expect: () => [
      [
        users(signIns()).filter(
          (u) =>
            distinct(
              signIns()
                .filter((r) => r.userPrincipalName === u)
                .map((r) => day(r.createdDateTime)),
            ).length === 2,
        ).length,
      ],
    ],
  },
  {
    name: 'bad-password sign-ins from the dynamic Status (toint(Status.errorCode))',
    kql: 'SigninLogs | where toint(Status.errorCode) == 50126 | summarize count() by UserPrincipalName | sort by UserPrincipalName asc',
    expect: () =>
      countBy(
        signIns().filter((r) => r.status.errorCode === 50126),
        (r) => r.userPrincipalName,
      ).sort(byKey),
  },
  {
    name: 'report-only CA policy failures per policy (mv-expand ConditionalAccessPolicies)',
    kql: `SigninLogs | mv-expand CA = ConditionalAccessPolicies | where CA.result == "reportOnlyFailure"
| summarize SignIns = count(), Users = dcount(UserPrincipalName) by Policy = tostring(CA.displayName) | sort by Policy asc`,
    expect: () => {
      const hits = signIns().flatMap((r) =>
        ((r.appliedConditionalAccessPolicies ?? []) as R[])
          .filter((p) => p.result === 'reportOnlyFailure')
          .map((p) => ({ policy: p.displayName, user: r.userPrincipalName })),
      );
      return distinct(hits.map((h) => h.policy))
        .sort()
        .map((p) => {
          const h = hits.filter((x) => x.policy === p);
          return [p, h.length, distinct(h.map((x) => x.user)).length];
        });
    },
  },
  {
    name: 'top five apps with a rank (serialize, row_number)',
    kql: 'SigninLogs | summarize SignIns = count() by AppDisplayName | sort by SignIns desc, AppDisplayName asc | extend Rank = row_number() | where Rank <= 5 | project Rank, AppDisplayName, SignIns',
    expect: () =>
      countBy(signIns(), (r) => r.appDisplayName)
        .slice(0, 5)
        .map(([a, n], i) => [i + 1, a, n]),
  },
  {
    name: "gaps of more than an hour between a user's sign-ins (prev over a sorted user)",
    kql: `SigninLogs | sort by UserPrincipalName asc, TimeGenerated asc
| extend Gap = iff(prev(UserPrincipalName) == UserPrincipalName, TimeGenerated - prev(TimeGenerated), timespan(null))
| where Gap > 1h | summarize Gaps = count() by UserPrincipalName | sort by UserPrincipalName asc`,
    expect: () => {
      const out: [string, number][] = [];
      for (const u of users(signIns()).sort()) {
        const ts = signIns()
          .filter((r) => r.userPrincipalName === u)
          .map((r) => Date.parse(r.createdDateTime))
          .sort((a, b) => a - b);
        let n = 0;
        for (let i = 1; i < ts.length; i++) if (ts[i]! - ts[i - 1]! > 3_600_000) n++;
        if (n) out.push([u, n]);
      }
      return out;
    },
  },
  {
    name: 'users whose failure ratio is above 20%',
    kql: `SigninLogs | summarize Total = count(), Failed = countif(ResultType != "0") by UserPrincipalName
| where Failed * 1.0 / Total > 0.2 | project UserPrincipalName | sort by UserPrincipalName asc`,
    expect: () =>
      users(signIns())
        .sort()
        .filter((u) => {
          const rows = signIns().filter((r) => r.userPrincipalName === u);
          return rows.filter(failed).length / rows.length > 0.2;
        })
        .map((u) => [u]),
  },
  {
    name: 'browser families (extract from DeviceDetail.browser)',
    kql: 'SigninLogs | extend Family = extract(@"^(\\D+?) \\d", 1, tostring(DeviceDetail.browser)) | summarize count() by Family | sort by count_ desc, Family asc',
    expect: () => countBy(signIns(), (r) => /^(\D+?) \d/.exec(r.deviceDetail?.browser ?? '')?.[1] ?? ''),
  },
  {
    name: 'Chrome major versions from the user agent (parse kind=regex with a typed column)',
    kql: 'SigninLogs | parse kind=regex UserAgent with @".*Chrome/" Major:long @"\\." * | where isnotnull(Major) | summarize count() by Major | sort by Major asc',
    expect: () =>
      countBy(
        signIns().filter((r) => /Chrome\/\d+\./.test(r.userAgent ?? '')),
        (r) => Number(/.*Chrome\/(-?\d+)\./.exec(r.userAgent)![1]),
      ).sort((a, b) => Number(a[0]) - Number(b[0])),
  },
  {
    name: 'Windows versions from the user agent (parse-where)',
    kql: 'SigninLogs | parse-where UserAgent with * "Windows NT " Version ";" * | summarize count() by Version | sort by Version asc',
    expect: () =>
      countBy(
        signIns().filter((r) => /Windows NT (.*?);/s.test(r.userAgent ?? '')),
        (r) => /Windows NT (.*?);/s.exec(r.userAgent)![1],
      ).sort(byKey),
  },
  {
    name: 'sign-ins by client app, case-insensitively (=~ and has)',
    kql: 'SigninLogs | summarize Browser = countif(ClientAppUsed =~ "BROWSER"), Desktop = countif(ClientAppUsed has "desktop")',
    expect: () => [
      [
        signIns().filter((r) => String(r.clientAppUsed).toLowerCase() === 'browser').length,
        signIns().filter((r) => /(^|[^a-z0-9])desktop($|[^a-z0-9])/i.test(r.clientAppUsed ?? '')).length,
      ],
    ],
  },
  {
    name: 'successful authentication methods (mv-apply over the parsed AuthenticationDetails)',
    kql: `SigninLogs | mv-apply Step = todynamic(AuthenticationDetails) on (where Step.succeeded == true | project Method = tostring(Step.authenticationMethod))
| summarize count() by Method | sort by count_ desc, Method asc`,
    expect: () =>
      countBy(
        signIns().flatMap((r) =>
          ((r.authenticationDetails ?? []) as R[]).filter((s) => s.succeeded === true),
        ),
        (s) => s.authenticationMethod ?? '',
      ),
  },
  {
    name: 'guest sign-ins (UserType) and their home domains',
    kql: 'SigninLogs | where UserType == "guest" | summarize count() by Domain = tostring(split(UserPrincipalName, "@")[1]) | sort by Domain asc',
    expect: () =>
      countBy(
        signIns().filter((r) => r.userType === 'guest'),
        (r) => String(r.userPrincipalName).split('@')[1] ?? '',
      ).sort(byKey),
  },
  {
    name: 'sign-ins per weekday and hour (two computed keys)',
    kql: 'SigninLogs | summarize count() by Weekday = toint(dayofweek(TimeGenerated) / 1d), Hour = hourofday(TimeGenerated) | sort by Weekday asc, Hour asc',
    expect: () =>
      countByParts(signIns(), (r) => {
        const d = new Date(r.createdDateTime);
        return [d.getUTCDay(), d.getUTCHours()];
      }).sort((a, b) => (a[0] as number) - (b[0] as number) || (a[1] as number) - (b[1] as number)),
  },
  {
    name: 'Sentinel: both user sign-in tables, fuzzily (union isfuzzy with a missing table)',
    kql: 'union isfuzzy=true SigninLogs, AADNonInteractiveUserSignInLogs, NoSuchTable | summarize Users = dcount(UserPrincipalName), Events = count()',
    expect: () => {
      const all = [...signIns(), ...nonInteractive()];
      return [[users(all).length, all.length]];
    },
  },
  {
    name: 'a let function with a default parameter over table()',
    kql: `let failuresOf = (t:string, code:string = "50126") { table(t) | where ResultType == code | summarize n = count() };
union (failuresOf("SigninLogs") | extend Code = "50126"), (failuresOf("SigninLogs", "50074") | extend Code = "50074") | project Code, n | sort by Code asc`,
    expect: () => [
      ['50074', signIns().filter((r) => r.status.errorCode === 50074).length],
      ['50126', signIns().filter((r) => r.status.errorCode === 50126).length],
    ],
  },
  {
    name: 'daily sign-in series and its statistics (make-series without from/to, series_stats)',
    kql: 'SigninLogs | make-series n = count() on TimeGenerated step 1d | extend series_stats(n) | project series_stats_n_min, series_stats_n_max, series_stats_n_avg',
    expect: () => {
      const per = countBy(signIns(), (r) => day(r.createdDateTime)).map(([, n]) => n);
      return [[Math.min(...per), Math.max(...per), per.reduce((a, b) => a + b, 0) / per.length]];
    },
  },
  {
    name: 'sign-ins from trusted named locations (parse_json of NetworkLocationDetails)',
    kql: `SigninLogs | mv-expand Net = parse_json(NetworkLocationDetails) | where Net.networkType == "trustedNamedLocation"
| mv-expand Name = Net.networkNames | summarize count() by Location = tostring(Name) | sort by Location asc`,
    expect: () =>
      countBy(
        signIns().flatMap((r) =>
          ((r.networkLocationDetails ?? []) as R[])
            .filter((n) => n.networkType === 'trustedNamedLocation')
            .flatMap((n) => (n.networkNames?.length ? n.networkNames : [null])),
        ),
        (n) => n ?? '',
      ).sort(byKey),
  },
  {
    name: 'sign-ins per autonomous system (a string column)',
    kql: 'SigninLogs | summarize count() by AutonomousSystemNumber | sort by count_ desc, AutonomousSystemNumber asc | take 5',
    expect: () =>
      countBy(signIns(), (r) =>
        r.autonomousSystemNumber == null ? '' : String(r.autonomousSystemNumber),
      ).slice(0, 5),
  },
  {
    name: 'IPs shared by several users (top with ties: counts only)',
    kql: 'SigninLogs | summarize Users = dcount(UserPrincipalName) by IPAddress | top 3 by Users desc',
    pick: (row) => [row[1]],
    expect: () =>
      distinct(signIns().map((r) => r.ipAddress))
        .map((ip) => users(signIns().filter((r) => r.ipAddress === ip)).length)
        .sort((a, b) => b - a)
        .slice(0, 3)
        .map((n) => [n]),
  },
  {
    name: 'users of three apps or more (make_set then array_length)',
    kql: 'SigninLogs | summarize Apps = make_set(AppDisplayName) by UserPrincipalName | where array_length(Apps) >= 3 | count',
    expect: () => [
      [
        users(signIns()).filter(
          (u) =>
            distinct(
              signIns()
                .filter((r) => r.userPrincipalName === u)
                .map((r) => r.appDisplayName),
            ).length >= 3,
        ).length,
      ],
    ],
  },
  {
    name: 'location keys as columns (evaluate bag_unpack over the tenant rows)',
    kql: 'SigninLogs | project LocationDetails | evaluate bag_unpack(LocationDetails) | summarize count() by countryOrRegion, state | sort by countryOrRegion asc, state asc',
    expect: () =>
      countByParts(signIns(), (r) => [r.location?.countryOrRegion ?? '', r.location?.state ?? '']),
  },
  {
    name: 'compliant devices per OS (bag_unpack with an output schema)',
    kql: 'SigninLogs | project DeviceDetail | evaluate bag_unpack(DeviceDetail) : (operatingSystem:string, isCompliant:bool) | summarize Compliant = countif(isCompliant), Total = count() by operatingSystem | sort by operatingSystem asc',
    expect: () =>
      distinct(signIns().map((r) => r.deviceDetail?.operatingSystem ?? ''))
        .sort()
        .map((os) => {
          const rows = signIns().filter((r) => (r.deviceDetail?.operatingSystem ?? '') === os);
          return [os, rows.filter((r) => r.deviceDetail?.isCompliant === true).length, rows.length];
        }),
  },
  {
    name: 'interactive vs non-interactive legs named with as (union withsource)',
    kql: `union withsource=Kind (SigninLogs | where ResultType != "0" | as Interactive), (AADNonInteractiveUserSignInLogs | where ResultType != "0" | as NonInteractive)
| summarize Failures = count() by Kind | sort by Kind asc`,
    expect: () =>
      [
        ['Interactive', signIns().filter(failed).length],
        ['NonInteractive', nonInteractive().filter(failed).length],
      ].filter(([, n]) => (n as number) > 0),
  },
  {
    name: 'coordinates are reals (gettype of a dynamic value)',
    kql: 'SigninLogs | summarize count() by T = gettype(LocationDetails.geoCoordinates.latitude) | sort by T asc',
    expect: () =>
      countBy(signIns(), (r) => {
        const v = r.location?.geoCoordinates?.latitude;
        return v == null ? 'null' : Number.isInteger(v) ? (Math.abs(v) < 2 ** 31 ? 'int' : 'long') : 'real';
      }).sort(byKey),
  },
  {
    name: 'sign-ins in the last 12 hours per app (ago, between)',
    kql: 'SigninLogs | where TimeGenerated between (ago(12h) .. now()) | summarize count() by AppDisplayName | sort by count_ desc, AppDisplayName asc',
    expect: () =>
      countBy(
        signIns().filter((r) => Date.parse(r.createdDateTime) >= TO - 12 * 3_600_000),
        (r) => r.appDisplayName,
      ),
  },
  {
    name: 'first and last sign-in hour per app (min/max of bin)',
    kql: 'SigninLogs | summarize First = min(bin(TimeGenerated, 1h)), Last = max(bin(TimeGenerated, 1h)) by AppDisplayName | sort by AppDisplayName asc',
    expect: () =>
      distinct(signIns().map((r) => r.appDisplayName))
        .sort()
        .map((a) => {
          const hs = signIns()
            .filter((r) => r.appDisplayName === a)
            .map((r) => hour(r.createdDateTime))
            .sort();
          return [a, hs[0], hs[hs.length - 1]];
        }),
  },
  {
    name: 'distinct user agents per user (dcount, top by with a tie-safe pick)',
    kql: 'SigninLogs | summarize Agents = dcount(UserAgent) by UserPrincipalName | summarize MaxAgents = max(Agents), Users = count()',
    expect: () => {
      const per = users(signIns()).map(
        (u) =>
          distinct(
            signIns()
              .filter((r) => r.userPrincipalName === u)
              .map((r) => r.userAgent ?? ''),
          ).length,
      );
      return [[Math.max(...per), per.length]];
    },
  },
  // --- AuditLogs ----------------------------------------------------------------------------
  {
    name: 'who added members to groups: actor, member and group',
    kql: `AuditLogs | where OperationName == "Add member to group"
| extend Actor = coalesce(tostring(InitiatedBy.user.userPrincipalName), tostring(InitiatedBy.app.displayName)), Member = tostring(TargetResources[0].userPrincipalName), Group = tostring(TargetResources[1].displayName)
| project Actor, Member, Group | sort by Actor asc, Member asc, Group asc`,
    expect: () =>
      audit()
        .filter((r) => r.activityDisplayName === 'Add member to group')
        .map((r) => [
          upnOf(r) || appOf(r),
          r.targetResources?.[0]?.userPrincipalName ?? '',
          r.targetResources?.[1]?.displayName ?? '',
        ])
        .sort(byAll),
  },
  {
    name: 'who changed owners (group or device): owner changes with their target',
    kql: `AuditLogs | where OperationName has "owner"
| project OperationName, Target = tostring(TargetResources[0].displayName), Owner = tostring(TargetResources[1].userPrincipalName) | sort by OperationName asc, Target asc`,
    expect: () =>
      audit()
        .filter((r) => /(^|[^a-z0-9])owner($|[^a-z0-9])/i.test(r.activityDisplayName))
        .map((r) => [
          r.activityDisplayName,
          r.targetResources?.[0]?.displayName ?? '',
          r.targetResources?.[1]?.userPrincipalName ?? '',
        ])
        .sort(byAll),
  },
  {
    name: 'MFA registration activity (security info), by operation and result',
    kql: 'AuditLogs | where OperationName has "security info" | summarize count() by OperationName, Result | sort by OperationName asc',
    expect: () =>
      countByParts(
        audit().filter((r) => /(^|[^a-z0-9])security info($|[^a-z0-9])/i.test(r.activityDisplayName)),
        (r) => [r.activityDisplayName, r.result],
      ),
  },
  {
    name: 'modified property names across all targets (two mv-expands)',
    kql: `AuditLogs | mv-expand Target = TargetResources | mv-expand Prop = Target.modifiedProperties
| where isnotempty(Prop) | summarize count() by Property = tostring(Prop.displayName) | sort by count_ desc, Property asc`,
    expect: () =>
      countBy(
        audit().flatMap((r) =>
          ((r.targetResources ?? []) as R[]).flatMap((t) => (t.modifiedProperties ?? []) as R[]),
        ),
        (p) => p.displayName ?? '',
      ),
  },
  {
    name: 'OS of added devices from modifiedProperties (mv-apply, parse_json of newValue)',
    kql: `AuditLogs | where OperationName == "Add device"
| mv-apply Prop = TargetResources[0].modifiedProperties on (where Prop.displayName == "DeviceOSType" | project OS = tostring(parse_json(tostring(Prop.newValue))[0]))
| summarize count() by OS | sort by OS asc`,
    expect: () =>
      countBy(
        audit()
          .filter((r) => r.activityDisplayName === 'Add device')
          .flatMap((r) =>
            ((r.targetResources?.[0]?.modifiedProperties ?? []) as R[]).filter(
              (p) => p.displayName === 'DeviceOSType',
            ),
          ),
        (p) => (JSON.parse(p.newValue) as string[])[0] ?? '',
      ).sort(byKey),
  },
  {
    name: 'non-successful operations per service',
    kql: 'AuditLogs | summarize Total = count(), NotOk = countif(Result != "success") by LoggedByService | where NotOk > 0 | sort by LoggedByService asc',
    expect: () =>
      distinct(audit().map((r) => r.loggedByService))
        .sort()
        .map((s) => {
          const rows = audit().filter((r) => r.loggedByService === s);
          return [s, rows.length, rows.filter((r) => r.result !== 'success').length];
        })
        .filter(([, , n]) => (n as number) > 0),
    mayBeEmpty: true,
  },
  {
    name: 'apps that initiated directory changes',
    kql: 'AuditLogs | where isnotempty(InitiatedBy.app.displayName) | summarize Operations = count() by App = tostring(InitiatedBy.app.displayName) | sort by Operations desc, App asc',
    expect: () =>
      countBy(
        audit().filter((r) => appOf(r)),
        appOf,
      ),
  },
  {
    name: 'users who initiated changes, with their IP (InitiatedBy.user)',
    kql: 'AuditLogs | extend UPN = tostring(InitiatedBy.user.userPrincipalName), IP = tostring(InitiatedBy.user.ipAddress) | where isnotempty(UPN) | distinct UPN, IP | sort by UPN asc, IP asc',
    expect: () =>
      distinct(
        audit()
          .filter((r) => upnOf(r))
          .map((r) => JSON.stringify([upnOf(r), r.initiatedBy.user.ipAddress ?? ''])),
      )
        .map((k) => JSON.parse(k) as unknown[])
        .sort(byAll),
  },
  {
    name: 'keys of AdditionalDetails (mv-expand of a dynamic array of pairs)',
    kql: 'AuditLogs | mv-expand Detail = AdditionalDetails | where isnotempty(Detail) | summarize count() by Key = tostring(Detail.key) | sort by Key asc',
    expect: () =>
      countBy(
        audit().flatMap((r) => (r.additionalDetails ?? []) as R[]),
        (d) => d.key ?? '',
      ).sort(byKey),
  },
  {
    name: 'operation types (AADOperationType) per category',
    kql: 'AuditLogs | summarize count() by Category, AADOperationType | sort by Category asc, AADOperationType asc',
    expect: () => countByParts(audit(), (r) => [r.category, r.operationType ?? '']),
  },
  {
    name: 'who did the most (Identity), ties kept out',
    kql: 'AuditLogs | summarize count() by Identity | sort by count_ desc, Identity asc | take 5',
    expect: () =>
      countBy(audit(), (r) => (upnOf(r) ? (r.initiatedBy.user.displayName ?? '') : appOf(r))).slice(0, 5),
  },
  {
    name: 'correlated operations (a CorrelationId shared by several events)',
    kql: 'AuditLogs | summarize Ops = count(), Names = make_set(OperationName) by CorrelationId | where Ops > 1 | count',
    expect: () => [[countBy(audit(), (r) => r.correlationId).filter(([, n]) => n > 1).length]],
  },
  {
    name: 'audit events per 6 hours (make-series with from/to)',
    kql: `AuditLogs | make-series Events = count() on TimeGenerated from datetime(${isoTime(FROM)}) to datetime(${isoTime(TO)}) step 6h | project Events`,
    expect: () => {
      const s = Array.from({ length: 8 }, () => 0);
      for (const r of audit()) s[Math.floor((Date.parse(r.activityDateTime) - FROM) / 21_600_000)]!++;
      return [[JSON.stringify(s)]];
    },
  },
  {
    name: 'consent and permission grants (has_any), with the app consented to',
    kql: `AuditLogs | where OperationName has_any ("Consent to application", "delegated permission grant")
| project OperationName, App = tostring(TargetResources[0].displayName) | sort by OperationName asc, App asc`,
    expect: () =>
      audit()
        .filter((r) =>
          ['consent to application', 'delegated permission grant'].some((t) =>
            new RegExp(`(^|[^a-z0-9])${t}($|[^a-z0-9])`, 'i').test(r.activityDisplayName),
          ),
        )
        .map((r) => [r.activityDisplayName, r.targetResources?.[0]?.displayName ?? ''])
        .sort(byAll),
  },
  {
    name: 'role and PIM operations by service (contains, case-insensitive)',
    kql: 'AuditLogs | where OperationName contains "ROLE" or LoggedByService contains "pim" | summarize count() by LoggedByService | sort by LoggedByService asc',
    expect: () =>
      countBy(
        audit().filter((r) => /role/i.test(r.activityDisplayName) || /pim/i.test(r.loggedByService)),
        (r) => r.loggedByService,
      ).sort(byKey),
  },
  {
    name: 'user and group management events (Category in~)',
    kql: 'AuditLogs | where Category in~ ("usermanagement", "GROUPMANAGEMENT") | summarize count() by Category | sort by Category asc',
    expect: () =>
      countBy(
        audit().filter((r) =>
          ['usermanagement', 'groupmanagement'].includes(String(r.category).toLowerCase()),
        ),
        (r) => r.category,
      ).sort(byKey),
  },
  {
    name: 'user updates: who updated whom (arg_max per target)',
    kql: `AuditLogs | where OperationName == "Update user" | extend Target = tostring(TargetResources[0].userPrincipalName)
| summarize arg_max(TimeGenerated, Identity) by Target | project Target, Identity | sort by Target asc`,
    expect: () => {
      const last = new Map<string, R>();
      for (const r of audit().filter((x) => x.activityDisplayName === 'Update user')) {
        const t = r.targetResources?.[0]?.userPrincipalName ?? '';
        const cur = last.get(t);
        if (!cur || Date.parse(r.activityDateTime) > Date.parse(cur.activityDateTime)) last.set(t, r);
      }
      return [...last]
        .map(([t, r]) => [t, upnOf(r) ? (r.initiatedBy.user.displayName ?? '') : appOf(r)])
        .sort(byKey);
    },
  },
  // --- service principals and managed identities ---------------------------------------------
  {
    name: 'service principal sign-ins with a client secret or certificate (ServicePrincipalCredentialKeyId)',
    kql: 'AADServicePrincipalSignInLogs | summarize WithKey = countif(isnotempty(ServicePrincipalCredentialKeyId)), Total = count() by ServicePrincipalName | sort by ServicePrincipalName asc',
    expect: () =>
      distinct(spSignIns().map((r) => r.servicePrincipalName))
        .sort()
        .map((n) => {
          const rows = spSignIns().filter((r) => r.servicePrincipalName === n);
          return [n, rows.filter((r) => r.servicePrincipalCredentialKeyId).length, rows.length];
        }),
  },
  {
    name: 'service principal sign-ins by country (Location)',
    kql: 'AADServicePrincipalSignInLogs | summarize count() by Location | sort by count_ desc, Location asc',
    expect: () => countBy(spSignIns(), (r) => r.location?.countryOrRegion ?? ''),
  },
  {
    name: 'service principal failures by app and code',
    kql: 'AADServicePrincipalSignInLogs | where ResultType != "0" | summarize count() by ServicePrincipalName, ResultType | sort by ServicePrincipalName asc, ResultType asc',
    expect: () =>
      countByParts(spSignIns().filter(failed), (r) => [r.servicePrincipalName, String(r.status.errorCode)]),
    mayBeEmpty: true,
  },
  {
    name: 'managed identities and the resources they call',
    kql: 'AADManagedIdentitySignInLogs | summarize Calls = count() by ServicePrincipalName, ResourceDisplayName | sort by ServicePrincipalName asc, ResourceDisplayName asc',
    expect: () => countByParts(miSignIns(), (r) => [r.servicePrincipalName, r.resourceDisplayName ?? '']),
  },
  {
    name: 'busiest hour of managed identity sign-ins (make-series, series_stats_dynamic)',
    kql: `AADManagedIdentitySignInLogs | make-series n = count() on TimeGenerated from datetime(${isoTime(FROM)}) to datetime(${isoTime(TO)}) step 1h
| extend s = series_stats_dynamic(n) | project Max = toint(s.max), At = toint(s.max_idx)`,
    expect: () => {
      const s = Array.from({ length: 48 }, () => 0);
      for (const r of miSignIns()) s[Math.floor((Date.parse(r.createdDateTime) - FROM) / 3_600_000)]!++;
      const max = Math.max(...s);
      return [[max, s.indexOf(max)]];
    },
  },
  // --- Graph activity -----------------------------------------------------------------------
  {
    name: 'Graph activity by app: calls and distinct paths (parse_url)',
    kql: 'MicrosoftGraphActivityLogs | extend Path = tostring(parse_url(RequestUri).Path) | summarize Calls = count(), Paths = dcount(Path) by AppId | sort by Calls desc, AppId asc',
    expect: () =>
      countBy(graph(), (r) => r.appId ?? '').map(([a, n]) => [
        a,
        n,
        distinct(
          graph()
            .filter((r) => (r.appId ?? '') === a)
            .map(
              (r) =>
                /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/(?:[^:@/]*(?::[^@/]*)?@)?[^:/?#]*(?::[0-9]+)?([^?#]*)/.exec(
                  r.requestUri ?? '',
                )?.[1] ?? '',
            ),
        ).length,
      ]),
  },
  {
    name: 'Graph activity by API version',
    kql: 'MicrosoftGraphActivityLogs | summarize count() by ApiVersion | sort by ApiVersion asc',
    expect: () => countBy(graph(), (r) => r.apiVersion ?? '').sort(byKey),
  },
  {
    name: 'Graph error rate per app (countif on status codes)',
    kql: 'MicrosoftGraphActivityLogs | summarize Errors = countif(ResponseStatusCode >= 400), Throttled = countif(ResponseStatusCode == 429) by AppId | where Errors > 0 | sort by AppId asc',
    expect: () =>
      distinct(graph().map((r) => r.appId ?? ''))
        .sort()
        .map((a) => {
          const rows = graph().filter((r) => (r.appId ?? '') === a);
          return [
            a,
            rows.filter((r) => r.responseStatusCode >= 400).length,
            rows.filter((r) => r.responseStatusCode === 429).length,
          ];
        })
        .filter(([, e]) => (e as number) > 0),
    mayBeEmpty: true,
  },
  {
    name: 'Graph write operations by app and method (in)',
    kql: 'MicrosoftGraphActivityLogs | where RequestMethod in ("POST", "PATCH", "PUT", "DELETE") | summarize count() by AppId, RequestMethod | sort by AppId asc, RequestMethod asc',
    expect: () =>
      countByParts(
        graph().filter((r) => ['POST', 'PATCH', 'PUT', 'DELETE'].includes(r.requestMethod)),
        (r) => [r.appId ?? '', r.requestMethod],
      ),
  },
  {
    name: 'Graph calls on behalf of users vs app-only (isnotempty(UserId))',
    kql: 'MicrosoftGraphActivityLogs | summarize count() by Delegated = isnotempty(UserId) | sort by Delegated asc',
    expect: () => countBy(graph(), (r) => !!r.userId).sort((a, b) => Number(a[0]) - Number(b[0])),
  },
  {
    name: 'Graph calls per region (Location)',
    kql: 'MicrosoftGraphActivityLogs | summarize count() by Location | sort by count_ desc, Location asc',
    expect: () => countBy(graph(), (r) => r.location ?? ''),
  },
  {
    name: 'Graph queries that filter ($filter in the URI)',
    kql: 'MicrosoftGraphActivityLogs | where RequestUri contains "$filter" | summarize count() by RequestMethod | sort by RequestMethod asc',
    expect: () =>
      countBy(
        graph().filter((r) => String(r.requestUri ?? '').includes('$filter')),
        (r) => r.requestMethod,
      ).sort(byKey),
  },
  {
    name: 'Graph duration per method: average and standard deviation (stdev)',
    kql: 'MicrosoftGraphActivityLogs | summarize Avg = round(avg(DurationMs), 3), Sd = round(stdev(DurationMs), 3), N = count() by RequestMethod | sort by RequestMethod asc',
    expect: () =>
      distinct(graph().map((r) => r.requestMethod))
        .sort()
        .map((m) => {
          const xs = graph()
            .filter((r) => r.requestMethod === m)
            .map((r) => r.durationMs as number);
          const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
          const sd =
            xs.length > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1)) : null;
          return [m, round(mean, 3), sd === null ? null : round(sd, 3), xs.length];
        }),
  },
  {
    name: 'Graph resources called (extract of the first path segment)',
    kql: 'MicrosoftGraphActivityLogs | extend Resource = extract(@"graph\\.microsoft\\.com/[^/]+/([^/?]+)", 1, RequestUri) | summarize count() by Resource | sort by count_ desc, Resource asc',
    expect: () =>
      countBy(graph(), (r) => /graph\.microsoft\.com\/[^/]+\/([^/?]+)/.exec(r.requestUri ?? '')?.[1] ?? ''),
  },
  {
    name: 'Graph response sizes in KB per method (sum, typed extract not needed)',
    kql: 'MicrosoftGraphActivityLogs | summarize KB = sum(ResponseSizeBytes) / 1024 by RequestMethod | sort by RequestMethod asc',
    expect: () =>
      distinct(graph().map((r) => r.requestMethod))
        .sort()
        .map((m) => [
          m,
          Math.trunc(
            graph()
              .filter((r) => r.requestMethod === m)
              .reduce((a, r) => a + (r.responseSizeBytes ?? 0), 0) / 1024,
          ),
        ]),
  },
  // --- provisioning -------------------------------------------------------------------------
  {
    name: 'provisioning by source system and action (parse_json of the string SourceSystem)',
    kql: 'AADProvisioningLogs | summarize count() by Source = tostring(parse_json(SourceSystem).displayName), ProvisioningAction | sort by Source asc, ProvisioningAction asc',
    expect: () =>
      countByParts(provisioning(), (r) => [r.sourceSystem?.displayName ?? '', r.provisioningAction]),
  },
  {
    name: 'provisioning steps that were skipped, with the reason (mv-expand ProvisioningSteps)',
    kql: `AADProvisioningLogs | mv-expand Step = todynamic(ProvisioningSteps) | where Step.status == "skipped"
| summarize count() by Step = tostring(Step.name), Reason = tostring(Step.details.SkipReason) | sort by Step asc, Reason asc`,
    expect: () =>
      countByParts(
        provisioning().flatMap((r) =>
          ((r.provisioningSteps ?? []) as R[]).filter((s) => s.status === 'skipped'),
        ),
        (s) => [s.name ?? '', s.details?.SkipReason ?? ''],
      ),
  },
  {
    name: 'provisioning results per day (ResultType, startofday)',
    kql: 'AADProvisioningLogs | summarize count() by Day = startofday(TimeGenerated), ResultType | sort by Day asc, ResultType asc',
    expect: () =>
      countByParts(provisioning(), (r) => {
        const s = r.provisioningStatusInfo?.status ?? '';
        return [day(r.activityDateTime), s ? s[0].toUpperCase() + s.slice(1) : ''];
      }),
  },
  {
    name: 'provisioning failures with their error code (none in a healthy tenant)',
    kql: 'AADProvisioningLogs | where ResultType == "Failure" | summarize count() by ResultSignature | sort by ResultSignature asc',
    expect: () =>
      countBy(
        provisioning().filter((r) => r.provisioningStatusInfo?.status === 'failure'),
        (r) => r.provisioningStatusInfo?.errorInformation?.errorCode ?? '',
      ).sort(byKey),
    mayBeEmpty: true,
  },
  // --- network access -----------------------------------------------------------------------
  {
    name: 'top web categories of internet traffic',
    kql: 'NetworkAccessTraffic | where TrafficType == "internet" | summarize count() by DestinationWebCategories | sort by count_ desc, DestinationWebCategories asc | take 5',
    expect: () =>
      countBy(
        traffic().filter((r) => r.trafficType === 'internet'),
        (r) => r.destinationWebCategories ?? '',
      ).slice(0, 5),
  },
  {
    name: 'bytes sent and received per traffic type',
    kql: 'NetworkAccessTraffic | summarize Sent = sum(SentBytes), Received = sum(ReceivedBytes) by TrafficType | sort by TrafficType asc',
    expect: () =>
      distinct(traffic().map((r) => r.trafficType ?? ''))
        .sort()
        .map((t) => {
          const rows = traffic().filter((r) => (r.trafficType ?? '') === t);
          return [
            t,
            rows.reduce((a, r) => a + (r.sentBytes ?? 0), 0),
            rows.reduce((a, r) => a + (r.receivedBytes ?? 0), 0),
          ];
        }),
  },
  {
    name: 'blocked destinations (Action != "Allowed")',
    kql: 'NetworkAccessTraffic | where Action != "Allowed" | summarize count() by DestinationFqdn | sort by count_ desc, DestinationFqdn asc',
    expect: () =>
      countBy(
        traffic().filter((r) => r.action !== 'Allowed'),
        (r) => r.destinationFqdn ?? '',
      ),
    mayBeEmpty: true,
  },
  // --- risk ---------------------------------------------------------------------------------
  {
    name: 'risk detections by type and timing',
    kql: 'AADUserRiskEvents | summarize Users = dcount(UserId) by RiskEventType, DetectionTimingType | sort by RiskEventType asc',
    expect: () =>
      countByParts(recs('UserRiskEvents'), (r) => [r.riskEventType, r.detectionTimingType]).map(
        ([t, timing]) => [
          t,
          timing,
          distinct(
            recs('UserRiskEvents')
              .filter((r) => r.riskEventType === t && r.detectionTimingType === timing)
              .map((r) => r.userId),
          ).length,
        ],
      ),
    mayBeEmpty: true,
  },
  {
    name: 'risky users with their sign-ins in the window (leftouter join)',
    kql: `AADRiskyUsers | distinct UserPrincipalName, RiskLevel
| join kind=leftouter (SigninLogs | summarize SignIns = count() by UserPrincipalName) on UserPrincipalName
| project UserPrincipalName, RiskLevel, SignIns = coalesce(SignIns, 0) | sort by UserPrincipalName asc`,
    expect: () =>
      distinct(recs('RiskyUsers').map((r) => JSON.stringify([r.userPrincipalName, r.riskLevel ?? ''])))
        .map((k) => JSON.parse(k) as string[])
        .map(([u, l]) => [u, l, signIns().filter((r) => r.userPrincipalName === u).length])
        .sort(byAll),
    mayBeEmpty: true,
  },
  // --- non-interactive ----------------------------------------------------------------------
  {
    name: 'non-interactive tokens per app and resource',
    kql: 'AADNonInteractiveUserSignInLogs | summarize count() by AppDisplayName, ResourceDisplayName | sort by count_ desc, AppDisplayName asc, ResourceDisplayName asc | take 5',
    expect: () =>
      countByParts(nonInteractive(), (r) => [r.appDisplayName, r.resourceDisplayName ?? ''])
        .sort((a, b) => (b[2] as number) - (a[2] as number) || byAll(a, b))
        .slice(0, 5),
  },
  {
    name: 'users with only non-interactive activity (leftanti join)',
    kql: 'AADNonInteractiveUserSignInLogs | distinct UserPrincipalName | join kind=leftanti (SigninLogs | distinct UserPrincipalName) on UserPrincipalName | count',
    expect: () => {
      const i = new Set(users(signIns()));
      return [[users(nonInteractive()).filter((u) => !i.has(u)).length]];
    },
  },
  {
    name: 'non-interactive sign-ins per day and user, then the busiest day (summarize twice)',
    kql: 'AADNonInteractiveUserSignInLogs | summarize n = count() by Day = bin(TimeGenerated, 1d), UserPrincipalName | summarize Users = dcount(UserPrincipalName), Max = max(n) by Day | sort by Day asc',
    expect: () =>
      distinct(nonInteractive().map((r) => binTime(r.createdDateTime, DAY)))
        .sort()
        .map((d) => {
          const rows = nonInteractive().filter((r) => binTime(r.createdDateTime, DAY) === d);
          return [
            d,
            users(rows).length,
            Math.max(...countBy(rows, (r) => r.userPrincipalName).map(([, n]) => n)),
          ];
        }),
  },
  // --- hunting idioms over the second slice of operators and functions ------------------------
  {
    name: 'failed then successful sign-in pairs ($left/$right join, project-away *1)',
    kql: `SigninLogs | where ResultType != "0" | summarize FailedAt = max(TimeGenerated) by UserPrincipalName
| join kind=inner (SigninLogs | where ResultType == "0" | summarize SucceededAt = max(TimeGenerated) by UserPrincipalName) on $left.UserPrincipalName == $right.UserPrincipalName
| project-away *1 | where SucceededAt > FailedAt | project UserPrincipalName | sort by UserPrincipalName asc`,
    expect: () =>
      users(signIns())
        .sort()
        .filter((u) => {
          const rows = signIns().filter((r) => r.userPrincipalName === u);
          const f = rows.filter(failed).map((r) => Date.parse(r.createdDateTime));
          const ok = rows.filter((r) => !failed(r)).map((r) => Date.parse(r.createdDateTime));
          return f.length && ok.length && Math.max(...ok) > Math.max(...f);
        })
        .map((u) => [u]),
  },
  {
    name: 'hourly sign-ins per user: median and 95th percentile (percentiles)',
    kql: 'SigninLogs | summarize n = count() by UserPrincipalName, bin(TimeGenerated, 1h) | summarize percentiles(n, 50, 95)',
    expect: () => {
      const xs = countBy(signIns(), (r) => `${r.userPrincipalName}|${hour(r.createdDateTime)}`)
        .map(([, n]) => n)
        .sort((a, b) => a - b);
      const rank = (p: number) => xs[Math.max(0, Math.ceil((p / 100) * xs.length) - 1)];
      return [[rank(50), rank(95)]];
    },
  },
  {
    name: 'users with a spike: an hour above mean + 2 stdev of their hourly series (make-series, series_stats_dynamic)',
    kql: `SigninLogs | make-series n = count() on TimeGenerated from datetime(${isoTime(FROM)}) to datetime(${isoTime(TO)}) step 1h by UserPrincipalName
| extend s = series_stats_dynamic(n) | where todouble(s.max) > todouble(s.avg) + 2 * todouble(s.stdev) | project UserPrincipalName | sort by UserPrincipalName asc`,
    expect: () =>
      users(signIns())
        .sort()
        .filter((u) => {
          const xs = Array.from({ length: 48 }, () => 0);
          for (const r of signIns().filter((x) => x.userPrincipalName === u))
            xs[Math.floor((Date.parse(r.createdDateTime) - FROM) / 3_600_000)]!++;
          const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
          const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1));
          return Math.max(...xs) > mean + 2 * sd;
        })
        .map((u) => [u]),
  },
  {
    name: 'a view of failures used twice (let … view)',
    kql: `let Failures = view () { SigninLogs | where ResultType != "0" };
Failures | summarize Users = dcount(UserPrincipalName) | extend Events = toscalar(Failures | count)`,
    expect: () => [[users(signIns().filter(failed)).length, signIns().filter(failed).length]],
  },
  {
    name: 'schema-tolerant hunting (column_ifexists for a column that may not exist)',
    kql: 'SigninLogs | extend Risk = column_ifexists("RiskLevelDuringSignIn", ""), Legacy = column_ifexists("IsLegacyAuth", false) | summarize count() by Risk, Legacy | sort by Risk asc',
    expect: () => countByParts(signIns(), (r) => [r.riskLevelDuringSignIn ?? '', false]),
  },
  {
    name: 'first authentication method from the AuthenticationDetails text (extract_json)',
    kql: 'SigninLogs | extend First = extract_json("$[0].authenticationMethod", AuthenticationDetails) | summarize count() by First | sort by count_ desc, First asc',
    expect: () => countBy(signIns(), (r) => r.authenticationDetails?.[0]?.authenticationMethod ?? ''),
  },
  {
    name: 'modified properties as columns (mv-expand then evaluate bag_unpack over AuditLogs)',
    kql: `AuditLogs | mv-expand Prop = TargetResources[0].modifiedProperties | where isnotempty(Prop)
| evaluate bag_unpack(Prop) | summarize count() by displayName | sort by displayName asc`,
    expect: () =>
      countBy(
        audit().flatMap((r) => (r.targetResources?.[0]?.modifiedProperties ?? []) as R[]),
        (p) => p.displayName ?? '',
      ).sort(byKey),
  },
  {
    name: 'non-interactive sessions per user: a new session after 30 minutes idle (serialize, prev)',
    kql: `AADNonInteractiveUserSignInLogs | sort by UserPrincipalName asc, TimeGenerated asc
| extend NewSession = prev(UserPrincipalName) != UserPrincipalName or TimeGenerated - prev(TimeGenerated) > 30m
| summarize Sessions = countif(NewSession) by UserPrincipalName | sort by Sessions desc, UserPrincipalName asc | take 5`,
    expect: () =>
      users(nonInteractive())
        .map((u) => {
          const ts = nonInteractive()
            .filter((r) => r.userPrincipalName === u)
            .map((r) => Date.parse(r.createdDateTime))
            .sort((a, b) => a - b);
          let n = 1;
          for (let i = 1; i < ts.length; i++) if (ts[i]! - ts[i - 1]! > 30 * 60_000) n++;
          return [u, n] as [string, number];
        })
        .sort((a, b) => b[1] - a[1] || byKey(a, b))
        .slice(0, 5),
  },
  {
    name: 'the columns both user sign-in tables share, counted by table (union kind=inner)',
    kql: 'union kind=inner SigninLogs, AADNonInteractiveUserSignInLogs | summarize count() by Type | sort by Type asc',
    expect: () => [
      ['AADNonInteractiveUserSignInLogs', nonInteractive().length],
      ['SigninLogs', signIns().length],
    ],
  },
  {
    name: 'apps used on the second day but not the first (set_difference of make_set)',
    kql: `let d1 = toscalar(SigninLogs | where TimeGenerated < datetime(${isoTime(FROM + DAY)}) | summarize make_set(AppDisplayName));
let d2 = toscalar(SigninLogs | where TimeGenerated >= datetime(${isoTime(FROM + DAY)}) | summarize make_set(AppDisplayName));
print New = set_difference(d2, d1) | mv-expand App = New | project App = tostring(App) | where isnotempty(App) | sort by App asc`,
    expect: () => {
      const a = new Set(
        signIns()
          .filter((r) => Date.parse(r.createdDateTime) < FROM + DAY)
          .map((r) => r.appDisplayName),
      );
      return distinct(
        signIns()
          .filter((r) => Date.parse(r.createdDateTime) >= FROM + DAY)
          .map((r) => r.appDisplayName as string),
      )
        .filter((x) => !a.has(x))
        .sort()
        .map((x) => [x]);
    },
    mayBeEmpty: true,
  },
  {
    name: "each user's countries in order (array_sort_asc of make_set, strcat_array)",
    kql: 'SigninLogs | summarize C = make_set(Location) by UserPrincipalName | project UserPrincipalName, Countries = strcat_array(array_sort_asc(C), ",") | sort by UserPrincipalName asc',
    expect: () =>
      users(signIns())
        .sort()
        .map((u) => [
          u,
          distinct(
            signIns()
              .filter((r) => r.userPrincipalName === u)
              .map((r) => r.location?.countryOrRegion ?? ''),
          )
            .filter((c) => c !== '')
            .sort()
            .join(','),
        ]),
  },
  {
    name: 'a pseudonymous user key (hash_sha256 of the UPN, checked with node:crypto)',
    kql: 'SigninLogs | summarize by UserPrincipalName | extend Key = hash_sha256(UserPrincipalName) | sort by UserPrincipalName asc | take 3',
    expect: () =>
      users(signIns())
        .sort()
        .slice(0, 3)
        .map((u) => [u, createHash('sha256').update(String(u)).digest('hex')]),
  },
  {
    name: 'Graph resources and ids (parse-where over RequestUri)',
    kql: 'MicrosoftGraphActivityLogs | parse-where RequestUri with "https://graph.microsoft.com/" Version "/" Resource "/" Rest | summarize count() by Version, Resource | sort by Version asc, Resource asc',
    expect: () =>
      countByParts(
        graph().filter((r) =>
          /^https:\/\/graph\.microsoft\.com\/(.*?)\/(.*?)\/(.*)$/s.test(r.requestUri ?? ''),
        ),
        (r) => {
          const m = /^https:\/\/graph\.microsoft\.com\/(.*?)\/(.*?)\/(.*)$/s.exec(r.requestUri)!;
          return [m[1], m[2]];
        },
      ),
  },
  {
    name: 'error codes are integers in the dynamic Status (gettype)',
    kql: 'SigninLogs | summarize count() by T = gettype(Status.errorCode), Failed = ResultType != "0" | sort by T asc, Failed asc',
    expect: () =>
      countByParts(signIns(), (r) => [Number.isInteger(r.status?.errorCode) ? 'int' : 'null', failed(r)]),
  },
  {
    name: 'hour of day of failures (datetime_part), top three hours',
    kql: 'SigninLogs | where ResultType != "0" | summarize count() by H = datetime_part("hour", TimeGenerated) | top 3 by count_ desc',
    pick: (row) => [row[1]],
    expect: () =>
      countBy(signIns().filter(failed), (r) => new Date(r.createdDateTime).getUTCHours())
        .slice(0, 3)
        .map(([, n]) => [n]),
  },
  // --- Sentinel rule shapes: the aadFunc idiom, running counts, new-IP detection ------------------
  {
    name: 'Sentinel aadFunc idiom: users numbered in order of their failures (let = f(table), serialize, row_cumsum over prev)',
    kql: `let aadFunc = (tableName:string) {
  table(tableName)
  | extend Status = todynamic(Status)
  | where tostring(Status.errorCode) != "0"
  | sort by UserPrincipalName asc, TimeGenerated asc
  | serialize
  | extend UserNo = row_cumsum(iff(prev(UserPrincipalName) == UserPrincipalName, 0, 1))
  | summarize Failures = count(), UserNo = max(UserNo) by UserPrincipalName
};
let aadSignin = aadFunc("SigninLogs");
let aadNonInt = aadFunc("AADNonInteractiveUserSignInLogs");
union isfuzzy=true (aadSignin | extend Source = "interactive"), (aadNonInt | extend Source = "noninteractive"), NotThere
| summarize Users = max(UserNo), Failures = sum(Failures) by Source | sort by Source asc`,
    expect: () =>
      [
        ['interactive', signIns().filter(failed)],
        ['noninteractive', nonInteractive().filter(failed)],
      ]
        .filter(([, rows]) => (rows as R[]).length > 0)
        .map(([source, rows]) => [source, users(rows as R[]).length, (rows as R[]).length]),
  },
  {
    name: 'owner and member changes with the target taken from the expanded resource (mv-apply on TargetResource)',
    kql: `AuditLogs | where OperationName has_any ("Add registered owner to device", "Add member to group")
| mv-apply TargetResource = TargetResources on (where TargetResource.type =~ "user" | extend TargetUser = tostring(TargetResource.userPrincipalName))
| summarize count() by OperationName, TargetUser | sort by OperationName asc, TargetUser asc`,
    expect: () =>
      countByParts(
        audit()
          .filter((r) =>
            ['add registered owner to device', 'add member to group'].some((t) =>
              new RegExp(`(^|[^a-z0-9])${t}($|[^a-z0-9])`, 'i').test(r.activityDisplayName),
            ),
          )
          .flatMap((r) =>
            ((r.targetResources ?? []) as R[])
              .filter((t) => String(t.type).toLowerCase() === 'user')
              .map((t) => ({ op: r.activityDisplayName, upn: t.userPrincipalName ?? '' })),
          ),
        (x) => [x.op, x.upn],
      ),
  },
  {
    name: 'sign-ins from an IP not seen for the user on the first day (rightanti join on two keys)',
    kql: `let known = SigninLogs | where TimeGenerated < datetime(${isoTime(FROM + DAY)}) | where ResultType == "0" | summarize by UserPrincipalName, IPAddress;
known | join kind=rightanti (SigninLogs | where TimeGenerated >= datetime(${isoTime(FROM + DAY)}) | where ResultType == "0" | summarize by UserPrincipalName, IPAddress) on UserPrincipalName, IPAddress
| summarize NewIPs = count() by UserPrincipalName | sort by UserPrincipalName asc`,
    expect: () => {
      const ok = signIns().filter((r) => !failed(r));
      const key = (r: R) => `${r.userPrincipalName}|${r.ipAddress}`;
      const known = new Set(ok.filter((r) => Date.parse(r.createdDateTime) < FROM + DAY).map(key));
      const fresh = distinct(ok.filter((r) => Date.parse(r.createdDateTime) >= FROM + DAY).map(key)).filter(
        (k) => !known.has(k),
      );
      return countBy(fresh, (k) => k.split('|')[0]).sort(byKey);
    },
  },
  // --- Anomaly detection (series_decompose_anomalies, series_outliers, series_decompose) and
  // IP geolocation (geo_info_from_ip_address); series expectations from test/helpers/series-reference.ts.
  {
    name: 'hours of anomalous sign-in volume per user (Sentinel: make-series, series_decompose_anomalies, mv-expand)',
    kql: `let starttime = datetime(${isoTime(FROM)}); let endtime = datetime(${isoTime(TO)});
SigninLogs
| make-series HourlyCount = count() default = 0 on TimeGenerated from starttime to endtime step 1h by UserPrincipalName
| extend (Anomalies, Score, Baseline) = series_decompose_anomalies(HourlyCount, 1.5, -1, 'linefit')
| mv-expand HourlyCount to typeof(long), TimeGenerated to typeof(datetime), Anomalies to typeof(int), Score to typeof(double)
| where Anomalies > 0
| project UserPrincipalName, TimeGenerated, HourlyCount
| sort by UserPrincipalName asc, TimeGenerated asc`,
    expect: () =>
      hourlySeries(signIns(), (r) => r.userPrincipalName).flatMap(([upn, xs]) => {
        const { flags } = anomalies(xs, 1.5, -1, 'linefit');
        return xs.flatMap((n, i) => (flags[i] === 1 ? [[upn, isoTime(FROM + i * HOUR), n]] : []));
      }),
  },
  {
    name: 'users with a drop or a rise in failed sign-ins (series_decompose_anomalies with avg trend, both directions)',
    kql: `SigninLogs | where ResultType != "0"
| make-series Failures = count() default = 0 on TimeGenerated from datetime(${isoTime(FROM)}) to datetime(${isoTime(TO)}) step 1h by UserPrincipalName
| extend (Flags, Score, Baseline) = series_decompose_anomalies(Failures, 2.0, 0, 'avg')
| mv-expand Flags to typeof(int)
| summarize Rises = countif(Flags == 1), Drops = countif(Flags == -1) by UserPrincipalName
| where Rises + Drops > 0
| sort by UserPrincipalName asc`,
    expect: () =>
      hourlySeries(signIns().filter(failed), (r) => r.userPrincipalName).flatMap(([upn, xs]) => {
        const { flags } = anomalies(xs, 2.0, 0, 'avg');
        const rises = flags.filter((f) => f === 1).length;
        const drops = flags.filter((f) => f === -1).length;
        return rises + drops > 0 ? [[upn, rises, drops]] : [];
      }),
  },
  {
    name: 'anomalous hours of the whole tenant with their score (series_outliers on an hourly series)',
    kql: `SigninLogs
| make-series n = count() default = 0 on TimeGenerated from datetime(${isoTime(FROM)}) to datetime(${isoTime(TO)}) step 1h
| extend Outlier = series_outliers(n)
| mv-expand TimeGenerated to typeof(datetime), n to typeof(long), Outlier to typeof(real)
| where abs(Outlier) > 1.5
| project TimeGenerated, n, Outlier = round(Outlier, 4)
| sort by TimeGenerated asc`,
    mayBeEmpty: true,
    expect: () => {
      const [[, xs] = ['', []]] = hourlySeries(signIns(), () => 'all');
      const o = outliers(xs);
      return xs.flatMap((n, i) =>
        Math.abs(o[i]!) > 1.5 ? [[isoTime(FROM + i * HOUR), n, round(o[i]!, 4)]] : [],
      );
    },
  },
  {
    name: 'hour-of-day profile of non-interactive sign-ins (series_decompose with a 24-bin period, no trend)',
    kql: `AADNonInteractiveUserSignInLogs
| make-series n = count() default = 0 on TimeGenerated from datetime(${isoTime(FROM)}) to datetime(${isoTime(TO)}) step 1h
| extend (Baseline, Seasonal, Trend, Residual) = series_decompose(n, 24, 'none')
| mv-expand with_itemindex = i Seasonal to typeof(real), Residual to typeof(real)
| where i < 24
| project i, Seasonal, Residual
| sort by i asc`,
    expect: () => {
      const [[, xs] = ['', []]] = hourlySeries(nonInteractive(), () => 'all');
      const d = decompose(xs, 24, 'none');
      return d.seasonal.slice(0, 24).map((s, i) => [i, s, d.residual[i]]);
    },
  },
  {
    name: 'apps whose non-interactive sign-ins have anomalous hours (series_decompose_anomalies by app, default parameters)',
    kql: `AADNonInteractiveUserSignInLogs
| make-series n = count() default = 0 on TimeGenerated from datetime(${isoTime(FROM)}) to datetime(${isoTime(TO)}) step 1h by AppDisplayName
| extend series_decompose_anomalies(n)
| mv-expand series_decompose_anomalies_n_ad_flag to typeof(int)
| where series_decompose_anomalies_n_ad_flag != 0
| summarize AnomalousHours = count() by AppDisplayName
| sort by AppDisplayName asc`,
    mayBeEmpty: true,
    expect: () =>
      hourlySeries(nonInteractive(), (r) => r.appDisplayName).flatMap(([app, xs]) => {
        const n = anomalies(xs).flags.filter((f) => f !== 0).length;
        return n ? [[app, n]] : [];
      }),
  },
  {
    name: 'sign-ins per country of the IP address (geo_info_from_ip_address after summarize by IP)',
    kql: `SigninLogs | summarize n = count() by IPAddress
| extend Country = tostring(geo_info_from_ip_address(IPAddress).country)
| summarize SignIns = sum(n) by Country | sort by Country asc`,
    expect: () => countBy(signIns(), (r) => geoField(r.ipAddress, 'country')).sort(byKey),
  },
  {
    name: 'users signing in from IPs geolocated in more than one country or city (geo_info_from_ip_address, dcount)',
    kql: `SigninLogs | where ResultType == "0"
| extend Geo = geo_info_from_ip_address(IPAddress)
| extend Country = tostring(Geo.country), City = tostring(Geo.city)
| where isnotempty(Country)
| summarize Countries = dcount(Country), Cities = dcount(City) by UserPrincipalName
| where Countries > 1 or Cities > 1
| sort by UserPrincipalName asc`,
    mayBeEmpty: true,
    expect: () => {
      const ok = signIns().filter((r) => !failed(r) && geoField(r.ipAddress, 'country'));
      return users(ok)
        .sort()
        .map((u) => {
          const rows = ok.filter((r) => r.userPrincipalName === u);
          return [
            u,
            distinct(rows.map((r) => geoField(r.ipAddress, 'country'))).length,
            distinct(rows.map((r) => geoField(r.ipAddress, 'city'))).length,
          ];
        })
        .filter(([, c, t]) => (c as number) > 1 || (t as number) > 1);
    },
  },
  {
    name: 'failed sign-ins by the city of the IP, where the IP has a location (geo_info_from_ip_address in where)',
    kql: `SigninLogs | where ResultType != "0"
| where isnotnull(geo_info_from_ip_address(IPAddress))
| summarize Failures = count() by City = tostring(geo_info_from_ip_address(IPAddress).city)
| sort by Failures desc, City asc | take 5`,
    expect: () =>
      countBy(
        signIns().filter((r) => failed(r) && geoInfo(r.ipAddress)),
        (r) => geoField(r.ipAddress, 'city'),
      ).slice(0, 5),
  },
  // --- top-nested, format_timespan, row_number with restart, ipv6_is_match ------------------------
  {
    name: 'for the 3 busiest apps, the user who signed in last (top-nested on two levels)',
    kql: `SigninLogs | top-nested 3 of AppDisplayName by SignIns = count(), top-nested 1 of UserPrincipalName by Last = max(TimeGenerated)
| project AppDisplayName, SignIns, UserPrincipalName, Last`,
    expect: () => {
      const apps = countBy(signIns(), (r) => r.appDisplayName);
      // The cut must not fall inside a tie (which row is kept would be arbitrary).
      if (apps.length > 3 && apps[2]![1] === apps[3]![1]) throw new Error('tie at the top-nested cut');
      return apps.slice(0, 3).map(([app, n]) => {
        const last = signIns()
          .filter((r) => r.appDisplayName === app)
          .sort((x, y) => usOf(y.createdDateTime) - usOf(x.createdDateTime))[0]!;
        return [app, n, last.userPrincipalName, outTime(last.createdDateTime)];
      });
    },
  },
  {
    name: "each user's activity span as d.hh:mm:ss (format_timespan of max - min)",
    kql: `SigninLogs | summarize First = min(TimeGenerated), Last = max(TimeGenerated) by UserPrincipalName
| extend Span = format_timespan(Last - First, 'd.hh:mm:ss') | project UserPrincipalName, Span | sort by UserPrincipalName asc`,
    expect: () =>
      users(signIns())
        .sort()
        .map((u) => {
          const ts = signIns()
            .filter((r) => r.userPrincipalName === u)
            .map((r) => usOf(r.createdDateTime));
          const sec = Math.floor((Math.max(...ts) - Math.min(...ts)) / 1_000_000);
          const p2 = (x: number) => String(x).padStart(2, '0');
          return [
            u,
            `${Math.floor(sec / 86400)}.${p2(Math.floor(sec / 3600) % 24)}:${p2(Math.floor(sec / 60) % 60)}:${p2(sec % 60)}`,
          ];
        }),
  },
  {
    name: "each user's first sign-in, numbering each user's sign-ins from 1 (row_number with a restart)",
    kql: `SigninLogs | sort by UserPrincipalName asc, TimeGenerated asc
| extend Seq = row_number(1, prev(UserPrincipalName) != UserPrincipalName)
| where Seq == 1 | project UserPrincipalName, TimeGenerated`,
    expect: () =>
      users(signIns())
        .sort()
        .map((u) => {
          const rows = signIns().filter((r) => r.userPrincipalName === u);
          return [
            u,
            outTime(
              rows.sort((x, y) => usOf(x.createdDateTime) - usOf(y.createdDateTime))[0]!.createdDateTime,
            ),
          ];
        }),
  },
  {
    name: 'sign-ins per user from the 131.107.0.0/16 network (ipv6_is_match with an IPv4 prefix)',
    kql: `SigninLogs | where ipv6_is_match(IPAddress, '131.107.0.0/16') | summarize n = count() by UserPrincipalName`,
    expect: () =>
      countBy(
        signIns().filter((r) => /^131\.107\./.test(r.ipAddress)),
        (r) => r.userPrincipalName,
      ),
  },
];

describeCases('more realistic Entra queries over a fixed dataset', CASES, createWatchlists);
