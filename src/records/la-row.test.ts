import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { TSchema } from '@sinclair/typebox';
import { SAMPLES } from '../../test/fixtures/samples.ts';
import {
  LA_AADIAM,
  LA_OMITTED_COLUMNS,
  LA_SOURCE_SYSTEM,
  LA_TABLES,
  type LaColumn,
  type LaEnvelopeField,
  type LaSource,
} from '../registry/la-tables.ts';
import { LOG_TYPES, logType } from '../registry/log-types.ts';
import type { LogType } from '../registry/types.ts';
import { baseEnvelope, toEnvelope } from './envelope.ts';
import { laColumns, recordTimeGenerated, toLaRow } from './la-row.ts';

type Json = Record<string, unknown>;

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const REFERENCE = resolve(REPO_ROOT, '../shared/reference/entra-formats.md');

const rowOf = (category: string, record: Json = SAMPLES[category]!): Json => {
  const type = logType(category);
  return toLaRow(type, { tenantId: TENANT, timeGenerated: recordTimeGenerated(type, record) }, record);
};
const parse = (v: unknown): unknown => {
  assert.equal(typeof v, 'string', `expected JSON text, got ${typeof v}`);
  return JSON.parse(v as string);
};

// --- Appendix A --------------------------------------------------------------------------------

interface AppendixTable {
  declared: number;
  columns: { name: string; type: string }[];
}

/** The tables of entra-formats.md Appendix A: each `#### Name` heading and its `| Column | Type |` rows. */
function readAppendixA(): Map<string, AppendixTable> {
  if (!existsSync(REFERENCE)) {
    assert.fail(
      `Appendix A source missing: expected ${REFERENCE} (../shared/reference/entra-formats.md from the repo root)`,
    );
  }
  const text = readFileSync(REFERENCE, 'utf8');
  const start = text.search(/^## Appendix A\b/m);
  assert.ok(start >= 0, `no "## Appendix A" section in ${REFERENCE}`);
  const next = text.slice(start + 1).search(/^## /m);
  const section = next < 0 ? text.slice(start) : text.slice(start, start + 1 + next);
  const tables = new Map<string, AppendixTable>();
  let current: AppendixTable | undefined;
  for (const line of section.split('\n')) {
    const heading = /^####\s+(\w+)/.exec(line);
    if (heading) {
      current = { declared: -1, columns: [] };
      tables.set(heading[1]!, current);
      continue;
    }
    if (!current) continue;
    const count = /\|\s*(\d+) columns\s*$/.exec(line);
    if (count) current.declared = Number(count[1]);
    const row = /^\|\s*([A-Za-z_][A-Za-z0-9_]*)\s*\|\s*([a-z]+)\s*\|/.exec(line);
    if (row) current.columns.push({ name: row[1]!, type: row[2]! });
  }
  assert.ok(tables.size > 0, `no tables found in Appendix A of ${REFERENCE}`);
  return tables;
}

describe('LA_TABLES against entra-formats.md Appendix A', () => {
  const appendix = readAppendixA();

  it('has one table per log type and no other', () => {
    const wanted = LOG_TYPES.map((t) => t.laTable).sort();
    assert.deepEqual(Object.keys(LA_TABLES).sort(), wanted);
    for (const t of LOG_TYPES) assert.equal(laColumns(t), LA_TABLES[t.laTable]);
  });

  for (const t of LOG_TYPES) {
    it(`${t.laTable}: names, order and Kusto types match, less the hidden columns`, () => {
      const ref = appendix.get(t.laTable);
      assert.ok(ref, `Appendix A has no table '${t.laTable}'`);
      assert.equal(ref.columns.length, ref.declared, `${t.laTable}: Appendix A rows vs its "N columns" line`);
      const omitted = ref.columns.filter((c) => LA_OMITTED_COLUMNS.includes(c.name)).map((c) => c.name);
      assert.deepEqual(omitted.sort(), [...LA_OMITTED_COLUMNS].sort(), `${t.laTable}: hidden columns`);
      const want = ref.columns.filter((c) => !LA_OMITTED_COLUMNS.includes(c.name));
      assert.deepEqual(
        LA_TABLES[t.laTable]!.map((c) => ({ name: c.name, type: c.type })),
        want,
      );
    });
  }
});

// --- sources against the record schemas ---------------------------------------------------------

/** Record paths whose first key no registry schema declares: keys seen in exports only (§3.5, §2.2). */
const EXPORT_ONLY_PATHS: Record<string, readonly string[]> = {
  SigninLogs: ['alternateSignInName', 'appliedEventListeners', 'isRisky', 'mfaDetail'],
  AADNonInteractiveUserSignInLogs: ['alternateSignInName', 'appliedEventListeners', 'isRisky', 'mfaDetail'],
  ADFSSignInLogs: ['alternateSignInName'],
};

function paths(src: LaSource): string[][] {
  if (!('path' in src)) return [];
  return [[...src.path], ...(src.or ? paths(src.or) : [])];
}

/** Whether a TypeBox object schema declares a path (through Opt/Nullable unions and arrays). */
function declares(schema: TSchema, path: readonly string[]): boolean {
  if (path.length === 0) return true;
  const s = schema as TSchema & { anyOf?: TSchema[]; properties?: Record<string, TSchema>; items?: TSchema };
  if (s.anyOf) return s.anyOf.some((m) => declares(m, path));
  if (s.items) return declares(s.items, path);
  const next = s.properties?.[path[0]!];
  return next !== undefined && declares(next, path.slice(1));
}

describe('LA column sources', () => {
  for (const t of LOG_TYPES) {
    it(`${t.laTable}: every record path is in the ${t.category} schema or a known export-only key`, () => {
      const undeclared = new Set<string>();
      for (const col of LA_TABLES[t.laTable]!) {
        for (const path of paths(col.from)) {
          if (!declares(t.schema, path)) undeclared.add(path.join('.'));
        }
      }
      assert.deepEqual([...undeclared].sort(), [...(EXPORT_ONLY_PATHS[t.laTable] ?? [])].sort());
    });
  }
});

// --- rows ------------------------------------------------------------------------------------

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,7})?Z$/;

