/**
 * Sign-in logs: Graph beta's signIns, one tab per sign-in kind (signInEventTypes), as Entra's
 * "User sign-ins (interactive)", "(non-interactive)", "Service principal" and "Managed identity" tabs.
 */
import { lazy, Suspense } from 'react';
import { at, odataString, type Rec, text, when } from '../lib/format.ts';
import { withGroupCount } from '../lib/group.ts';
import { kqlString, parseJsonColumn } from '../lib/kql.ts';
import {
  col,
  dateColumn,
  eqFilter,
  fields,
  JsonBlock,
  KeyValues,
  Status,
  selectFilter,
  startsWithFilter,
} from './common.tsx';
import type { Tab, View } from './types.ts';

const kind = (id: string, label: string, eventType: string): Tab => ({
  id,
  label,
  list: '/beta/auditLogs/signIns',
  exportResource: 'signIns',
  fixedFilter: `signInEventTypes/any(t: t eq ${odataString(eventType)})`,
});

// The map (and its world outlines) loads only when a Location tab is opened.
const LocationMap = lazy(() => import('../components/LocationMap.tsx'));

function Location({ r }: { r: Rec }) {
  const lat = at(r, 'location/geoCoordinates/latitude');
  const lon = at(r, 'location/geoCoordinates/longitude');
  return (
    <>
      <KeyValues
        rows={[
          ['IP address', text(r.ipAddress)],
          ...fields(r, [
            ['City', 'location/city'],
            ['State', 'location/state'],
            ['Country/Region', 'location/countryOrRegion'],
            ['Latitude', 'location/geoCoordinates/latitude'],
            ['Longitude', 'location/geoCoordinates/longitude'],
          ]),
        ]}
      />
      {typeof lat === 'number' && typeof lon === 'number' ? (
        <Suspense fallback={<div className="map muted">Loading map…</div>}>
          <LocationMap lat={lat} lon={lon} label={location(r) || text(r.ipAddress)} />
        </Suspense>
      ) : (
        <p className="muted">No coordinates for this sign-in.</p>
      )}
    </>
  );
}

const ok = (r: Rec) => at(r, 'status/errorCode') === 0;
const statusLabel = (r: Rec) => (ok(r) ? 'Success' : 'Failure');
const location = (r: Rec) =>
  [at(r, 'location/city'), at(r, 'location/state'), at(r, 'location/countryOrRegion')]
    .filter((x) => typeof x === 'string' && x !== '')
    .join(', ');

interface Policy {
  id?: string;
  displayName?: string;
  result?: string;
  enforcedGrantControls?: string[];
  enforcedSessionControls?: string[];
}
interface AuthStep {
  authenticationStepDateTime?: string;
  authenticationMethod?: string;
  authenticationMethodDetail?: string;
  succeeded?: boolean;
  authenticationStepResultDetail?: string;
  authenticationStepRequirement?: string;
}

const list = <T,>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);

