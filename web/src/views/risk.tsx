/** Identity Protection: risky users and risk detections. */
import { type Rec, text, when } from '../lib/format.ts';
import {
  col,
  dateColumn,
  fields,
  JsonBlock,
  KeyValues,
  Status,
  selectFilter,
  startsWithFilter,
} from './common.tsx';
import type { Column, View } from './types.ts';

const levels: Array<[string, string]> = [
  ['high', 'High'],
  ['medium', 'Medium'],
  ['low', 'Low'],
  ['none', 'None'],
];
const states: Array<[string, string]> = [
  ['atRisk', 'At risk'],
  ['confirmedCompromised', 'Confirmed compromised'],
  ['remediated', 'Remediated'],
  ['dismissed', 'Dismissed'],
  ['confirmedSafe', 'Confirmed safe'],
];

const levelColumn = (path: string): Column => ({
  id: 'riskLevel',
  header: 'Risk level',
  value: (r) => text(r[path]),
  cell: (r) => <Status ok={r[path] === 'none' || r[path] === 'low' ? null : false} label={text(r[path])} />,
  width: 100,
  default: true,
});

export const riskyUsersView: View = {
  id: 'riskyUsers',
  path: '/risky-users',
  title: 'Risky users',
  tabs: [
    {
      id: 'all',
      label: 'Risky users',
      list: '/beta/identityProtection/riskyUsers',
      exportResource: 'riskyUsers',
    },
  ],
  filters: [
    selectFilter('level', 'Risk level', 'riskLevel', levels, { pinned: true }),
    selectFilter('state', 'Risk state', 'riskState', states, { pinned: true }),
    startsWithFilter('user', 'User', 'userPrincipalName', { pinned: true }),
  ],
  columns: [
    col('user', 'User', 'userDisplayName', 180),
    col('upn', 'User principal name', 'userPrincipalName', 240),
    col('state', 'Risk state', 'riskState', 170),
    levelColumn('riskLevel'),
    col('detail', 'Risk detail', 'riskDetail', 260),
    dateColumn('updated', 'riskLastUpdatedDateTime', 'Risk last updated'),
  ],
  details: [
    {
      id: 'basic',
      label: 'Basic info',
      render: (r: Rec) => (
        <KeyValues
          rows={[
            ...fields(r, [
              ['User', 'userDisplayName'],
              ['User principal name', 'userPrincipalName'],
              ['User ID', 'id'],
              ['Risk state', 'riskState'],
              ['Risk level', 'riskLevel'],
              ['Risk detail', 'riskDetail'],
              ['Deleted', 'isDeleted'],
              ['Processing', 'isProcessing'],
            ]),
            ['Risk last updated', when(r.riskLastUpdatedDateTime)],
          ]}
        />
      ),
    },
    { id: 'raw', label: 'JSON', render: (r: Rec) => <JsonBlock value={r} /> },
  ],
  recordTitle: (r) => text(r.userDisplayName || r.userPrincipalName),
  emptyText: 'No risky users match these filters.',
};

export const riskDetectionsView: View = {
  id: 'riskDetections',
  path: '/risk-detections',
  title: 'Risk detections',
  timeField: 'activityDateTime',
  tabs: [
    {
      id: 'all',
      label: 'Risk detections',
      list: '/beta/identityProtection/riskDetections',
      exportResource: 'riskDetections',
    },
  ],
  filters: [
    selectFilter('level', 'Risk level', 'riskLevel', levels, { pinned: true }),
    selectFilter('state', 'Risk state', 'riskState', states, { pinned: true }),
    selectFilter(
      'timing',
      'Detection timing',
      'detectionTimingType',
      [
        ['realtime', 'Real-time'],
        ['nearRealtime', 'Near real-time'],
        ['offline', 'Offline'],
      ],
      { pinned: true },
    ),
    selectFilter('eventType', 'Detection type', 'riskEventType', [
      ['unfamiliarFeatures', 'Unfamiliar sign-in properties'],
      ['anonymizedIPAddress', 'Anonymous IP address'],
      ['impossibleTravel', 'Atypical travel'],
      ['maliciousIPAddress', 'Malicious IP address'],
      ['passwordSpray', 'Password spray'],
      ['leakedCredentials', 'Leaked credentials'],
      ['unlikelyTravel', 'Impossible travel'],
    ]),
  ],
  columns: [
    dateColumn('detected', 'detectedDateTime', 'Detection time'),
    col('user', 'User', 'userDisplayName', 170),
    col('ip', 'IP address', 'ipAddress', 130),
    {
      id: 'location',
      header: 'Location',
      value: (r) =>
        [(r.location as Rec | null)?.city, (r.location as Rec | null)?.countryOrRegion]
          .filter(Boolean)
          .join(', '),
      width: 160,
      default: true,
    },
    col('eventType', 'Detection type', 'riskEventType', 190),
    levelColumn('riskLevel'),
    col('state', 'Risk state', 'riskState', 140),
    col('timing', 'Detection timing', 'detectionTimingType', 130, false),
    col('source', 'Source', 'source', 140, false),
    col('requestId', 'Request ID', 'requestId', 280, false),
  ],
  details: [
    {
      id: 'basic',
      label: 'Detection',
      render: (r: Rec) => (
        <KeyValues
          rows={[
            ['Detection time', when(r.detectedDateTime)],
            ['Activity time', when(r.activityDateTime)],
            ...fields(r, [
              ['Detection type', 'riskEventType'],
              ['Risk level', 'riskLevel'],
              ['Risk state', 'riskState'],
              ['Risk detail', 'riskDetail'],
              ['Detection timing', 'detectionTimingType'],
              ['Source', 'source'],
              ['Activity', 'activity'],
              ['User', 'userDisplayName'],
              ['User principal name', 'userPrincipalName'],
              ['IP address', 'ipAddress'],
              ['City', 'location/city'],
              ['Country/Region', 'location/countryOrRegion'],
              ['Sign-in request ID', 'requestId'],
              ['Correlation ID', 'correlationId'],
              ['Additional info', 'additionalInfo'],
            ]),
          ]}
        />
      ),
    },
    { id: 'raw', label: 'JSON', render: (r: Rec) => <JsonBlock value={r} /> },
  ],
  recordTitle: (r) => `${text(r.riskEventType)} — ${text(r.userDisplayName)}`,
  emptyText: 'No risk detections match these filters.',
};
