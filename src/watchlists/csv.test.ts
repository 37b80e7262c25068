/** Watchlist CSV/TSV parsing: what Sentinel's uploads contain, and clear refusals. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseWatchlistCsv, WATCHLIST_LIMITS, WatchlistCsvError } from './csv.ts';

const refused = (raw: string, message: RegExp, skip = 0, format: 'csv' | 'tsv' = 'csv') =>
  assert.throws(
    () => parseWatchlistCsv(raw, skip, format),
    (e: unknown) => e instanceof WatchlistCsvError && message.test(e.message),
  );

describe('parseWatchlistCsv', () => {
  it('reads an Excel-style export: BOM, CRLF, quoted commas, quotes and newlines, blank lines', () => {
    const raw =
      '\uFEFFName, IP Address ,Note\r\n"Doe, Jane",10.0.0.1,"says ""hi"""\r\n\r\nBob,10.0.0.2,"two\r\nlines"\r\n';
    assert.deepEqual(parseWatchlistCsv(raw), {
      columns: ['Name', 'IP Address', 'Note'],
      rows: [
        ['Doe, Jane', '10.0.0.1', 'says "hi"'],
        ['Bob', '10.0.0.2', 'two\r\nlines'],
      ],
    });
  });

  it('accepts LF, CR and mixed line ends, and a last line without one', () => {
    assert.deepEqual(parseWatchlistCsv('a,b\n1,2\r\n3,4\r5,6').rows, [
      ['1', '2'],
      ['3', '4'],
      ['5', '6'],
    ]);
  });

  it('skips numberOfLinesToSkip lines before the header; values stay strings', () => {
    assert.deepEqual(parseWatchlistCsv('report of 2026-01-01\nrows: 1\nid,n\n007,1.50\n', 2), {
      columns: ['id', 'n'],
      rows: [['007', '1.50']],
    });
  });

  it('reads TSV, where quotes are ordinary characters', () => {
    assert.deepEqual(parseWatchlistCsv('a\tb, c\n"x\ty "z"\n', 0, 'tsv'), {
      columns: ['a', 'b, c'],
      rows: [['"x', 'y "z"']],
    });
  });

  it('refuses bad CSV with its line, and bad headers by column', () => {
    refused('a,b\n1,2\n1,2,3\n', /not valid CSV: .*line 3/);
    refused('a,b\n"1,2\n', /not valid CSV: Quote Not Closed/);
    refused('', /empty: the first line must be the header/);
    refused('x\n', /no header line after skipping 1 lines/, 1);
    refused('a,,c\n', /header column 2 has no name/);
    refused('a,A,a\n', /header column 'a' appears twice/);
    refused('Tag,WatchlistItem\n', /'WatchlistItem' clashes with a column _GetWatchlist adds/);
    refused(`${'c'.repeat(WATCHLIST_LIMITS.columnName + 1)}\n`, /longer than 256 characters/);
  });

  it('enforces the limits: bytes, items and columns', () => {
    refused(
      `a\n${'é'.repeat(WATCHLIST_LIMITS.bytes / 2)}\n`,
      /bytes; a watchlist holds at most 3800000 bytes/,
    );
    const rows = (n: number) => `a\n${Array.from({ length: n }, (_, i) => i).join('\n')}\n`;
    assert.equal(parseWatchlistCsv(rows(WATCHLIST_LIMITS.rows)).rows.length, WATCHLIST_LIMITS.rows);
    refused(rows(WATCHLIST_LIMITS.rows + 1), /at most 100000 items/);
    const cols = Array.from({ length: WATCHLIST_LIMITS.columns + 1 }, (_, i) => `c${i}`).join(',');
    refused(`${cols}\n`, /the header has 201 columns/);
  });
});
