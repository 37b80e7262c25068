/**
 * `$filter` per Entra's documented behaviour (entra-formats.md §2.2, §1.2): each case either
 * compiles to the expected plan (rendered compactly below) or is refused with Graph's message.
 * The documented examples come first, verbatim.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { logType } from '../../registry/log-types.ts';
import { QueryError } from '../errors.ts';
import type { Expr, Operand } from '../plan.ts';
import { type GraphVersion, validateFilter } from './capabilities.ts';
import { parseFilter } from './parse.ts';

/**
 * A plan as an S-expression: `(eq~ path:type "value")`; `~` marks a case-insensitive comparison,
 * `dt"…"` a datetime literal, `t/x` a field reached through lambda variable t.
 */
function render(e: Expr | Operand): string {
  switch (e.kind) {
    case 'field': {
      const name = [...(e.variable !== undefined ? [e.variable] : []), ...e.path].join('/');
      return `${name}:${e.type}`;
    }
    case 'literal':
      if (e.type === 'datetime') return `dt"${e.value}"`;
      return e.type === 'string' ? JSON.stringify(e.value) : `${e.value}:${e.type}`;
    case 'valueCall':
      return `(${e.fn} ${render(e.arg)})`;
    case 'compare':
      return `(${e.op}${e.caseInsensitive ? '~' : ''} ${render(e.left)} ${render(e.right)})`;
    case 'call':
      return `(${e.fn}${e.caseInsensitive ? '~' : ''} ${render(e.args[0])} ${render(e.args[1])})`;
    case 'in':
      return `(in ${render(e.operand)} ${e.values.map(render).join(' ')})`;
    case 'and':
    case 'or':
      return `(${e.kind} ${render(e.left)} ${render(e.right)})`;
    case 'not':
      return `(not ${render(e.arg)})`;
    case 'bool':
      return `(bool ${render(e.operand)})`;
    case 'lambda':
      return `(${e.op} ${render(e.collection)} ${e.variable ?? ''} ${e.predicate ? render(e.predicate) : ''})`;
  }
}

type Case = {
  /** Log category whose Graph resource the filter is for. */
  on: string;
  filter: string;
  version?: GraphVersion;
} & ({ plan: string } | { error: string | RegExp });

const A = 'AuditLogs';
const S = 'SignInLogs';
const P = 'ProvisioningLogs';

const T0 = '"00000000-0000-0000-0000-000000000000"';

