/**
 * The OData → plan → DuckDB path against a real in-memory DuckDB: exact rows per filter
 * (typed columns, JSON paths, lambdas over list columns and JSON arrays, case rules, OData null
 * semantics, the sign-in kinds' union), $select/$count, keyset paging, and injection attempts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  directoryAudit,
  interactiveSignIn,
  managedIdentitySignIn,
  nonInteractiveSignIn,
  provisioning,
  servicePrincipalSignIn,
} from '../../../test/fixtures/samples.ts';
import { riskDetection } from '../../../test/fixtures/secondary-samples.ts';
import { logType } from '../../registry/log-types.ts';
import { decodeCursor, encodeCursor } from '../cursor.ts';
import { QueryError } from '../errors.ts';
import { type GraphVersion, validateFilter } from '../odata/capabilities.ts';
import { parseFilter } from '../odata/parse.ts';
import { buildODataQuery } from '../odata/query.ts';
import { cmp, type Expr, type FieldRef, lit, type Query } from '../plan.ts';
import { TestDb } from './test-db.ts';

type Rec = Record<string, unknown>;

const AUDIT = logType('AuditLogs');
const SIGNIN = logType('SignInLogs');
const NONINT = logType('NonInteractiveUserSignInLogs');
const SP = logType('ServicePrincipalSignInLogs');
const MI = logType('ManagedIdentitySignInLogs');
const PROV = logType('ProvisioningLogs');
const RISK = logType('UserRiskEvents');

const TENANT = 'contoso';
const OTHER = 'fabrikam';
const ADELE = 'c3a8f2d4-7b1e-4f6a-9d2c-5e8b0a1f3c47';
const POLICY = 'de7e60eb-ed89-4d73-8205-2227def6b7c9';

const audit = (id: string, activityDateTime: string, patch: Rec): Rec => ({
  ...structuredClone(directoryAudit),
  id,
  activityDateTime,
  ...patch,
});

const AUDITS: Rec[] = [
  audit('A1', '2024-05-14T09:21:37.4413121Z', {}),
  audit('A2', '2024-05-15T10:00:00Z', {
    activityDisplayName: 'Add member to group',
    category: 'GroupManagement',
    initiatedBy: {
      user: { id: 'u-obrien', displayName: "Pat O'Brien", userPrincipalName: "pat.o'brien@contoso.com" },
      app: null,
    },
    targetResources: [
      { id: 'G1', displayName: 'Sales Team', type: 'Group' },
      { id: ADELE, displayName: 'Adele Vance', type: 'User' },
    ],
  }),
  audit('A3', '2024-05-16T08:00:00Z', {
    activityDisplayName: 'Update user',
    category: 'ApplicationManagement',
    loggedByService: null,
    result: 'failure',
    initiatedBy: {
      app: { appId: 'de8bc8b5-d9f9-48b1-a8ad-b748da725064', displayName: 'Graph Explorer' },
      user: null,
    },
    targetResources: [],
  }),
  (() => {
    const r = audit('A4', '2024-05-17T12:00:00Z', {
      activityDisplayName: 'Reset password (by admin)',
      loggedByService: 'Self-service Password Management',
      initiatedBy: {
        user: { id: 'u-megan', displayName: 'Megan Bowen', userPrincipalName: 'MEGANB@CONTOSO.COM' },
      },
    });
    delete r.targetResources;
    return r;
  })(),
  audit('A5', '2024-05-18T00:00:00Z', { activityDisplayName: 'Ünïcødé ✓ back\\slash', category: 'Policy' }),
];

const signIn = (base: Rec, id: string, createdDateTime: string, patch: Rec): Rec => ({
  ...structuredClone(base),
  id,
  createdDateTime,
  ...patch,
});

const S1 = interactiveSignIn.id as string; // 2024-05-14T09:18:02.113Z, adelev, Redmond, errorCode 0
const N1 = nonInteractiveSignIn.id as string; // same time as S1
const SP1 = servicePrincipalSignIn.id as string; // 09:18:05
const MI1 = managedIdentitySignIn.id as string; // 09:18:07

const SIGNINS: Rec[] = [
  structuredClone(interactiveSignIn),
  signIn(interactiveSignIn, 'S2', '2024-05-14T10:00:00Z', {
    userPrincipalName: 'meganb@contoso.com',
    userDisplayName: 'Megan Bowen',
    appDisplayName: 'Graph Explorer',
    status: { errorCode: 50126, failureReason: 'Invalid username or password.' },
    location: { city: 'Seattle', state: 'Washington', countryOrRegion: 'US' },
    conditionalAccessStatus: 'failure',
    appliedConditionalAccessPolicies: [
      { id: 'p-block', displayName: 'Block legacy', result: 'failure' },
      { id: POLICY, displayName: 'Require MFA for admins', result: 'success' },
    ],
    riskEventTypes_v2: ['unfamiliarFeatures'],
    riskState: 'atRisk',
    deviceDetail: { browser: 'Chrome 124', operatingSystem: 'MacOs' },
  }),
  (() => {
    const r = signIn(interactiveSignIn, 'S3', '2024-05-14T11:00:00Z', {
      userDisplayName: "Pat O'Brien",
      userPrincipalName: "pat.o'brien@contoso.com",
      location: null,
      status: null,
      appliedConditionalAccessPolicies: [],
    });
    delete r.signInEventTypes; // a record without signInEventTypes is of its table's kind
    return r;
  })(),
];
const NONINTERACTIVE: Rec[] = [
  structuredClone(nonInteractiveSignIn),
  signIn(nonInteractiveSignIn, 'N2', '2024-05-14T10:30:00Z', {}),
];

const PROVISIONING: Rec[] = [
  structuredClone(provisioning),
  {
    ...structuredClone(provisioning),
    id: 'P2',
    activityDateTime: '2024-05-14T07:00:00Z',
    jobId: 'SuccessFactors2AD.0c3f',
    provisioningAction: 'update',
    sourceIdentity: { id: '21005', displayName: 'adele vance', identityType: 'Worker', details: {} },
    provisioningStatusInfo: { status: 'failure', errorInformation: null },
  },
];
const RISKS: Rec[] = [
  structuredClone(riskDetection),
  {
    ...structuredClone(riskDetection),
    id: 'R2',
    activityDateTime: '2024-05-15T00:00:00Z',
    detectedDateTime: '2024-05-15T00:05:00Z',
    lastUpdatedDateTime: '2024-06-01T00:00:00Z',
    location: { city: 'Amsterdam', countryOrRegion: 'NL' },
    riskLevel: 'high',
  },
];

let db: TestDb;

before(async () => {
  db = await TestDb.open([AUDIT, SIGNIN, NONINT, SP, MI, PROV, RISK]);
  await db.insert(AUDIT, TENANT, AUDITS);
  await db.insert(AUDIT, OTHER, [audit('O1', '2024-05-14T09:21:37Z', {})]);
  await db.insert(SIGNIN, TENANT, SIGNINS);
  await db.insert(NONINT, TENANT, NONINTERACTIVE);
  await db.insert(SP, TENANT, [structuredClone(servicePrincipalSignIn)]);
  await db.insert(MI, TENANT, [structuredClone(managedIdentitySignIn)]);
  await db.insert(PROV, TENANT, PROVISIONING);
  await db.insert(RISK, TENANT, RISKS);
});

after(() => db?.close());

async function ids(
  category: string,
  params: Record<string, string>,
  opts: { version?: GraphVersion; tenant?: string } = {},
): Promise<string[]> {
  const { query } = buildODataQuery(logType(category), params, { version: opts.version ?? 'v1.0' });
  const rows = await db.rows(query, opts.tenant ?? TENANT);
  return rows.slice(0, query.limit).map((r) => String(r.record.id));
}

const f = (filter: string) => ({ $filter: filter });

describe('DuckDB: directoryAudit filters', () => {
  const cases: Array<[string, string[]]> = [
    ["activityDisplayName eq 'add USER'", ['A1']],
    ["startswith(activityDisplayName, 'add')", ['A2', 'A1']],
    ["initiatedBy/user/userPrincipalName eq 'meganb@contoso.com'", ['A5', 'A4', 'A1']],
    ["startswith(initiatedBy/user/userPrincipalName, 'PAT.O''')", ['A2']],
    ["initiatedBy/user/displayName eq 'Pat O''Brien'", ['A2']],
    ["initiatedBy/app/displayName eq 'graph explorer'", ['A3']],
    [`targetResources/any(t: t/id eq '${ADELE.toUpperCase()}')`, ['A5', 'A2', 'A1']],
    ["targetResources/any(t: t/displayName eq 'sales team')", ['A2']],
    ["targetResources/any(x: startswith(x/displayName, 'Ad'))", ['A5', 'A2', 'A1']],
    ["targetResources/any(t: t/id eq 'G1' or t/id eq 'nope')", ['A2']],
    ['activityDateTime ge 2024-05-15 and activityDateTime le 2024-05-17T12:00:00Z', ['A4', 'A3', 'A2']],
    ['activityDateTime gt 2024-05-14T09:21:37.4413121Z', ['A5', 'A4', 'A3', 'A2']],
    ['activityDateTime eq 2024-05-14T11:21:37.441312+02:00', ['A1']],
    ["result eq 'FAILURE'", ['A3']],
    ["not (category eq 'UserManagement')", ['A5', 'A3', 'A2']],
    ['loggedByService eq null', ['A3']],
    ['not (loggedByService eq null)', ['A5', 'A4', 'A2', 'A1']],
    // OData's two-valued logic: A3 (loggedByService null) is "not Core Directory".
    ["not (loggedByService eq 'Core Directory')", ['A4', 'A3']],
    ["activityDisplayName eq 'Ünïcødé ✓ back\\slash'", ['A5']],
    [
      "category eq 'UserManagement' and (startswith(activityDisplayName, 'Reset') or result eq 'success')",
      ['A4', 'A1'],
    ],
    [
      `correlationId eq ${(directoryAudit.correlationId as string).toUpperCase()}`,
      ['A5', 'A4', 'A3', 'A2', 'A1'],
    ],
  ];
  for (const [filter, expected] of cases) {
    it(filter, async () => assert.deepEqual(await ids('AuditLogs', f(filter)), expected));
  }

  it('sees only the caller’s tenant', async () => {
    assert.deepEqual(await ids('AuditLogs', f("activityDisplayName eq 'Add user'")), ['A1']);
    assert.deepEqual(await ids('AuditLogs', f("activityDisplayName eq 'Add user'"), { tenant: OTHER }), [
      'O1',
    ]);
    assert.deepEqual(await ids('AuditLogs', {}, { tenant: 'nobody' }), []);
  });

  it('orders by activityDateTime asc when asked', async () => {
    assert.deepEqual(await ids('AuditLogs', { $orderby: 'activityDateTime asc', $top: '3' }), [
      'A1',
      'A2',
      'A3',
    ]);
  });

  it('$select returns only the chosen properties', async () => {
    const { query } = buildODataQuery(AUDIT, {
      $filter: "id eq 'A2'",
      $select: 'activityDisplayName,ID,targetResources',
    });
    const rows = await db.rows(query, TENANT);
    assert.deepEqual(rows[0]!.record, {
      activityDisplayName: 'Add member to group',
      id: 'A2',
      targetResources: AUDITS[1]!.targetResources,
    });
  });

  it('$count counts every match, not just the page', async () => {
    const { query, count } = buildODataQuery(AUDIT, {
      $filter: "category eq 'UserManagement'",
      $count: 'true',
      $top: '1',
    });
    assert.equal(count, true);
    assert.equal(await db.count(query, TENANT), 2);
    assert.equal((await db.page(query, TENANT)).rows.length, 1);
  });
});

describe('DuckDB: plan features Graph refuses (all, any(), in, endswith, tolower)', () => {
  const validated = (filter: string) => validateFilter(AUDIT, parseFilter(filter));
  const run = async (filter: Expr) => {
    const q: Query = {
      type: AUDIT,
      filter,
      orderBy: [{ path: ['activityDateTime'], dir: 'desc' }],
      limit: 100,
    };
    return (await db.rows(q, TENANT)).map((r) => r.record.id);
  };
  const targetResources: FieldRef = { kind: 'field', path: ['targetResources'], type: 'object[]' };
  const tType: FieldRef = { kind: 'field', path: ['type'], variable: 't', type: 'string' };

  it("all(t: t/type eq 'User'): true for empty and absent collections", async () => {
    const e: Expr = {
      kind: 'lambda',
      op: 'all',
      collection: targetResources,
      variable: 't',
      predicate: cmp('eq', tType, lit('User')),
    };
    assert.deepEqual(await run(e), ['A5', 'A4', 'A3', 'A1']);
  });

  it('any() without a predicate: the collection is not empty', async () => {
    assert.deepEqual(await run({ kind: 'lambda', op: 'any', collection: targetResources }), [
      'A5',
      'A2',
      'A1',
    ]);
  });

  it("not any(t: t/type eq 'Group')", async () => {
    const e: Expr = {
      kind: 'not',
      arg: {
        kind: 'lambda',
        op: 'any',
        collection: targetResources,
        variable: 't',
        predicate: cmp('eq', tType, lit('Group')),
      },
    };
    assert.deepEqual(await run(e), ['A5', 'A4', 'A3', 'A1']);
  });

  it('in, with a null', async () => {
    const category: FieldRef = { kind: 'field', path: ['category'], type: 'string' };
    const loggedBy: FieldRef = { kind: 'field', path: ['loggedByService'], type: 'string' };
    assert.deepEqual(
      await run({ kind: 'in', operand: category, values: [lit('Policy'), lit('GroupManagement')] }),
      ['A5', 'A2'],
    );
    assert.deepEqual(await run({ kind: 'in', operand: loggedBy, values: [lit(null), lit('Nope')] }), ['A3']);
  });

  it('endswith over tolower', async () => {
    const name = (validated("activityDisplayName eq 'x'") as { left: FieldRef }).left;
    const e: Expr = {
      kind: 'call',
      fn: 'endswith',
      args: [{ kind: 'valueCall', fn: 'tolower', arg: name }, lit('USER')],
      caseInsensitive: false,
    };
    assert.deepEqual(await run(e), []);
    assert.deepEqual(await run({ ...e, args: [e.args[0], lit('user')] }), ['A3', 'A1']);
  });
});

describe('DuckDB: signIn filters', () => {
  const cases: Array<[string, string[], GraphVersion?]> = [
    ["userPrincipalName eq 'ADELEV@contoso.com'", [S1]],
    ['status/errorCode eq 50126', ['S2']],
    ['status/errorCode eq 0', [S1]],
    ["location/city eq 'seattle'", ['S2']],
    ["not (location/city eq 'Redmond')", ['S3', 'S2']],
    [`appliedConditionalAccessPolicies/any(p: p/id eq '${POLICY.toUpperCase()}')`, ['S2', S1]],
    ["riskEventTypes_v2/any(r: r eq 'UNFAMILIARFEATURES')", ['S2']],
    ["riskEventTypes_v2/any(r: startswith(r, 'unfam'))", ['S2']],
    ["conditionalAccessStatus eq 'Failure'", ['S2']],
    ["startswith(userDisplayName, 'pat o''')", ['S3']],
    [
      "startswith(deviceDetail/browser, 'chrome') or deviceDetail/operatingSystem eq 'windows 10'",
      ['S3', 'S2', S1],
    ],
    ['createdDateTime le 2024-05-14T10:00:00Z and createdDateTime gt 2024-05-14T09:18:02.113Z', ['S2']],
    ["signInEventTypes/any(t: t eq 'nonInteractiveUser')", [N1, 'N2'].reverse(), 'beta'],
    ["signInEventTypes/any(t: t eq 'servicePrincipal' or t eq 'managedIdentity')", [MI1, SP1], 'beta'],
    // All four kinds are read; S3 has no signInEventTypes and counts as its table's kind.
    ["signInEventTypes/any(t: t ne 'interactiveUser')", ['N2', MI1, SP1, N1], 'beta'],
    ["signInEventTypes/any(t: t eq 'interactiveUser')", ['S3', 'S2', S1], 'beta'],
    // S1 and N1 share a createdDateTime: the id breaks the tie (desc).
    [
      "signInEventTypes/any(t: t eq 'interactiveUser' or t eq 'nonInteractiveUser') and startswith(userPrincipalName, 'adelev')",
      ['N2', S1, N1],
      'beta',
    ],
    ["not signInEventTypes/any(t: t eq 'interactiveUser')", ['N2', MI1, SP1, N1], 'beta'],
  ];
  for (const [filter, expected, version] of cases) {
    it(`${version ?? 'v1.0'}: ${filter}`, async () =>
      assert.deepEqual(await ids('SignInLogs', f(filter), { version: version ?? 'v1.0' }), expected));
  }

  it('v1.0 lists interactive sign-ins only; so does beta without a signInEventTypes filter', async () => {
    assert.deepEqual(await ids('SignInLogs', {}), ['S3', 'S2', S1]);
    assert.deepEqual(await ids('SignInLogs', {}, { version: 'beta' }), ['S3', 'S2', S1]);
  });

  it('$count over the sign-in kinds', async () => {
    const { query } = buildODataQuery(
      SIGNIN,
      { $filter: "signInEventTypes/any(t: t ne 'managedIdentity')", $count: 'true' },
      { version: 'beta' },
    );
    assert.equal(query.union?.length, 3);
    assert.equal(await db.count(query, TENANT), 6);
  });
});

describe('DuckDB: provisioning (case sensitive) and risk detections', () => {
  const cases: Array<[string, string, string[]]> = [
    ['ProvisioningLogs', "sourceIdentity/displayName eq 'Adele Vance'", [provisioning.id as string]],
    ['ProvisioningLogs', "sourceIdentity/displayName eq 'adele vance'", ['P2']],
    ['ProvisioningLogs', "contains(jobId, 'Workday')", [provisioning.id as string]],
    ['ProvisioningLogs', "contains(jobId, 'workday')", []],
    ['ProvisioningLogs', "provisioningAction eq 'update'", ['P2']],
    ['ProvisioningLogs', "provisioningStatusInfo/status eq 'failure'", ['P2']],
    [
      'ProvisioningLogs',
      "contains(sourceSystem/displayName, 'Work') and activityDateTime lt 2024-05-14T06:30:00Z",
      [provisioning.id as string],
    ],
    ['UserRiskEvents', "location/city eq 'seattle'", [riskDetection.id as string]],
    ['UserRiskEvents', 'lastUpdatedDateTime ge 2024-05-20', ['R2']],
    ['UserRiskEvents', 'detectedDateTime lt 2024-05-15', [riskDetection.id as string]],
    ['UserRiskEvents', "riskLevel eq 'HIGH'", ['R2']],
  ];
  for (const [category, filter, expected] of cases) {
    it(`${category}: ${filter}`, async () => assert.deepEqual(await ids(category, f(filter)), expected));
  }
});

describe('DuckDB: injection attempts are plain data', () => {
  // Raw values; each is written as a valid OData string literal ('' for a quote) below.
  const literals = [
    "x' OR 1=1 --",
    "'; DROP TABLE audit_logs; --",
    'Robert"); DROP TABLE audit_logs;--',
    '\\',
    "\\'",
    '%',
    '_',
    '$1',
    '?',
    "') OR ('1'='1",
    '$.id',
    '😀 \u202e ünï',
    '*/ SELECT 1 /*',
  ];
  for (const raw of literals) {
    const l = raw.replaceAll("'", "''");
    it(`literal ${JSON.stringify(raw)}`, async () => {
      for (const filter of [
        `activityDisplayName eq '${l}'`,
        `startswith(activityDisplayName, '${l}')`,
        `targetResources/any(t: t/id eq '${l}')`,
        `targetResources/any(t: startswith(t/displayName, '${l}'))`,
        `initiatedBy/user/userPrincipalName eq '${l}'`,
      ]) {
        assert.deepEqual(await ids('AuditLogs', f(filter)), [], filter);
      }
      assert.deepEqual(await ids('SignInLogs', f(`location/city eq '${l}'`)), []);
      assert.deepEqual(await ids('ProvisioningLogs', f(`contains(jobId, '${l}')`)), []);
    });
  }

  it('malformed OData is a parse error, never SQL', async () => {
    for (const filter of [
      "activityDisplayName eq 'x' OR 1=1 --'",
      "activityDisplayName eq 'x'; DROP TABLE audit_logs",
      "activityDisplayName eq 'x'' OR 1=1",
      'activityDisplayName eq "x"',
      "activityDisplayName eq 'x' /* comment */",
      "activityDisplayName) eq 'x'",
    ]) {
      await assert.rejects(() => ids('AuditLogs', f(filter)), QueryError, filter);
    }
    await assert.rejects(
      () => ids('AuditLogs', { $select: 'id,record' }),
      /Could not find a property named 'record'/,
    );
    await assert.rejects(() => ids('AuditLogs', { $select: 'id; DROP TABLE audit_logs' }), QueryError);
    await assert.rejects(
      () => ids('AuditLogs', { $orderby: 'activityDateTime; DROP TABLE audit_logs' }),
      QueryError,
    );
  });

  it('a forged cursor id is bound, not spliced', async () => {
    const token = encodeCursor({ t: '2030-01-01T00:00:00.000000Z', id: "x' OR 1=1 --", dir: 'desc' });
    assert.equal((await ids('AuditLogs', { $skiptoken: token })).length, 5);
  });

  it('the tables are intact', async () => {
    assert.equal((await ids('AuditLogs', {})).length, 5);
  });
});

