/**
 * The results: the portal's virtualized grid with one column per result column, typed (numbers
 * right-aligned, datetimes in UTC, dynamic values as JSON), and a row's details — every value in
 * full, dynamic ones expanded as indented JSON — on Enter or click.
 */
import { useMemo, useState } from 'react';
import { Grid } from '../components/Grid.tsx';
import type { Rec } from '../lib/format.ts';
import type { Column } from '../views/types.ts';
import { cellText, detailText, isExpandable, type LaTable, NUMERIC } from './result.ts';

const widthOf = (table: LaTable, i: number): number => {
  const c = table.columns[i]!;
  if (c.type === 'datetime') return 190;
  if (NUMERIC.has(c.type) || c.type === 'bool') return Math.max(90, c.name.length * 8 + 24);
  if (c.type === 'dynamic') return 320;
  // Strings: as wide as the longest of the first rows, within bounds.
  let longest = c.name.length;
  for (const row of table.rows.slice(0, 200)) longest = Math.max(longest, String(row[i] ?? '').length);
  return Math.min(420, Math.max(110, longest * 7 + 24));
};

export function ResultsGrid({ table }: { table: LaTable }) {
  const [active, setActive] = useState(-1);
  const [open, setOpen] = useState<number | null>(null);
  const rows = useMemo<Rec[]>(
    () => table.rows.map((r) => Object.fromEntries(table.columns.map((c, i) => [c.name, r[i]]))),
    [table],
  );
  const columns = useMemo<Column[]>(
    () =>
      table.columns.map((c, i) => ({
        id: c.name,
        header: c.name,
        width: widthOf(table, i),
        value: (r: Rec) => cellText(c.type, r[c.name]),
        cell: (r: Rec) => (
          <span
            className={`kql-cell kql-${c.type}${isExpandable(c.type, r[c.name]) ? ' kql-expandable' : ''}`}
            title={c.type}
          >
            {cellText(c.type, r[c.name])}
          </span>
        ),
      })),
    [table],
  );
  const visibility = useMemo(() => ({}), []);
  const record = open === null ? undefined : rows[open];
  return (
    <div className="kql-results-body">
      <Grid
        rows={rows}
        columns={columns}
        visibility={visibility}
        active={active}
        onActive={setActive}
        onOpen={setOpen}
        hasMore={false}
        loading={false}
        loadMore={() => {}}
      />
      {record && (
        <aside className="kql-row-details" aria-label="Row details">
          <header>
            <h2>Row {open! + 1}</h2>
            <button type="button" aria-label="Close row details" onClick={() => setOpen(null)}>
              ×
            </button>
          </header>
          <dl>
            {table.columns.map((c) => (
              <div key={c.name} className="kql-field">
                <dt>
                  {c.name} <span className="kql-type">{c.type}</span>
                </dt>
                <dd>
                  {isExpandable(c.type, record[c.name]) ? (
                    <pre className="kql-json">{detailText(c.type, record[c.name])}</pre>
                  ) : (
                    detailText(c.type, record[c.name])
                  )}
                </dd>
              </div>
            ))}
          </dl>
        </aside>
      )}
    </div>
  );
}