const details = [
  {
    id: 'basic',
    label: 'Basic info',
    render: (r: Rec) => (
      <KeyValues
        rows={[
          ['Date', when(r.createdDateTime)],
          ['Request ID', text(r.id)],
          ['Correlation ID', text(r.correlationId)],
          ['Authentication requirement', text(r.authenticationRequirement)],
          ['Status', <Status key="s" ok={ok(r)} label={statusLabel(r)} />],
          ['Sign-in error code', text(at(r, 'status/errorCode'))],
          ['Failure reason', ok(r) ? '' : text(at(r, 'status/failureReason'))],
          ['User', text(r.userDisplayName)],
          ['Username', text(r.userPrincipalName)],
          ['User ID', text(r.userId)],
          ['Application', text(r.appDisplayName)],
          ['Application ID', text(r.appId)],
          ['Service principal', text(r.servicePrincipalName)],
          ['Resource', text(r.resourceDisplayName)],
          ['Resource ID', text(r.resourceId)],
          ['Client app', text(r.clientAppUsed)],
          ['Token issuer type', text(r.tokenIssuerType)],
          ['User agent', text(r.userAgent)],
        ]}
      />
    ),
  },
  {
    id: 'location',
    label: 'Location',
    render: (r: Rec) => <Location r={r} />,
  },
  {
    id: 'device',
    label: 'Device info',
    render: (r: Rec) => (
      <KeyValues
        rows={fields(r, [
          ['Device ID', 'deviceDetail/deviceId'],
          ['Device name', 'deviceDetail/displayName'],
          ['Operating system', 'deviceDetail/operatingSystem'],
          ['Browser', 'deviceDetail/browser'],
          ['Compliant', 'deviceDetail/isCompliant'],
          ['Managed', 'deviceDetail/isManaged'],
          ['Join type', 'deviceDetail/trustType'],
        ])}
      />
    ),
  },
  {
    id: 'auth',
    label: 'Authentication details',
    render: (r: Rec) => {
      const steps = list<AuthStep>(r.authenticationDetails);
      if (steps.length === 0) return <p className="muted">No authentication steps recorded.</p>;
      return (
        <table className="mini" aria-label="Authentication details">
          <thead>
            <tr>
              <th>Date</th>
              <th>Requirement</th>
              <th>Method</th>
              <th>Method detail</th>
              <th>Succeeded</th>
              <th>Result detail</th>
            </tr>
          </thead>
          <tbody>
            {steps.map((s, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: steps keep their order
              <tr key={i}>
                <td className="nowrap">{when(s.authenticationStepDateTime)}</td>
                <td>{s.authenticationStepRequirement}</td>
                <td>{s.authenticationMethod}</td>
                <td>{s.authenticationMethodDetail}</td>
                <td>{s.succeeded === undefined ? '' : s.succeeded ? 'true' : 'false'}</td>
                <td>{s.authenticationStepResultDetail}</td>
              </tr>
            ))}
          </tbody>
        </table>
      );
    },
  },
  {
    id: 'ca',
    label: 'Conditional Access',
    render: (r: Rec) => {
      const policies = list<Policy>(r.appliedConditionalAccessPolicies);
      if (policies.length === 0) return <p className="muted">No Conditional Access policy applied.</p>;
      return (
        <table className="mini" aria-label="Conditional Access">
          <thead>
            <tr>
              <th>Policy name</th>
              <th>Grant controls</th>
              <th>Session controls</th>
              <th>Result</th>
            </tr>
          </thead>
          <tbody>
            {policies.map((p, i) => (
              <tr key={p.id ?? i}>
                <td>{p.displayName}</td>
                <td>{(p.enforcedGrantControls ?? []).join(', ')}</td>
                <td>{(p.enforcedSessionControls ?? []).join(', ')}</td>
                <td>
                  <Status
                    ok={p.result === 'success' ? true : p.result === 'failure' ? false : null}
                    label={text(p.result)}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      );
    },
  },
  {
    id: 'additional',
    label: 'Additional details',
    render: (r: Rec) => (
      <>
        <KeyValues
          rows={fields(r, [
            ['Risk level during sign-in', 'riskLevelDuringSignIn'],
            ['Aggregated risk level', 'riskLevelAggregated'],
            ['Risk state', 'riskState'],
            ['Risk detail', 'riskDetail'],
            ['Original request ID', 'originalRequestId'],
            ['Cross-tenant access type', 'crossTenantAccessType'],
            ['Incoming token type', 'incomingTokenType'],
            ['Additional details', 'status/additionalDetails'],
          ])}
        />
        <JsonBlock value={r} />
      </>
    ),
  },
];

const anyUser = ['interactive', 'nonInteractive', 'adfs'];

/**
 * A Log Analytics sign-in row (ADFSSignInLogs, AADNonInteractiveUserSignInLogs) as the sign-in
 * record the columns and details read; their object columns are JSON text (LA string columns).
 */
function laSignIn(row: Rec): Rec {
  const status = parseJsonColumn(row.Status);
  const code = Number(row.ResultType);
  const location = parseJsonColumn(row.LocationDetails);
  const record: Rec = {
    id: row.Id,
    createdDateTime: row.CreatedDateTime || row.TimeGenerated,
    correlationId: row.CorrelationId,
    userDisplayName: row.UserDisplayName,
    userPrincipalName: row.UserPrincipalName,
    userId: row.UserId,
    appDisplayName: row.AppDisplayName,
    appId: row.AppId,
    ipAddress: row.IPAddress,
    resourceDisplayName: row.ResourceDisplayName,
    resourceId: row.ResourceIdentity,
    clientAppUsed: row.ClientAppUsed,
    conditionalAccessStatus: row.ConditionalAccessStatus,
    authenticationRequirement: row.AuthenticationRequirement,
    tokenIssuerType: row.TokenIssuerType,
    tokenIssuerName: row.TokenIssuerName,
    userAgent: row.UserAgent,
    originalRequestId: row.OriginalRequestId,
    status:
      status && typeof status === 'object'
        ? status
        : { errorCode: Number.isFinite(code) ? code : null, failureReason: row.ResultDescription || null },
    location:
      location && typeof location === 'object'
        ? location
        : row.Location
          ? { countryOrRegion: row.Location }
          : null,
    deviceDetail: parseJsonColumn(row.DeviceDetail),
    authenticationDetails: parseJsonColumn(row.AuthenticationDetails),
    appliedConditionalAccessPolicies: parseJsonColumn(row.ConditionalAccessPolicies),
    networkLocationDetails: parseJsonColumn(row.NetworkLocationDetails),
  };
  return withGroupCount(row, record);
}

const kqlEq = (column: string) => (v: string) => `${column} == ${kqlString(v)}`;
const kqlStartsWith = (column: string) => (v: string) => `${column} startswith ${kqlString(v)}`;

export const signInView: View = {
  id: 'signins',
  path: '/sign-ins',
  title: 'Sign-in logs',
  timeField: 'createdDateTime',
  chart: 'Sign-ins',
  tabs: [
    kind('interactive', 'User sign-ins (interactive)', 'interactiveUser'),
    {
      ...kind('nonInteractive', 'User sign-ins (non-interactive)', 'nonInteractiveUser'),
      // As Entra aggregates them: same user, application, resource, IP address and status, over
      // the whole filtered set (counted by the workspace).
      group: {
        table: 'AADNonInteractiveUserSignInLogs',
        by: ['UserPrincipalName', 'AppDisplayName', 'ResourceDisplayName', 'IPAddress', 'ResultType'],
        toRecord: laSignIn,
      },
    },
    kind('servicePrincipal', 'Service principal sign-ins', 'servicePrincipal'),
    kind('managedIdentity', 'Managed identity sign-ins', 'managedIdentity'),
    // Graph serves no AD FS sign-ins: read through the Log Analytics query API (keyset KQL pages).
    { id: 'adfs', label: 'AD FS sign-ins', list: '', kql: { table: 'ADFSSignInLogs', toRecord: laSignIn } },
  ],
  filters: [
    startsWithFilter('user', 'User', 'userPrincipalName', {
      pinned: true,
      tabs: anyUser,
      toKql: kqlStartsWith('UserPrincipalName'),
    }),
    startsWithFilter('app', 'Application', 'appDisplayName', {
      pinned: true,
      toKql: kqlStartsWith('AppDisplayName'),
    }),
    {
      id: 'status',
      label: 'Status',
      kind: 'select',
      pinned: true,
      options: [
        { value: 'success', label: 'Success' },
        { value: 'failure', label: 'Failure' },
      ],
      toOData: (v) => (v === 'success' ? 'status/errorCode eq 0' : 'not(status/errorCode eq 0)'),
      toKql: (v) => (v === 'success' ? 'ResultType == "0"' : 'ResultType != "0"'),
    },
    eqFilter('requestId', 'Request ID', 'id', { toKql: kqlEq('Id') }),
    startsWithFilter('ip', 'IP address', 'ipAddress', { toKql: kqlStartsWith('IPAddress') }),
    startsWithFilter('location', 'Location (city)', 'location/city'),
    selectFilter(
      'ca',
      'Conditional access',
      'conditionalAccessStatus',
      [
        ['success', 'Success'],
        ['failure', 'Failure'],
        ['notApplied', 'Not applied'],
      ],
      { toKql: kqlEq('ConditionalAccessStatus') },
    ),
    eqFilter('correlationId', 'Correlation ID', 'correlationId', { toKql: kqlEq('CorrelationId') }),
    selectFilter(
      'clientApp',
      'Client app',
      'clientAppUsed',
      [
        ['Browser', 'Browser'],
        ['Mobile Apps and Desktop clients', 'Mobile apps and desktop clients'],
        ['Exchange ActiveSync', 'Exchange ActiveSync'],
        ['IMAP4', 'IMAP4'],
        ['POP3', 'POP3'],
        ['Authenticated SMTP', 'Authenticated SMTP'],
        ['Other clients', 'Other clients'],
      ],
      // ADFSSignInLogs has no ClientAppUsed.
      {
        toKql: kqlEq('ClientAppUsed'),
        tabs: ['interactive', 'nonInteractive', 'servicePrincipal', 'managedIdentity'],
      },
    ),
    eqFilter('resource', 'Resource', 'resourceDisplayName', { toKql: kqlEq('ResourceDisplayName') }),
    selectFilter(
      'authReq',
      'Authentication requirement',
      'authenticationRequirement',
      [
        ['singleFactorAuthentication', 'Single-factor authentication'],
        ['multiFactorAuthentication', 'Multifactor authentication'],
      ],
      { tabs: anyUser, toKql: kqlEq('AuthenticationRequirement') },
    ),
  ],
  columns: [
    dateColumn('date', 'createdDateTime'),
    col('requestId', 'Request ID', 'id', 280, false),
    col('user', 'User', 'userDisplayName', 160),
    col('username', 'Username', 'userPrincipalName', 220, false),
    col('app', 'Application', 'appDisplayName', 200),
    col('servicePrincipal', 'Service principal', 'servicePrincipalName', 200, false),
    {
      id: 'status',
      header: 'Status',
      value: statusLabel,
      cell: (r) => <Status ok={ok(r)} label={statusLabel(r)} />,
      width: 90,
      default: true,
    },
    col('ip', 'IP address', 'ipAddress', 130),
    { id: 'location', header: 'Location', value: location, width: 190, default: true },
    col('resource', 'Resource', 'resourceDisplayName', 190, false),
    col('clientApp', 'Client app', 'clientAppUsed', 150, false),
    col('ca', 'Conditional access', 'conditionalAccessStatus', 140),
    col('authReq', 'Authentication requirement', 'authenticationRequirement', 200, false),
    col('correlationId', 'Correlation ID', 'correlationId', 280, false),
  ],
  details,
  recordTitle: (r) =>
    `Activity details: sign-ins — ${text(r.userPrincipalName || r.servicePrincipalName || r.appDisplayName)}`,
  emptyText: 'No sign-ins match these filters. Widen the date range or remove a filter.',
};
