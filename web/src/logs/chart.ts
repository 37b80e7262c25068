/**
 * From a result table to a chart, following Kusto's `render` rules: the x axis is the first
 * column of the right kind (or `xcolumn`), the y values are the numeric columns (or `ycolumns`),
 * and the remaining string columns split the rows into series (or `series`). Without `render`,
 * a time-binned summary (a datetime and a number) offers a time chart.
 */
import { type LaColumn, type LaTable, NUMERIC, type Render } from './result.ts';

export const CHART_KINDS = [
  'timechart',
  'linechart',
  'areachart',
  'columnchart',
  'barchart',
  'piechart',
  'scatterchart',
] as const;
export type ChartKind = (typeof CHART_KINDS)[number];

export interface Series {
  name: string;
  /** [x, y]: x is epoch ms (time axis), a number, or a category label. */
  points: Array<[number | string, number | null]>;
}

export interface ChartModel {
  kind: ChartKind;
  title?: string;
  /** Stacked bars/columns/areas (`kind=stacked`). */
  stacked: boolean;
  xName: string;
  xAxis: 'time' | 'value' | 'category';
  series: Series[];
}

const names = (v: unknown): string[] =>
  Array.isArray(v) ? v.map(String) : typeof v === 'string' ? v.split(',').map((s) => s.trim()) : [];

/** The chart kind a `render` asks for, when the page can draw it. */
export function chartKindOf(render: Render | undefined): ChartKind | undefined {
  const v = render?.visualization;
  return CHART_KINDS.find((k) => k === v);
}

/** Which chart a result offers without `render`: a time chart for a datetime and a number. */
export function defaultChartKind(table: LaTable): ChartKind | undefined {
  const hasNumber = table.columns.some((c) => NUMERIC.has(c.type));
  if (!hasNumber || table.rows.length === 0) return undefined;
  if (table.columns.some((c) => c.type === 'datetime')) return 'timechart';
  if (table.columns.some((c) => c.type === 'string')) return 'columnchart';
  return undefined;
}

const num = (v: unknown): number | null => {
  if (v === null || v === undefined || v === '') return null;
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : null;
};

export function chartModel(table: LaTable, kind: ChartKind, render?: Render): ChartModel | string {
  const cols = table.columns;
  const idx = (c: LaColumn) => cols.indexOf(c);
  const byName = (n: string) => cols.find((c) => c.name === n);
  const props = render ?? { visualization: kind };
  const timeAxis = kind === 'timechart' || kind === 'linechart' || kind === 'areachart';

  let x: LaColumn | undefined = typeof props.xcolumn === 'string' ? byName(props.xcolumn) : undefined;
  if (!x) {
    if (kind === 'timechart') x = cols.find((c) => c.type === 'datetime');
    else if (kind === 'barchart' || kind === 'columnchart' || kind === 'piechart')
      x = cols.find((c) => !NUMERIC.has(c.type)) ?? cols[0];
    else x = cols[0];
  }
  if (!x) return kind === 'timechart' ? 'A time chart needs a datetime column.' : 'Nothing to chart.';
  const ys = names(props.ycolumns)
    .map(byName)
    .filter((c): c is LaColumn => !!c);
  const yCols = ys.length ? ys : cols.filter((c) => c !== x && NUMERIC.has(c.type));
  if (yCols.length === 0) return 'The result has no numeric column to chart.';
  const splitNames = names(props.series);
  const split = splitNames.length
    ? splitNames.map(byName).filter((c): c is LaColumn => !!c)
    : cols.filter(
        (c) =>
          c !== x && !yCols.includes(c) && (c.type === 'string' || c.type === 'guid' || c.type === 'bool'),
      );

  const xAxis: ChartModel['xAxis'] =
    x.type === 'datetime' && (timeAxis || kind === 'scatterchart')
      ? 'time'
      : NUMERIC.has(x.type) && kind !== 'barchart' && kind !== 'columnchart' && kind !== 'piechart'
        ? 'value'
        : 'category';
  const xValue = (v: unknown): number | string =>
    xAxis === 'time' ? Date.parse(String(v)) : xAxis === 'value' ? (num(v) ?? 0) : String(v ?? '');

  const series = new Map<string, Series>();
  for (const row of table.rows) {
    const key = split.map((c) => String(row[idx(c)] ?? '')).join(', ');
    for (const y of yCols) {
      const name = key ? (yCols.length > 1 ? `${key}:${y.name}` : key) : y.name;
      let s = series.get(name);
      if (!s) {
        s = { name, points: [] };
        series.set(name, s);
      }
      s.points.push([xValue(row[idx(x)]), num(row[idx(y)])]);
    }
  }
  // Lines over time are drawn in time order whatever order the rows came in (summarize is unordered).
  if (xAxis !== 'category')
    for (const s of series.values()) s.points.sort((a, b) => Number(a[0]) - Number(b[0]));
  return {
    kind,
    ...(typeof props.title === 'string' ? { title: props.title } : {}),
    stacked: props.kind === 'stacked' || props.kind === 'stacked100',
    xName: x.name,
    xAxis,
    series: [...series.values()],
  };
}
