/** Provisioning logs, with each record's steps as a timeline. */
import { at, type Rec, text, when } from '../lib/format.ts';
import { col, dateColumn, fields, JsonBlock, KeyValues, Status } from './common.tsx';
import type { View } from './types.ts';

interface Step {
  name?: string;
  provisioningStepType?: string;
  status?: string;
  description?: string;
  details?: Record<string, unknown>;
}

const status = (r: Rec) => text(at(r, 'provisioningStatusInfo/status') ?? at(r, 'statusInfo/status'));

function Timeline({ r }: { r: Rec }) {
  const steps = Array.isArray(r.provisioningSteps) ? (r.provisioningSteps as Step[]) : [];
  if (steps.length === 0) return <p className="muted">No steps recorded.</p>;
  return (
    <ol className="timeline" aria-label="Steps">
      {steps.map((s, i) => (
        <li
          // biome-ignore lint/suspicious/noArrayIndexKey: steps keep their order
          key={i}
          className={`step ${s.status === 'success' ? 'ok' : s.status === 'skipped' ? 'skip' : 'bad'}`}
        >
          <div className="step-head">
            <span className="step-no">{i + 1}</span>
            <strong>{s.provisioningStepType ?? s.name}</strong>
            <Status
              ok={s.status === 'success' ? true : s.status === 'skipped' ? null : false}
              label={text(s.status)}
            />
          </div>
          <div className="step-body">
            <div>{s.description}</div>
            <div className="muted small">{s.name}</div>
            {s.details && Object.keys(s.details).length > 0 && (
              <KeyValues rows={Object.entries(s.details).map(([k, v]) => [k, text(v)])} />
            )}
          </div>
        </li>
      ))}
    </ol>
  );
}

export const provisioningView: View = {
  id: 'provisioning',
  path: '/provisioning',
  title: 'Provisioning logs',
  timeField: 'activityDateTime',
  chart: 'Provisioning events',
  tabs: [
    {
      id: 'all',
      label: 'Provisioning',
      list: '/beta/auditLogs/provisioning',
      exportResource: 'provisioning',
    },
  ],
  filters: [
    {
      id: 'status',
      label: 'Status',
      kind: 'select',
      pinned: true,
      options: ['success', 'failure', 'skipped', 'warning'].map((v) => ({ value: v, label: v })),
      toOData: (v) => `provisioningStatusInfo/status eq '${v}'`,
    },
    {
      id: 'action',
      label: 'Action',
      kind: 'select',
      pinned: true,
      options: ['create', 'update', 'delete', 'disable', 'other'].map((v) => ({ value: v, label: v })),
      toOData: (v) => `provisioningAction eq '${v}'`,
    },
    {
      id: 'identity',
      label: 'Identity',
      kind: 'text',
      pinned: true,
      placeholder: 'display name contains…',
      toOData: (v) => `contains(sourceIdentity/displayName, '${v.replace(/'/g, "''")}')`,
    },
  ],
  columns: [
    dateColumn('date', 'activityDateTime'),
    col('identity', 'Identity', 'sourceIdentity/displayName', 180),
    col('action', 'Action', 'provisioningAction', 100),
    col('source', 'Source system', 'sourceSystem/displayName', 170),
    col('target', 'Target system', 'targetSystem/displayName', 170),
    {
      id: 'status',
      header: 'Status',
      value: status,
      cell: (r) => <Status ok={status(r) === 'success'} label={status(r)} />,
      width: 100,
      default: true,
    },
    col('app', 'Application', 'servicePrincipal/displayName', 260),
    col('jobId', 'Job ID', 'jobId', 260, false),
  ],
  details: [
    { id: 'steps', label: 'Steps', render: (r) => <Timeline r={r} /> },
    {
      id: 'troubleshoot',
      label: 'Troubleshooting & recommendations',
      render: (r) => (
        <KeyValues
          rows={fields(r, [
            ['Error code', 'provisioningStatusInfo/errorInformation/errorCode'],
            ['Reason', 'provisioningStatusInfo/errorInformation/reason'],
            ['Additional details', 'provisioningStatusInfo/errorInformation/additionalDetails'],
            ['Recommended action', 'provisioningStatusInfo/errorInformation/recommendedAction'],
          ])}
        />
      ),
    },
    {
      id: 'modified',
      label: 'Modified properties',
      render: (r) => {
        const props = Array.isArray(r.modifiedProperties)
          ? (r.modifiedProperties as Array<{
              displayName?: string;
              oldValue?: string | null;
              newValue?: string | null;
            }>)
          : [];
        return props.length === 0 ? (
          <p className="muted">No properties changed.</p>
        ) : (
          <table className="mini" aria-label="Modified properties">
            <thead>
              <tr>
                <th>Property name</th>
                <th>Old value</th>
                <th>New value</th>
              </tr>
            </thead>
            <tbody>
              {props.map((p, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: properties keep their order
                <tr key={i}>
                  <td>{p.displayName}</td>
                  <td className="old">{p.oldValue ?? ''}</td>
                  <td className="new">{p.newValue ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        );
      },
    },
    {
      id: 'summary',
      label: 'Summary',
      render: (r) => (
        <KeyValues
          rows={[
            ['Date', when(r.activityDateTime)],
            ...fields(r, [
              ['Activity ID', 'id'],
              ['Job ID', 'jobId'],
              ['Cycle ID', 'cycleId'],
              ['Change ID', 'changeId'],
              ['Duration (ms)', 'durationInMilliseconds'],
              ['Source identity ID', 'sourceIdentity/id'],
              ['Target identity ID', 'targetIdentity/id'],
            ]),
          ]}
        />
      ),
    },
    { id: 'raw', label: 'JSON', render: (r) => <JsonBlock value={r} /> },
  ],
  recordTitle: (r) => `Provisioning: ${text(at(r, 'sourceIdentity/displayName'))}`,
  emptyText: 'No provisioning events match these filters.',
};
