/** The Logs page's time range → the query API's timespan, and "set in query" detection. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseTimespanParam } from '../../../src/query/kql/run.ts';
import { customTimespan, RANGES, rangeLabel, timeSetInQuery, timespanOf } from './time-range.ts';

describe('Logs time range', () => {
  it('named ranges are ISO 8601 durations the server accepts', () => {
    const now = new Date('2026-11-22T06:00:00Z');
    assert.equal(timespanOf('24h'), 'P1D');
    assert.equal(timespanOf('7d'), 'P7D');
    assert.equal(timespanOf('30d'), 'P30D');
    for (const r of RANGES) {
      const w = parseTimespanParam(r.timespan, now);
      assert.equal(w.end, now.toISOString(), r.id);
      assert.ok(w.start < w.end, r.id);
    }
  });

  it('a custom interval is start/end in UTC; a reversed or missing one is refused', () => {
    const c = customTimespan('2026-11-01T10:00', '2026-11-02T10:00');
    assert.ok('timespan' in c);
    assert.match(c.timespan, /^\d{4}-\d\d-\d\dT\d\d:\d\d:00\.000Z\/\d{4}-\d\d-\d\dT\d\d:\d\d:00\.000Z$/);
    const w = parseTimespanParam(c.timespan, new Date());
    assert.equal(Date.parse(w.end) - Date.parse(w.start), 86_400_000);
    assert.deepEqual(customTimespan('2026-11-02T10:00', '2026-11-01T10:00'), {
      error: 'The end must be after the start.',
    });
    assert.ok('error' in customTimespan('', '2026-11-01T10:00'));
    assert.equal(
      timespanOf('2026-11-01T10:00:00.000Z/2026-11-02T10:00:00.000Z'),
      '2026-11-01T10:00:00.000Z/2026-11-02T10:00:00.000Z',
    );
    assert.equal(timespanOf('nonsense'), undefined);
    assert.equal(rangeLabel('7d'), 'Last 7 days');
  });

  it('sees a TimeGenerated filter in the query, not in comments, strings or projections', () => {
    assert.ok(timeSetInQuery('SigninLogs | where TimeGenerated > ago(7d)'));
    assert.ok(
      timeSetInQuery('SigninLogs\n| where ResultType != "0" and TimeGenerated between (ago(2d) .. now())'),
    );
    assert.ok(timeSetInQuery('AuditLogs | filter TimeGenerated >= datetime(2026-11-01)'));
    assert.ok(!timeSetInQuery('SigninLogs | summarize count() by bin(TimeGenerated, 1h)'));
    assert.ok(!timeSetInQuery('SigninLogs | project TimeGenerated, UserPrincipalName'));
    assert.ok(!timeSetInQuery('SigninLogs // where TimeGenerated > ago(1d)\n| take 10'));
    assert.ok(!timeSetInQuery('SigninLogs | where UserPrincipalName == "TimeGenerated"'));
  });
});
