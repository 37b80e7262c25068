import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TObject, TSchema } from '@sinclair/typebox';
import { FormatRegistry } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import {
  enrichedM365Audit,
  graphActivity,
  networkAccessTraffic,
  remoteNetworkHealth,
  riskDetection,
  riskyServicePrincipal,
  riskyUser,
  servicePrincipalRiskDetection,
} from '../../../test/fixtures/secondary-samples.ts';
import type { ColumnDef } from '../types.ts';
import {
  enrichedM365AuditColumns,
  enrichedM365AuditKeys,
  graphActivityColumns,
  graphActivityKeys,
  networkAccessTrafficColumns,
  networkAccessTrafficKeys,
  remoteNetworkHealthColumns,
  remoteNetworkHealthKeys,
  riskDetectionColumns,
  riskDetectionKeys,
  riskyServicePrincipalColumns,
  riskyServicePrincipalKeys,
  riskyUserColumns,
  riskyUserKeys,
  servicePrincipalRiskDetectionColumns,
  servicePrincipalRiskDetectionKeys,
} from './columns.ts';
import { EnrichedM365Audit, NetworkAccessTraffic, RemoteNetworkHealth } from './global-secure-access.ts';
import { MicrosoftGraphActivity } from './graph-activity.ts';
import { RiskDetection, RiskyServicePrincipal, RiskyUser, ServicePrincipalRiskDetection } from './risk.ts';

// TypeBox rejects unknown formats; register 'date-time' here unless the app already has.
if (!FormatRegistry.Has('date-time')) {
  FormatRegistry.Set(
    'date-time',
    (v) =>
      /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(v) &&
      !Number.isNaN(Date.parse(v)),
  );
}

type Rec = Record<string, unknown>;

interface Case {
  name: string;
  schema: TObject;
  keys: { idField: string; timeField: string };
  columns: readonly ColumnDef[];
  sample: Rec;
  /** Mutations that each put a wrongly typed value into one typed property. */
  wrong: ReadonlyArray<readonly [path: readonly string[], value: unknown]>;
}

const cases: Case[] = [
  {
    name: 'riskyUser',
    schema: RiskyUser,
    keys: riskyUserKeys,
    columns: riskyUserColumns,
    sample: riskyUser,
    wrong: [
      [['riskLevel'], 'extreme'],
      [['riskState'], 'compromised'],
      [['isDeleted'], 'false'],
      [['riskLastUpdatedDateTime'], 'yesterday'],
    ],
  },
  {
    name: 'riskDetection',
    schema: RiskDetection,
    keys: riskDetectionKeys,
    columns: riskDetectionColumns,
    sample: riskDetection,
    wrong: [
      [['riskLevel'], 'extreme'],
      [['detectionTimingType'], 'later'],
      [['activity'], 'login'],
      [['additionalInfo'], [{ Key: 'userAgent', Value: 'x' }]],
      [['location', 'countryOrRegion'], 840],
      [['riskEventType'], 3],
    ],
  },
  {
    name: 'riskyServicePrincipal',
    schema: RiskyServicePrincipal,
    keys: riskyServicePrincipalKeys,
    columns: riskyServicePrincipalColumns,
    sample: riskyServicePrincipal,
    wrong: [
      [['riskLevel'], 'extreme'],
      [['riskDetail'], 'adminSaidSo'],
      [['isEnabled'], 1],
    ],
  },
  {
    name: 'servicePrincipalRiskDetection',
    schema: ServicePrincipalRiskDetection,
    keys: servicePrincipalRiskDetectionKeys,
    columns: servicePrincipalRiskDetectionColumns,
    sample: servicePrincipalRiskDetection,
    wrong: [
      [['riskLevel'], 'extreme'],
      [['keyIds'], '9b3d2f0a-1c4e-4d5f-8a6b-7c8d9e0f1a2b'],
      [['tokenIssuerType'], 'Okta'],
    ],
  },
  {
    name: 'graphActivity',
    schema: MicrosoftGraphActivity,
    keys: graphActivityKeys,
    columns: graphActivityColumns,
    sample: graphActivity,
    wrong: [
      [['responseStatusCode'], '200'],
      [['durationMs'], 1.5],
      [['requestMethod'], 1],
      [['tokenIssuedAt'], 1709806784],
    ],
  },
  {
    name: 'networkAccessTraffic',
    schema: NetworkAccessTraffic,
    keys: networkAccessTrafficKeys,
    columns: networkAccessTrafficColumns,
    sample: networkAccessTraffic,
    wrong: [
      [['destinationPort'], '445'],
      [['sentBytes'], 'many'],
      [['userPrincipalName'], 42],
    ],
  },
  {
    name: 'remoteNetworkHealth',
    schema: RemoteNetworkHealth,
    keys: remoteNetworkHealthKeys,
    columns: remoteNetworkHealthColumns,
    sample: remoteNetworkHealth,
    wrong: [
      [['bgpRoutesAdvertisedCount'], '12'],
      [['status'], true],
    ],
  },
  {
    name: 'enrichedM365Audit',
    schema: EnrichedM365Audit,
    keys: enrichedM365AuditKeys,
    columns: enrichedM365AuditColumns,
    sample: enrichedM365Audit,
    wrong: [
      [['recordType'], 'SharePointFileOperation'],
      [['operation'], { name: 'FileDownloaded' }],
    ],
  },
];

