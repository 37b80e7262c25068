/**
 * Records per time bucket, success vs failure, over the whole filtered set (counted by the server:
 * lib/histogram.ts), with ECharts (tree-shaken).
 */
import { BarChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';
import type { Bucket, Histogram } from '../lib/histogram.ts';

echarts.use([BarChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

const PER: Record<string, string> = { PT1H: 'hour', PT6H: '6 hours', P1D: 'day' };
const STEP: Record<string, number> = { PT1H: 3_600_000, PT6H: 21_600_000, P1D: 86_400_000 };

/** The server leaves empty buckets out; the axis shows them, so that quiet hours look quiet. */
function withEmpty(data: Histogram): Bucket[] {
  const step = STEP[data.interval];
  const first = data.buckets[0];
  if (!step || !first) return data.buckets;
  const byStart = new Map(data.buckets.map((b) => [Date.parse(b.start), b]));
  const out: Bucket[] = [];
  const last = Date.parse(data.buckets[data.buckets.length - 1]!.start);
  for (let t = Date.parse(first.start); t <= last; t += step) {
    out.push(byStart.get(t) ?? { start: new Date(t).toISOString(), total: 0, success: 0, failure: 0 });
  }
  return out;
}

export function ActivityChart({ noun, data }: { noun: string; data: Histogram }) {
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
    const buckets = withEmpty(data);
    const daily = data.interval === 'P1D';
    const fmt = new Intl.DateTimeFormat(
      undefined,
      daily ? { month: 'short', day: 'numeric' } : { month: 'short', day: 'numeric', hour: 'numeric' },
    );
    const withStatus = buckets.some((b) => b.success !== undefined);
    chart.current?.setOption(
      {
        animation: false,
        grid: { left: 44, right: 12, top: 28, bottom: 22 },
        legend: { right: 0, top: 0, itemWidth: 10, itemHeight: 10, textStyle: { fontSize: 11 } },
        tooltip: { trigger: 'axis' },
        xAxis: {
          type: 'category',
          data: buckets.map((b) => fmt.format(new Date(b.start))),
          axisLabel: { fontSize: 10 },
        },
        yAxis: {
          type: 'value',
          minInterval: 1,
          axisLabel: { fontSize: 10 },
          splitLine: { lineStyle: { color: '#edebe9' } },
        },
        series: withStatus
          ? [
              {
                name: 'Success',
                type: 'bar',
                stack: 's',
                data: buckets.map((b) => b.success ?? 0),
                itemStyle: { color: '#107c10' },
              },
              {
                name: 'Failure',
                type: 'bar',
                stack: 's',
                data: buckets.map((b) => b.failure ?? 0),
                itemStyle: { color: '#d13438' },
              },
            ]
          : [
              {
                name: noun,
                type: 'bar',
                data: buckets.map((b) => b.total),
                itemStyle: { color: '#0078d4' },
              },
            ],
      },
      { notMerge: true },
    );
  }, [data, noun]);
  return (
    <figure className="chart" aria-label={`${noun} per ${PER[data.interval] ?? data.interval}`}>
      <figcaption>
        {noun} per {PER[data.interval] ?? data.interval} — all {data.total.toLocaleString()} matching records
      </figcaption>
      <div ref={el} className="chart-canvas" />
    </figure>
  );
}
