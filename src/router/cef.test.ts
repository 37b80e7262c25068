import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SAMPLES } from '../../test/fixtures/samples.ts';
import { parseCef } from '../../test/helpers/cef.ts';
import { toEnvelope } from '../records/envelope.ts';
import { LOG_TYPES, logType } from '../registry/log-types.ts';
import { cefEvent, escapeExtension, escapeHeader } from './cef.ts';

const TENANT = '0e35ee7a-425d-45a5-9013-218c1eae8fd4';
type Rec = Record<string, unknown>;
const envelopeOf = (category: string, record: Rec) => toEnvelope(logType(category), TENANT, record);

test('header fields escape backslash and pipe; line breaks cannot end the event', () => {
  assert.equal(escapeHeader('a|b\\c'), 'a\\|b\\\\c');
  assert.equal(escapeHeader('x=y'), 'x=y', 'equals needs no escape in the header');
  assert.equal(escapeHeader('one\r\ntwo\nthree'), 'one two three');
});

test('extension values escape backslash, equals and line breaks; pipes stay', () => {
  assert.equal(escapeExtension('a=b'), 'a\\=b');
  assert.equal(escapeExtension('C:\\temp'), 'C:\\\\temp');
  assert.equal(escapeExtension('l1\nl2\r\n'), 'l1\\nl2\\r\\n');
  assert.equal(escapeExtension('a|b'), 'a|b');
  assert.equal(escapeExtension('\\='), '\\\\\\=');
});

test('a sign-in maps time, user, IP, app, outcome and the tenant', () => {
  const failed = {
    ...SAMPLES.SignInLogs,
    status: { errorCode: 50126, failureReason: 'Invalid username or password.' },
  };
  const e = parseCef(cefEvent('SignInLogs', TENANT, envelopeOf('SignInLogs', failed)));
  assert.deepEqual(
    [e.version, e.vendor, e.product, e.deviceVersion, e.signature, e.name],
    ['0', 'Microsoft', 'Entra ID', '1.0', 'SignInLogs', 'Sign-in activity'],
  );
  assert.equal(e.severity, '5', 'a failure is medium');
  assert.equal(e.ext.rt, String(Date.parse(String(SAMPLES.SignInLogs.createdDateTime))));
  assert.equal(e.ext.suser, SAMPLES.SignInLogs.userPrincipalName);
  assert.equal(e.ext.suid, SAMPLES.SignInLogs.userId);
  assert.equal(e.ext.src, SAMPLES.SignInLogs.ipAddress);
  assert.equal(e.ext.app, SAMPLES.SignInLogs.appDisplayName);
  assert.equal(e.ext.outcome, 'failure');
  assert.equal(e.ext.msg, 'Invalid username or password.');
  assert.equal(e.ext.externalId, SAMPLES.SignInLogs.id);
  assert.equal(e.ext.cs1Label, 'tenantId');
  assert.equal(e.ext.cs1, TENANT);
  assert.equal(e.ext.cs2, SAMPLES.SignInLogs.correlationId);
  const ok = parseCef(cefEvent('SignInLogs', TENANT, envelopeOf('SignInLogs', SAMPLES.SignInLogs!)));
  assert.equal(ok.ext.outcome, 'success');
  assert.equal(ok.severity, '3');
});

test('an audit event names the initiator, the target and the activity; hostile text survives a round trip', () => {
  const hostile = 'Update|user \\ with = and\nnewline';
  const record = {
    ...SAMPLES.AuditLogs,
    activityDisplayName: hostile,
    result: 'failure',
    resultReason: 'a=b\\c',
  };
  const line = cefEvent('AuditLogs', TENANT, envelopeOf('AuditLogs', record));
  assert.ok(!/[\r\n]/.test(line), 'one line');
  const e = parseCef(line);
  assert.equal(e.signature, 'AuditLogs');
  assert.equal(e.name, 'Update|user \\ with = and newline');
  assert.equal(e.ext.act, hostile);
  assert.equal(e.ext.msg, 'a=b\\c');
  assert.equal(e.ext.outcome, 'failure');
  const initiator = (SAMPLES.AuditLogs!.initiatedBy as Rec).user as Rec;
  assert.equal(e.ext.suser, initiator.userPrincipalName);
  assert.equal(e.ext.src, initiator.ipAddress);
  assert.equal(e.ext.duser, ((SAMPLES.AuditLogs!.targetResources as Rec[])[0] as Rec).userPrincipalName);
});

test('risk and Graph activity: severity from the risk level, request fields, outcome from the HTTP status', () => {
  const risk = parseCef(
    cefEvent('UserRiskEvents', TENANT, envelopeOf('UserRiskEvents', SAMPLES.UserRiskEvents!)),
  );
  assert.equal(risk.severity, '5', 'medium risk');
  assert.equal(risk.ext.cs4, 'medium');
  assert.equal(risk.ext.src, SAMPLES.UserRiskEvents!.ipAddress);
  const riskyUser = parseCef(cefEvent('RiskyUsers', TENANT, envelopeOf('RiskyUsers', SAMPLES.RiskyUsers!)));
  assert.equal(riskyUser.severity, '8', 'high risk');
  assert.equal(riskyUser.ext.suser, SAMPLES.RiskyUsers!.userPrincipalName);
  const g = SAMPLES.MicrosoftGraphActivityLogs!;
  const graph = parseCef(
    cefEvent('MicrosoftGraphActivityLogs', TENANT, envelopeOf('MicrosoftGraphActivityLogs', g)),
  );
  assert.equal(graph.ext.request, g.requestUri);
  assert.equal(graph.ext.requestMethod, g.requestMethod);
  assert.equal(graph.ext.outcome, 'success');
  assert.equal(graph.ext.src, g.ipAddress, 'IPv6 is a valid src');
});

test('every category makes a parseable event with its category, time and id', () => {
  for (const t of LOG_TYPES) {
    const sample = SAMPLES[t.category]!;
    const e = parseCef(cefEvent(t.category, TENANT, envelopeOf(t.category, sample)));
    assert.equal(e.signature, t.category);
    assert.equal(e.ext.cat, t.category);
    assert.equal(e.ext.externalId, String(sample[t.idField]), t.category);
    assert.equal(e.ext.rt, String(Date.parse(String(sample[t.timeField]))), t.category);
    assert.match(e.severity, /^([0-9]|10)$/);
  }
});