const errors = (schema: TSchema, value: unknown) =>
  [...Value.Errors(schema, value)].map((e) => `${e.path}: ${e.message}`).join('; ');

const clone = (r: Rec): Rec => structuredClone(r);

function setPath(rec: Rec, path: readonly string[], value: unknown): Rec {
  const out = clone(rec);
  let cur = out;
  for (const k of path.slice(0, -1)) cur = cur[k] as Rec;
  cur[path[path.length - 1] as string] = value;
  return out;
}

function walk(rec: unknown, path: readonly string[]): unknown {
  let cur = rec;
  for (const k of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Rec)[k];
  }
  return cur;
}

/** The schema reached by following object `properties` (through Optional/Nullable unions). */
function schemaAt(schema: TSchema, path: readonly string[]): TSchema | undefined {
  let cur: TSchema | undefined = schema;
  for (const k of path) {
    if (!cur) return undefined;
    const objects: TSchema[] = cur.anyOf ? (cur.anyOf as TSchema[]).filter((s) => s.properties) : [cur];
    cur = objects.map((s) => (s.properties as Record<string, TSchema> | undefined)?.[k]).find(Boolean);
  }
  return cur;
}

const snake = (s: string) => s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();

function matchesType(type: ColumnDef['type'], v: unknown): boolean {
  switch (type) {
    case 'string':
      return typeof v === 'string';
    case 'timestamp':
      return typeof v === 'string' && !Number.isNaN(Date.parse(v));
    case 'int':
    case 'bigint':
      return typeof v === 'number' && Number.isInteger(v);
    case 'double':
      return typeof v === 'number';
    case 'bool':
      return typeof v === 'boolean';
    case 'string[]':
      return Array.isArray(v) && v.every((x) => typeof x === 'string');
  }
}

