import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { logType } from '../../../registry/log-types.ts';
import { prefersUnknownEnumMembers, shape, shapeOptions } from './shape.ts';

describe('Graph shaping', () => {
  it('reads the Prefer header among other preferences, in any case, and nothing else', () => {
    assert.equal(prefersUnknownEnumMembers('include-unknown-enum-members'), true);
    assert.equal(prefersUnknownEnumMembers('odata.maxpagesize=10, Include-Unknown-Enum-Members'), true);
    assert.equal(prefersUnknownEnumMembers(['return=minimal', 'include-unknown-enum-members']), true);
    assert.equal(prefersUnknownEnumMembers('include-unknown-enum-members-please'), false);
    assert.equal(prefersUnknownEnumMembers(undefined), false);
  });

  it('maps evolvable members inside collections of enums, and leaves non-evolvable enums alone', () => {
    const type = logType('UserRiskEvents');
    const opts = shapeOptions(undefined, ['Security Reader']);
    const out = shape(
      type,
      'v1.0',
      { id: 'r1', riskDetail: 'adminConfirmedAccountSafe', riskLevel: 'high' },
      opts,
    );
    assert.equal(out.riskDetail, 'unknownFutureValue');
    assert.equal(out.riskLevel, 'high');
    assert.equal(out.userDisplayName, null, 'absent properties are null');
  });

  it('keeps open-type extras of nested objects and, in beta only, of the record', () => {
    const type = logType('SignInLogs');
    const opts = shapeOptions(undefined, ['Global Reader']);
    const rec = { id: 's1', status: { errorCode: 0, vendorDetail: 'x' }, undocumented: 1 };
    const v1 = shape(type, 'v1.0', rec, opts);
    const beta = shape(type, 'beta', rec, opts);
    assert.equal((v1.status as Record<string, unknown>).vendorDetail, 'x');
    assert.equal('undocumented' in v1, false);
    assert.equal(beta.undocumented, 1);
  });
});
