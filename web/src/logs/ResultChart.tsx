/** A result as a chart (ECharts, tree-shaken), from the model chart.ts derives. */
import { BarChart, LineChart, PieChart, ScatterChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TitleComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';
import type { ChartModel } from './chart.ts';

echarts.use([
  LineChart,
  BarChart,
  PieChart,
  ScatterChart,
  GridComponent,
  LegendComponent,
  TitleComponent,
  TooltipComponent,
  CanvasRenderer,
]);

function option(m: ChartModel): Record<string, unknown> {
  const base = {
    animation: false,
    title: m.title ? { text: m.title, left: 'center', textStyle: { fontSize: 13 } } : undefined,
    legend: { type: 'scroll', bottom: 0, textStyle: { fontSize: 11 } },
    tooltip: { trigger: m.kind === 'piechart' || m.kind === 'scatterchart' ? 'item' : 'axis' },
    grid: { left: 56, right: 24, top: m.title ? 36 : 16, bottom: 48, containLabel: false },
  };
  if (m.kind === 'piechart') {
    const s = m.series[0]!;
    return {
      ...base,
      series: [
        {
          type: 'pie',
          name: s.name,
          radius: ['0%', '70%'],
          data: s.points.map(([x, y]) => ({ name: String(x), value: y })),
        },
      ],
    };
  }
  const categories =
    m.xAxis === 'category' ? [...new Set(m.series.flatMap((s) => s.points.map((p) => p[0])))] : [];
  const categoryAxis = { type: 'category', data: categories, axisLabel: { fontSize: 10 } };
  const xAxis =
    m.xAxis === 'category' ? categoryAxis : { type: m.xAxis, name: m.xName, axisLabel: { fontSize: 10 } };
  const valueAxis = {
    type: 'value',
    axisLabel: { fontSize: 10 },
    splitLine: { lineStyle: { color: '#edebe9' } },
  };
  const data = (points: ChartModel['series'][number]['points']) =>
    m.xAxis === 'category' ? categories.map((c) => points.find((p) => p[0] === c)?.[1] ?? null) : points;
  const type =
    m.kind === 'columnchart' || m.kind === 'barchart'
      ? 'bar'
      : m.kind === 'scatterchart'
        ? 'scatter'
        : 'line';
  const series = m.series.map((s) => ({
    name: s.name,
    type,
    data: data(s.points),
    ...(type === 'line' ? { showSymbol: s.points.length < 50, connectNulls: false } : {}),
    ...(m.kind === 'areachart' ? { areaStyle: { opacity: 0.3 } } : {}),
    ...(m.stacked ? { stack: 'all' } : {}),
  }));
  // barchart is Kusto's horizontal bars: categories on the y axis.
  if (m.kind === 'barchart') return { ...base, xAxis: valueAxis, yAxis: categoryAxis, series };
  return { ...base, xAxis, yAxis: valueAxis, series };
}

export function ResultChart({ model }: { model: ChartModel }) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  useEffect(() => {
    if (!el.current) return;
    chart.current = echarts.init(el.current, undefined, { renderer: 'canvas' });
    const observer = new ResizeObserver(() => chart.current?.resize());
    observer.observe(el.current);
    return () => {
      observer.disconnect();
      chart.current?.dispose();
    };
  }, []);
  useEffect(() => {
    chart.current?.setOption(option(model), true);
  }, [model]);
  return (
    <figure className="kql-chart" aria-label={`Chart: ${model.kind}`}>
      <div ref={el} className="kql-chart-canvas" />
    </figure>
  );
}