describe('DuckDB: keyset paging', () => {
  const N = 50;
  const T = 'paging';
  const records: Rec[] = [];
  before(async () => {
    for (let i = 0; i < N; i++) {
      // Groups of three share a time (ties broken by id); ids are not in time order.
      const second = String(Math.floor(i / 3)).padStart(2, '0');
      const frac = i % 7 === 0 ? '.1234567' : '';
      records.push(
        audit(`K${String((i * 37) % N).padStart(2, '0')}`, `2024-06-01T00:00:${second}${frac}Z`, {
          category: i % 2 === 0 ? 'UserManagement' : 'GroupManagement',
        }),
      );
    }
    await db.insert(AUDIT, T, records);
    await db.insert(AUDIT, `${T}-other`, records.slice(0, 5));
  });

  const micro = (t: string) => {
    const m = /^(.*?)(?:\.(\d+))?Z$/.exec(t)!;
    return `${m[1]}.${((m[2] ?? '') + '000000').slice(0, 6)}Z`;
  };
  const expected = (dir: 'asc' | 'desc', keep: (r: Rec) => boolean = () => true) => {
    const list = records
      .filter(keep)
      .map((r) => ({ id: String(r.id), t: micro(String(r.activityDateTime)) }))
      .sort((a, b) => (a.t === b.t ? (a.id < b.id ? -1 : 1) : a.t < b.t ? -1 : 1))
      .map((r) => r.id);
    return dir === 'asc' ? list : list.reverse();
  };

  async function walk(params: Record<string, string>) {
    const seen: string[] = [];
    const sizes: number[] = [];
    let token: string | undefined;
    for (let guard = 0; guard < 100; guard++) {
      const { query, fingerprint } = buildODataQuery(AUDIT, {
        ...params,
        ...(token ? { $skiptoken: token } : {}),
      });
      const page = await db.page(query, T);
      seen.push(...page.rows.map((r) => String(r.record.id)));
      sizes.push(page.rows.length);
      if (!page.next) break;
      token = encodeCursor(page.next, fingerprint);
    }
    return { seen, sizes };
  }

  for (const dir of ['desc', 'asc'] as const) {
    it(`$top=7 ${dir}: every record exactly once, in order`, async () => {
      const { seen, sizes } = await walk({ $top: '7', $orderby: `activityDateTime ${dir}` });
      assert.deepEqual(seen, expected(dir));
      assert.equal(new Set(seen).size, N);
      assert.deepEqual(sizes, [7, 7, 7, 7, 7, 7, 7, 1]);
    });

    it(`$top=7 ${dir} with a filter`, async () => {
      const { seen } = await walk({
        $top: '7',
        $orderby: `activityDateTime ${dir}`,
        $filter: "category eq 'UserManagement'",
      });
      assert.deepEqual(
        seen,
        expected(dir, (r) => r.category === 'UserManagement'),
      );
      assert.equal(seen.length, 25);
    });
  }

  it('a page that ends exactly at the last record has no next link', async () => {
    const { sizes } = await walk({ $top: '10' });
    assert.deepEqual(sizes, [10, 10, 10, 10, 10]);
  });

  it('a cursor stays valid and resumes exactly, even after new records arrive', async () => {
    const first = buildODataQuery(AUDIT, { $top: '7' });
    const page1 = await db.page(first.query, T);
    const token = encodeCursor(page1.next!, first.fingerprint);
    const resume = () => db.page(buildODataQuery(AUDIT, { $top: '7', $skiptoken: token }).query, T);
    const page2 = await resume();
    await db.insert(AUDIT, T, [audit('ZNEW', '2025-01-01T00:00:00Z', {})]);
    const again = await resume();
    assert.deepEqual(
      again.rows.map((r) => r.id),
      page2.rows.map((r) => r.id),
    );
    assert.deepEqual(
      page2.rows.map((r) => r.record.id),
      expected('desc').slice(7, 14),
    );
  });

  it('refuses a cursor used with another filter or direction, and garbage', () => {
    const { fingerprint } = buildODataQuery(AUDIT, { $filter: "category eq 'UserManagement'" });
    const token = encodeCursor({ t: '2024-06-01T00:00:05.000000Z', id: 'K10', dir: 'desc' }, fingerprint);
    assert.throws(
      () => buildODataQuery(AUDIT, { $filter: "category eq 'GroupManagement'", $skiptoken: token }),
      /The \$skiptoken is not valid: it belongs to a different query/,
    );
    assert.throws(
      () =>
        buildODataQuery(AUDIT, {
          $filter: "category eq 'UserManagement'",
          $orderby: 'activityDateTime asc',
          $skiptoken: token,
        }),
      /The \$skiptoken is not valid/,
    );
    // The same filter written differently is the same query.
    const ok = buildODataQuery(AUDIT, { $filter: "(category   eq 'UserManagement')", $skiptoken: token });
    assert.equal(ok.query.after?.id, 'K10');
    for (const bad of [
      '',
      'not-base64!',
      'e30',
      Buffer.from('{"v":1,"t":"x","id":"a","d":"desc"}').toString('base64url'),
    ]) {
      assert.throws(() => decodeCursor(bad), QueryError);
    }
  });
});
