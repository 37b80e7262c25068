import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TObject, TSchema } from '@sinclair/typebox';
import { FormatRegistry } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
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

const riskyUser: Rec = {
  id: 'c3a8f2d4-7b1e-4f6a-9d2c-5e8b0a1f3c47',
  isDeleted: false,
  isProcessing: false,
  riskLastUpdatedDateTime: '2024-05-14T09:21:37.4413121Z',
  riskLevel: 'high',
  riskState: 'atRisk',
  riskDetail: 'none',
  userDisplayName: 'Adele Vance',
  userPrincipalName: 'adelev@contoso.com',
};

const riskDetection: Rec = {
  id: '6a31f5c92f4b1a3e7e5d0f4ab98c1d2e7f3a0b5c6d7e8f9a0b1c2d3e4f5a6b7c',
  requestId: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
  correlationId: '9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a',
  riskEventType: 'unfamiliarFeatures',
  riskState: 'atRisk',
  riskLevel: 'medium',
  riskDetail: 'none',
  source: 'IdentityProtection',
  detectionTimingType: 'realtime',
  activity: 'signin',
  tokenIssuerType: 'AzureAD',
  ipAddress: '203.0.113.45',
  location: {
    city: 'Seattle',
    state: 'Washington',
    countryOrRegion: 'US',
    geoCoordinates: { latitude: 47.6062, longitude: -122.3321, altitude: null },
  },
  activityDateTime: '2024-05-14T09:18:02.1130000Z',
  detectedDateTime: '2024-05-14T09:18:05.2580000Z',
  lastUpdatedDateTime: '2024-05-14T09:21:37.4413121Z',
  userId: 'c3a8f2d4-7b1e-4f6a-9d2c-5e8b0a1f3c47',
  userDisplayName: 'Adele Vance',
  userPrincipalName: 'adelev@contoso.com',
  additionalInfo:
    '[{"Key":"userAgent","Value":"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36"}]',
};

const riskyServicePrincipal: Rec = {
  id: '9089a539-a539-4d2f-9cfe-76f8c1a2b3c4',
  accountEnabled: true,
  isEnabled: true,
  isProcessing: false,
  riskLastUpdatedDateTime: '2024-05-10T22:03:11.2730000Z',
  riskLevel: 'high',
  riskState: 'atRisk',
  riskDetail: 'none',
  displayName: 'Contoso Payroll Sync',
  appId: 'f1e2d3c4-b5a6-4978-8695-a4b3c2d1e0f9',
  servicePrincipalType: 'Application',
};

const servicePrincipalRiskDetection: Rec = {
  id: '1b2b2f7c0e3c4b3f9a1e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a',
  requestId: '7e6d5c4b-3a29-4180-9f7e-6d5c4b3a2918',
  correlationId: '0c1d2e3f-4a5b-4c6d-9e7f-8a9b0c1d2e3f',
  riskEventType: 'suspiciousSignins',
  riskState: 'atRisk',
  riskLevel: 'high',
  riskDetail: 'none',
  source: 'identityProtection',
  detectionTimingType: 'offline',
  activity: 'signin',
  tokenIssuerType: 'AzureAD',
  ipAddress: '198.51.100.7',
  location: { city: 'Amsterdam', state: 'Noord-Holland', countryOrRegion: 'NL' },
  activityDateTime: '2024-05-10T21:47:40.0000000Z',
  detectedDateTime: '2024-05-10T22:03:11.2730000Z',
  lastUpdatedDateTime: '2024-05-10T22:03:11.2730000Z',
  servicePrincipalId: '9089a539-a539-4d2f-9cfe-76f8c1a2b3c4',
  servicePrincipalDisplayName: 'Contoso Payroll Sync',
  appId: 'f1e2d3c4-b5a6-4978-8695-a4b3c2d1e0f9',
  keyIds: ['9b3d2f0a-1c4e-4d5f-8a6b-7c8d9e0f1a2b'],
  additionalInfo: '[{"Key":"alertUrl","Value":null}]',
};

// Shaped like a real MicrosoftGraphActivityLogs export's `properties`: a delegated call
// (clientAuthMethod as an int here; see 'export quirks' for the string form).
const graphActivity: Rec = {
  timeGenerated: '2024-03-07T16:42:12.0485843Z',
  location: 'UK South',
  requestId: 'f7749da0-e6a1-4f3f-975a-64937fb0e347',
  operationId: 'f7749da0-e6a1-4f3f-975a-64937fb0e347',
  clientRequestId: '2fe56789-a848-4c93-9d2d-5675972a0dk9',
  apiVersion: 'beta',
  requestMethod: 'PATCH',
  responseStatusCode: 204,
  tenantId: 'ab47545b-420e-46f0-c4dc-8f7697a1aadb',
  durationMs: 846544,
  responseSizeBytes: 0,
  signInActivityId: 'Xk3bY9q2gEWm4hKp1sTzAA',
  roles: null,
  scopes: 'Directory.AccessAsUser.All User.ReadWrite.All openid profile email',
  tokenIssuedAt: '2024-03-07T16:36:51Z',
  appId: '14d82eec-204b-4c2f-b7e8-296a70dab67e',
  userId: '285e0849-a706-4a9a-9eb1-f4e21cc78793',
  servicePrincipalId: 'b0e6c9d2-3f41-4a58-9c7d-1e2f3a4b5c6d',
  identityProvider: 'https://sts.windows.net/ab47545b-420e-46f0-c4dc-8f7697a1aadb/',
  clientAuthMethod: 0,
  wids: '62e90394-69f5-4237-9190-012177145e10 b79fbf4d-3ef9-4689-8143-76b194e85509',
  atContent: '',
  requestUri: 'https://graph.microsoft.com/beta/users/7ef3c2ad-d521-4a89-8cf9-c30178181027',
  ipAddress: '2a02:cf40:add:4002:91f2:a9b2:e09a:6fc6',
  userAgent:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36 Edg/122.0.0.0',
};

