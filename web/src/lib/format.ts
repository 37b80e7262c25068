/** Display helpers shared by the views. */
export type Rec = Record<string, unknown>;

/** A value at a Graph path ('status/errorCode'). */
export function at(r: Rec, path: string): unknown {
  let v: unknown = r;
  for (const seg of path.split('/')) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Rec)[seg];
  }
  return v;
}

export function text(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

const dateFmt = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
  second: '2-digit',
});

export function when(v: unknown): string {
  if (typeof v !== 'string' || v === '') return '';
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? v : dateFmt.format(d);
}

/** An OData string literal: single quotes doubled. */
export const odataString = (s: string) => `'${s.replace(/'/g, "''")}'`;
