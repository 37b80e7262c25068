/**
 * Realistic Entra queries (seed 002/003 questions, Sentinel-style hunting) over a fixed simulated
 * dataset, stored in a real DuckDB as ingest stores it. Each expected result is computed here in
 * plain JS from the Graph-shaped records themselves (not from idtrail's LA rows or SQL).
 */
import {
  byKey,
  type Case,
  countBy,
  day,
  describeCases,
  distinct,
  FROM,
  failed,
  hour,
  type R,
  recs,
  signIns,
  TO,
} from './helpers/kql-entra.ts';

const CASES: Case[] = [
  {
    name: 'sign-ins per user, busiest first',
    kql: 'SigninLogs | summarize SignIns = count() by UserPrincipalName | sort by SignIns desc, UserPrincipalName asc',
    expect: () => countBy(signIns(), (r) => r.userPrincipalName),
  },
  {
    name: 'failed sign-ins per user',
    kql: 'SigninLogs | where ResultType != "0" | summarize Failures = count() by UserPrincipalName | order by Failures desc, UserPrincipalName asc',
    expect: () => countBy(signIns().filter(failed), (r) => r.userPrincipalName),
  },
  {
    name: 'sign-in status breakdown by error code',
    kql: 'SigninLogs | summarize Count = count() by ResultType | sort by Count desc, ResultType asc',
    expect: () => countBy(signIns(), (r) => String(r.status?.errorCode ?? 0)),
  },
  {
    name: 'users who signed in over the window',
    kql: 'SigninLogs | summarize Users = dcount(UserPrincipalName)',
    expect: () => [[distinct(signIns().map((r) => r.userPrincipalName)).length]],
  },
  {
    name: 'users who signed in during the last day',
    kql: 'SigninLogs | where TimeGenerated > ago(1d) | distinct UserPrincipalName | count',
    expect: () => [
      [
        distinct(
          signIns()
            .filter((r) => Date.parse(r.createdDateTime) > TO - 86_400_000)
            .map((r) => r.userPrincipalName),
        ).length,
      ],
    ],
  },
  {
    name: 'app usage: sign-ins and distinct users per app',
    kql: 'SigninLogs | summarize SignIns = count(), Users = dcount(UserId) by AppDisplayName | sort by AppDisplayName asc',
    expect: () =>
      distinct(signIns().map((r) => r.appDisplayName))
        .sort()
        .map((app) => {
          const rows = signIns().filter((r) => r.appDisplayName === app);
          return [app, rows.length, distinct(rows.map((r) => r.userId)).length];
        }),
  },
  {
    name: "a user's sign-in pattern by hour",
    kql: `let who = toscalar(SigninLogs | summarize count() by UserPrincipalName | sort by count_ desc, UserPrincipalName asc | take 1 | project UserPrincipalName);
SigninLogs | where UserPrincipalName == who | summarize count() by bin(TimeGenerated, 1h) | sort by TimeGenerated asc`,
    expect: () => {
      const who = countBy(signIns(), (r) => r.userPrincipalName)[0]![0];
      return countBy(
        signIns().filter((r) => r.userPrincipalName === who),
        (r) => hour(r.createdDateTime),
      ).sort(byKey);
    },
  },
  {
    name: 'sign-ins per day',
    kql: 'SigninLogs | summarize count() by bin(TimeGenerated, 1d) | sort by TimeGenerated asc',
    expect: () => countBy(signIns(), (r) => day(r.createdDateTime)).sort(byKey),
  },
  {
    name: 'sign-ins by country from the dynamic LocationDetails',
    kql: 'SigninLogs | extend Country = tostring(LocationDetails.countryOrRegion) | summarize count() by Country | sort by count_ desc, Country asc',
    expect: () => countBy(signIns(), (r) => r.location?.countryOrRegion ?? ''),
  },
  {
    name: 'operating systems from DeviceDetail',
    kql: 'SigninLogs | summarize count() by OS = tostring(DeviceDetail.operatingSystem) | sort by count_ desc, OS asc',
    expect: () => countBy(signIns(), (r) => r.deviceDetail?.operatingSystem ?? ''),
  },
  {
    name: 'users signing in from more than one IP',
    kql: 'SigninLogs | summarize IPs = dcount(IPAddress) by UserPrincipalName | where IPs > 1 | sort by UserPrincipalName asc',
    expect: () =>
      distinct(signIns().map((r) => r.userPrincipalName))
        .sort()
        .map((u) => [
          u,
          distinct(
            signIns()
              .filter((r) => r.userPrincipalName === u)
              .map((r) => r.ipAddress),
          ).length,
        ])
        .filter(([, n]) => (n as number) > 1),
  },
  {
    name: 'brute-force style: failures and distinct IPs per user over 24 h',
    kql: `SigninLogs | where TimeGenerated > ago(24h) and ResultType in ("50126", "50053", "50074", "50140", "50076", "500121")
| summarize Failures = count(), IPs = dcount(IPAddress) by UserPrincipalName | sort by Failures desc, UserPrincipalName asc`,
    expect: () => {
      const codes = new Set([50126, 50053, 50074, 50140, 50076, 500121]);
      const rows = signIns().filter(
        (r) => Date.parse(r.createdDateTime) > TO - 86_400_000 && codes.has(r.status?.errorCode),
      );
      return countBy(rows, (r) => r.userPrincipalName).map(([u, n]) => [
        u,
        n,
        distinct(rows.filter((r) => r.userPrincipalName === u).map((r) => r.ipAddress)).length,
      ]);
    },
  },
  {
    name: 'conditional access failures',
    kql: 'SigninLogs | where ConditionalAccessStatus == "failure" | project UserPrincipalName, AppDisplayName | sort by UserPrincipalName asc, AppDisplayName asc',
    expect: () =>
      signIns()
        .filter((r) => r.conditionalAccessStatus === 'failure')
        .map((r) => [r.userPrincipalName, r.appDisplayName])
        .sort((a, b) => byKey(a, b) || byKey([a[1]], [b[1]])),
  },
  {
    name: 'single-factor sign-ins',
    kql: 'SigninLogs | where AuthenticationRequirement =~ "SINGLEFACTORAUTHENTICATION" | count',
    expect: () => [
      [signIns().filter((r) => r.authenticationRequirement === 'singleFactorAuthentication').length],
    ],
  },
  {
    name: 'risky sign-ins',
    mayBeEmpty: true,
    kql: 'SigninLogs | where RiskLevelDuringSignIn in ("medium", "high") | summarize count() by UserPrincipalName, RiskLevelDuringSignIn | sort by UserPrincipalName asc',
    expect: () =>
      countBy(
        signIns().filter((r) => ['medium', 'high'].includes(r.riskLevelDuringSignIn)),
        (r) => `${r.userPrincipalName}\u0000${r.riskLevelDuringSignIn}`,
      )
        .map(([k, n]) => [...String(k).split('\u0000'), n])
        .sort(byKey),
  },
  {
    name: 'client apps other than modern ones',
    kql: 'SigninLogs | where ClientAppUsed !in ("Browser", "Mobile Apps and Desktop clients") | count',
    expect: () => [
      [
        signIns().filter((r) => !['Browser', 'Mobile Apps and Desktop clients'].includes(r.clientAppUsed))
          .length,
      ],
    ],
  },
  {
    name: 'last sign-in per user with its app (arg_max)',
    kql: 'SigninLogs | summarize arg_max(TimeGenerated, AppDisplayName, IPAddress) by UserPrincipalName | project UserPrincipalName, AppDisplayName, IPAddress | sort by UserPrincipalName asc',
    expect: () =>
      distinct(signIns().map((r) => r.userPrincipalName))
        .sort()
        .map((u) => {
          const last = signIns()
            .filter((r) => r.userPrincipalName === u)
            .reduce((a, b) => (Date.parse(b.createdDateTime) > Date.parse(a.createdDateTime) ? b : a));
          return [u, last.appDisplayName, last.ipAddress];
        }),
  },
  {
    name: 'first sign-in per user (arg_min with *)',
    kql: 'SigninLogs | summarize arg_min(TimeGenerated, *) by UserPrincipalName | project UserPrincipalName, Id | sort by UserPrincipalName asc',
    expect: () =>
      distinct(signIns().map((r) => r.userPrincipalName))
        .sort()
        .map((u) => {
          const first = signIns()
            .filter((r) => r.userPrincipalName === u)
            .reduce((a, b) => (Date.parse(b.createdDateTime) < Date.parse(a.createdDateTime) ? b : a));
          return [u, first.id];
        }),
  },
  {
    name: 'interactive and non-interactive sign-ins together (union)',
    kql: 'union SigninLogs, AADNonInteractiveUserSignInLogs | summarize count() by UserPrincipalName | sort by count_ desc, UserPrincipalName asc | take 5',
    expect: () =>
      countBy([...signIns(), ...recs('NonInteractiveUserSignInLogs')], (r) => r.userPrincipalName).slice(
        0,
        5,
      ),
  },
  {
    name: 'union withsource names the table',
    kql: 'union withsource=Table SigninLogs, AADNonInteractiveUserSignInLogs | summarize count() by Table | sort by Table asc',
    expect: () => [
      ['AADNonInteractiveUserSignInLogs', recs('NonInteractiveUserSignInLogs').length],
      ['SigninLogs', signIns().length],
    ],
  },
  {
    name: 'non-interactive sign-ins per resource',
    kql: 'AADNonInteractiveUserSignInLogs | summarize count() by ResourceDisplayName | top 3 by count_',
    expect: () => countBy(recs('NonInteractiveUserSignInLogs'), (r) => r.resourceDisplayName).slice(0, 3),
  },
  {
    name: 'service principal sign-ins per app',
    kql: 'AADServicePrincipalSignInLogs | summarize count() by ServicePrincipalName | sort by count_ desc, ServicePrincipalName asc',
    expect: () => countBy(recs('ServicePrincipalSignInLogs'), (r) => r.servicePrincipalName),
  },
  {
    name: 'managed identity sign-ins: distinct identities',
    kql: 'AADManagedIdentitySignInLogs | summarize dcount(ServicePrincipalId)',
    expect: () => [[distinct(recs('ManagedIdentitySignInLogs').map((r) => r.servicePrincipalId)).length]],
  },
  {
    name: 'users who failed then succeeded (let tabular + in)',
    kql: `let failedUsers = SigninLogs | where ResultType != "0" | distinct UserPrincipalName;
SigninLogs | where ResultType == "0" and UserPrincipalName in (failedUsers) | summarize dcount(UserPrincipalName)`,
    expect: () => {
      const f = new Set(
        signIns()
          .filter(failed)
          .map((r) => r.userPrincipalName),
      );
      return [
        [
          distinct(
            signIns()
              .filter((r) => !failed(r) && f.has(r.userPrincipalName))
              .map((r) => r.userPrincipalName),
          ).length,
        ],
      ];
    },
  },
  {
    name: 'audit activities by category',
    kql: 'AuditLogs | summarize count() by Category | sort by count_ desc, Category asc',
    expect: () => countBy(recs('AuditLogs'), (r) => r.category),
  },
  {
    name: 'audit results',
    kql: 'AuditLogs | summarize count() by Result | sort by Result asc',
    expect: () => countBy(recs('AuditLogs'), (r) => r.result).sort(byKey),
  },
  {
    name: 'who changed group membership (actor and group)',
    kql: `AuditLogs | where OperationName in ("Add member to group", "Remove member from group", "Add owner to group", "Remove owner from group")
| extend Actor = coalesce(tostring(InitiatedBy.user.userPrincipalName), tostring(InitiatedBy.app.displayName))
| extend Group = tostring(TargetResources[1].displayName)
| summarize Changes = count() by Actor, Group | sort by Actor asc, Group asc`,
    expect: () =>
      countBy(
        recs('AuditLogs').filter((r) =>
          [
            'Add member to group',
            'Remove member from group',
            'Add owner to group',
            'Remove owner from group',
          ].includes(r.activityDisplayName),
        ),
        (r) =>
          `${r.initiatedBy?.user?.userPrincipalName || r.initiatedBy?.app?.displayName || ''}|${r.targetResources?.[1]?.displayName ?? ''}`,
      )
        .map(([k, n]) => [...String(k).split('|'), n])
        .sort((a, b) => byKey(a, b) || byKey([a[1]], [b[1]])),
  },
  {
    name: 'device registrations by the Device Registration Service',
    kql: 'AuditLogs | where Category == "Device" and InitiatedBy.app.displayName == "Device Registration Service" | count',
    expect: () => [
      [
        recs('AuditLogs').filter(
          (r) => r.category === 'Device' && r.initiatedBy?.app?.displayName === 'Device Registration Service',
        ).length,
      ],
    ],
  },
  {
    name: 'first target of each user update',
    kql: 'AuditLogs | where OperationName == "Update user" | project Target = tostring(TargetResources[0].userPrincipalName) | sort by Target asc',
    expect: () =>
      recs('AuditLogs')
        .filter((r) => r.activityDisplayName === 'Update user')
        .map((r) => [r.targetResources?.[0]?.userPrincipalName ?? ''])
        .sort(byKey),
  },
  {
    name: 'audit operations containing "role"',
    kql: 'AuditLogs | where OperationName contains "role" | summarize count()',
    expect: () => [[recs('AuditLogs').filter((r) => /role/i.test(r.activityDisplayName)).length]],
  },
  {
    name: 'audit operations that have the term "group"',
    kql: 'AuditLogs | where OperationName has "group" | distinct OperationName | sort by OperationName asc',
    expect: () =>
      distinct(recs('AuditLogs').map((r) => r.activityDisplayName as string))
        .filter((n) => /(^|[^a-z0-9])group($|[^a-z0-9])/i.test(n))
        .sort()
        .map((n) => [n]),
  },
  {
    name: 'user risk events by type',
    kql: 'AADUserRiskEvents | summarize count() by RiskEventType, RiskLevel',
    expect: () =>
      countBy(recs('UserRiskEvents'), (r) => `${r.riskEventType}|${r.riskLevel}`).map(([k, n]) => [
        ...String(k).split('|'),
        n,
      ]),
  },
  {
    name: 'risky users at risk',
    mayBeEmpty: true,
    kql: 'AADRiskyUsers | where RiskState == "atRisk" | distinct UserPrincipalName',
    expect: () =>
      distinct(
        recs('RiskyUsers')
          .filter((r) => r.riskState === 'atRisk')
          .map((r) => r.userPrincipalName),
      ).map((u) => [u]),
  },
  {
    name: 'Graph activity: requests per method',
    kql: 'MicrosoftGraphActivityLogs | summarize count() by RequestMethod | sort by RequestMethod asc',
    expect: () => countBy(recs('MicrosoftGraphActivityLogs'), (r) => r.requestMethod).sort(byKey),
  },
  {
    name: 'Graph activity: failed requests',
    kql: 'MicrosoftGraphActivityLogs | where ResponseStatusCode >= 400 | count',
    expect: () => [
      [recs('MicrosoftGraphActivityLogs').filter((r) => Number(r.responseStatusCode) >= 400).length],
    ],
  },
  {
    name: 'provisioning actions and statuses',
    kql: 'AADProvisioningLogs | summarize count() by ProvisioningAction, ResultType | sort by ProvisioningAction asc, ResultType asc',
    expect: () =>
      countBy(recs('ProvisioningLogs'), (r) => {
        const s = r.provisioningStatusInfo?.status ?? '';
        return `${r.provisioningAction}|${s ? s[0].toUpperCase() + s.slice(1) : ''}`;
      })
        .map(([k, n]) => [...String(k).split('|'), n])
        .sort((a, b) => byKey(a, b) || byKey([a[1]], [b[1]])),
  },
  {
    name: 'sign-in success rate per app (countif and arithmetic)',
    kql: 'SigninLogs | summarize Total = count(), Ok = countif(ResultType == "0") by AppDisplayName | extend Rate = round(100.0 * Ok / Total, 1) | project AppDisplayName, Rate | sort by AppDisplayName asc',
    expect: () =>
      distinct(signIns().map((r) => r.appDisplayName))
        .sort()
        .map((app) => {
          const rows = signIns().filter((r) => r.appDisplayName === app);
          const ok = rows.filter((r) => !failed(r)).length;
          return [app, Math.round((1000 * ok) / rows.length) / 10];
        }),
  },
  {
    name: 'IPs per user as a set (make_set, array_length)',
    kql: 'SigninLogs | summarize IPs = make_set(IPAddress) by UserPrincipalName | extend N = array_length(IPs) | project UserPrincipalName, N | sort by UserPrincipalName asc',
    expect: () =>
      distinct(signIns().map((r) => r.userPrincipalName))
        .sort()
        .map((u) => [
          u,
          distinct(
            signIns()
              .filter((r) => r.userPrincipalName === u)
              .map((r) => r.ipAddress),
          ).length,
        ]),
  },
  {
    name: 'hour-of-day profile (hourofday)',
    kql: 'SigninLogs | summarize count() by Hour = hourofday(TimeGenerated) | sort by Hour asc',
    expect: () =>
      countBy(signIns(), (r) => new Date(r.createdDateTime).getUTCHours()).sort(
        (a, b) => Number(a[0]) - Number(b[0]),
      ),
  },
  {
    name: 'UPN domain (split and indexing)',
    // summarize leaves its row order unspecified (Kusto's and DuckDB's both): sort to compare.
    kql: 'SigninLogs | extend Domain = tostring(split(UserPrincipalName, "@")[1]) | summarize count() by Domain | sort by count_ desc, Domain asc',
    expect: () => countBy(signIns(), (r) => String(r.userPrincipalName).split('@')[1] ?? ''),
  },
  {
    name: 'top 3 users by failures (top)',
    kql: 'SigninLogs | where ResultType != "0" | summarize Failures = count() by UserPrincipalName | top 3 by Failures desc',
    pick: (row) => [row[1]],
    expect: () => {
      // Ties at the cut are possible: compare the failure counts only.
      return countBy(signIns().filter(failed), (r) => r.userPrincipalName)
        .slice(0, 3)
        .map(([, n]) => [n]);
    },
  },
  {
    name: 'conditional access policy results (mv-expand over the dynamic column)',
    kql: `SigninLogs | mv-expand Policy = ConditionalAccessPolicies
| summarize count() by PolicyName = tostring(Policy.displayName), Result = tostring(Policy.result)
| sort by PolicyName asc, Result asc`,
    expect: () =>
      countBy(
        signIns().flatMap((r) => (r.appliedConditionalAccessPolicies ?? []) as R[]),
        (p) => `${p.displayName}|${p.result}`,
      )
        .map(([k, n]) => [...String(k).split('|'), n])
        .sort((a, b) => byKey(a, b) || byKey([a[1]], [b[1]])),
  },
  {
    name: 'authentication methods used (mv-expand AuthenticationDetails)',
    // AuthenticationDetails is a string column in SigninLogs (Appendix A): parse it, as Sentinel queries do.
    kql: `SigninLogs | mv-expand Step = todynamic(AuthenticationDetails) | extend Method = tostring(Step.authenticationMethod)
| where isnotempty(Method) | summarize count() by Method | sort by count_ desc, Method asc`,
    expect: () =>
      countBy(
        signIns()
          .flatMap((r) => (r.authenticationDetails ?? []) as R[])
          .filter((d) => d.authenticationMethod),
        (d) => d.authenticationMethod,
      ),
  },
  {
    name: 'users with a risk event who also failed a sign-in (join)',
    kql: `AADUserRiskEvents | distinct UserPrincipalName
| join kind=inner (SigninLogs | where ResultType != "0" | summarize Failures = count() by UserPrincipalName) on UserPrincipalName
| project UserPrincipalName, Failures`,
    expect: () => {
      const risky = new Set(recs('UserRiskEvents').map((r) => r.userPrincipalName));
      return countBy(signIns().filter(failed), (r) => r.userPrincipalName)
        .filter(([u]) => risky.has(u))
        .sort(byKey);
    },
  },
  {
    name: 'sign-ins by users never seen failing (leftanti join)',
    kql: `SigninLogs | join kind=leftanti (SigninLogs | where ResultType != "0" | distinct UserPrincipalName) on UserPrincipalName
| summarize dcount(UserPrincipalName)`,
    expect: () => {
      const f = new Set(
        signIns()
          .filter(failed)
          .map((r) => r.userPrincipalName),
      );
      return [[distinct(signIns().map((r) => r.userPrincipalName)).filter((u) => !f.has(u)).length]];
    },
  },
  {
    name: 'interactive and non-interactive activity per user side by side (leftouter join)',
    kql: `SigninLogs | summarize Interactive = count() by UserPrincipalName
| join kind=leftouter (AADNonInteractiveUserSignInLogs | summarize NonInteractive = count() by UserPrincipalName) on UserPrincipalName
| project UserPrincipalName, Interactive, NonInteractive = coalesce(NonInteractive, 0) | sort by UserPrincipalName asc`,
    expect: () =>
      countBy(signIns(), (r) => r.userPrincipalName)
        .map(([u, n]) => [
          u,
          n,
          recs('NonInteractiveUserSignInLogs').filter((r) => r.userPrincipalName === u).length,
        ])
        .sort(byKey),
  },
  {
    name: 'Sentinel idiom: one let function over both user sign-in tables with table()',
    kql: `let failures = (t:string) { table(t) | where ResultType != "0" | summarize n = count() };
union (failures("SigninLogs") | extend Source = "interactive"), (failures("AADNonInteractiveUserSignInLogs") | extend Source = "noninteractive")
| project Source, n | sort by Source asc`,
    expect: () => [
      ['interactive', signIns().filter(failed).length],
      ['noninteractive', recs('NonInteractiveUserSignInLogs').filter(failed).length],
    ],
  },
  {
    name: 'let scalar threshold and a lambda over columns',
    kql: `let threshold = 2; let domain = (upn:string) { tostring(split(upn, "@")[1]) };
SigninLogs | where ResultType != "0" | summarize Failures = count() by UserPrincipalName | where Failures >= threshold
| extend Domain = domain(UserPrincipalName) | project UserPrincipalName, Domain, Failures | sort by UserPrincipalName asc`,
    expect: () =>
      countBy(signIns().filter(failed), (r) => r.userPrincipalName)
        .filter(([, n]) => n >= 2)
        .map(([u, n]) => [u, String(u).split('@')[1], n])
        .sort(byKey),
  },
  {
    name: 'failure reasons with lookup of a reference table',
    kql: `let codes = datatable(ResultType:string, Meaning:string)["50126", "bad password", "50074", "MFA required", "50140", "keep me signed in", "50076", "MFA required", "500121", "MFA failed"];
SigninLogs | where ResultType != "0" | lookup codes on ResultType | summarize count() by Meaning | sort by Meaning asc`,
    expect: () => {
      const m: Record<number, string> = {
        50126: 'bad password',
        50074: 'MFA required',
        50140: 'keep me signed in',
        50076: 'MFA required',
        500121: 'MFA failed',
      };
      return countBy(signIns().filter(failed), (r) => m[r.status.errorCode] ?? '').sort(byKey);
    },
  },
  {
    name: 'parse the user name out of the UPN',
    kql: 'SigninLogs | parse UserPrincipalName with First "." Last "@" Domain | summarize count() by Domain | sort by Domain asc',
    expect: () =>
      countBy(signIns(), (r) => {
        const m = /^(.*?)\.(.*?)@(.*)$/.exec(r.userPrincipalName);
        return m ? m[3] : '';
      }).sort(byKey),
  },
  {
    name: 'sign-ins from the last 6 hours of the window (between with datetimes)',
    kql: 'SigninLogs | where TimeGenerated between (ago(6h) .. now()) | count',
    expect: () => [
      [
        signIns().filter(
          (r) => Date.parse(r.createdDateTime) >= TO - 6 * 3_600_000 && Date.parse(r.createdDateTime) <= TO,
        ).length,
      ],
    ],
  },
  {
    name: 'browsers in use (startswith over DeviceDetail)',
    kql: 'SigninLogs | extend Browser = tostring(DeviceDetail.browser) | where Browser startswith "Chrome" | count',
    expect: () => [
      [
        signIns().filter((r) =>
          String(r.deviceDetail?.browser ?? '')
            .toLowerCase()
            .startsWith('chrome'),
        ).length,
      ],
    ],
  },
  {
    name: 'apps with no failure at all (countif == 0)',
    kql: 'SigninLogs | summarize Failures = countif(ResultType != "0") by AppDisplayName | where Failures == 0 | sort by AppDisplayName asc | project AppDisplayName',
    expect: () =>
      distinct(signIns().map((r) => r.appDisplayName))
        .filter((a) => !signIns().some((r) => r.appDisplayName === a && failed(r)))
        .sort()
        .map((a) => [a]),
  },
  {
    name: 'hourly failure rate as a time chart',
    kql: 'SigninLogs | summarize Total = count(), Failed = countif(ResultType != "0") by bin(TimeGenerated, 6h) | sort by TimeGenerated asc | render timechart',
    expect: () =>
      distinct(
        signIns().map((r) =>
          new Date(Math.floor(Date.parse(r.createdDateTime) / 21_600_000) * 21_600_000)
            .toISOString()
            .replace('.000Z', 'Z'),
        ),
      )
        .sort()
        .map((b) => {
          const rows = signIns().filter(
            (r) =>
              new Date(Math.floor(Date.parse(r.createdDateTime) / 21_600_000) * 21_600_000)
                .toISOString()
                .replace('.000Z', 'Z') === b,
          );
          return [b, rows.length, rows.filter(failed).length];
        }),
  },
  {
    name: 'audit operations by initiating app (coalesce over InitiatedBy branches)',
    kql: `AuditLogs | extend Initiator = iff(isnotempty(tostring(InitiatedBy.user.userPrincipalName)), tostring(InitiatedBy.user.userPrincipalName), tostring(InitiatedBy.app.displayName))
| summarize count() by Initiator | top 5 by count_ desc | project count_`,
    expect: () => {
      const rows = countBy(
        recs('AuditLogs'),
        (r) => r.initiatedBy?.user?.userPrincipalName || r.initiatedBy?.app?.displayName || '',
      );
      // Ties at the cut: compare counts only.
      return rows.slice(0, 5).map(([, n]) => [n]);
    },
  },
  {
    name: 'audit targets by type (mv-expand TargetResources)',
    kql: 'AuditLogs | mv-expand Target = TargetResources | summarize count() by Type = tostring(Target.type) | sort by count_ desc, Type asc',
    expect: () =>
      countBy(
        recs('AuditLogs').flatMap((r) => r.targetResources ?? []),
        (t: R) => t.type ?? '',
      ),
  },
  {
    name: 'operations by service (LoggedByService)',
    kql: 'AuditLogs | summarize Operations = dcount(OperationName) by LoggedByService | sort by LoggedByService asc',
    expect: () =>
      distinct(recs('AuditLogs').map((r) => r.loggedByService))
        .sort()
        .map((s) => [
          s,
          distinct(
            recs('AuditLogs')
              .filter((r) => r.loggedByService === s)
              .map((r) => r.activityDisplayName),
          ).length,
        ]),
  },
  {
    name: 'Graph activity: top callers by app',
    kql: 'MicrosoftGraphActivityLogs | summarize Calls = count() by AppId | sort by Calls desc, AppId asc | take 3',
    expect: () => countBy(recs('MicrosoftGraphActivityLogs'), (r) => r.appId ?? '').slice(0, 3),
  },
  {
    name: 'Graph activity: requests to /users endpoints (contains)',
    kql: 'MicrosoftGraphActivityLogs | where RequestUri contains "/users" | count',
    expect: () => [
      [
        recs('MicrosoftGraphActivityLogs').filter((r) =>
          String(r.requestUri ?? '')
            .toLowerCase()
            .includes('/users'),
        ).length,
      ],
    ],
  },
  {
    name: 'Graph activity: hosts called (parse_url)',
    kql: 'MicrosoftGraphActivityLogs | extend Host = tostring(parse_url(RequestUri).Host) | summarize count() by Host | sort by Host asc',
    expect: () =>
      countBy(recs('MicrosoftGraphActivityLogs'), (r) => {
        const m = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/(?:[^:@/]*(?::[^@/]*)?@)?([^:/?#]*)/.exec(
          String(r.requestUri ?? ''),
        );
        return m ? m[1] : '';
      }).sort(byKey),
  },
  {
    name: 'service principal sign-in failures by resource',
    kql: 'AADServicePrincipalSignInLogs | where ResultType != "0" | summarize count() by ResourceDisplayName | sort by count_ desc, ResourceDisplayName asc',
    expect: () =>
      countBy(recs('ServicePrincipalSignInLogs').filter(failed), (r) => r.resourceDisplayName ?? ''),
  },
  {
    name: 'managed identity sign-ins by resource, top 3',
    kql: 'AADManagedIdentitySignInLogs | summarize count() by ResourceDisplayName | sort by count_ desc, ResourceDisplayName asc | take 3',
    expect: () => countBy(recs('ManagedIdentitySignInLogs'), (r) => r.resourceDisplayName ?? '').slice(0, 3),
  },
  {
    name: 'ADFS sign-ins per user',
    kql: 'ADFSSignInLogs | summarize count() by UserPrincipalName | sort by UserPrincipalName asc',
    expect: () => countBy(recs('ADFSSignInLogs'), (r) => r.userPrincipalName ?? '').sort(byKey),
  },
  {
    name: 'network access traffic by action',
    kql: 'NetworkAccessTraffic | summarize count() by Action | sort by Action asc',
    expect: () => countBy(recs('NetworkAccessTrafficLogs'), (r) => r.action ?? '').sort(byKey),
  },
  {
    name: 'distinct users and IPs per country in one summarize',
    kql: 'SigninLogs | summarize Users = dcount(UserPrincipalName), IPs = dcount(IPAddress) by Country = tostring(LocationDetails.countryOrRegion) | sort by Country asc',
    expect: () =>
      distinct(signIns().map((r) => r.location?.countryOrRegion ?? ''))
        .sort()
        .map((c) => {
          const rows = signIns().filter((r) => (r.location?.countryOrRegion ?? '') === c);
          return [
            c,
            distinct(rows.map((r) => r.userPrincipalName)).length,
            distinct(rows.map((r) => r.ipAddress)).length,
          ];
        }),
  },
  {
    name: 'sign-ins to apps whose name has the term "Office"',
    kql: 'SigninLogs | where AppDisplayName has "office" | summarize count() by AppDisplayName | sort by AppDisplayName asc',
    expect: () =>
      countBy(
        signIns().filter((r) => /(^|[^a-z0-9])office($|[^a-z0-9])/i.test(r.appDisplayName)),
        (r) => r.appDisplayName,
      ).sort(byKey),
  },
  {
    name: 'sign-ins where some conditional access policy failed (mv-apply)',
    kql: `SigninLogs | mv-apply Policy = ConditionalAccessPolicies on (where tostring(Policy.result) == "failure" | summarize Failed = count())
| where Failed > 0 | summarize SignIns = count(), Users = dcount(UserPrincipalName)`,
    expect: () => {
      const rows = signIns().filter((r) =>
        (r.appliedConditionalAccessPolicies ?? []).some((p: R) => p.result === 'failure'),
      );
      return [[rows.length, distinct(rows.map((r) => r.userPrincipalName)).length]];
    },
  },
  {
    name: 'the first policy that applied to each failed CA sign-in (mv-apply with take)',
    kql: `SigninLogs | where ConditionalAccessStatus == "failure"
| mv-apply with_itemindex=i Policy = ConditionalAccessPolicies on (where tostring(Policy.result) == "failure" | top 1 by i asc)
| project UserPrincipalName, PolicyName = tostring(Policy.displayName) | sort by UserPrincipalName asc, PolicyName asc`,
    expect: () =>
      signIns()
        .filter((r) => r.conditionalAccessStatus === 'failure')
        .flatMap((r) => {
          const p = ((r.appliedConditionalAccessPolicies ?? []) as R[]).find((x) => x.result === 'failure');
          return p ? [[r.userPrincipalName, p.displayName]] : [];
        })
        .sort((a, b) => byKey(a, b) || byKey([a[1]], [b[1]])),
  },
  {
    name: 'every sign-in table but SigninLogs by wildcard (union *SignIn*)',
    kql: 'union withsource=Table *SignIn* | summarize count() by Table | sort by Table asc',
    expect: () =>
      [
        ['AADManagedIdentitySignInLogs', recs('ManagedIdentitySignInLogs').length],
        ['AADNonInteractiveUserSignInLogs', recs('NonInteractiveUserSignInLogs').length],
        ['AADServicePrincipalSignInLogs', recs('ServicePrincipalSignInLogs').length],
        ['ADFSSignInLogs', recs('ADFSSignInLogs').length],
      ].filter(([, n]) => (n as number) > 0),
  },
  {
    name: 'hours with no interactive sign-in (range + leftanti join)',
    kql: `range Hour from datetime(${new Date(FROM).toISOString()}) to datetime(${new Date(TO - 3_600_000).toISOString()}) step 1h
| join kind=leftanti (SigninLogs | summarize by Hour = bin(TimeGenerated, 1h)) on Hour | count`,
    expect: () => {
      const seen = new Set(signIns().map((r) => hour(r.createdDateTime)));
      let n = 0;
      for (let t = FROM; t < TO; t += 3_600_000)
        if (!seen.has(new Date(t).toISOString().replace('.000Z', 'Z'))) n++;
      return [[n]];
    },
  },
  {
    name: 'sign-ins per weekday (dayofweek)',
    kql: 'SigninLogs | summarize count() by Day = dayofweek(TimeGenerated) | sort by Day asc',
    expect: () =>
      countBy(signIns(), (r) => new Date(r.createdDateTime).getUTCDay())
        .sort((a, b) => Number(a[0]) - Number(b[0]))
        .map(([d, n]) => [`${d === 0 ? '00:00:00' : `${d}.00:00:00`}`, n]),
  },
  {
    name: 'sign-ins per calendar day as text (format_datetime)',
    kql: 'SigninLogs | summarize count() by Day = format_datetime(TimeGenerated, "yyyy-MM-dd") | sort by Day asc',
    expect: () => countBy(signIns(), (r) => String(r.createdDateTime).slice(0, 10)).sort(byKey),
  },
  {
    name: 'sign-ins per user per day (startofday, two keys)',
    kql: 'SigninLogs | summarize count() by UserPrincipalName, Day = startofday(TimeGenerated) | summarize Days = count() by UserPrincipalName | sort by UserPrincipalName asc',
    expect: () =>
      distinct(signIns().map((r) => r.userPrincipalName))
        .sort()
        .map((u) => [
          u,
          distinct(
            signIns()
              .filter((r) => r.userPrincipalName === u)
              .map((r) => day(r.createdDateTime)),
          ).length,
        ]),
  },
  {
    name: 'active span per user in hours (datetime_diff of min and max)',
    kql: 'SigninLogs | summarize First = min(TimeGenerated), Last = max(TimeGenerated) by UserPrincipalName | extend Hours = datetime_diff("hour", Last, First) | project UserPrincipalName, Hours | sort by UserPrincipalName asc',
    expect: () =>
      distinct(signIns().map((r) => r.userPrincipalName))
        .sort()
        .map((u) => {
          const ts = signIns()
            .filter((r) => r.userPrincipalName === u)
            .map((r) => Date.parse(r.createdDateTime));
          const h = (t: number) => Math.floor(t / 3_600_000);
          return [u, h(Math.max(...ts)) - h(Math.min(...ts))];
        }),
  },
  {
    name: 'outcome labels with case()',
    kql: `SigninLogs | extend Outcome = case(ResultType == "0", "success", ResultType in ("50074", "50076", "500121"), "mfa", "failure")
| summarize count() by Outcome | sort by Outcome asc`,
    expect: () =>
      countBy(signIns(), (r) => {
        const c = r.status?.errorCode ?? 0;
        return c === 0 ? 'success' : [50074, 50076, 500121].includes(c) ? 'mfa' : 'failure';
      }).sort(byKey),
  },
  {
    name: 'user and app pairs as one string (strcat)',
    kql: 'SigninLogs | extend Pair = strcat(UserPrincipalName, " → ", AppDisplayName) | summarize dcount(Pair)',
    expect: () => [[distinct(signIns().map((r) => `${r.userPrincipalName} → ${r.appDisplayName}`)).length]],
  },
  {
    name: 'sign-ins with the Windows family (tolower + startswith)',
    kql: 'SigninLogs | where tolower(tostring(DeviceDetail.operatingSystem)) startswith "windows" | count',
    expect: () => [
      [
        signIns().filter((r) =>
          String(r.deviceDetail?.operatingSystem ?? '')
            .toLowerCase()
            .startsWith('windows'),
        ).length,
      ],
    ],
  },
  {
    name: 'IP prefixes /16 (split and strcat)',
    kql: 'SigninLogs | extend Octets = split(IPAddress, ".") | extend Prefix = strcat(tostring(Octets[0]), ".", tostring(Octets[1])) | summarize dcount(Prefix)',
    expect: () => [
      [distinct(signIns().map((r) => String(r.ipAddress).split('.').slice(0, 2).join('.'))).length],
    ],
  },
  {
    name: 'sign-ins from private addresses (ipv4_is_private)',
    kql: 'SigninLogs | where ipv4_is_private(IPAddress) | count',
    expect: () => [
      [
        signIns().filter((r) => {
          const o = String(r.ipAddress).split('.').map(Number);
          return (
            o.length === 4 &&
            (o[0] === 10 || (o[0] === 172 && o[1]! >= 16 && o[1]! <= 31) || (o[0] === 192 && o[1] === 168))
          );
        }).length,
      ],
    ],
  },
  {
    name: 'provisioning by source and target system (parse_json of string columns)',
    kql: 'AADProvisioningLogs | summarize count() by Source = tostring(parse_json(SourceSystem).displayName), Target = tostring(parse_json(TargetSystem).displayName) | sort by Source asc, Target asc',
    expect: () =>
      countBy(
        recs('ProvisioningLogs'),
        (r) => `${r.sourceSystem?.displayName ?? ''}|${r.targetSystem?.displayName ?? ''}`,
      )
        .map(([k, n]) => [...String(k).split('|'), n])
        .sort((a, b) => byKey(a, b) || byKey([a[1]], [b[1]])),
  },
  {
    name: 'risky users by risk level',
    mayBeEmpty: true,
    kql: 'AADRiskyUsers | summarize arg_max(RiskLastUpdatedDateTime, RiskLevel) by UserPrincipalName | summarize count() by RiskLevel',
    expect: () => {
      const latest = new Map<string, R>();
      for (const r of recs('RiskyUsers')) {
        const cur = latest.get(r.userPrincipalName);
        if (!cur || Date.parse(r.riskLastUpdatedDateTime) > Date.parse(cur.riskLastUpdatedDateTime))
          latest.set(r.userPrincipalName, r);
      }
      return countBy([...latest.values()], (r) => r.riskLevel ?? '');
    },
  },
  {
    name: 'risk events with their sign-in country (Location dynamic)',
    kql: 'AADUserRiskEvents | project UserPrincipalName, Country = tostring(Location.countryOrRegion), RiskEventType',
    expect: () =>
      recs('UserRiskEvents').map((r) => [
        r.userPrincipalName,
        r.location?.countryOrRegion ?? '',
        r.riskEventType,
      ]),
  },
  {
    name: 'Graph activity: average response size per method (avg, round)',
    kql: 'MicrosoftGraphActivityLogs | summarize Avg = round(avg(ResponseSizeBytes), 0) by RequestMethod | sort by RequestMethod asc',
    expect: () =>
      distinct(recs('MicrosoftGraphActivityLogs').map((r) => r.requestMethod))
        .sort()
        .map((m) => {
          const xs = recs('MicrosoftGraphActivityLogs')
            .filter((r) => r.requestMethod === m && typeof r.responseSizeBytes === 'number')
            .map((r) => r.responseSizeBytes as number);
          return [m, xs.length ? Math.round(xs.reduce((a, b) => a + b, 0) / xs.length) : null];
        }),
  },
  {
    name: 'Graph activity: 95th percentile of duration',
    kql: 'MicrosoftGraphActivityLogs | summarize p95 = percentile(DurationMs, 95)',
    expect: () => {
      const xs = recs('MicrosoftGraphActivityLogs')
        .map((r) => r.durationMs)
        .filter((x): x is number => typeof x === 'number')
        .sort((a, b) => a - b);
      // Nearest rank: the smallest value with at least 95% of values at or below it.
      return [[xs[Math.ceil(0.95 * xs.length) - 1] ?? null]];
    },
  },
  {
    name: 'network traffic: distinct destinations per action',
    kql: 'NetworkAccessTraffic | summarize Destinations = dcount(DestinationFqdn) by Action | sort by Action asc',
    expect: () =>
      distinct(recs('NetworkAccessTrafficLogs').map((r) => r.action ?? ''))
        .sort()
        .map((a) => [
          a,
          distinct(
            recs('NetworkAccessTrafficLogs')
              .filter((r) => (r.action ?? '') === a)
              .map((r) => r.destinationFqdn ?? ''),
          ).length,
        ]),
  },
  {
    name: 'failures per user as a 6-hourly series (make-series)',
    kql: `SigninLogs | where ResultType != "0"
| make-series Failures = count() default = 0 on TimeGenerated from datetime(${new Date(FROM).toISOString()}) to datetime(${new Date(TO).toISOString()}) step 6h by UserPrincipalName
| project UserPrincipalName, Failures | sort by UserPrincipalName asc`,
    expect: () =>
      distinct(
        signIns()
          .filter(failed)
          .map((r) => r.userPrincipalName),
      )
        .sort()
        .map((u) => {
          const series = Array.from({ length: (TO - FROM) / 21_600_000 }, () => 0);
          for (const r of signIns().filter((x) => failed(x) && x.userPrincipalName === u))
            series[Math.floor((Date.parse(r.createdDateTime) - FROM) / 21_600_000)]!++;
          return [u, JSON.stringify(series)];
        }),
  },
];

describeCases('realistic Entra queries over a fixed dataset', CASES);
