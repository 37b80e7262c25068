/** Reading the query API's answers: LA errors with positions, typed cells, dynamic values. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cellText, detailText, isExpandable, parseLaError } from './result.ts';

describe('Logs results', () => {
  it("takes the innermost message and position from LA's error shape", () => {
    const body = {
      error: {
        message: 'The request had some invalid properties',
        code: 'BadArgumentError',
        correlationId: 'c',
        innererror: {
          code: 'SemanticError',
          message: 'A semantic error occurred.',
          innererror: {
            code: 'SEM0100',
            message: "'Nope' is not a column (line 2, position 9)",
            line: 2,
            pos: 9,
            token: 'Nope',
          },
        },
      },
    };
    assert.deepEqual(parseLaError(400, body), {
      status: 400,
      code: 'SEM0100',
      message: "'Nope' is not a column (line 2, position 9)",
      line: 2,
      pos: 9,
      token: 'Nope',
    });
    assert.deepEqual(parseLaError(403, { error: { code: 'InsufficientAccessError', message: 'no' } }), {
      status: 403,
      code: 'InsufficientAccessError',
      message: 'no',
    });
    assert.equal(parseLaError(502, 'gateway').message, 'The query failed.');
  });

  it('formats cells by their Kusto type', () => {
    assert.equal(cellText('datetime', '2026-11-22T05:04:03Z'), '2026-11-22 05:04:03');
    assert.equal(cellText('datetime', '2026-11-22T05:04:03.250001Z'), '2026-11-22 05:04:03.250001');
    assert.equal(cellText('long', 42), '42');
    assert.equal(cellText('bool', false), 'false');
    assert.equal(cellText('string', null), '');
    assert.equal(cellText('dynamic', '{"city":"Paris"}'), '{"city":"Paris"}');
    assert.equal(detailText('dynamic', '{"city":"Paris"}'), '{\n  "city": "Paris"\n}');
    assert.ok(isExpandable('dynamic', '{"a":1}'));
    assert.ok(isExpandable('dynamic', '[1]'));
    assert.ok(!isExpandable('dynamic', '"text"'));
    assert.ok(!isExpandable('string', '{"a":1}'));
  });
});