const CASES: Case[] = [
  // ── documented examples, verbatim (§2.2; Identity Protection list pages) ──
  {
    on: A,
    filter: 'activityDateTime le 2018-01-24',
    plan: '(le activityDateTime:datetime dt"2018-01-24T00:00:00.000000Z")',
  },
  {
    on: A,
    filter: "initiatedBy/user/id eq '00000000-0000-0000-0000-000000000000'",
    plan: `(eq~ initiatedBy/user/id:string ${T0})`,
  },
  {
    on: A,
    filter: "targetResources/any(t: t/id eq 'c3a8f2d4-7b1e-4f6a-9d2c-5e8b0a1f3c47')",
    plan: '(any targetResources:object[] t (eq~ t/id:string "c3a8f2d4-7b1e-4f6a-9d2c-5e8b0a1f3c47"))',
  },
  {
    on: A,
    filter: "targetResources/any(t:t/displayName eq 'Adele Vance')",
    plan: '(any targetResources:object[] t (eq~ t/displayName:string "Adele Vance"))',
  },
  {
    on: A,
    filter: "targetResources/any(x: startswith(x/displayName, 'Ad'))",
    plan: '(any targetResources:object[] x (startswith~ x/displayName:string "Ad"))',
  },
  {
    on: S,
    filter: "startsWith(appDisplayName,'Graph')",
    plan: '(startswith~ appDisplayName:string "Graph")',
  },
  {
    on: S,
    filter: "conditionalAccessStatus eq 'failure'",
    plan: '(eq conditionalAccessStatus:string "failure")',
  },
  {
    on: S,
    filter: "userDisplayName eq 'Isabella Simonsen'",
    plan: '(eq~ userDisplayName:string "Isabella Simonsen")',
  },
  {
    on: S,
    version: 'beta',
    filter:
      "createdDateTime ge 2020-09-10T06:00:00Z and createdDateTime le 2020-09-17T06:00:00Z and signInEventTypes/any(t: t eq 'nonInteractiveUser')",
    plan: '(and (and (ge createdDateTime:datetime dt"2020-09-10T06:00:00.000000Z") (le createdDateTime:datetime dt"2020-09-17T06:00:00.000000Z")) (any signInEventTypes:string[] t (eq t:string "nonInteractiveUser")))',
  },
  {
    on: S,
    version: 'beta',
    filter: "signInEventTypes/any(t: t eq 'nonInteractiveUser')",
    plan: '(any signInEventTypes:string[] t (eq t:string "nonInteractiveUser"))',
  },
  {
    on: 'ServicePrincipalRiskEvents',
    filter: "riskEventType eq 'investigationsThreatIntelligence' or riskLevel eq 'medium'",
    plan: '(or (eq~ riskEventType:string "investigationsThreatIntelligence") (eq riskLevel:string "medium"))',
  },
  {
    on: 'RiskyUsers',
    filter: "riskLevel eq microsoft.graph.riskLevel'medium'",
    plan: '(eq riskLevel:string "medium")',
  },
  {
    on: 'RiskyUsers',
    filter: "riskDetail eq 'userPassedMFADrivenByRiskBasedPolicy'",
    plan: '(eq riskDetail:string "userPassedMFADrivenByRiskBasedPolicy")',
  },
  {
    on: 'UserRiskEvents',
    filter: "detectionTimingType eq 'offline'",
    plan: '(eq detectionTimingType:string "offline")',
  },
  {
    on: 'RiskyUsers',
    filter: 'riskLastUpdatedDateTime gt 2020-03-19T00:00:00.000Z',
    plan: '(gt riskLastUpdatedDateTime:datetime dt"2020-03-19T00:00:00.000000Z")',
  },

  // ── directoryAudit: each property and operator ──
  { on: A, filter: "activityDisplayName eq 'Add user'", plan: '(eq~ activityDisplayName:string "Add user")' },
  {
    on: A,
    filter: "startswith(activityDisplayName, 'Add')",
    plan: '(startswith~ activityDisplayName:string "Add")',
  },
  {
    on: A,
    filter: "loggedByService eq 'Core Directory'",
    plan: '(eq~ loggedByService:string "Core Directory")',
  },
  {
    on: A,
    filter: "initiatedBy/user/displayName eq 'Megan Bowen'",
    plan: '(eq~ initiatedBy/user/displayName:string "Megan Bowen")',
  },
  {
    on: A,
    filter: "startswith(initiatedBy/user/userPrincipalName, 'megan')",
    plan: '(startswith~ initiatedBy/user/userPrincipalName:string "megan")',
  },
  {
    on: A,
    filter: "initiatedBy/app/appId eq 'de8bc8b5-d9f9-48b1-a8ad-b748da725064'",
    plan: '(eq~ initiatedBy/app/appId:string "de8bc8b5-d9f9-48b1-a8ad-b748da725064")',
  },
  {
    on: A,
    filter: "initiatedBy/app/displayName eq 'Graph Explorer'",
    plan: '(eq~ initiatedBy/app/displayName:string "Graph Explorer")',
  },
  {
    on: A,
    filter: 'correlationId eq 6f2c2a76-4f52-4bd5-9d8f-4b1a0c0c1d11',
    plan: '(eq~ correlationId:string "6f2c2a76-4f52-4bd5-9d8f-4b1a0c0c1d11")',
  },
  { on: A, filter: "id eq 'Directory_6f2c_1'", plan: '(eq~ id:string "Directory_6f2c_1")' },
  { on: A, filter: "category eq 'UserManagement'", plan: '(eq~ category:string "UserManagement")' },
  { on: A, filter: "result eq 'Failure'", plan: '(eq result:string "failure")' },
  {
    on: A,
    filter: 'activityDateTime gt 2024-05-14T09:21:37.4413121Z',
    plan: '(gt activityDateTime:datetime dt"2024-05-14T09:21:37.441312Z")',
  },
  {
    on: A,
    filter: 'activityDateTime ge 2024-05-14T11:00:00+02:00',
    plan: '(ge activityDateTime:datetime dt"2024-05-14T09:00:00.000000Z")',
  },
  {
    on: A,
    filter: 'activityDateTime lt 2024-05-14T09:00-05:30',
    plan: '(lt activityDateTime:datetime dt"2024-05-14T14:30:00.000000Z")',
  },
  {
    on: A,
    filter: "activityDisplayName eq 'O''Brien''s change'",
    plan: `(eq~ activityDisplayName:string "O'Brien's change")`,
  },
  {
    on: A,
    filter: "category eq 'A' or category eq 'B' and loggedByService eq 'C'",
    plan: '(or (eq~ category:string "A") (and (eq~ category:string "B") (eq~ loggedByService:string "C")))',
  },
  {
    on: A,
    filter: "(category eq 'A' or category eq 'B') and loggedByService eq 'C'",
    plan: '(and (or (eq~ category:string "A") (eq~ category:string "B")) (eq~ loggedByService:string "C"))',
  },
  { on: A, filter: "not (category eq 'A')", plan: '(not (eq~ category:string "A"))' },
  {
    on: A,
    filter: "not startswith(activityDisplayName, 'Add') and category eq 'X'",
    plan: '(and (not (startswith~ activityDisplayName:string "Add")) (eq~ category:string "X"))',
  },
  {
    on: A,
    filter: "not (category eq 'A' or not(category eq 'B'))",
    plan: '(not (or (eq~ category:string "A") (not (eq~ category:string "B"))))',
  },
  { on: A, filter: "'Add user' eq activityDisplayName", plan: '(eq~ activityDisplayName:string "Add user")' },
  {
    on: A,
    filter: '2024-01-01 le activityDateTime',
    plan: '(ge activityDateTime:datetime dt"2024-01-01T00:00:00.000000Z")',
  },
  { on: A, filter: 'loggedByService eq null', plan: '(eq~ loggedByService:string null:null)' },
  { on: A, filter: "ACTIVITYDISPLAYNAME eq 'x'", plan: '(eq~ activityDisplayName:string "x")' },
  {
    on: A,
    filter: "STARTSWITH(activityDisplayName,'x')",
    plan: '(startswith~ activityDisplayName:string "x")',
  },
  {
    on: A,
    filter: "activityDisplayName EQ 'x' AND category Eq 'y'",
    plan: '(and (eq~ activityDisplayName:string "x") (eq~ category:string "y"))',
  },
  {
    on: A,
    filter: 'activityDisplayName eq \'back\\slash "quoted" ünïcødé ✓\'',
    plan: `(eq~ activityDisplayName:string ${JSON.stringify('back\\slash "quoted" ünïcødé ✓')})`,
  },
  {
    on: 'CustomSecurityAttributeAuditLogs',
    filter: "targetResources/any(t: t/id eq 'x') and activityDateTime ge 2024-05-01",
    plan: '(and (any targetResources:object[] t (eq~ t/id:string "x")) (ge activityDateTime:datetime dt"2024-05-01T00:00:00.000000Z"))',
  },

  // ── signIn ──
  { on: S, filter: 'status/errorCode eq 50126', plan: '(eq status/errorCode:number 50126:number)' },
  { on: S, filter: "location/city eq 'Redmond'", plan: '(eq~ location/city:string "Redmond")' },
  {
    on: S,
    filter: "startswith(location/countryOrRegion, 'U')",
    plan: '(startswith~ location/countryOrRegion:string "U")',
  },
  {
    on: S,
    filter: "deviceDetail/browser eq 'Edge 124.0.0'",
    plan: '(eq~ deviceDetail/browser:string "Edge 124.0.0")',
  },
  {
    on: S,
    filter: "startswith(deviceDetail/operatingSystem,'Windows')",
    plan: '(startswith~ deviceDetail/operatingSystem:string "Windows")',
  },
  {
    on: S,
    filter: "userPrincipalName eq 'AdeleV@contoso.com'",
    plan: '(eq~ userPrincipalName:string "AdeleV@contoso.com")',
  },
  { on: S, filter: "startswith(ipAddress, '131.107.')", plan: '(startswith~ ipAddress:string "131.107.")' },
  {
    on: S,
    filter: "appliedConditionalAccessPolicies/any(p: p/id eq 'de7e60eb-ed89-4d73-8205-2227def6b7c9')",
    plan: '(any appliedConditionalAccessPolicies:object[] p (eq~ p/id:string "de7e60eb-ed89-4d73-8205-2227def6b7c9"))',
  },
  {
    on: S,
    filter: "riskEventTypes_v2/any(r: r eq 'unfamiliarFeatures')",
    plan: '(any riskEventTypes_v2:string[] r (eq~ r:string "unfamiliarFeatures"))',
  },
  {
    on: S,
    filter: "riskEventTypes_v2/any(r: startswith(r, 'unfam'))",
    plan: '(any riskEventTypes_v2:string[] r (startswith~ r:string "unfam"))',
  },
  {
    on: S,
    version: 'beta',
    filter: "signInEventTypes/any(t: t ne 'interactiveUser')",
    plan: '(any signInEventTypes:string[] t (ne t:string "interactiveUser"))',
  },
  {
    on: S,
    version: 'beta',
    filter: "signInEventTypes/any(t: t eq 'NONINTERACTIVEUSER' or t eq 'servicePrincipal')",
    plan: '(any signInEventTypes:string[] t (or (eq t:string "nonInteractiveUser") (eq t:string "servicePrincipal")))',
  },
  {
    on: S,
    filter: "riskState eq 'atRisk' and riskLevelAggregated eq 'high'",
    plan: '(and (eq riskState:string "atRisk") (eq riskLevelAggregated:string "high"))',
  },
  {
    on: S,
    filter: 'createdDateTime eq 2024-05-14T09:18:02.113Z',
    plan: '(eq createdDateTime:datetime dt"2024-05-14T09:18:02.113000Z")',
  },
  {
    on: S,
    filter:
      "userId eq 'c3a8f2d4-7b1e-4f6a-9d2c-5e8b0a1f3c47' and appId eq 00000002-0000-0ff1-ce00-000000000000",
    plan: '(and (eq~ userId:string "c3a8f2d4-7b1e-4f6a-9d2c-5e8b0a1f3c47") (eq~ appId:string "00000002-0000-0ff1-ce00-000000000000"))',
  },
  {
    on: S,
    version: 'beta',
    filter: "originalRequestId eq 'abc'",
    plan: '(eq~ originalRequestId:string "abc")',
  },

  // ── provisioning: case sensitive, eq/contains ──
  { on: P, filter: "contains(jobId, 'Workday')", plan: '(contains jobId:string "Workday")' },
  {
    on: P,
    filter: "sourceIdentity/displayName eq 'Adele Vance'",
    plan: '(eq sourceIdentity/displayName:string "Adele Vance")',
  },
  { on: P, filter: "provisioningAction eq 'create'", plan: '(eq provisioningAction:string "create")' },
  {
    on: P,
    filter: 'activityDateTime gt 2024-05-14 and activityDateTime lt 2024-05-15',
    plan: '(and (gt activityDateTime:datetime dt"2024-05-14T00:00:00.000000Z") (lt activityDateTime:datetime dt"2024-05-15T00:00:00.000000Z"))',
  },
  {
    on: P,
    filter: "servicePrincipal/id eq 'e1ae2f1b-a1b3-4ff4-a1ca-5b9e0c3f6a1e'",
    plan: '(eq servicePrincipal/id:string "e1ae2f1b-a1b3-4ff4-a1ca-5b9e0c3f6a1e")',
  },
  {
    on: P,
    version: 'beta',
    filter: "contains(statusInfo/status, 'fail')",
    plan: '(contains statusInfo/status:string "fail")',
  },

  // ── Identity Protection ──
  {
    on: 'UserRiskEvents',
    filter: "location/city eq 'Seattle'",
    plan: '(eq~ location/city:string "Seattle")',
  },
  { on: 'RiskyServicePrincipals', filter: 'isEnabled eq true', plan: '(eq isEnabled:boolean true:boolean)' },
  {
    on: 'RiskyServicePrincipals',
    filter: "startswith(displayName, 'Contoso')",
    plan: '(startswith~ displayName:string "Contoso")',
  },

  // ── refused, as Graph refuses ──
  {
    // microsoft-graph-docs#14173: a quoted DateTimeOffset is "Invalid filter clause".
    on: S,
    filter: "createdDateTime ge '2021-09-07T00:00:00Z'",
    error:
      "Invalid filter clause: A binary operator with incompatible types was detected. Found operand types 'Edm.DateTimeOffset' and 'Edm.String' for operator kind 'GreaterThanOrEqual'. Write dates and times unquoted, e.g. createdDateTime ge 2024-01-01T00:00:00Z.",
  },
  {
    // microsoft-graph-docs#7340: status/errorCode supports eq only.
    on: S,
    filter: 'status/errorCode ge 1',
    error:
      "Unsupported or invalid query filter clause specified for property 'status/errorCode' of resource 'signIn'. The operator 'ge' is not supported (supported: eq).",
  },
  {
    // azure-docs-powershell-azuread#623: the documented "-All $true" inside the filter.
    on: S,
    filter: 'status/errorCode eq 0 -All $true',
    error:
      "Invalid filter clause: syntax error at position 22 in 'status/errorCode eq 0 -All $true': the character '-' is not valid here.",
  },
  {
    on: S,
    filter: "userDisplayName ne 'x'",
    error:
      "Unsupported or invalid query filter clause specified for property 'userDisplayName' of resource 'signIn'. The operator 'ne' is not supported (supported: eq, startswith).",
  },
  {
    on: S,
    filter: "startswith(userId, 'c3')",
    error:
      "Unsupported or invalid query filter clause specified for property 'userId' of resource 'signIn'. The function 'startswith' is not supported (supported: eq).",
  },
  {
    on: S,
    filter: "foo eq 'x'",
    error: "Could not find a property named 'foo' on type 'microsoft.graph.signIn'.",
  },
  {
    on: S,
    filter: "location/citi eq 'x'",
    error: "Could not find a property named 'citi' on 'location' of type 'microsoft.graph.signIn'.",
  },
  {
    on: S,
    filter: 'isInteractive eq true',
    error:
      "Unsupported or invalid query filter clause specified for property 'isInteractive' of resource 'signIn'. The property does not support $filter.",
  },
  {
    on: S,
    version: 'v1.0',
    filter: "signInEventTypes/any(t: t eq 'nonInteractiveUser')",
    error: "Could not find a property named 'signInEventTypes' on type 'microsoft.graph.signIn'.",
  },
  {
    on: S,
    version: 'beta',
    filter: "signInEventTypes eq 'interactiveUser'",
    error:
      "Invalid filter clause: 'signInEventTypes' is a collection; filter it with a lambda, for example signInEventTypes/any(t: t eq 'value').",
  },
  {
    on: S,
    filter: "conditionalAccessStatus eq 'bogus'",
    error:
      "Invalid filter clause: 'bogus' is not a valid value for 'conditionalAccessStatus'. Valid values: success, failure, notApplied, unknownFutureValue.",
  },
  {
    on: S,
    filter: "status/errorCode eq '0'",
    error:
      "Invalid filter clause: A binary operator with incompatible types was detected. Found operand types 'Edm.Int32' and 'Edm.String' for operator kind 'Equal'.",
  },
  {
    on: S,
    filter: "location eq 'Redmond'",
    error:
      "Invalid filter clause: 'location' is a complex property; filter one of its properties (for example location/id).",
  },
  {
    on: S,
    filter: "appliedConditionalAccessPolicies/any(p: userId eq 'x')",
    error:
      "Invalid filter clause: inside appliedConditionalAccessPolicies/any(p: …) refer to the element as 'p' (found 'userId').",
  },
  {
    on: S,
    filter: "riskEventTypes_v2/any(r: r/x eq 'a')",
    error:
      "Invalid filter clause: the elements of 'riskEventTypes_v2' are strings; compare 'r' itself (r eq 'value').",
  },
  {
    on: A,
    filter: "targetResources/all(t: t/id eq 'x')",
    error:
      "Unsupported or invalid query filter clause specified for property 'targetResources' of resource 'directoryAudit'. The lambda operator 'all' is not supported; use any(…).",
  },
  {
    on: A,
    filter: "targetResources/any(t: t/type eq 'User')",
    error:
      "Unsupported or invalid query filter clause specified for property 'targetResources/type' of resource 'directoryAudit'. Inside targetResources/any(…) only these properties can be filtered: id, displayName.",
  },
  {
    on: A,
    filter: "targetResources/any(t: endswith(t/displayName, 'x'))",
    error:
      "Unsupported or invalid query filter clause specified for property 'targetResources/displayName' of resource 'directoryAudit'. The function 'endswith' is not supported (supported: eq, startswith).",
  },
  {
    on: A,
    filter: "activityDisplayName in ('a', 'b')",
    error:
      "Unsupported or invalid query filter clause specified for property 'activityDisplayName' of resource 'directoryAudit'. The operator 'in' is not supported; combine comparisons with 'or' instead (supported: eq, startswith).",
  },
  {
    on: A,
    filter: "tolower(activityDisplayName) eq 'add user'",
    error: "Invalid filter clause: the function 'tolower' is not supported on resource 'directoryAudit'.",
  },
  {
    on: A,
    filter: "activityDisplayName eq 'unterminated",
    error: /position 23 .*the string literal is not terminated/,
  },
  {
    on: A,
    filter: "activityDisplayName eq 'x' and",
    error: /position 30 .*the filter ends where a property/,
  },
  {
    on: A,
    filter: "(activityDisplayName eq 'x'",
    error: /position 27 .*expected '\)' to close the '\(' at position 0/,
  },
  { on: A, filter: "activityDisplayName eq 'x')", error: /position 26 .*found '\)' without a matching '\('/ },
  {
    on: A,
    filter: "not activityDisplayName eq 'x'",
    error: /'not' applies to the term right after it; put the comparison in parentheses: not \(x eq 'v'\)/,
  },
  { on: A, filter: "activityDisplayName has 'x'", error: /the operator 'has' is not supported/ },
  { on: A, filter: 'length(activityDisplayName) eq 3', error: /the function 'length' is not supported/ },
  {
    on: A,
    filter: 'activityDateTime ge 2024-13-01',
    error: /'2024-13-01' is not a valid date or DateTimeOffset value/,
  },
  {
    on: A,
    filter: "activityDateTime ge datetime'2024-01-01T00:00:00'",
    error: /typed literals like datetime'…' are not supported/,
  },
  { on: A, filter: 'activityDateTime ge 2024-01-01T00:00:00 02:00', error: /must be encoded as %2B/ },
  {
    on: A,
    filter: 'activityDateTime ge null',
    error: "Invalid filter clause: null can only be compared with eq or ne (found 'ge').",
  },
  {
    on: A,
    filter: 'activityDisplayName eq activityDisplayName',
    error:
      'Invalid filter clause: a comparison needs a property on one side and a literal value on the other.',
  },
  {
    on: A,
    filter: 'category eq 5',
    error:
      "Invalid filter clause: A binary operator with incompatible types was detected. Found operand types 'Edm.String' and 'Edm.Int32' for operator kind 'Equal'.",
  },
  { on: A, filter: '   ', error: /the filter is empty/ },
  {
    on: P,
    filter: "startswith(jobId, 'W')",
    error:
      "Unsupported or invalid query filter clause specified for property 'jobId' of resource 'provisioningObjectSummary'. The function 'startswith' is not supported (supported: eq, contains).",
  },
  {
    on: P,
    filter: "changeId ne 'x'",
    error:
      "Unsupported or invalid query filter clause specified for property 'changeId' of resource 'provisioningObjectSummary'. The operator 'ne' is not supported (supported: eq, contains).",
  },
  {
    on: P,
    version: 'v1.0',
    filter: "contains(statusInfo/status, 'fail')",
    error:
      "Could not find a property named 'statusInfo' on type 'microsoft.graph.provisioningObjectSummary'.",
  },
];

describe('$filter per Entra', () => {
  it('has at least 60 cases', () => {
    assert.ok(CASES.length >= 60, `${CASES.length} cases`);
  });

  for (const c of CASES) {
    const title = `${c.on}${c.version ? ` (${c.version})` : ''}: ${c.filter}`;
    it(title, () => {
      const run = () =>
        validateFilter(logType(c.on), parseFilter(c.filter), { version: c.version ?? 'beta' });
      if ('plan' in c) {
        assert.equal(render(run()), c.plan);
        return;
      }
      assert.throws(run, (err: unknown) => {
        assert.ok(err instanceof QueryError, `not a QueryError: ${err}`);
        assert.equal(err.status, 400);
        assert.equal(err.code, 'BadRequest');
        if (typeof c.error === 'string') assert.equal(err.message, c.error);
        else assert.match(err.message, c.error);
        return true;
      });
    });
  }
});
