/** Pieces shared by the views' definitions: status badges, key/value lists, date columns. */
import type { ReactNode } from 'react';
import { at, odataString, type Rec, text, when } from '../lib/format.ts';
import type { Column, Filter } from './types.ts';

export function Status({ ok, label }: { ok: boolean | null; label: string }) {
  const cls = ok === null ? 'badge neutral' : ok ? 'badge ok' : 'badge bad';
  return <span className={cls}>{label}</span>;
}

export function KeyValues({ rows }: { rows: Array<[string, ReactNode]> }) {
  return (
    <dl className="kv">
      {rows.map(([k, v]) => (
        <div key={k} className="kv-row">
          <dt>{k}</dt>
          <dd>{v === '' || v === null || v === undefined ? <span className="muted">—</span> : v}</dd>
        </div>
      ))}
    </dl>
  );
}

/** Key/value rows for the given Graph paths with labels. */
export const fields = (r: Rec, list: Array<[string, string]>): Array<[string, ReactNode]> =>
  list.map(([label, path]) => [label, text(at(r, path))]);

export const dateColumn = (id: string, path: string, header = 'Date'): Column => ({
  id,
  header,
  value: (r) => when(at(r, path)),
  width: 170,
  default: true,
});

export const col = (id: string, header: string, path: string, width = 160, isDefault = true): Column => ({
  id,
  header,
  value: (r) => text(at(r, path)),
  width,
  default: isDefault,
});

export const eqFilter = (id: string, label: string, path: string, extra: Partial<Filter> = {}): Filter => ({
  id,
  label,
  kind: 'text',
  toOData: (v) => `${path} eq ${odataString(v)}`,
  ...extra,
});

export const startsWithFilter = (
  id: string,
  label: string,
  path: string,
  extra: Partial<Filter> = {},
): Filter => ({
  id,
  label,
  kind: 'text',
  placeholder: 'starts with…',
  toOData: (v) => `startswith(${path}, ${odataString(v)})`,
  ...extra,
});

export const selectFilter = (
  id: string,
  label: string,
  path: string,
  options: Array<[string, string]>,
  extra: Partial<Filter> = {},
): Filter => ({
  id,
  label,
  kind: 'select',
  options: options.map(([value, l]) => ({ value, label: l })),
  toOData: (v) => `${path} eq ${odataString(v)}`,
  ...extra,
});

export function JsonBlock({ value }: { value: unknown }) {
  return <pre className="json">{JSON.stringify(value, null, 2)}</pre>;
}
