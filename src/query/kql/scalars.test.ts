/** String operators, dynamic access, datetime arithmetic and scalar functions, with Kusto's rules. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { KqlError } from './errors.ts';
import { openKqlDb, TEST_NOW } from './test-kql.ts';

type Db = Awaited<ReturnType<typeof openKqlDb>>;

describe('KQL scalars', () => {
  let db: Db;
  before(async () => {
    db = await openKqlDb();
  });
  after(() => db.close());
  /** Evaluates one expression per row of `s:string` values; returns the column. */
  const over = async (values: string[], expr: string) =>
    (
      await db.rows(
        `datatable(s:string)[${values.map((v) => `'${v.replaceAll("'", "\\'")}'`).join(', ')}] | extend x = ${expr} | project x`,
      )
    ).map((r) => r[0]);
  const one = async (expr: string) => (await db.rows(`print x = ${expr}`))[0]![0];

  it('== and != are case-sensitive; =~ and !~ are not', async () => {
    assert.deepEqual(await over(['Alice', 'alice', ''], "s == 'alice'"), [false, true, false]);
    assert.deepEqual(await over(['Alice', 'alice'], "s != 'alice'"), [true, false]);
    assert.deepEqual(await over(['Alice', 'ALICE', 'bob'], "s =~ 'alice'"), [true, true, false]);
    assert.deepEqual(await over(['Alice', 'bob'], "s !~ 'ALICE'"), [false, true]);
  });

  it('has matches whole terms, case-insensitively; has_cs keeps case; !has negates', async () => {
    const texts = [
      'Failed sign-in from Contoso',
      'contosoltd',
      'user@contoso.com',
      'CONTOSO',
      '',
      'xcontoso',
    ];
    assert.deepEqual(await over(texts, "s has 'contoso'"), [true, false, true, true, false, false]);
    assert.deepEqual(await over(texts, "s has_cs 'contoso'"), [false, false, true, false, false, false]);
    assert.deepEqual(await over(texts, "s !has 'contoso'"), [false, true, false, false, true, true]);
    // A needle with punctuation matches as a phrase bounded by term edges.
    assert.deepEqual(
      await over(['mail: user@contoso.com.', 'xuser@contoso.com'], "s has 'user@contoso.com'"),
      [true, false],
    );
    // Regex metacharacters in the needle are literal.
    assert.deepEqual(await over(['a.b', 'axb'], "s has 'a.b'"), [true, false]);
  });

  it('contains, startswith, endswith (and _cs, negations)', async () => {
    const v = ['Hello World', 'hello', 'WORLD'];
    assert.deepEqual(await over(v, "s contains 'LO w'"), [true, false, false]);
    assert.deepEqual(await over(v, "s contains_cs 'World'"), [true, false, false]);
    assert.deepEqual(await over(v, "s !contains 'world'"), [false, true, false]);
    assert.deepEqual(await over(v, "s startswith 'HELLO'"), [true, true, false]);
    assert.deepEqual(await over(v, "s startswith_cs 'hello'"), [false, true, false]);
    assert.deepEqual(await over(v, "s endswith 'world'"), [true, false, true]);
    assert.deepEqual(await over(v, "s !endswith 'world'"), [false, true, false]);
  });

  it('in, in~, !in, !in~ with lists, dynamic arrays and tabular expressions', async () => {
    const v = ['a', 'B', 'c'];
    assert.deepEqual(await over(v, "s in ('a', 'b')"), [true, false, false]);
    assert.deepEqual(await over(v, "s in~ ('A', 'b')"), [true, true, false]);
    assert.deepEqual(await over(v, "s !in ('a', 'b')"), [false, true, true]);
    assert.deepEqual(await over(v, "s !in~ ('A', 'b')"), [false, false, true]);
    assert.deepEqual(await over(v, "s in (dynamic(['c', 'x']))"), [false, false, true]);
    assert.deepEqual(
      await db.rows(
        "let bad = datatable(u:string)['B', 'c']; datatable(s:string)['a', 'B', 'c'] | where s in (bad) | project s",
      ),
      [['B'], ['c']],
    );
    assert.deepEqual(
      await db.rows("datatable(s:string)['a', 'B'] | where s !in ((datatable(u:string)['a'] | project u))"),
      [['B']],
    );
  });

  it('has_any and has_all', async () => {
    const v = ['error in module alpha', 'alpha beta', 'gamma'];
    assert.deepEqual(await over(v, "s has_any ('beta', 'ERROR')"), [true, true, false]);
    assert.deepEqual(await over(v, "s has_all ('alpha', 'beta')"), [false, true, false]);
    assert.deepEqual(await over(v, 's has_any (dynamic(["gamma"]))'), [false, false, true]);
  });

  it('matches regex and between', async () => {
    assert.deepEqual(await over(['abc123', 'abc'], "s matches regex '[0-9]+$'"), [true, false]);
    assert.deepEqual(
      await db.rows(
        'datatable(n:long)[1, 5, 10, long(null)] | extend b = n between (2 .. 10), nb = n !between (2 .. 10) | project b, nb',
      ),
      [
        [false, true],
        [true, false],
        [true, false],
        [null, null],
      ],
    );
    assert.equal(await one('datetime(2024-01-01T05:00:00Z) between (datetime(2024-01-01) .. 6h)'), true);
  });

  it('dynamic access: a.b, a[0], a["x"], negative indexes; missing is null', async () => {
    const d = 'dynamic({"a": {"b": "x"}, "arr": [10, 20, 30], "k y": 1})';
    assert.equal(await one(`tostring(${d}.a.b)`), 'x');
    assert.equal(await one(`toint(${d}.arr[1])`), 20);
    assert.equal(await one(`toint(${d}.arr[-1])`), 30);
    assert.equal(await one(`tostring(${d}["a"]["b"])`), 'x');
    assert.equal(await one(`toint(${d}["k y"])`), 1);
    assert.equal(await one(`isnull(${d}.nope)`), true);
    assert.equal(await one(`tostring(${d}.nope)`), '');
    assert.equal(await one(`${d}.a.b == 'x'`), true);
    assert.equal(await one(`${d}.arr[0] > 5`), true);
    assert.equal(await one(`tostring(${d}.a)`), '{"b":"x"}');
  });

  it('datetime arithmetic: ago(), now(), timespan literals, differences', async () => {
    assert.equal(await one('now()'), TEST_NOW.toISOString().replace('.000Z', 'Z'));
    assert.equal(await one('ago(1d)'), '2025-05-31T12:00:00Z');
    assert.equal(await one('ago(2h) + 30m'), '2025-06-01T10:30:00Z');
    assert.equal(await one('datetime(2024-01-02) - datetime(2024-01-01T12:00:00Z)'), '12:00:00');
    assert.equal(await one('(datetime(2024-01-02) - datetime(2024-01-01)) / 1h'), 24);
    assert.equal(await one('1d + 2h'), '1.02:00:00');
    assert.equal(await one('2 * 30m'), '01:00:00');
    assert.equal(await one('datetime(2024-03-01) > ago(365d * 10)'), true);
  });

  it('string functions', async () => {
    assert.equal(await one("tolower('AbC')"), 'abc');
    assert.equal(await one("toupper('AbC')"), 'ABC');
    assert.equal(await one("strlen('héllo')"), 5);
    assert.equal(await one("strcat('a', 1, '-', true)"), 'a1-true');
    assert.equal(await one("substring('abcdef', 2, 3)"), 'cde');
    assert.equal(await one("substring('abcdef', 4)"), 'ef');
    assert.equal(await one("extract('user=([a-z]+)', 1, 'id=7 user=bob x')"), 'bob');
    assert.equal(await one("extract('nope=(\\\\d+)', 1, 'abc')"), '');
    assert.equal(await one("split('a,b,c', ',')"), '["a","b","c"]');
    assert.equal(await one("split('a,b,c', ',', 1)"), '["b"]');
    assert.equal(await one("replace_string('a-b-c', '-', '+')"), 'a+b+c');
    assert.equal(await one("indexof('abcabc', 'c')"), 2);
    assert.equal(await one("indexof('abc', 'z')"), -1);
  });

  it('emptiness and nulls: isempty, isnotempty, isnull, isnotnull, coalesce', async () => {
    assert.deepEqual(await over(['', 'x'], 'isempty(s)'), [true, false]);
    assert.deepEqual(await over(['', 'x'], 'isnotempty(s)'), [false, true]);
    assert.deepEqual(await over(['', 'x'], 'isnull(s)'), [false, false]);
    assert.equal(await one('isnull(long(null))'), true);
    assert.equal(await one('isempty(long(null))'), true);
    assert.equal(await one('isnotnull(5)'), true);
    assert.equal(await one("coalesce('', 'b', 'c')"), 'b');
    assert.equal(await one('coalesce(long(null), 2)'), 2);
  });

  it('iif/iff and case', async () => {
    assert.deepEqual(await over(['a', 'b'], "iif(s == 'a', 1, 2)"), [1, 2]);
    assert.deepEqual(await over(['a', 'b'], "iff(s == 'a', 'yes', 'no')"), ['yes', 'no']);
    assert.deepEqual(await over(['a', 'b', 'c'], "case(s == 'a', 'A', s == 'b', 'B', 'other')"), [
      'A',
      'B',
      'other',
    ]);
  });

  it('conversions: tostring, toint, tolong, toreal, tobool, todatetime, parse_json/todynamic', async () => {
    assert.equal(await one('tostring(12)'), '12');
    assert.equal(await one("toint('42')"), 42);
    assert.equal(await one("toint('x')"), null);
    assert.equal(await one("tolong('9000000000')"), 9000000000);
    assert.equal(await one("toreal('1.5')"), 1.5);
    assert.equal(await one("tobool('true')"), true);
    assert.equal(await one("todatetime('2024-05-01T10:00:00Z')"), '2024-05-01T10:00:00Z');
    assert.equal(await one('tostring(parse_json(\'{"a":{"b":1}}\').a.b)'), '1');
    assert.equal(await one("todynamic('[1,2]')[1]"), '2');
    assert.equal(await one("parse_json('not json')"), '"not json"');
  });

  it('numbers: / on integers truncates, round, floor, abs', async () => {
    assert.equal(await one('7 / 2'), 3);
    assert.equal(await one('-7 / 2'), -3);
    assert.equal(await one('7 / 2.0'), 3.5);
    assert.equal(await one('7 % 3'), 1);
    assert.equal(await one('round(2.567, 2)'), 2.57);
    assert.equal(await one('floor(7, 5)'), 5);
    assert.equal(await one('abs(-3)'), 3);
  });

  it('date functions: startofday, startofweek, startofmonth, format_datetime, datetime_diff, parts', async () => {
    assert.equal(await one('startofday(datetime(2024-05-15T13:45:00Z))'), '2024-05-15T00:00:00Z');
    // Kusto weeks start on Sunday: 2024-05-15 is a Wednesday.
    assert.equal(await one('startofweek(datetime(2024-05-15T13:45:00Z))'), '2024-05-12T00:00:00Z');
    assert.equal(await one('startofmonth(datetime(2024-05-15T13:45:00Z))'), '2024-05-01T00:00:00Z');
    assert.equal(
      await one("format_datetime(datetime(2024-05-06T07:08:09Z), 'yyyy-MM-dd HH:mm:ss')"),
      '2024-05-06 07:08:09',
    );
    assert.equal(await one("datetime_diff('day', datetime(2024-05-10), datetime(2024-05-01))"), 9);
    assert.equal(
      await one("datetime_diff('hour', datetime(2024-05-01T10:00:00Z), datetime(2024-05-01T12:00:00Z))"),
      -2,
    );
    assert.equal(await one('hourofday(datetime(2024-05-01T10:30:00Z))'), 10);
    assert.equal(await one('dayofweek(datetime(2024-05-15))'), '3.00:00:00');
  });

  it('dynamic functions: array_length, bag_keys, pack/bag_pack, pack_array, set_has_element', async () => {
    assert.equal(await one('array_length(dynamic([1, 2, 3]))'), 3);
    assert.equal(await one('array_length(dynamic({"a": 1}))'), null);
    assert.equal(await one('bag_keys(dynamic({"a": 1, "b": 2}))'), '["a","b"]');
    assert.equal(await one("bag_pack('a', 1, 'b', 'x')"), '{"a":1,"b":"x"}');
    assert.equal(await one("pack('a', 1)"), '{"a":1}');
    assert.equal(await one("pack_array(1, 'x')"), '[1,"x"]');
    assert.equal(await one("set_has_element(dynamic(['a', 'b']), 'b')"), true);
  });

  it('parse_url, extract_all, url_decode', async () => {
    const u = JSON.parse(
      String(await one("parse_url('https://u:p@graph.microsoft.com:443/v1.0/users?$top=5&x=a%20b#f')")),
    );
    assert.deepEqual(u, {
      Scheme: 'https',
      Host: 'graph.microsoft.com',
      Port: '443',
      Path: '/v1.0/users',
      Username: 'u',
      Password: 'p',
      'Query Parameters': { $top: '5', x: 'a b' },
      Fragment: 'f',
    });
    assert.equal(JSON.parse(String(await one("parse_url('not a url')"))).Host, '');
    assert.equal(await one("extract_all('([0-9]+)', 'a1b22c333')"), '["1","22","333"]');
    assert.equal(await one("extract_all('[a-z]', 'a1b')"), '["a","b"]');
    assert.equal(await one("extract_all('x', 'yyy')"), null);
    assert.equal(await one("url_decode('a%20b')"), 'a b');
  });

  it('IPv4 functions: ipv4_is_private (RFC 1918), ipv4_is_in_range (CIDR or one address)', async () => {
    const v = ['10.1.2.3', '172.20.0.1', '172.32.0.1', '192.168.1.1', '8.8.8.8', 'not an ip', '300.1.1.1'];
    assert.deepEqual(await over(v, 'ipv4_is_private(s)'), [true, true, false, true, false, null, null]);
    assert.deepEqual(
      await over(['192.168.1.7', '192.168.2.7', '10.0.0.1'], "ipv4_is_in_range(s, '192.168.1.0/24')"),
      [true, false, false],
    );
    assert.equal(await one("ipv4_is_in_range('10.0.0.1', '10.0.0.1')"), true);
  });

  it('array_concat and array_slice (inclusive, negative from the end)', async () => {
    assert.equal(await one("array_concat(dynamic([1, 2]), dynamic(['a']))"), '[1,2,"a"]');
    assert.equal(await one('array_slice(dynamic([1, 2, 3, 4]), 1, 2)'), '[2,3]');
    assert.equal(await one('array_slice(dynamic([1, 2, 3, 4]), -2, -1)'), '[3,4]');
  });

  it('type errors are reported with positions, not answered wrongly', async () => {
    await assert.rejects(db.kql("print x = 1 == 'a'"), /Cannot compare long with string/);
    await assert.rejects(db.kql("print x = 'a'.b"), /needs a dynamic value/);
    await assert.rejects(db.kql('print x = nosuchcolumn'), (e: Error & { pos: number }) => e.pos === 10);
    await assert.rejects(db.kql('print x = count()'), /only be used in summarize/);
    // Values the engine refuses at run time are the query's error too.
    await assert.rejects(
      db.kql("print 'a' matches regex '('"),
      (e: Error) => e instanceof KqlError && /missing \)/.test(e.message),
    );
    await assert.rejects(db.kql(`print x = dynamic({"a": 1})['a"b']`), (e: Error) => e instanceof KqlError);
  });
  it("gettype: the static type, or a dynamic value's own type (Kusto's names)", async () => {
    assert.deepEqual(
      await db.rows(
        "print gettype('a'), gettype(111), gettype(1 == 1), gettype(now()), gettype(1s), gettype(123.45), gettype(guid(12e8b78d-55b4-46ae-b068-26d7a0080254)), gettype(long(null))",
      ),
      [['string', 'long', 'bool', 'datetime', 'timespan', 'real', 'guid', 'long']],
    );
    assert.deepEqual(
      await db.rows(
        `print gettype(parse_json('1')), gettype(parse_json('3000000000')), gettype(parse_json(' "abc" ')), gettype(parse_json(' {"abc":1} ')), gettype(parse_json('[1, 2]')), gettype(parse_json('')), gettype(parse_json('1.5')), gettype(parse_json('true')), gettype(dynamic(null))`,
      ),
      [['int', 'long', 'string', 'dictionary', 'array', 'null', 'real', 'bool', 'null']],
    );
  });

  it('base64_encode_tostring / base64_decode_tostring (UTF-8; bad input → "")', async () => {
    assert.deepEqual(await over(['Kusto', 'héllo', ''], 'base64_encode_tostring(s)'), [
      'S3VzdG8=',
      'aMOpbGxv',
      '',
    ]);
    assert.deepEqual(
      await over(['S3VzdG8=', 'aMOpbGxv', '', '!!not base64', '/w=='], 'base64_decode_tostring(s)'),
      ['Kusto', 'héllo', '', '', ''],
    );
  });

  it('hash_sha256 / hash_sha1 / hash_md5 give lowercase hex; hash is stable and in range with a modulo', async () => {
    assert.equal(
      await one("hash_sha256('World')"),
      '78ae647dc5544d227130a0682a51e30bc7777fbb6d8a8f17007463a3ecd1d524',
    );
    assert.equal(await one("hash_md5('')"), 'd41d8cd98f00b204e9800998ecf8427e');
    assert.equal(await one("hash_sha1('a')"), '86f7e437faa5a7fce15d1ddcb9eaeaea377667b8');
    const hs = (await over(['a', 'b', 'a', 'A'], 'hash(s)')) as number[];
    assert.equal(hs[0], hs[2]);
    assert.notEqual(hs[0], hs[3]);
    const mods = (
      await db.rows(
        'range x from 1 to 200 step 1 | extend h = hash(tostring(x), 10) | summarize min(h), max(h), dcount(h)',
      )
    )[0];
    assert.deepEqual(mods, [0, 9, 10]);
    await assert.rejects(db.kql("print hash('a', 0)"), /modulo/);
  });

  it('strrep repeats with an optional delimiter; 0 or negative gives ""', async () => {
    assert.deepEqual(
      await db.rows(
        "print strrep('ab', 3), strrep('x', 2, '-'), strrep('x', 0), strrep(7, 2), strrep('', 5)",
      ),
      [['ababab', 'x-x', '', '77', '']],
    );
  });

  it('todecimal converts to a number (a real here) or null', async () => {
    assert.deepEqual(
      await db.rows("print todecimal('1.5'), todecimal(3), todecimal('x'), todecimal(dynamic(2.25))"),
      [[1.5, 3, null, 2.25]],
    );
  });

  it('extract with typeof() converts the match; no match or no conversion → null', async () => {
    assert.deepEqual(
      await over(['took 150 ms', 'took ms', 'took 1.5 ms'], 'extract(@"took (\\S+) ms", 1, s, typeof(real))'),
      [150, null, 1.5],
    );
    assert.deepEqual(await over(['n=12', 'n=x'], 'extract("n=(.*)", 1, s, typeof(long))'), [12, null]);
    assert.deepEqual(await over(['n=12', 'none'], 'extract("n=(.*)", 1, s, typeof(string))'), ['12', '']);
    await assert.rejects(db.kql("print extract('a', 0, 'a', 'long')"), /typeof/);
  });

  it('bag_merge: the leftmost bag wins a shared key; non-bags are skipped', async () => {
    const [[m]] = (await db.rows(
      "print bag_merge(dynamic({'A1':12, 'B1':2, 'C1':3}), dynamic({'A2':81, 'B2':82, 'A1':1}))",
    )) as [[string]];
    assert.deepEqual(JSON.parse(m), { A1: 12, B1: 2, C1: 3, A2: 81, B2: 82 });
    const [[n]] = (await db.rows(
      "print bag_merge(dynamic(null), dynamic({'a': null, 'b': [1]}), dynamic([1]))",
    )) as [[string]];
    assert.deepEqual(JSON.parse(n), { a: null, b: [1] });
    assert.deepEqual(await db.rows('print bag_merge(dynamic({}), dynamic(null))'), [['{}']]);
  });

  it('bag_remove_keys drops top-level keys (case-sensitive); a non-bag gives null', async () => {
    const [[b]] = (await db.rows(
      "print bag_remove_keys(dynamic({'key1': 123, 'key2': 'abc', 'Key1': 1}), dynamic(['key1', 'nope']))",
    )) as [[string]];
    assert.deepEqual(JSON.parse(b), { key2: 'abc', Key1: 1 });
    assert.deepEqual(await db.rows("print bag_remove_keys(dynamic([1]), dynamic(['a']))"), [[null]]);
    await assert.rejects(db.kql("print bag_remove_keys(dynamic({'a':1}), dynamic(['$.a']))"), /JSONPath/);
  });

  it('zip pairs arrays by position, padding the shorter with null; a non-array gives null', async () => {
    assert.deepEqual(await db.rows("print zip(dynamic([1, 3, 5]), dynamic(['a', 'b']))"), [
      ['[[1,"a"],[3,"b"],[5,null]]'],
    ]);
    assert.deepEqual(await db.rows('print zip(dynamic([]), dynamic([]))'), [['[]']]);
    assert.deepEqual(await db.rows('print zip(dynamic({"a":1}), dynamic([1]))'), [[null]]);
  });

  it('strcat_array, bag_has_key, datetime_part', async () => {
    assert.deepEqual(
      await db.rows("print strcat_array(dynamic([1, 'b', null]), '-'), strcat_array(dynamic([]), ',')"),
      [['1-b-', '']],
    );
    assert.deepEqual(
      await db.rows(
        "print bag_has_key(dynamic({'a': null}), 'a'), bag_has_key(dynamic({'a': 1}), 'A'), bag_has_key(dynamic([1]), 'a')",
      ),
      [[true, false, false]],
    );
    assert.deepEqual(
      await db.rows(
        "print datetime_part('year', datetime(2024-03-05T06:07:08.123Z)), datetime_part('Hour', datetime(2024-03-05T06:07:08.123Z)), datetime_part('millisecond', datetime(2024-03-05T06:07:08.123Z)), datetime_part('dayOfYear', datetime(2024-03-05))",
      ),
      [[2024, 6, 123, 65]],
    );
  });

  it("format_timespan: Kusto's documented examples, padding, F without trailing zeros, null", async () => {
    assert.deepEqual(
      await db.rows(
        "print format_timespan(time(29.09:00:05.12345), 'dd.hh:mm:ss [FF]'), format_timespan(time(29.09:00:05.12345), 'ddd.h:mm:ss [fff]')",
      ),
      [['29.09:00:05 [12]', '029.9:00:05 [123]']],
    );
    assert.deepEqual(
      await db.rows(
        "print format_timespan(totimespan('15.13:45:30.6170000'), 'd'), format_timespan(15d + 13h, 'd H HH'), format_timespan(totimespan('00:00:00.0001150'), 'FFFFFFF'), format_timespan(totimespan('00:00:01.05'), 'ss.FF'), format_timespan(totimespan('00:00:01.005'), 's.FF'), format_timespan(-90m, 'hh:mm'), format_timespan(timespan(null), 'hh')",
      ),
      [['15', '15 13 13', '000115', '01.05', '1.', '01:30', '']],
    );
    await assert.rejects(
      db.kql("print format_timespan(1s, 'ss x')"),
      /'x' is not a format specifier or delimiter/,
    );
    await assert.rejects(db.kql("print format_timespan(1s, 'hhh')"), /'hhh' is not a format specifier/);
    await assert.rejects(db.kql("print format_timespan(now(), 'hh')"), /expected a timespan/);
  });

  it("ipv6_compare / ipv6_is_match: Kusto's documented examples, IPv4 as IPv4-mapped, prefixes, invalid text", async () => {
    assert.deepEqual(
      await db.rows(
        "print ipv6_compare('::ffff:7f00:1', '127.0.0.1'), ipv6_compare('fe80::85d:e82c:9446:7994', 'fe80::85d:e82c:9446:7995'), ipv6_compare('192.168.1.1/24', '192.168.1.255/24'), ipv6_compare('fe80::85d:e82c:9446:7994/127', 'fe80::85d:e82c:9446:7995/127'), ipv6_compare('fe80::85d:e82c:9446:7994', 'fe80::85d:e82c:9446:7995', 127)",
      ),
      [[0, -1, 0, 0, 0]],
    );
    // Expanded forms, a dotted IPv4 tail, the all-zero address, and the order of groups.
    assert.deepEqual(
      await db.rows(
        "print ipv6_compare('::ffff:127.0.0.1', '127.0.0.1'), ipv6_compare('2001:db8::1', '2001:0DB8:0:0:0:0:0:1'), ipv6_compare('2001:db8::2', '2001:db8::1'), ipv6_compare('::', '0:0:0:0:0:0:0:0'), ipv6_compare('2001:db8:1::', '2001:db8:0:ffff::'), ipv6_compare('2001:db8::/32', '2001:db8:ffff::1')",
      ),
      [[0, 0, 1, 0, 1, 0]],
    );
    // Not an address (null): text, two '::', nine groups, a prefix out of range.
    assert.deepEqual(
      await db.rows(
        "print ipv6_compare('nope', '::1'), ipv6_compare('1::2::3', '::1'), ipv6_compare('1:2:3:4:5:6:7:8:9', '::1'), ipv6_compare('::1/129', '::1'), ipv6_compare('10.0.0.1/33', '10.0.0.1')",
      ),
      [[null, null, null, null, null]],
    );
    assert.deepEqual(
      await db.rows(
        "print ipv6_is_match('192.168.1.1/24', '192.168.1.255'), ipv6_is_match('fe80::1', 'fe80::2', 126), ipv6_is_match('fe80::1', 'fe80::5', 126), ipv6_is_match('x', '::1')",
      ),
      [[true, true, false, null]],
    );
  });

  it('trim_start / trim_end remove a repeated regex at one end only', async () => {
    assert.deepEqual(
      await db.rows(
        `print trim_start("a", "aaba"), trim_end("a", "abaa"), trim_start(@"\\s+", "  x "), trim_end(@'[\\"\\s]+', '"x" "'), trim(@'[\\"\\s]+', ' "abc" ')`,
      ),
      [['ba', 'ab', 'x ', '"x', 'abc']],
    );
  });

  it('totimespan reads [-][d.]hh:mm[:ss[.f]] text; anything else is null', async () => {
    assert.deepEqual(
      await over(['01:00:00', '1.02:03:04.5', '-00:30', '00:00:01.0000001', 'x', ''], 'totimespan(s)'),
      ['01:00:00', '1.02:03:04.5000000', '-00:30:00', null, null, null].map((v, i) =>
        i === 3 ? '00:00:01' : v,
      ),
    );
  });

  it('column_ifexists gives the column when the input has it, else the default', async () => {
    assert.deepEqual(
      await db.rows(
        "datatable(a:string)['x'] | project b = column_ifexists('a', ''), c = column_ifexists('zz', 'none')",
      ),
      [['x', 'none']],
    );
  });

  it('bin_at aligns buckets on a fixed point (numbers and datetimes)', async () => {
    assert.deepEqual(await db.rows('print bin_at(6.5, 2.5, 7), bin_at(12, 5, 2), bin_at(-1, 5, 2)'), [
      [4.5, 12, -3],
    ]);
    assert.deepEqual(
      await db.rows(
        'print bin_at(datetime(2024-01-01 10:17), 1h, datetime(2024-01-01 09:30)), bin_at(datetime(2024-01-01 09:10), 1d, datetime(2024-01-01 17:00))',
      ),
      [['2024-01-01T09:30:00Z', '2023-12-31T17:00:00Z']],
    );
  });

  it('isnan / isinf / isfinite, tohex, week_of_year, make_datetime', async () => {
    assert.deepEqual(
      await db.rows(
        'print isnan(sqrt(-1.0)), isnan(1.0), isinf(1.0 / 0.0), isfinite(2.0), isfinite(real(null))',
      ),
      [[true, false, true, true, null]],
    );
    assert.deepEqual(await db.rows('print tohex(255), tohex(256, 8), tohex(0)'), [['ff', '00000100', '0']]);
    // ISO weeks: 2024-01-01 is a Monday in week 1; 2023-01-01 (a Sunday) is in week 52 of 2022.
    assert.deepEqual(
      await db.rows(
        'print week_of_year(datetime(2024-01-01)), week_of_year(datetime(2023-01-01)), week_of_year(datetime(2024-12-31))',
      ),
      [[1, 52, 1]],
    );
    assert.deepEqual(
      await db.rows(
        'print make_datetime(2024, 2, 29), make_datetime(2024, 1, 2, 3, 4, 5.5), make_datetime(2023, 2, 29)',
      ),
      [['2024-02-29T00:00:00Z', '2024-01-02T03:04:05.500000Z', null]],
    );
  });

  it('parse_ipv4, ipv4_compare, ipv4_is_match (with prefixes)', async () => {
    assert.deepEqual(
      await db.rows("print parse_ipv4('127.0.0.1'), parse_ipv4('300.0.0.1'), parse_ipv4('')"),
      [[2130706433, null, null]],
    );
    assert.deepEqual(
      await db.rows(
        "print ipv4_compare('127.0.0.1', '127.0.0.2'), ipv4_compare('10.0.0.9', '10.0.0.1'), ipv4_compare('192.168.1.1', '192.168.1.255', 24), ipv4_compare('1.1.1.1/24', '1.1.1.9')",
      ),
      [[-1, 1, 0, 0]],
    );
    assert.deepEqual(
      await db.rows(
        "print ipv4_is_match('192.168.1.1', '192.168.1.255', 24), ipv4_is_match('192.168.1.1', '192.168.2.1', 24), ipv4_is_match('10.0.0.1', 'x')",
      ),
      [[true, false, null]],
    );
  });

  it('ingestion_time is refused with a reason', async () => {
    await assert.rejects(db.kql('print ingestion_time()'), /ingestion time/);
  });
});
