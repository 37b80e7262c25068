/** Sign-ins per hour, success vs failure, over the rows loaded so far (ECharts, tree-shaken). */
import { BarChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';
import { at, type Rec } from '../lib/format.ts';

echarts.use([BarChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

const HOUR = 3_600_000;

export function hourly(rows: readonly Rec[], timeField: string) {
  const buckets = new Map<number, { ok: number; bad: number }>();
  for (const r of rows) {
    const t = Date.parse(String(r[timeField]));
    if (Number.isNaN(t)) continue;
    const h = Math.floor(t / HOUR) * HOUR;
    const b = buckets.get(h) ?? { ok: 0, bad: 0 };
    if (at(r, 'status/errorCode') === 0) b.ok++;
    else b.bad++;
    buckets.set(h, b);
  }
  return [...buckets.entries()].sort((a, b) => a[0] - b[0]);
}

export function SignInChart({ rows, timeField }: { rows: readonly Rec[]; timeField: string }) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  useEffect(() => {
    if (!el.current) return;
    chart.current = echarts.init(el.current, undefined, { renderer: 'canvas' });
    // The canvas follows its box (window resizes, the details pane, the navigation).
    const observer = new ResizeObserver(() => chart.current?.resize());
    observer.observe(el.current);
    return () => {
      observer.disconnect();
      chart.current?.dispose();
    };
  }, []);
  useEffect(() => {
    const data = hourly(rows, timeField);
    const fmt = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: 'numeric' });
    chart.current?.setOption({
      animation: false,
      grid: { left: 36, right: 12, top: 28, bottom: 22 },
      legend: { right: 0, top: 0, itemWidth: 10, itemHeight: 10, textStyle: { fontSize: 11 } },
      tooltip: { trigger: 'axis' },
      xAxis: {
        type: 'category',
        data: data.map(([h]) => fmt.format(new Date(h))),
        axisLabel: { fontSize: 10 },
      },
      yAxis: {
        type: 'value',
        minInterval: 1,
        axisLabel: { fontSize: 10 },
        splitLine: { lineStyle: { color: '#edebe9' } },
      },
      series: [
        {
          name: 'Success',
          type: 'bar',
          stack: 's',
          data: data.map(([, b]) => b.ok),
          itemStyle: { color: '#107c10' },
        },
        {
          name: 'Failure',
          type: 'bar',
          stack: 's',
          data: data.map(([, b]) => b.bad),
          itemStyle: { color: '#d13438' },
        },
      ],
    });
  }, [rows, timeField]);
  return (
    <figure className="chart">
      <figcaption>Sign-ins per hour — {rows.length.toLocaleString()} loaded rows</figcaption>
      <div ref={el} className="chart-canvas" />
    </figure>
  );
}
