/** $top, $orderby, $select, $count, $skiptoken and unsupported options, per resource. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { logType } from '../../registry/log-types.ts';
import { decodeCursor, encodeCursor, pageOf } from '../cursor.ts';
import { QueryError } from '../errors.ts';
import { compileCountDuckDb, compileDuckDb } from '../sql/duckdb.ts';
import { parseFilter, parseOrderBy } from './parse.ts';
import { buildODataQuery, signInScan } from './query.ts';

const SIGNIN = logType('SignInLogs');
const AUDIT = logType('AuditLogs');
const PROV = logType('ProvisioningLogs');

const refused = (fn: () => unknown, message: string | RegExp) =>
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof QueryError, String(err));
    assert.equal(err.status, 400);
    if (typeof message === 'string') assert.equal(err.message, message);
    else assert.match(err.message, message);
    return true;
  });

describe('defaults', () => {
  it('signIns: 1000 per page, newest first', () => {
    const { query, count } = buildODataQuery(SIGNIN, {});
    assert.equal(query.limit, 1000);
    assert.deepEqual(query.orderBy, [{ path: ['createdDateTime'], dir: 'desc' }]);
    assert.equal(query.filter, undefined);
    assert.equal(count, false);
  });
  it('directoryAudits and provisioning: 1000; Identity Protection: 20', () => {
    assert.equal(buildODataQuery(AUDIT, {}).query.limit, 1000);
    assert.equal(buildODataQuery(PROV, {}).query.limit, 1000);
    assert.equal(buildODataQuery(logType('UserRiskEvents'), {}).query.limit, 20);
    assert.deepEqual(buildODataQuery(logType('RiskyUsers'), {}).query.orderBy, [
      { path: ['riskLastUpdatedDateTime'], dir: 'desc' },
    ]);
  });
  it('ignores parameters that are not system query options', () => {
    assert.equal(buildODataQuery(AUDIT, { tenant: 'x', api: 'y' }).query.limit, 1000);
  });
});

describe('$top', () => {
  it('accepts 1..max', () => {
    assert.equal(buildODataQuery(SIGNIN, { $top: '1' }).query.limit, 1);
    assert.equal(buildODataQuery(SIGNIN, { $top: '1000' }).query.limit, 1000);
    assert.equal(buildODataQuery(logType('RiskyUsers'), { $top: '500' }).query.limit, 500);
  });
  it('refuses out of range and non-numbers', () => {
    refused(
      () => buildODataQuery(SIGNIN, { $top: '1001' }),
      "Invalid page size specified: '1001'. Must be between 1 and 1000 inclusive.",
    );
    refused(
      () => buildODataQuery(logType('RiskyUsers'), { $top: '501' }),
      /Must be between 1 and 500 inclusive/,
    );
    refused(() => buildODataQuery(SIGNIN, { $top: '0' }), /Must be between 1 and 1000/);
    refused(
      () => buildODataQuery(SIGNIN, { $top: 'ten' }),
      "Invalid value 'ten' for $top: it must be a positive integer.",
    );
    refused(() => buildODataQuery(SIGNIN, { $top: '-1' }), /must be a positive integer/);
  });
});

describe('$orderby', () => {
  it('the time field, asc by default or as asked', () => {
    assert.equal(buildODataQuery(SIGNIN, { $orderby: 'createdDateTime' }).query.orderBy[0]!.dir, 'asc');
    assert.equal(buildODataQuery(SIGNIN, { $orderby: 'createdDateTime desc' }).query.orderBy[0]!.dir, 'desc');
    assert.equal(buildODataQuery(AUDIT, { $orderby: 'ActivityDateTime ASC' }).query.orderBy[0]!.dir, 'asc');
    assert.equal(
      buildODataQuery(AUDIT, { $orderby: 'activityDateTime desc, id desc' }).query.orderBy[0]!.dir,
      'desc',
    );
  });
  it('refuses other properties and bad syntax', () => {
    refused(
      () => buildODataQuery(SIGNIN, { $orderby: 'userId desc' }),
      "Unsupported or invalid query orderby clause specified for property 'userId' of resource 'signIn'. Only 'createdDateTime' can be ordered by (asc or desc).",
    );
    refused(() => buildODataQuery(SIGNIN, { $orderby: 'createdDateTime desc, userId' }), /property 'userId'/);
    refused(
      () => buildODataQuery(SIGNIN, { $orderby: 'createdDateTime sideways' }),
      /expected asc or desc after 'createdDateTime'/,
    );
    assert.deepEqual(parseOrderBy('a/b desc,c'), [
      { path: ['a', 'b'], dir: 'desc' },
      { path: ['c'], dir: 'asc' },
    ]);
  });
});

describe('$select and $count', () => {
  it('$select: canonical names, no duplicates, * for all', () => {
    assert.deepEqual(buildODataQuery(AUDIT, { $select: 'ID, activitydatetime,id' }).query.select, [
      'id',
      'activityDateTime',
    ]);
    assert.equal(buildODataQuery(AUDIT, { $select: '*' }).query.select, undefined);
    refused(
      () => buildODataQuery(AUDIT, { $select: 'id,nope' }),
      "Could not find a property named 'nope' on type 'microsoft.graph.directoryAudit'.",
    );
    refused(
      () => buildODataQuery(SIGNIN, { $select: 'location/city' }),
      /Selecting a nested property \('location\/city'\) is not supported/,
    );
    refused(() => buildODataQuery(SIGNIN, { $select: 'id,,userId' }), /is not a property name/);
  });
  it('$count where Graph counts', () => {
    assert.equal(buildODataQuery(SIGNIN, { $count: 'true' }).count, true);
    assert.equal(buildODataQuery(AUDIT, { $count: 'false' }).count, false);
    assert.equal(buildODataQuery(logType('RiskyServicePrincipals'), { $count: 'true' }).count, true);
    refused(
      () => buildODataQuery(PROV, { $count: 'true' }),
      "Query option '$count' is not supported on resource 'provisioningObjectSummary'.",
    );
    refused(
      () => buildODataQuery(SIGNIN, { $count: 'yes' }),
      "Invalid value 'yes' for $count: it must be true or false.",
    );
  });
});

describe('other options', () => {
  it('refuses what Graph does not support here', () => {
    refused(
      () => buildODataQuery(SIGNIN, { $skip: '10' }),
      "Query option '$skip' is not supported on resource 'signIn'.",
    );
    refused(() => buildODataQuery(AUDIT, { $search: '"x"' }), /'\$search' is not supported/);
    refused(() => buildODataQuery(AUDIT, { $expand: 'x' }), /'\$expand' is not supported/);
    refused(() => buildODataQuery(AUDIT, { $frobnicate: '1' }), "Unknown query option '$frobnicate'.");
    refused(() => buildODataQuery(AUDIT, { $top: ['1', '2'] }), /specified more than once/);
    refused(() => buildODataQuery(AUDIT, { $top: '1', $TOP: '2' }), /specified more than once/);
  });
  it('beta-only properties are unknown in v1.0', () => {
    refused(
      () => buildODataQuery(SIGNIN, { $filter: "tokenIssuerName eq 'x'" }),
      "Could not find a property named 'tokenIssuerName' on type 'microsoft.graph.signIn'.",
    );
    assert.ok(
      buildODataQuery(SIGNIN, { $filter: "tokenIssuerName eq 'x'" }, { version: 'beta' }).query.filter,
    );
  });
  it('errors carry the option and position', () => {
    try {
      buildODataQuery(AUDIT, { $filter: "category eq 'x' and and" });
      assert.fail('no error');
    } catch (err) {
      assert.ok(err instanceof QueryError);
      assert.equal(err.option, '$filter');
      assert.equal(err.position, 20);
    }
  });
});

describe('sign-in kinds', () => {
  const kinds = (filter: string, version: 'v1.0' | 'beta' = 'beta') =>
    signInScan(SIGNIN, buildODataQuery(SIGNIN, { $filter: filter }, { version }).query.filter, version).map(
      (t) => t.category,
    );
  it('reads the kinds a top-level signInEventTypes clause names', () => {
    assert.deepEqual(kinds("signInEventTypes/any(t: t eq 'nonInteractiveUser')"), [
      'NonInteractiveUserSignInLogs',
    ]);
    assert.deepEqual(
      kinds("userId eq 'u' and signInEventTypes/any(t: t eq 'servicePrincipal' or t eq 'interactiveUser')"),
      ['ServicePrincipalSignInLogs', 'SignInLogs'],
    );
    assert.deepEqual(kinds("signInEventTypes/any(t: t ne 'interactiveUser')"), [
      'SignInLogs',
      'NonInteractiveUserSignInLogs',
      'ServicePrincipalSignInLogs',
      'ManagedIdentitySignInLogs',
    ]);
    assert.deepEqual(kinds("signInEventTypes/any(t: t eq 'unknownFutureValue')"), ['SignInLogs']);
    assert.deepEqual(kinds("userId eq 'u'"), ['SignInLogs']);
    assert.deepEqual(kinds("userId eq 'u'", 'v1.0'), ['SignInLogs']);
  });
});

describe('cursor', () => {
  it('round-trips and is opaque base64url', () => {
    const c = { t: '2024-05-14T09:18:02.113000Z', id: "a'b|c", dir: 'asc' as const };
    const token = encodeCursor(c, 'fp');
    assert.match(token, /^[A-Za-z0-9_-]+$/);
    assert.deepEqual(decodeCursor(token, { fingerprint: 'fp', dir: 'asc' }), c);
    assert.throws(() => decodeCursor(token, { fingerprint: 'other' }), /belongs to a different query/);
    assert.throws(() => decodeCursor(token, { dir: 'desc' }), /continues a ascending walk|ascending walk/);
  });
  it('pageOf: the extra row means a next page', () => {
    const rows = [1, 2, 3].map((i) => ({ id: `i${i}`, t: `2024-01-01T00:00:0${i}.000000Z` }));
    assert.deepEqual(pageOf(rows, 3, 'desc'), { rows });
    const p = pageOf(rows, 2, 'desc');
    assert.equal(p.rows.length, 2);
    assert.deepEqual(p.next, { t: rows[1]!.t, id: 'i2', dir: 'desc' });
  });
});

describe('compiled SQL', () => {
  it('binds every literal; tenant is $1; identifiers come from the registry', () => {
    const evil = "x' OR 1=1; DROP TABLE audit_logs; --";
    const { query } = buildODataQuery(AUDIT, {
      $filter: `activityDisplayName eq '${evil.replaceAll("'", "''")}' and targetResources/any(t: t/displayName eq 'q') and activityDateTime ge 2024-01-01`,
      $top: '5',
    });
    const { sql, params } = compileDuckDb(query, 'tenant-1');
    assert.equal(params[0], 'tenant-1');
    assert.ok(params.includes(evil));
    assert.ok(params.includes(6));
    assert.ok(params.includes('2024-01-01 00:00:00.000000'));
    assert.ok(!sql.includes('DROP') && !sql.includes("'q'") && !sql.includes('2024'));
    assert.match(sql, /WHERE tenant = \$1\n/);
    assert.match(sql, /FROM "audit_logs"/);
    assert.match(sql, /"target_display_names"/);
    assert.match(sql, /ORDER BY time DESC, id DESC\nLIMIT \$2$/);
  });
  it('uses typed columns where the registry has them, JSON otherwise', () => {
    const sql = (filter: string) =>
      compileDuckDb(buildODataQuery(SIGNIN, { $filter: filter }, { version: 'beta' }).query, 't').sql;
    assert.match(sql("userPrincipalName eq 'a'"), /lower\("user_principal_name"\) = lower\(\$3\)/);
    assert.match(sql('status/errorCode eq 0'), /"error_code" = \$3/);
    assert.match(sql("tokenIssuerName eq 'x'"), /json_extract_string\(record, '\$\."tokenIssuerName"'\)/);
    assert.match(
      sql("riskEventTypes/any(t: t eq 'x')"),
      /json_extract_string\(record, '\$\."riskEventTypes"\[\*\]'\)/,
    );
    assert.match(sql("signInEventTypes/any(t: t eq 'interactiveUser')"), /list_contains\(\(CASE WHEN/);
    assert.match(
      sql("appliedConditionalAccessPolicies/any(p: p/id eq 'x')"),
      /list_filter\(json_extract\(record, '\$\."appliedConditionalAccessPolicies"\[\*\]'\), lambda _v1: \(lower\(json_extract_string\(_v1, '\$\."id"'\)\) = lower\(\$3\)\)\)/,
    );
    assert.match(sql('createdDateTime ge 2024-01-01'), /time >= CAST\(\$3 AS TIMESTAMP\)/);
  });
  it('count SQL ignores the cursor', () => {
    const token = encodeCursor({ t: '2024-01-01T00:00:00.000000Z', id: 'x', dir: 'desc' });
    const { query } = buildODataQuery(AUDIT, { $skiptoken: token, $count: 'true' });
    assert.ok(query.after);
    const { sql, params } = compileCountDuckDb(query, 't');
    assert.deepEqual(params, ['t']);
    assert.ok(!sql.includes('CAST'));
  });
  it('refuses plans the keyset cannot serve', () => {
    const filter = parseFilter("a eq 'b'");
    assert.throws(
      () => compileDuckDb({ type: AUDIT, filter, orderBy: [{ path: ['id'], dir: 'asc' }], limit: 1 }, 't'),
      /first sort key must be 'activityDateTime'/,
    );
    assert.throws(
      () =>
        compileDuckDb(
          { type: AUDIT, union: [SIGNIN], orderBy: [{ path: ['activityDateTime'], dir: 'asc' }], limit: 1 },
          't',
        ),
      /different shapes/,
    );
  });
});
