/** Audit logs: Directory and Custom Security tabs over Graph's directoryAudits / customSecurityAttributeAudits. */
import { ATTRIBUTE_LOG_ROLES, fetchCatalog } from '../lib/api.ts';
import { at, odataString, type Rec, text, when } from '../lib/format.ts';
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
import type { View } from './types.ts';

interface Target {
  id?: string;
  displayName?: string | null;
  type?: string;
  userPrincipalName?: string | null;
  modifiedProperties?: Array<{ displayName?: string; oldValue?: string | null; newValue?: string | null }>;
}

const targets = (r: Rec) => (Array.isArray(r.targetResources) ? (r.targetResources as Target[]) : []);

const targetNames = (r: Rec) =>
  targets(r)
    .map((t) => t.displayName || t.userPrincipalName || t.id || '')
    .filter(Boolean)
    .join(', ');

export function initiator(r: Rec): string {
  const user = at(r, 'initiatedBy/user') as Rec | null | undefined;
  const app = at(r, 'initiatedBy/app') as Rec | null | undefined;
  if (user && (user.userPrincipalName || user.displayName))
    return text(user.userPrincipalName || user.displayName);
  if (app && (app.displayName || app.servicePrincipalName))
    return text(app.displayName || app.servicePrincipalName);
  return '';
}

/** User agent: beta's property, else the 'User-Agent' additional detail audits carry. */
function userAgent(r: Rec): string {
  if (typeof r.userAgent === 'string' && r.userAgent) return r.userAgent;
  const details = Array.isArray(r.additionalDetails)
    ? (r.additionalDetails as Array<{ key?: string; value?: string }>)
    : [];
  return details.find((d) => d.key?.toLowerCase() === 'user-agent')?.value ?? '';
}

/** JSON-encoded values ('["a"]') are shown decoded, as Entra does. */
function pretty(v: string | null | undefined): string {
  if (v === null || v === undefined || v === '') return '';
  try {
    const parsed: unknown = JSON.parse(v);
    if (Array.isArray(parsed) && parsed.length === 1 && typeof parsed[0] !== 'object')
      return String(parsed[0]);
    if (typeof parsed === 'string') return parsed;
    if (Array.isArray(parsed) && parsed.length === 0) return '';
    return JSON.stringify(parsed);
  } catch {
    return v;
  }
}

