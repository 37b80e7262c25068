/** The `$filter` lexer and parser on their own: literals, positions, syntax errors. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { QueryError } from '../errors.ts';
import { stripPositions } from '../plan.ts';
import { parseCount, parseFilter, parseSelect, parseTop } from './parse.ts';

const literal = (text: string) => {
  const e = stripPositions(parseFilter(`x eq ${text}`));
  assert.equal(e.kind, 'compare');
  return (e as { right: unknown }).right;
};

describe('literals', () => {
  it('strings: two quotes are one', () => {
    assert.deepEqual(literal("'O''Brien'"), { kind: 'literal', type: 'string', value: "O'Brien" });
    assert.deepEqual(literal("''''"), { kind: 'literal', type: 'string', value: "'" });
    assert.deepEqual(literal("''"), { kind: 'literal', type: 'string', value: '' });
    assert.deepEqual(literal("'a\\b'"), { kind: 'literal', type: 'string', value: 'a\\b' });
  });
  it('numbers, booleans, null, GUIDs', () => {
    assert.deepEqual(literal('-12'), { kind: 'literal', type: 'number', value: -12 });
    assert.deepEqual(literal('1.5e3'), { kind: 'literal', type: 'number', value: 1500 });
    assert.deepEqual(literal('true'), { kind: 'literal', type: 'boolean', value: true });
    assert.deepEqual(literal('null'), { kind: 'literal', type: 'null', value: null });
    assert.deepEqual(literal('DE7E60EB-ed89-4d73-8205-2227def6b7c9'), {
      kind: 'literal',
      type: 'guid',
      value: 'DE7E60EB-ed89-4d73-8205-2227def6b7c9',
    });
  });
  it('dates and DateTimeOffsets, normalised to UTC microseconds', () => {
    const dt = (text: string) => (literal(text) as { value: string }).value;
    assert.equal(dt('2024-02-29'), '2024-02-29T00:00:00.000000Z');
    assert.equal(dt('2024-01-01T01:00:00+02:00'), '2023-12-31T23:00:00.000000Z');
    assert.equal(dt('2024-05-14T09:18:02.1130000Z'), '2024-05-14T09:18:02.113000Z');
    assert.equal(dt('2024-05-14T09:18:02.9999999z'), '2024-05-14T09:18:02.999999Z');
    assert.equal(dt('2024-05-14T09:18'), '2024-05-14T09:18:00.000000Z');
    assert.equal(dt('0050-01-01T00:00:00Z'), '0050-01-01T00:00:00.000000Z');
    for (const bad of ['2023-02-29', '2024-04-31', '2024-01-01T24:00:00Z', '2024-01-01T10:00:00+15:00']) {
      assert.throws(() => parseFilter(`x eq ${bad}`), /is not a valid date or DateTimeOffset value/, bad);
    }
  });
  it('enum literals keep their type name', () => {
    assert.deepEqual(literal("microsoft.graph.riskLevel'high'"), {
      kind: 'literal',
      type: 'string',
      value: 'high',
      enumType: 'microsoft.graph.riskLevel',
    });
  });
});

describe('syntax errors say where and what', () => {
  const cases: Array<[string, number, RegExp]> = [
    ['', 0, /the filter is empty/],
    ["x eq 'a' or", 11, /ends where a property, a literal or a function was expected/],
    ["x eq 'a' xor y eq 'b'", 9, /expected 'and', 'or' or the end of the filter, found 'xor'/],
    ["x eq 'a' 'b'", 9, /expected 'and', 'or' or the end of the filter, found the string 'b'/],
    ['x eq', 4, /the filter ends/],
    ['startswith(x)', 0, /takes 2 arguments, found 1/],
    ["startswith(x, 'a'", 17, /expected ',' or '\)' in the arguments of 'startswith'/],
    ["frob(x) eq 'a'", 0, /unknown function 'frob'/],
    ["t/any(a: a/b eq 'x' and t/any(a: a eq 'y'))", 30, /the range variable 'a' is already in use/],
    ["t/any(a a eq 'x')", 8, /expected ':' after the range variable 'a'/],
    ["any(t: t eq 'x')", 0, /'any' must follow a collection property/],
    ["x/microsoft.graph.user eq 'a'", 2, /type casts like 'microsoft.graph.user' are not supported/],
    ["x eq 'a' and 5", 13, /expected a boolean expression/],
    ['x eq 1 add 2', 7, /the operator 'add' is not supported/],
    ["x eq 'a' # y", 9, /the character '#' is not valid here/],
  ];
  for (const [filter, pos, message] of cases) {
    it(JSON.stringify(filter), () => {
      assert.throws(
        () => parseFilter(filter),
        (err: unknown) => {
          assert.ok(err instanceof QueryError);
          assert.equal(err.position, pos);
          assert.match(err.message, message);
          assert.match(
            err.message,
            new RegExp(`^Invalid filter clause: syntax error at position ${pos} in `),
          );
          return true;
        },
      );
    });
  }
});

describe('structure', () => {
  it('lambda variables, bare and with paths; any() without a predicate', () => {
    const e = stripPositions(parseFilter("a/b/any(t: t eq 'x' or t/c eq 'y') and d/any()"));
    assert.deepEqual(e, {
      kind: 'and',
      left: {
        kind: 'lambda',
        op: 'any',
        collection: { kind: 'field', path: ['a', 'b'], type: 'unknown' },
        variable: 't',
        predicate: {
          kind: 'or',
          left: {
            kind: 'compare',
            op: 'eq',
            left: { kind: 'field', path: [], type: 'unknown', variable: 't' },
            right: { kind: 'literal', type: 'string', value: 'x' },
          },
          right: {
            kind: 'compare',
            op: 'eq',
            left: { kind: 'field', path: ['c'], type: 'unknown', variable: 't' },
            right: { kind: 'literal', type: 'string', value: 'y' },
          },
        },
      },
      right: { kind: 'lambda', op: 'any', collection: { kind: 'field', path: ['d'], type: 'unknown' } },
    });
  });
  it('in lists and value functions', () => {
    assert.deepEqual(stripPositions(parseFilter("tolower(x) in ('a', null)")), {
      kind: 'in',
      operand: { kind: 'valueCall', fn: 'tolower', arg: { kind: 'field', path: ['x'], type: 'unknown' } },
      values: [
        { kind: 'literal', type: 'string', value: 'a' },
        { kind: 'literal', type: 'null', value: null },
      ],
    });
  });
  it('a bare boolean property or literal is a boolean expression', () => {
    assert.deepEqual(stripPositions(parseFilter('isInteractive and true')), {
      kind: 'and',
      left: { kind: 'bool', operand: { kind: 'field', path: ['isInteractive'], type: 'unknown' } },
      right: { kind: 'bool', operand: { kind: 'literal', type: 'boolean', value: true } },
    });
  });
});

describe('other options', () => {
  it('$top, $select, $count', () => {
    assert.equal(parseTop(' 25 '), 25);
    assert.throws(() => parseTop('2.5'), QueryError);
    assert.deepEqual(parseSelect('id, createdDateTime'), ['id', 'createdDateTime']);
    assert.equal(parseCount('TRUE'), true);
    assert.throws(() => parseCount('1'), QueryError);
  });
});
