/**
 * The sign-in's location on a world map: ECharts' geo component over Natural Earth land outlines
 * (world-atlas, bundled: no tile server needed offline). Loaded lazily with the Location tab.
 */
import { ScatterChart } from 'echarts/charts';
import { GeoComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import land from 'world-atlas/land-110m.json';

echarts.use([ScatterChart, GeoComponent, TooltipComponent, CanvasRenderer]);

type Ring = number[][];

/**
 * ECharts draws GeoJSON on a flat plane, so a ring that wraps across the antimeridian (Chukotka,
 * Fiji) would be drawn as a line across the whole map: such rings are cut where they jump.
 * Antarctica is left out (no sign-in comes from there, and it takes a third of the height).
 */
function flatten(polygons: Ring[][]): Ring[][] {
  const out: Ring[][] = [];
  for (const polygon of polygons) {
    const outer = polygon[0]!;
    if (Math.max(...outer.map((p) => p[1]!)) < -55) continue;
    const jumps = outer.some((p, i) => i > 0 && Math.abs(p[0]! - outer[i - 1]![0]!) > 180);
    if (!jumps) {
      out.push(polygon);
      continue;
    }
    let piece: Ring = [];
    const pieces: Ring[] = [];
    for (const p of outer) {
      const last = piece[piece.length - 1];
      if (last && Math.abs(p[0]! - last[0]!) > 180) {
        pieces.push(piece);
        piece = [];
      }
      piece.push(p);
    }
    pieces.push(piece);
    for (const ring of pieces) if (ring.length >= 3) out.push([[...ring, ring[0]!]]);
  }
  return out;
}

let registered = false;
function registerWorld() {
  if (registered) return;
  const topo = land as unknown as Topology<{ land: GeometryCollection }>;
  const world = feature(topo, topo.objects.land) as unknown as {
    features: Array<{ type: 'Feature'; geometry: { type: string; coordinates: unknown } }>;
  };
  const features = world.features.map((f) => {
    const g = f.geometry;
    const polygons = (g.type === 'Polygon' ? [g.coordinates] : g.coordinates) as Ring[][];
    return {
      type: 'Feature',
      properties: { name: 'land' },
      geometry: { type: 'MultiPolygon', coordinates: flatten(polygons) },
    };
  });
  const geo = { type: 'FeatureCollection', features };
  echarts.registerMap('world', geo as unknown as Parameters<typeof echarts.registerMap>[1]);
  registered = true;
}

export default function LocationMap({ lat, lon, label }: { lat: number; lon: number; label: string }) {
  const el = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!el.current) return;
    registerWorld();
    const chart = echarts.init(el.current, undefined, { renderer: 'canvas' });
    chart.setOption({
      animation: false,
      geo: {
        map: 'world',
        roam: false,
        silent: true,
        itemStyle: { areaColor: '#e8eef5', borderColor: '#b8c7d9', borderWidth: 0.5 },
        layoutCenter: ['50%', '50%'],
        layoutSize: '215%',
      },
      series: [
        {
          type: 'scatter',
          coordinateSystem: 'geo',
          data: [{ name: label, value: [lon, lat] }],
          symbolSize: 12,
          itemStyle: { color: '#0f6cbd', borderColor: '#fff', borderWidth: 2 },
          label: { show: true, formatter: '{b}', position: 'right', fontSize: 11, color: '#242424' },
        },
      ],
    });
    const observer = new ResizeObserver(() => chart.resize());
    observer.observe(el.current);
    return () => {
      observer.disconnect();
      chart.dispose();
    };
  }, [lat, lon, label]);
  return <div ref={el} className="map" role="img" aria-label={`Map: ${label}`} />;
}
