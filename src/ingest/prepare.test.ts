/**
 * Diagnostic-export quirks (entra-formats.md §3.5) are mapped back to the Graph shape, and every
 * kind of invalid input is reported with a pointer to the bad field.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { directoryAudit, interactiveSignIn, provisioning } from '../../test/fixtures/samples.ts';
import { AuditCatalog } from '../registry/catalog/catalog.ts';
import { logType } from '../registry/log-types.ts';
import { parseBody } from './parse.ts';
import { type PrepareOptions, prepareItems } from './prepare.ts';

const catalog = AuditCatalog.load();
const strict: PrepareOptions = { catalog, catalogMode: 'strict' };
type Rec = Record<string, unknown>;

function prepareOne(category: string, item: unknown, opts = strict) {
  return prepareItems(logType(category), [item], opts);
}
function graphOf(category: string, item: unknown): Rec {
  const { records, errors } = prepareOne(category, item);
  assert.deepEqual(errors, []);
  return JSON.parse(records[0]!.canonical) as Rec;
}

describe('export quirks are repaired', () => {
  it('ProvisioningLogs: PascalCase sub-keys, numeric enums, identity as id', () => {
    const env = {
      time: '2022-03-01T10:00:00.0000000Z',
      resourceId: '/tenants/t/providers/Microsoft.aadiam',
      operationName: 'Provisioning activity',
      operationVersion: '1.0',
      category: 'ProvisioningLogs',
      resultType: 'Skipped',
      durationMs: 1712,
      identity: 'prov-1',
      Level: 4,
      properties: {
        activityDateTime: '2022-03-01T10:00:00.0000000Z',
        tenantId: 't',
        jobId: 'job',
        cycleId: 'cycle',
        changeId: 'change',
        action: 'Create',
        provisioningAction: 'create',
        durationInMilliseconds: 1712,
        servicePrincipal: { Id: 'sp-1', Name: 'Workday to AD' },
        sourceSystem: { details: {}, Id: 'workday', Name: 'Workday' },
        targetSystem: { details: {}, Id: 'ad', Name: 'Active Directory' },
        initiatedBy: { Type: 'system', Id: '', Name: 'Azure AD Provisioning Service' },
        sourceIdentity: { identityType: 'Worker', details: {}, Id: '21004', Name: 'Adele Vance' },
        targetIdentity: { identityType: 'user', details: {}, Id: '', Name: 'Adele Vance' },
        provisioningStatusInfo: { Status: 'skipped', errorInformation: null },
        statusInfo: { Status: 2 },
        provisioningSteps: [
          { name: 'EntryImport', provisioningStepType: 0, status: 0, description: 'd', details: {} },
          { name: 'EntryExport', provisioningStepType: 5, status: 2, description: 'd', details: {} },
        ],
      },
    };
    const r = graphOf('ProvisioningLogs', env);
    assert.equal(r.id, 'prov-1');
    assert.deepEqual(r.servicePrincipal, { id: 'sp-1', displayName: 'Workday to AD' });
    assert.deepEqual(r.initiatedBy, {
      initiatorType: 'system',
      id: '',
      displayName: 'Azure AD Provisioning Service',
    });
    assert.deepEqual(r.sourceIdentity, {
      identityType: 'Worker',
      details: {},
      id: '21004',
      displayName: 'Adele Vance',
    });
    assert.deepEqual(r.provisioningStatusInfo, { status: 'skipped', errorInformation: null });
    assert.deepEqual(r.statusInfo, { status: 'skipped' });
    const steps = r.provisioningSteps as Rec[];
    assert.deepEqual(
      steps.map((s) => [s.provisioningStepType, s.status]),
      [
        ['import', 'success'],
        ['export', 'skipped'],
      ],
    );
    assert.equal(r.action, 'Create', 'the deprecated beta field is kept as exported');
  });

  it('AuditLogs: integer result, envelope copies removed, missing initiator branch restored', () => {
    const env = {
      time: directoryAudit.activityDateTime,
      resourceId: '/tenants/t/providers/Microsoft.aadiam',
      operationName: 'Add user',
      operationVersion: '1.0',
      category: 'AuditLogs',
      resultSignature: 'None',
      Level: 4,
      properties: {
        ...structuredClone(directoryAudit),
        result: 0,
        tenantId: 't',
        resultType: '',
        resultDescription: '',
        operationName: 'Add user',
        identity: 'Megan Bowen',
        tenantGeo: 'NA',
        initiatedBy: { user: (directoryAudit.initiatedBy as Rec).user },
      },
    };
    const r = graphOf('AuditLogs', env);
    assert.equal(r.result, 'success');
    for (const k of [
      'tenantId',
      'resultType',
      'resultDescription',
      'operationName',
      'identity',
      'tenantGeo',
    ]) {
      assert.equal(k in r, false, `${k} should not be in the Graph record`);
    }
    assert.equal((r.initiatedBy as Rec).app, null);
  });

  it('SignInLogs: +00:00 offsets, 7 fractional digits, capitalised enums, string-encoded objects', () => {
    const props = {
      ...structuredClone(interactiveSignIn),
      createdDateTime: '2022-01-24T05:10:11.429773+00:00',
      userType: 'Member',
      status: '{"errorCode":50126,"failureReason":"Invalid username or password."}',
      appliedConditionalAccessPolicies: [
        {
          id: 'p',
          displayName: 'x',
          result: 'reportOnlyFailure',
          conditionsSatisfied: 3,
          conditionsNotSatisfied: 0,
        },
      ],
    };
    const r = graphOf('SignInLogs', {
      time: '2022-01-24T05:12:00Z',
      category: 'SignInLogs',
      properties: props,
    });
    assert.equal(r.createdDateTime, '2022-01-24T05:10:11.429773Z');
    assert.equal(r.userType, 'member');
    assert.deepEqual(r.status, { errorCode: 50126, failureReason: 'Invalid username or password.' });
  });

  it('offsets other than UTC are converted to UTC', () => {
    const r = graphOf('SignInLogs', {
      ...interactiveSignIn,
      createdDateTime: '2019-08-08T09:29:42.1234-05:00',
    });
    assert.equal(r.createdDateTime, '2019-08-08T14:29:42.1234Z');
  });

  it('RiskyUsers and ADFSSignInLogs: US-locale times', () => {
    const risky = graphOf('RiskyUsers', {
      time: '8/22/2022 6:11:52 PM',
      resourceId: '/tenants/t/providers/microsoft.aadiam',
      operationName: 'Risky user',
      category: 'RiskyUsers',
      Level: 'Information',
      properties: {
        id: 'u1',
        riskLastUpdatedDateTime: '8/22/2022 6:11:52 PM',
        riskLevel: 'high',
        riskState: 'atRisk',
      },
    });
    assert.equal(risky.riskLastUpdatedDateTime, '2022-08-22T18:11:52Z');
    const adfs = graphOf('ADFSSignInLogs', {
      time: '12/12/2025 3:03:58 AM',
      category: 'ADFSSignInLogs',
      level: '4',
      properties: {
        id: 'adfs-1',
        createdDateTime: '12/12/2025 12:03:58 AM',
        tokenIssuerType: 'ADFederationServices',
      },
    });
    assert.equal(adfs.createdDateTime, '2025-12-12T00:03:58Z');
  });
});

describe('invalid input is reported with a pointer and nothing is prepared', () => {
  const cases: Array<[name: string, category: string, item: unknown, pointer: string, message: RegExp]> = [
    [
      'missing required property',
      'SignInLogs',
      { createdDateTime: '2024-01-01T00:00:00Z' },
      '/id',
      /required/,
    ],
    ['empty id', 'SignInLogs', { id: '', createdDateTime: '2024-01-01T00:00:00Z' }, '/id', /empty/],
    [
      'bad date-time',
      'SignInLogs',
      { id: 'x', createdDateTime: 'yesterday' },
      '/createdDateTime',
      /date-time/,
    ],
    [
      'wrong type, nested',
      'SignInLogs',
      { ...interactiveSignIn, status: { errorCode: 'abc' } },
      '/status/errorCode',
      /integer/,
    ],
    [
      'enum member',
      'SignInLogs',
      { ...interactiveSignIn, riskState: 'scary' },
      '/riskState',
      /one of: none, confirmedSafe/,
    ],
    [
      'array item',
      'SignInLogs',
      { ...interactiveSignIn, appliedConditionalAccessPolicies: [{ result: 'maybe' }] },
      '/appliedConditionalAccessPolicies/0/result',
      /one of/,
    ],
    [
      'array expected',
      'SignInLogs',
      { ...interactiveSignIn, signInEventTypes: 'x' },
      '/signInEventTypes',
      /array/,
    ],
    [
      'boolean expected',
      'SignInLogs',
      { ...interactiveSignIn, isInteractive: 'maybe' },
      '/isInteractive',
      /boolean/,
    ],
    ['not an object', 'SignInLogs', 42, '', /JSON object/],
    [
      'envelope of another category',
      'SignInLogs',
      { time: 't', category: 'AuditLogs', properties: {} },
      '/category',
      /does not match 'SignInLogs'/,
    ],
    [
      'activity not in the catalog',
      'AuditLogs',
      { ...directoryAudit, activityDisplayName: 'Summon dragons' },
      '/activityDisplayName',
      /not in the audit catalog for service 'Core Directory'/,
    ],
    [
      'activity under the wrong catalog category',
      'AuditLogs',
      { ...directoryAudit, category: 'GroupManagement' },
      '/category',
      /lists 'Add user' of 'Core Directory' under category UserManagement/,
    ],
    [
      'provisioning enum ordinal out of range',
      'ProvisioningLogs',
      { ...provisioning, provisioningAction: 99 },
      '/provisioningAction',
      /one of/,
    ],
  ];
  for (const [name, category, item, pointer, message] of cases) {
    it(name, () => {
      const { records, errors } = prepareOne(category, structuredClone(item));
      assert.equal(records.length, 0);
      const e = errors.find((x) => x.pointer === pointer);
      assert.ok(e, `no error at ${pointer}: ${JSON.stringify(errors)}`);
      assert.equal(e.index, 0);
      assert.match(e.message, message);
    });
  }

  it('a record nested too deeply is refused, not a crash', () => {
    let deep: unknown = 'bottom';
    for (let i = 0; i < 20_000; i++) deep = [deep];
    const { records, errors } = prepareOne('SignInLogs', { ...interactiveSignIn, extra: deep });
    assert.equal(records.length, 0);
    assert.deepEqual(errors, [{ index: 0, pointer: '', message: 'is nested too deeply' }]);
  });

  it('invalid JSON lines are reported by record index and line', () => {
    const body = `${JSON.stringify(interactiveSignIn)}\n{"id": nope}\n`;
    const parsed = parseBody(body, 'application/x-ndjson');
    assert.equal(parsed.errors.length, 1);
    assert.equal(parsed.errors[0]!.index, 1);
    assert.match(parsed.errors[0]!.message, /line 2 is not valid JSON/);
  });

  it('a batch with one bad record prepares nothing', () => {
    const { records, errors } = prepareItems(logType('SignInLogs'), [interactiveSignIn, { id: 'x' }], strict);
    assert.equal(records.length, 0);
    assert.equal(errors[0]!.index, 1);
  });

  it('services outside the catalog log their own activities; lenient mode accepts unknown Entra ones', () => {
    const own = {
      ...directoryAudit,
      loggedByService: 'Keycloak',
      activityDisplayName: 'Rotate realm keys',
      category: 'Realm',
    };
    assert.deepEqual(prepareOne('AuditLogs', own).errors, []);
    const unknown = { ...directoryAudit, activityDisplayName: 'Summon dragons' };
    assert.deepEqual(prepareOne('AuditLogs', unknown, { catalog, catalogMode: 'lenient' }).errors, []);
  });
});

describe('typed columns', () => {
  it('are taken from the record, lists included', () => {
    const { records } = prepareOne('AuditLogs', directoryAudit);
    const t = logType('AuditLogs');
    const byName = Object.fromEntries(t.columns.map((c, i) => [c.name, records[0]!.values[i]]));
    assert.equal(byName.activity_display_name, 'Add user');
    assert.equal(byName.initiated_by_user_principal_name, 'meganb@contoso.com');
    assert.equal(byName.initiated_by_app_id, null);
    assert.deepEqual(byName.target_ids, ['c3a8f2d4-7b1e-4f6a-9d2c-5e8b0a1f3c47']);
  });
});

describe('records declared normal (the simulator backfill)', () => {
  const normalized: PrepareOptions = { ...strict, normalized: true };

  it('prepare exactly as the general path when they are normal', () => {
    for (const [category, record] of [
      ['SignInLogs', interactiveSignIn],
      ['AuditLogs', directoryAudit],
      ['ProvisioningLogs', provisioning],
    ] as const) {
      const general = prepareItems(logType(category), [structuredClone(record)], strict);
      const declared = prepareItems(logType(category), [structuredClone(record)], normalized);
      assert.deepEqual(general.errors, [], category);
      assert.deepEqual(declared, general, category);
    }
  });

  it('are still validated: a bad record refuses the batch', () => {
    const bad = { ...structuredClone(interactiveSignIn), createdDateTime: '8/22/2022 6:11:52 PM' };
    const { records, errors } = prepareItems(
      logType('SignInLogs'),
      [structuredClone(interactiveSignIn), bad],
      normalized,
    );
    assert.deepEqual(records, []);
    assert.equal(errors[0]?.index, 1);
    assert.equal(errors[0]?.pointer, '/createdDateTime');
    // The general path repairs what the shortcut does not touch.
    assert.deepEqual(prepareItems(logType('SignInLogs'), [bad], strict).errors, []);
  });

  it('are still checked against the audit catalog', () => {
    const unknown = { ...structuredClone(directoryAudit), activityDisplayName: 'Teleport user' };
    const { errors } = prepareItems(logType('AuditLogs'), [unknown], normalized);
    assert.ok(errors.length > 0);
  });
});