function assertTyped(table: string, col: LaColumn, v: unknown): void {
  const where = `${table}.${col.name}`;
  assert.notEqual(v, undefined, `${where} is undefined`);
  if (v === null) return;
  switch (col.type) {
    case 'string':
    case 'guid':
      assert.equal(typeof v, 'string', `${where}: ${JSON.stringify(v)}`);
      if ('path' in col.from && col.from.as === 'json' && /^[[{]/.test(v as string)) JSON.parse(v as string);
      break;
    case 'datetime':
      assert.match(v as string, ISO, where);
      break;
    case 'bool':
      assert.equal(typeof v, 'boolean', where);
      break;
    case 'int':
    case 'long':
      assert.ok(Number.isInteger(v), `${where}: ${JSON.stringify(v)}`);
      break;
    case 'real':
      assert.equal(typeof v, 'number', where);
      break;
    case 'dynamic':
      break;
  }
}

const ENVELOPE_KEY: Record<LaEnvelopeField, string> = {
  operationName: 'operationName',
  operationVersion: 'operationVersion',
  resourceId: 'resourceId',
  resultType: 'resultType',
  resultSignature: 'resultSignature',
  resultDescription: 'resultDescription',
  durationMs: 'durationMs',
  callerIpAddress: 'callerIpAddress',
  correlationId: 'correlationId',
  identity: 'identity',
  level: 'Level',
  location: 'location',
};

/** Envelope-derived columns equal toEnvelope's field for the same record, typed for the column. */
function assertEnvelopeConsistent(type: LogType, record: Json, row: Json): void {
  const env = baseEnvelope(type, TENANT, structuredClone(record));
  for (const col of laColumns(type)) {
    if (!('envelope' in col.from)) continue;
    const e = env[ENVELOPE_KEY[col.from.envelope]];
    const want = e === undefined || e === null ? null : col.type === 'string' ? String(e) : e;
    assert.deepEqual(row[col.name], want, `${type.laTable}.${col.name} vs envelope ${col.from.envelope}`);
  }
}

describe('toLaRow on one sample per category', () => {
  for (const t of LOG_TYPES) {
    it(`${t.category} → ${t.laTable}: every column, in order, typed, envelope-consistent`, () => {
      const record = SAMPLES[t.category];
      assert.ok(record, `no sample for ${t.category}`);
      const row = rowOf(t.category);
      const cols = laColumns(t);
      assert.deepEqual(
        Object.keys(row),
        cols.map((c) => c.name),
      );
      for (const col of cols) assertTyped(t.laTable, col, row[col.name]);
      assert.equal(row.Type, t.laTable);
      // AADProvisioningLogs' SourceSystem is the provisioning source system (la-tables.ts).
      if (t.laTable !== 'AADProvisioningLogs') assert.equal(row.SourceSystem, LA_SOURCE_SYSTEM);
      assert.match(row.TimeGenerated as string, ISO);
      if ('TenantId' in row) assert.equal(row.TenantId, TENANT);
      if ('OperationName' in row) assert.ok(row.OperationName, 'OperationName is set');
      assertEnvelopeConsistent(t, record, row);
      // Deterministic, and the record is not changed.
      const before = JSON.stringify(record);
      assert.deepEqual(rowOf(t.category), row);
      assert.equal(JSON.stringify(record), before);
    });
  }

  it('SigninLogs', () => {
    const rec = SAMPLES.SignInLogs!;
    const row = rowOf('SignInLogs');
    assert.equal(row.ResultType, '0');
    assert.equal(row.ResultSignature, 'SUCCESS');
    assert.equal(row.UserPrincipalName, 'adelev@contoso.com');
    assert.equal(row.UserDisplayName, 'Adele Vance');
    assert.equal(row.Identity, 'Adele Vance');
    assert.equal(row.AADTenantId, TENANT);
    assert.equal(row.CreatedDateTime, rec.createdDateTime);
    assert.equal(row.TimeGenerated, rec.createdDateTime);
    assert.equal(row.Category, 'SignInLogs');
    assert.equal(row.OperationName, 'Sign-in activity');
    assert.equal(row.OperationVersion, '1.0');
    assert.equal(row.Level, '4');
    assert.equal(row.DurationMs, 0);
    assert.equal(row.Location, 'US');
    assert.equal((row.LocationDetails as Json).city, 'Redmond');
    assert.deepEqual(row.Status, rec.status);
    assert.equal((row.DeviceDetail as Json).browser, 'Edge 124.0.0');
    // The CA policies twice: dynamic, and as JSON text.
    assert.deepEqual(row.ConditionalAccessPolicies, rec.appliedConditionalAccessPolicies);
    assert.deepEqual(parse(row.AppliedConditionalAccessPolicies), rec.appliedConditionalAccessPolicies);
    assert.equal((parse(row.AuthenticationDetails) as Json[])[0]!.authenticationMethod, 'Password');
    assert.equal(row.RiskEventTypes_V2, '[]');
    assert.equal(row.RiskEventTypes, null);
    assert.equal(row.IsRisky, false);
    assert.equal(row.IsInteractive, true);
    assert.equal(row.ResourceIdentity, rec.resourceId);
    assert.equal(row.ResourceId, `/tenants/${TENANT}/providers/Microsoft.aadiam`);
    assert.equal(row.Resource, LA_AADIAM);
    assert.equal(row.ResourceGroup, LA_AADIAM);
    assert.equal(row.ResourceProvider, null);
    assert.equal(row.UserType, 'member');
    assert.equal(row.AlternateSignInName, null);
  });

  it('AADNonInteractiveUserSignInLogs: complex values are JSON text', () => {
    const rec = SAMPLES.NonInteractiveUserSignInLogs!;
    const row = rowOf('NonInteractiveUserSignInLogs');
    assert.equal(row.Category, 'NonInteractiveUserSignInLogs');
    assert.equal(row.IsInteractive, false);
    assert.equal(row.ResultType, '0');
    assert.deepEqual(parse(row.Status), rec.status);
    assert.equal((parse(row.LocationDetails) as Json).city, 'Redmond');
    assert.equal((parse(row.DeviceDetail) as Json).operatingSystem, 'Windows 10');
    assert.deepEqual(parse(row.ConditionalAccessPolicies), rec.appliedConditionalAccessPolicies);
    assert.equal(row.SignInEventTypes, '["nonInteractiveUser"]');
    assert.equal(row.MfaDetail, null);
  });

  it('AADServicePrincipalSignInLogs', () => {
    const row = rowOf('ServicePrincipalSignInLogs');
    assert.equal(row.ResultType, '7000215');
    assert.equal(row.ResultSignature, 'FAILURE');
    assert.equal(row.ResultDescription, 'Invalid client secret is provided.');
    assert.equal(row.Identity, null, 'service principal rows carry no identity (§3.5)');
    assert.equal(row.ServicePrincipalName, 'Contoso Payroll Sync');
    assert.equal(row.ServicePrincipalId, '9089a539-a539-4d2f-9cfe-76f8c1a2b3c4');
    assert.equal(row.ResourceIdentity, '00000003-0000-0000-c000-000000000000');
    assert.equal(row.Location, 'IE');
    assert.equal((parse(row.LocationDetails) as Json).city, 'Dublin');
    assert.equal(row.ConditionalAccessPolicies, null);
  });

  it('AADManagedIdentitySignInLogs', () => {
    const row = rowOf('ManagedIdentitySignInLogs');
    assert.equal(row.ResultType, '0');
    assert.equal(row.Location, null, 'managed identity envelopes have no location (§3.5)');
    assert.equal(row.Identity, null);
    assert.equal(row.ServicePrincipalId, '8f7e6d5c-4b3a-4291-8f7e-6d5c4b3a2918');
    assert.equal(row.ResourceDisplayName, 'Azure Key Vault');
    assert.equal(row.Category, 'ManagedIdentitySignInLogs');
  });

  it('ADFSSignInLogs', () => {
    const row = rowOf('ADFSSignInLogs');
    assert.equal(row.TokenIssuerType, 'ADFederationServices');
    assert.equal(row.TokenIssuerName, 'adfs.contoso.com');
    assert.equal(row.AppId, 'urn:contoso:hr');
    assert.equal(row.ConditionalAccessPolicies, '[]');
    assert.equal(row.Requirement, null);
    assert.equal(row.UserPrincipalName, 'adelev@contoso.com');
  });

  it('AuditLogs', () => {
    const rec = SAMPLES.AuditLogs!;
    const row = rowOf('AuditLogs');
    assert.equal(row.OperationName, rec.activityDisplayName);
    assert.equal(row.ActivityDisplayName, 'Add user');
    assert.equal(row.ActivityDateTime, rec.activityDateTime);
    assert.equal(row.TimeGenerated, rec.activityDateTime);
    assert.equal(row.Category, 'UserManagement');
    assert.equal(row.AADOperationType, 'Add');
    assert.equal(row.AADTenantId, TENANT);
    assert.equal(row.Id, rec.id);
    assert.equal(row.CorrelationId, rec.correlationId);
    assert.equal(row.LoggedByService, 'Core Directory');
    assert.equal(row.Result, 'success');
    assert.equal(row.ResultReason, '');
    assert.equal(row.ResultType, null);
    assert.equal(row.ResultDescription, null);
    assert.equal(row.ResultSignature, 'None');
    assert.equal(row.Identity, 'Megan Bowen');
    assert.equal(row.Level, '4');
    assert.equal(row.Location, null);
    const initiatedBy = row.InitiatedBy as Json;
    assert.equal((initiatedBy.user as Json).userPrincipalName, 'meganb@contoso.com');
    assert.deepEqual(Object.keys(initiatedBy), ['user'], 'only the populated branch, as exported');
    assert.deepEqual(
      initiatedBy,
      (toEnvelope(logType('AuditLogs'), TENANT, structuredClone(rec)).properties as Json).initiatedBy,
    );
    assert.equal((row.TargetResources as Json[])[0]!.userPrincipalName, 'adelev@contoso.com');
    assert.deepEqual(row.AdditionalDetails, [{ key: 'UserType', value: 'Member' }]);
  });

  it('AuditLogs: an app-initiated activity', () => {
    const rec = {
      ...SAMPLES.AuditLogs!,
      initiatedBy: { user: null, app: { appId: 'a1', displayName: 'Sync App', servicePrincipalId: 'sp1' } },
    };
    const row = rowOf('AuditLogs', rec);
    assert.deepEqual(row.InitiatedBy, { app: rec.initiatedBy.app });
    assert.equal(row.Identity, 'Sync App');
    assertEnvelopeConsistent(logType('AuditLogs'), rec, row);
  });

  it('AADCustomSecurityAttributeAuditLogs', () => {
    const rec = SAMPLES.CustomSecurityAttributeAuditLogs!;
    const row = rowOf('CustomSecurityAttributeAuditLogs');
    assert.equal(row.OperationName, rec.activityDisplayName);
    assert.equal(row.CallerIpAddress, '203.0.113.10');
    assert.equal(row.TenantId, TENANT);
    assert.equal(row.AADTenantId, TENANT);
    assert.equal(row.UserAgent, null);
    assert.equal(
      ((row.TargetResources as Json[])[0]!.modifiedProperties as Json[])[0]!.displayName,
      'Engineering_Project',
    );
  });

  it('AADProvisioningLogs', () => {
    const rec = SAMPLES.ProvisioningLogs!;
    const row = rowOf('ProvisioningLogs');
    assert.equal(row.Id, rec.id);
    assert.equal(row.ChangeId, rec.changeId);
    assert.equal(row.CorrelationId, rec.changeId, 'CorrelationId = changeId, as in the envelope');
    assert.equal(row.CycleId, rec.cycleId);
    assert.equal(row.JobId, rec.jobId);
    assert.equal(row.DurationMs, 1712);
    assert.equal(row.ResultType, 'Success');
    assert.equal(row.ResultDescription, null);
    assert.equal(row.ResultSignature, null);
    assert.equal(row.ProvisioningAction, 'create');
    assert.equal(row.Category, 'ProvisioningLogs');
    assert.equal(row.OperationName, 'Provisioning activity');
    assert.equal(row.AADTenantId, rec.tenantId);
    assert.equal(row.TenantId, TENANT);
    assert.equal(
      (parse(row.ServicePrincipal) as Json).displayName,
      'Workday to Active Directory User Provisioning',
    );
    assert.equal((parse(row.SourceSystem) as Json).displayName, 'Workday');
    assert.equal((parse(row.TargetSystem) as Json).displayName, 'Active Directory');
    assert.equal((parse(row.SourceIdentity) as Json).identityType, 'Worker');
    assert.equal((parse(row.InitiatedBy) as Json).initiatorType, 'system');
    assert.equal((parse(row.ProvisioningSteps) as Json[]).length, 2);
    assert.deepEqual(parse(row.ModifiedProperties), rec.modifiedProperties);
    assert.deepEqual(parse(row.ProvisioningStatusInfo), rec.provisioningStatusInfo);
  });

  it('AADProvisioningLogs: a failure carries the error', () => {
    const rec = {
      ...SAMPLES.ProvisioningLogs!,
      provisioningStatusInfo: {
        status: 'failure',
        errorInformation: { errorCode: 'AzureActiveDirectoryInvalidValue', reason: 'Invalid value for mail' },
      },
    };
    const row = rowOf('ProvisioningLogs', rec);
    assert.equal(row.ResultType, 'Failure');
    assert.equal(row.ResultSignature, 'AzureActiveDirectoryInvalidValue');
    assert.equal(row.ResultDescription, 'Invalid value for mail');
  });

  it('AADRiskyUsers', () => {
    const rec = SAMPLES.RiskyUsers!;
    const row = rowOf('RiskyUsers');
    assert.equal(row.Id, rec.id);
    assert.equal(row.RiskLevel, 'high');
    assert.equal(row.RiskState, 'atRisk');
    assert.equal(row.RiskDetail, 'none');
    assert.equal(row.IsDeleted, false);
    assert.equal(row.UserPrincipalName, 'adelev@contoso.com');
    assert.equal(row.RiskLastUpdatedDateTime, rec.riskLastUpdatedDateTime);
    assert.equal(row.OperationName, 'Risky user');
    assert.equal(row.CorrelationId, null);
  });

  it('AADUserRiskEvents', () => {
    const rec = SAMPLES.UserRiskEvents!;
    const row = rowOf('UserRiskEvents');
    assert.equal(row.RiskLevel, 'medium');
    assert.equal(row.RiskEventType, 'unfamiliarFeatures');
    assert.equal(row.RequestId, rec.requestId);
    assert.equal(row.CorrelationId, rec.correlationId);
    assert.equal(row.IpAddress, '203.0.113.45');
    assert.equal(row.DetectedDateTime, rec.detectedDateTime);
    assert.equal(row.TimeGenerated, rec.activityDateTime);
    assert.equal((row.Location as Json).city, 'Seattle');
    // Graph's JSON-text additionalInfo becomes the dynamic value.
    assert.equal(((row.AdditionalInfo as Json[])[0] as Json).Key, 'userAgent');
    assert.equal(row.OperationName, 'User Risk Detection');
  });

  it('AADRiskyServicePrincipals', () => {
    const row = rowOf('RiskyServicePrincipals');
    assert.equal(row.AccountEnabled, true);
    assert.equal(row.RiskLevel, 'high');
    assert.equal(row.DisplayName, 'Contoso Payroll Sync');
    assert.equal(row.ServicePrincipalType, 'Application');
    const viaIsEnabled = rowOf('RiskyServicePrincipals', {
      ...SAMPLES.RiskyServicePrincipals!,
      accountEnabled: undefined,
      isEnabled: false,
    });
    assert.equal(viaIsEnabled.AccountEnabled, false);
  });

  it('AADServicePrincipalRiskEvents', () => {
    const rec = SAMPLES.ServicePrincipalRiskEvents!;
    const row = rowOf('ServicePrincipalRiskEvents');
    assert.equal(row.RiskLevel, 'high');
    assert.equal(row.ServicePrincipalDisplayName, 'Contoso Payroll Sync');
    assert.deepEqual(row.KeyIds, rec.keyIds);
    assert.deepEqual(row.AdditionalInfo, [{ Key: 'alertUrl', Value: null }]);
    assert.equal((row.Location as Json).countryOrRegion, 'NL');
  });

  it('MicrosoftGraphActivityLogs', () => {
    const rec = SAMPLES.MicrosoftGraphActivityLogs!;
    const row = rowOf('MicrosoftGraphActivityLogs');
    assert.equal(row.RequestId, rec.requestId);
    assert.equal(row.AadTenantId, rec.tenantId);
    assert.equal(row.TimeGenerated, rec.timeGenerated);
    assert.equal(row.ClientAuthMethod, 0);
    assert.equal(row.ResponseStatusCode, 204);
    assert.equal(row.DurationMs, 846544);
    assert.equal(row.Location, 'UK South');
    assert.equal(row.Roles, null);
    assert.equal(row.TokenIssuedAt, rec.tokenIssuedAt);
    // Exports send clientAuthMethod as a string; the int column converts it.
    assert.equal(rowOf('MicrosoftGraphActivityLogs', { ...rec, clientAuthMethod: '2' }).ClientAuthMethod, 2);
    // TimeGenerated is the record's own; the caller's value only fills in when it is missing.
    const type = logType('MicrosoftGraphActivityLogs');
    const other = toLaRow(type, { tenantId: TENANT, timeGenerated: '2030-01-01T00:00:00Z' }, rec);
    assert.equal(other.TimeGenerated, rec.timeGenerated);
  });

  it('NetworkAccessTraffic', () => {
    const rec = SAMPLES.NetworkAccessTrafficLogs!;
    const row = rowOf('NetworkAccessTrafficLogs');
    assert.equal(row.TransactionId, rec.transactionId);
    assert.equal(row.SentBytes, 40211);
    assert.equal(row.ReceivedBytes, 1843212);
    assert.equal(row.DestinationPort, 445);
    assert.equal(row.UserPrincipalName, 'adelev@contoso.com');
    assert.equal(row.TimeGenerated, rec.timeGenerated);
  });

  it('EnrichedMicrosoft365AuditLogs', () => {
    const row = rowOf('EnrichedOffice365AuditLogs');
    assert.equal((row.AdditionalProperties as Json).SourceFileExtension, 'xlsx');
    assert.equal(row.RecordType, 6);
    assert.equal(row.Operation, 'FileDownloaded');
    assert.equal(row.OrganizationId, '72f988bf-86f1-41af-91ab-2d7cd011db47');
    assert.equal(row.UserId, 'adelev@contoso.com');
  });

  it('RemoteNetworkHealthLogs', () => {
    const rec = SAMPLES.RemoteNetworkHealthLogs!;
    const row = rowOf('RemoteNetworkHealthLogs');
    assert.equal(row.Status, 'bgpConnected');
    assert.equal(row.BgpRoutesAdvertisedCount, 12);
    assert.equal(row.CreatedDateTime, rec.createdDateTime);
    assert.equal(row.TimeGenerated, rec.createdDateTime);
    assert.equal(row.SentBytes, 77410);
  });
});

describe('toLaRow: a failed sign-in', () => {
  const failureReason = 'Error validating credentials due to invalid username or password.';
  const record: Json = {
    ...SAMPLES.SignInLogs!,
    status: {
      errorCode: 50126,
      failureReason,
      additionalDetails: 'The user didn\u2019t enter the right credentials.',
    },
  };

  for (const category of ['SignInLogs', 'NonInteractiveUserSignInLogs', 'ADFSSignInLogs']) {
    it(`${category}: ResultType '50126' and ResultDescription from failureReason, as the envelope`, () => {
      const type = logType(category);
      const row = rowOf(category, record);
      assert.equal(row.ResultType, '50126');
      assert.equal(row.ResultDescription, failureReason);
      assert.equal(row.ResultSignature, 'FAILURE');
      const env = baseEnvelope(type, TENANT, structuredClone(record));
      assert.equal(row.ResultType, env.resultType);
      assert.equal(row.ResultDescription, env.resultDescription);
      assert.equal(row.ResultSignature, env.resultSignature);
      assert.equal(row.Identity, env.identity);
      assert.equal(row.Location, env.location);
      assertEnvelopeConsistent(type, record, row);
    });
  }

  it('SigninLogs Status is the dynamic status', () => {
    assert.deepEqual(rowOf('SignInLogs', record).Status, record.status);
  });
});

describe('toLaRow: value coercion and derivations', () => {
  it('scalars in string columns are stringified', () => {
    const row = rowOf('SignInLogs', {
      ...SAMPLES.SignInLogs!,
      autonomousSystemNumber: 8075,
      processingTimeInMilliseconds: 143,
    });
    assert.equal(row.AutonomousSystemNumber, '8075');
    assert.equal(row.ProcessingTimeInMilliseconds, '143');
  });

  it('export-only keys pass through when present', () => {
    const row = rowOf('SignInLogs', {
      ...SAMPLES.SignInLogs!,
      alternateSignInName: 'adele@contoso.com',
      mfaDetail: {},
      appliedEventListeners: [],
    });
    assert.equal(row.AlternateSignInName, 'adele@contoso.com');
    assert.deepEqual(row.MfaDetail, {});
    assert.deepEqual(row.AppliedEventListeners, []);
    const viaIdentifier = rowOf('SignInLogs', { ...SAMPLES.SignInLogs!, signInIdentifier: '+1 555 0100' });
    assert.equal(viaIdentifier.AlternateSignInName, '+1 555 0100');
  });

  it('IsRisky', () => {
    const isRisky = (fields: Json) => rowOf('SignInLogs', { ...SAMPLES.SignInLogs!, ...fields }).IsRisky;
    assert.equal(isRisky({ riskLevelDuringSignIn: 'high' }), true);
    assert.equal(isRisky({ riskState: 'atRisk' }), true);
    assert.equal(isRisky({ riskLevelAggregated: 'hidden', riskLevelDuringSignIn: 'hidden' }), null);
    assert.equal(
      isRisky({ riskLevelAggregated: undefined, riskLevelDuringSignIn: undefined, riskState: undefined }),
      null,
    );
    assert.equal(isRisky({ riskLevelDuringSignIn: 'none' }), false);
    assert.equal(isRisky({ isRisky: true }), true, 'a stored isRisky wins');
  });

  it('an unparsable additionalInfo stays text', () => {
    const row = rowOf('UserRiskEvents', { ...SAMPLES.UserRiskEvents!, additionalInfo: 'not json' });
    assert.equal(row.AdditionalInfo, 'not json');
  });

  it('a workspace id, when given, is the TenantId', () => {
    const rec = SAMPLES.CustomSecurityAttributeAuditLogs!;
    const row = toLaRow(
      logType('CustomSecurityAttributeAuditLogs'),
      { tenantId: TENANT, timeGenerated: String(rec.activityDateTime), workspaceId: 'ws-1' },
      rec,
    );
    assert.equal(row.TenantId, 'ws-1');
    assert.equal(row.AADTenantId, TENANT);
  });

  it('laColumns refuses a type with no LA table', () => {
    const bogus = { ...logType('AuditLogs'), laTable: 'NoSuchTable' } as LogType;
    assert.throws(() => laColumns(bogus), /no Log Analytics table 'NoSuchTable'/);
    assert.throws(() => toLaRow(bogus, { tenantId: TENANT, timeGenerated: '2024-01-01T00:00:00Z' }, {}));
  });

  it('an empty record gives a row of nulls and defaults, never undefined', () => {
    for (const t of LOG_TYPES) {
      const row = toLaRow(t, { tenantId: TENANT, timeGenerated: '2024-01-01T00:00:00Z' }, {});
      assert.deepEqual(
        Object.keys(row),
        laColumns(t).map((c) => c.name),
      );
      for (const col of laColumns(t)) assertTyped(t.laTable, col, row[col.name]);
    }
  });
});

describe('toLaRow without code generation', () => {
  it('builds the same rows when `new Function` is disallowed (the loop fallback)', () => {
    const here = (rel: string) => pathToFileURL(resolve(REPO_ROOT, rel)).href;
    const script = `
      const { SAMPLES } = await import(${JSON.stringify(here('test/fixtures/samples.ts'))});
      const { LOG_TYPES } = await import(${JSON.stringify(here('src/registry/log-types.ts'))});
      const { toLaRow, recordTimeGenerated } = await import(${JSON.stringify(here('src/records/la-row.ts'))});
      let evalAllowed = true;
      try { new Function('return 1'); } catch { evalAllowed = false; }
      const rows = LOG_TYPES.map((t) => toLaRow(t, { tenantId: ${JSON.stringify(TENANT)}, timeGenerated: recordTimeGenerated(t, SAMPLES[t.category]) }, SAMPLES[t.category]));
      process.stdout.write(JSON.stringify({ evalAllowed, rows }));`;
    const out = execFileSync(
      process.execPath,
      ['--disallow-code-generation-from-strings', '--import', 'tsx', '--input-type=module', '-e', script],
      { cwd: REPO_ROOT, encoding: 'utf8' },
    );
    const { evalAllowed, rows } = JSON.parse(out) as { evalAllowed: boolean; rows: Json[] };
    assert.equal(evalAllowed, false);
    assert.deepEqual(rows, JSON.parse(JSON.stringify(LOG_TYPES.map((t) => rowOf(t.category)))));
  });
});