for (const c of cases) {
  describe(c.name, () => {
    it('accepts a realistic record', () => {
      assert.ok(Value.Check(c.schema, c.sample), errors(c.schema, c.sample));
    });

    it('requires the id and time fields', () => {
      const required = c.schema.required ?? [];
      assert.ok(required.includes(c.keys.idField), `${c.keys.idField} required`);
      assert.ok(required.includes(c.keys.timeField), `${c.keys.timeField} required`);
      assert.equal(schemaAt(c.schema, [c.keys.timeField])?.format, 'date-time');
      for (const field of [c.keys.idField, c.keys.timeField]) {
        const { [field]: _dropped, ...rest } = c.sample;
        assert.equal(Value.Check(c.schema, rest), false, `record without ${field} must fail`);
        assert.equal(
          Value.Check(c.schema, { ...c.sample, [field]: null }),
          false,
          `${field}: null must fail`,
        );
      }
      assert.equal(Value.Check(c.schema, { ...c.sample, [c.keys.idField]: '' }), false, 'empty id must fail');
    });

    it('rejects a wrongly typed property', () => {
      assert.ok(c.wrong.length > 0);
      for (const [path, value] of c.wrong) {
        const bad = setPath(c.sample, path, value);
        assert.equal(
          Value.Check(c.schema, bad),
          false,
          `${path.join('.')} = ${JSON.stringify(value)} must fail`,
        );
      }
    });

    it('keeps unknown keys and accepts omitted or null optional properties', () => {
      assert.ok(Value.Check(c.schema, { ...c.sample, someUndocumentedKey: { a: 1 } }));
      const minimal = {
        [c.keys.idField]: c.sample[c.keys.idField],
        [c.keys.timeField]: c.sample[c.keys.timeField],
      };
      assert.ok(Value.Check(c.schema, minimal), errors(c.schema, minimal));
      const nulls: Rec = { ...minimal };
      for (const k of Object.keys(c.schema.properties)) if (!(k in minimal)) nulls[k] = null;
      assert.ok(Value.Check(c.schema, nulls), errors(c.schema, nulls));
    });

    it('has columns whose paths resolve in the sample with the right type', () => {
      assert.ok(c.columns.length >= 5 && c.columns.length <= 15, `${c.columns.length} columns`);
      for (const col of c.columns) {
        assert.ok(
          schemaAt(c.schema, col.path),
          `${col.name}: path ${col.path.join('.')} is not in the schema`,
        );
        const raw = walk(c.sample, col.path);
        const v = col.each ? (raw as unknown[]).map((x) => walk(x, col.each ?? [])) : raw;
        assert.ok(v !== undefined && v !== null, `${col.name}: no value at ${col.path.join('.')}`);
        assert.ok(matchesType(col.type, v), `${col.name}: ${JSON.stringify(v)} is not ${col.type}`);
      }
    });

    it('names columns uniquely, in snake_case of the path, never id/time/tenant', () => {
      const names = c.columns.map((col) => col.name);
      assert.equal(new Set(names).size, names.length, 'duplicate column name');
      for (const col of c.columns) {
        assert.ok(!['id', 'time', 'tenant'].includes(col.name), `reserved column name ${col.name}`);
        assert.equal(col.name, col.path.map(snake).join('_'));
        assert.ok(
          ![c.keys.idField, c.keys.timeField].includes(col.path.join('.')),
          `${col.name} repeats id/time`,
        );
      }
    });
  });
}

describe('export quirks', () => {
  it('graph activity accepts an app-only call as the export sends it (clientAuthMethod a string, userId null)', () => {
    const appOnly = {
      ...graphActivity,
      apiVersion: 'v1.0',
      requestMethod: 'GET',
      responseStatusCode: 200,
      requestUri: 'https://graph.microsoft.com/v1.0/directoryRoles',
      clientAuthMethod: '2',
      userId: null,
      scopes: null,
      roles: 'Application.Read.All Directory.Read.All User.Read.All',
      userAgent: '',
    };
    assert.ok(Value.Check(MicrosoftGraphActivity, appOnly), errors(MicrosoftGraphActivity, appOnly));
  });

  it('riskDetection keeps additionalInfo a JSON string', () => {
    assert.equal(typeof riskDetection.additionalInfo, 'string');
    assert.ok(Array.isArray(JSON.parse(riskDetection.additionalInfo as string)));
  });

  it('riskyUser accepts an expanded history', () => {
    const withHistory = {
      ...riskyUser,
      history: [
        {
          id: riskyUser.id,
          riskLastUpdatedDateTime: '2024-05-14T09:21:37.4413121Z',
          riskLevel: 'high',
          riskState: 'atRisk',
          riskDetail: 'none',
          userId: riskyUser.id,
          initiatedBy: null,
          activity: { detail: 'none', riskEventTypes: ['unfamiliarFeatures'] },
        },
      ],
    };
    assert.ok(Value.Check(RiskyUser, withHistory), errors(RiskyUser, withHistory));
  });
});
