/** Query history in localStorage: per tenant, newest first, no duplicates, bounded, robust. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addHistory, HISTORY_MAX, historyKey, readHistory } from './history.ts';

function memoryStorage() {
  const m = new Map<string, string>();
  return {
    getItem: (k: string) => m.get(k) ?? null,
    setItem: (k: string, v: string) => void m.set(k, v),
    raw: m,
  };
}

describe('Logs query history', () => {
  it('keeps queries per tenant, newest first; running one again moves it up', () => {
    const s = memoryStorage();
    addHistory(s, 'a', { query: 'SigninLogs | take 1', range: '24h', at: '2026-11-22T01:00:00Z' });
    addHistory(s, 'a', { query: 'AuditLogs | take 1', range: '7d', at: '2026-11-22T02:00:00Z' });
    addHistory(s, 'b', { query: 'AuditLogs | count', range: '24h', at: '2026-11-22T02:30:00Z' });
    const again = addHistory(s, 'a', {
      query: '  SigninLogs | take 1\n',
      range: '30d',
      at: '2026-11-22T03:00:00Z',
    });
    assert.deepEqual(
      again.map((e) => [e.query, e.range]),
      [
        ['SigninLogs | take 1', '30d'],
        ['AuditLogs | take 1', '7d'],
      ],
    );
    assert.deepEqual(readHistory(s, 'a'), again);
    assert.deepEqual(
      readHistory(s, 'b').map((e) => e.query),
      ['AuditLogs | count'],
    );
  });

  it('keeps at most HISTORY_MAX entries and ignores blank queries', () => {
    const s = memoryStorage();
    for (let i = 0; i < HISTORY_MAX + 5; i++)
      addHistory(s, 't', { query: `print ${i}`, range: '24h', at: new Date(i * 1000).toISOString() });
    addHistory(s, 't', { query: '   ', range: '24h', at: '2026-11-22T00:00:00Z' });
    const h = readHistory(s, 't');
    assert.equal(h.length, HISTORY_MAX);
    assert.equal(h[0]!.query, `print ${HISTORY_MAX + 4}`);
  });

  it('reads damaged storage as an empty history instead of failing', () => {
    const s = memoryStorage();
    s.raw.set(historyKey('t'), '{not json');
    assert.deepEqual(readHistory(s, 't'), []);
    s.raw.set(historyKey('t'), JSON.stringify([{ query: 1 }, { query: 'ok', range: '24h', at: 'x' }]));
    assert.deepEqual(
      readHistory(s, 't').map((e) => e.query),
      ['ok'],
    );
  });
});