export function ModifiedProperties({ r }: { r: Rec }) {
  const rows = targets(r).flatMap((t) =>
    (t.modifiedProperties ?? []).map((m) => ({ target: t.displayName || t.id || '', ...m })),
  );
  if (rows.length === 0) return <p className="muted">This activity changed no properties.</p>;
  return (
    <table className="mini" aria-label="Modified properties">
      <thead>
        <tr>
          <th>Target</th>
          <th>Property name</th>
          <th>Old value</th>
          <th>New value</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((m, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: rows have no id of their own and never reorder
          <tr key={i}>
            <td>{m.target}</td>
            <td>{m.displayName}</td>
            <td className="old">{pretty(m.oldValue)}</td>
            <td className="new">{pretty(m.newValue)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const auditDetails = [
  {
    id: 'activity',
    label: 'Activity',
    render: (r: Rec) => (
      <KeyValues
        rows={[
          ['Date', when(r.activityDateTime)],
          ['Activity Type', text(r.activityDisplayName)],
          ['Correlation ID', text(r.correlationId)],
          ['Category', text(r.category)],
          ['Status', <Status key="s" ok={r.result === 'success'} label={text(r.result)} />],
          ['Status reason', text(r.resultReason)],
          ['User Agent', userAgent(r)],
          ['Service', text(r.loggedByService)],
          ['Operation type', text(r.operationType)],
          ['Initiated by (actor)', initiator(r)],
          ['Actor IP address', text(at(r, 'initiatedBy/user/ipAddress'))],
          ...(
            (Array.isArray(r.additionalDetails) ? r.additionalDetails : []) as Array<{
              key: string;
              value: string;
            }>
          ).map((d): [string, string] => [d.key, d.value]),
        ]}
      />
    ),
  },
  {
    id: 'targets',
    label: 'Target(s)',
    render: (r: Rec) =>
      targets(r).length === 0 ? (
        <p className="muted">No targets.</p>
      ) : (
        <div>
          {targets(r).map((t, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: targets keep their order
            <section key={i} className="target">
              <h4>Target {i + 1}</h4>
              <KeyValues
                rows={fields(t as Rec, [
                  ['Type', 'type'],
                  ['Object ID', 'id'],
                  ['Display name', 'displayName'],
                  ['User principal name', 'userPrincipalName'],
                ])}
              />
            </section>
          ))}
        </div>
      ),
  },
  { id: 'modified', label: 'Modified Properties', render: (r: Rec) => <ModifiedProperties r={r} /> },
  { id: 'raw', label: 'JSON', render: (r: Rec) => <JsonBlock value={r} /> },
];

const catalogServices = async () => (await fetchCatalog()).services;
const catalogCategories = async (p: URLSearchParams) => {
  const c = await fetchCatalog();
  const service = p.get('service');
  return [...new Set(c.value.filter((x) => !service || x.service === service).map((x) => x.category))].sort();
};
const catalogActivities = async (p: URLSearchParams) => {
  const c = await fetchCatalog();
  const service = p.get('service');
  const category = p.get('category');
  return [
    ...new Set(
      c.value
        .filter((x) => (!service || x.service === service) && (!category || x.category === category))
        .map((x) => x.activity),
    ),
  ].sort();
};

export const auditView: View = {
  id: 'audit',
  path: '/audit',
  title: 'Audit logs',
  timeField: 'activityDateTime',
  chart: 'Audit events',
  tabs: [
    {
      id: 'directory',
      label: 'Directory',
      list: '/beta/auditLogs/directoryAudits',
      exportResource: 'directoryAudits',
    },
    {
      id: 'customSecurity',
      label: 'Custom Security',
      list: '/beta/auditLogs/customSecurityAttributeAudits',
      exportResource: 'customSecurityAttributeAudits',
      visible: (me) => me.roles.some((r) => ATTRIBUTE_LOG_ROLES.includes(r)),
    },
  ],
  filters: [
    {
      id: 'service',
      label: 'Service',
      kind: 'select',
      pinned: true,
      loadOptions: catalogServices,
      toOData: (v) => `loggedByService eq ${odataString(v)}`,
    },
    {
      id: 'category',
      label: 'Category',
      kind: 'select',
      pinned: true,
      loadOptions: catalogCategories,
      toOData: (v) => `category eq ${odataString(v)}`,
    },
    {
      id: 'activity',
      label: 'Activity',
      kind: 'typeahead',
      pinned: true,
      loadOptions: catalogActivities,
      placeholder: 'type to search activities',
      toOData: (v) => `activityDisplayName eq ${odataString(v)}`,
    },
    selectFilter(
      'status',
      'Status',
      'result',
      [
        ['success', 'Success'],
        ['failure', 'Failure'],
      ],
      { pinned: true },
    ),
    {
      id: 'target',
      label: 'Target',
      kind: 'text',
      placeholder: 'display name starts with…',
      toOData: (v) => `targetResources/any(t: startswith(t/displayName, ${odataString(v)}))`,
    },
    startsWithFilter('initiatedBy', 'Initiated by (actor)', 'initiatedBy/user/userPrincipalName', {
      placeholder: 'user principal name starts with…',
    }),
    eqFilter('correlationId', 'Correlation ID', 'correlationId'),
  ],
  columns: [
    dateColumn('date', 'activityDateTime'),
    col('service', 'Service', 'loggedByService', 150),
    col('category', 'Category', 'category', 150),
    col('activity', 'Activity', 'activityDisplayName', 230),
    {
      id: 'status',
      header: 'Status',
      value: (r) => text(r.result),
      cell: (r) => <Status ok={r.result === 'success'} label={text(r.result)} />,
      width: 90,
      default: true,
    },
    col('statusReason', 'Status reason', 'resultReason', 160, false),
    { id: 'targets', header: 'Target(s)', value: targetNames, width: 200, default: true },
    { id: 'initiatedBy', header: 'Initiated by (actor)', value: initiator, width: 220, default: true },
    { id: 'userAgent', header: 'User agent', value: userAgent, width: 220, default: false },
    col('correlationId', 'Correlation ID', 'correlationId', 280, false),
  ],
  details: auditDetails,
  recordTitle: (r) => text(r.activityDisplayName) || 'Audit log details',
  emptyText: 'No audit events match these filters. Widen the date range or remove a filter.',
};