const networkAccessTraffic: Rec = {
  transactionId: '8f1b2c3d-4e5f-4a6b-9c7d-8e9f0a1b2c3d',
  timeGenerated: '2024-06-03T14:05:12.3370000Z',
  accessType: 'QuickAccess',
  action: 'Allowed',
  agentVersion: '1.7.376',
  appId: '2d4e6f80-1a3c-4e5f-8a9b-0c1d2e3f4a5b',
  connectionId: 'e5d4c3b2-a1f0-4e9d-8c7b-6a5f4e3d2c1b',
  connectionStatus: 'Closed',
  connectorId: 'c0ffee00-1234-4abc-9def-0123456789ab',
  connectorIp: '10.20.0.4',
  connectorName: 'connector-weu-01',
  description: '',
  destinationFqdn: 'fileserver01.corp.contoso.com',
  destinationIp: '10.20.1.15',
  destinationPort: 445,
  destinationUrl: '',
  destinationWebCategories: '',
  deviceCategory: 'Client',
  deviceId: '5b6c7d8e-9f0a-4b1c-8d2e-3f4a5b6c7d8e',
  deviceOperatingSystem: 'Windows 11 Enterprise',
  deviceOperatingSystemVersion: '10.0.22631',
  filteringProfileId: '',
  filteringProfileName: '',
  initiatingProcessName: 'explorer.exe',
  networkProtocol: 'IPv4',
  originHeader: '',
  policyId: '',
  policyName: 'Private access - file shares',
  policyRuleId: '',
  processingRegion: 'westeurope',
  receivedBytes: 1843212,
  referrerHeader: '',
  resourceTenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
  ruleName: '',
  sentBytes: 40211,
  sessionId: '0a1b2c3d-4e5f-4607-8819-2a3b4c5d6e7f',
  sourceIp: '192.168.1.23',
  sourcePort: 53122,
  threatType: '',
  trafficType: 'private',
  transportProtocol: 'tcp',
  userId: 'c3a8f2d4-7b1e-4f6a-9d2c-5e8b0a1f3c47',
  userPrincipalName: 'adelev@contoso.com',
  xForwardedFor: '',
};

const remoteNetworkHealth: Rec = {
  id: '3d2c1b0a-9f8e-4d7c-8b6a-5f4e3d2c1b0a',
  createdDateTime: '2024-06-03T14:00:00.0000000Z',
  bgpRoutesAdvertisedCount: 12,
  description: 'BGP session established with Microsoft gateway',
  destinationIp: '20.64.12.7',
  receivedBytes: 98231,
  remoteNetworkId: 'a7b8c9d0-e1f2-4a3b-8c4d-5e6f7a8b9c0d',
  sentBytes: 77410,
  sourceIp: '198.51.100.200',
  status: 'bgpConnected',
};

const enrichedM365Audit: Rec = {
  id: '4e5f6a7b-8c9d-4e0f-9a1b-2c3d4e5f6a7b',
  timeGenerated: '2024-06-03T14:07:45.0000000Z',
  actorUserType: 'Regular',
  additionalProperties: {
    SiteUrl: 'https://contoso.sharepoint.com/sites/finance/',
    SourceFileExtension: 'xlsx',
  },
  clientIp: '203.0.113.45',
  deviceId: '5b6c7d8e-9f0a-4b1c-8d2e-3f4a5b6c7d8e',
  deviceOperatingSystem: 'Windows 11 Enterprise',
  deviceOperatingSystemVersion: '10.0.22631',
  objectId: 'https://contoso.sharepoint.com/sites/finance/Shared Documents/budget.xlsx',
  operation: 'FileDownloaded',
  organizationId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
  recordType: 6,
  resultStatus: 'Succeeded',
  sourceIp: '192.168.1.23',
  uniqueTokenId: 'Xk3bY9q2gEWm4hKp1sTzAA',
  userId: 'adelev@contoso.com',
  userKey: 'i:0h.f|membership|10032000a1b2c3d4@live.com',
  userType: 'Regular',
  workload: 'SharePoint',
};

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
