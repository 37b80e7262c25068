/** Result tables → chart models, by Kusto's render rules. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type ChartModel, chartKindOf, chartModel, defaultChartKind } from './chart.ts';
import type { LaTable } from './result.ts';

const hourly: LaTable = {
  name: 'PrimaryResult',
  columns: [
    { name: 'TimeGenerated', type: 'datetime' },
    { name: 'count_', type: 'long' },
  ],
  // summarize output is unordered: the chart sorts by time.
  rows: [
    ['2026-11-22T02:00:00Z', 5],
    ['2026-11-22T00:00:00Z', 3],
    ['2026-11-22T01:00:00Z', 4],
  ],
};

const model = (m: ChartModel | string) => {
  assert.equal(typeof m, 'object', String(m));
  return m as ChartModel;
};

describe('Logs charts', () => {
  it('timechart: datetime x, one series per numeric column, in time order', () => {
    const m = model(chartModel(hourly, 'timechart', { visualization: 'timechart' }));
    assert.equal(m.xAxis, 'time');
    assert.equal(m.xName, 'TimeGenerated');
    assert.deepEqual(m.series, [
      {
        name: 'count_',
        points: [
          [Date.parse('2026-11-22T00:00:00Z'), 3],
          [Date.parse('2026-11-22T01:00:00Z'), 4],
          [Date.parse('2026-11-22T02:00:00Z'), 5],
        ],
      },
    ]);
  });

  it('string columns split a time chart into series; ycolumns, series and title are honoured', () => {
    const t: LaTable = {
      name: 'PrimaryResult',
      columns: [
        { name: 'TimeGenerated', type: 'datetime' },
        { name: 'ResultType', type: 'string' },
        { name: 'n', type: 'long' },
        { name: 'users', type: 'long' },
      ],
      rows: [
        ['2026-11-22T00:00:00Z', '0', 10, 4],
        ['2026-11-22T00:00:00Z', '50126', 2, 1],
        ['2026-11-22T01:00:00Z', '0', 7, 3],
      ],
    };
    const all = model(chartModel(t, 'timechart'));
    assert.deepEqual(
      all.series.map((s) => s.name),
      ['0:n', '0:users', '50126:n', '50126:users'],
    );
    const picked = model(
      chartModel(t, 'timechart', { visualization: 'timechart', ycolumns: ['users'], title: 'Users' }),
    );
    assert.equal(picked.title, 'Users');
    assert.deepEqual(
      picked.series.map((s) => [s.name, s.points.length]),
      [
        ['0', 2],
        ['50126', 1],
      ],
    );
  });

  it('column, bar and pie charts take the first non-numeric column as categories', () => {
    const t: LaTable = {
      name: 'PrimaryResult',
      columns: [
        { name: 'AppDisplayName', type: 'string' },
        { name: 'count_', type: 'long' },
      ],
      rows: [
        ['Office 365', 12],
        ['Azure Portal', 3],
      ],
    };
    for (const kind of ['columnchart', 'barchart', 'piechart'] as const) {
      const m = model(chartModel(t, kind, { visualization: kind, kind: 'stacked' }));
      assert.equal(m.xAxis, 'category');
      assert.equal(m.stacked, true);
      assert.deepEqual(m.series, [
        {
          name: 'count_',
          points: [
            ['Office 365', 12],
            ['Azure Portal', 3],
          ],
        },
      ]);
    }
  });

  it('scatter charts plot numbers against numbers', () => {
    const t: LaTable = {
      name: 'PrimaryResult',
      columns: [
        { name: 'x', type: 'real' },
        { name: 'y', type: 'long' },
      ],
      rows: [
        [2.5, 1],
        [1, null],
      ],
    };
    const m = model(chartModel(t, 'scatterchart', { visualization: 'scatterchart' }));
    assert.equal(m.xAxis, 'value');
    assert.deepEqual(m.series[0]!.points, [
      [1, null],
      [2.5, 1],
    ]);
  });

  it('says why when a result cannot be charted', () => {
    const noNumber: LaTable = {
      name: 'PrimaryResult',
      columns: [{ name: 'UserPrincipalName', type: 'string' }],
      rows: [['a@contoso.com']],
    };
    assert.equal(chartModel(noNumber, 'columnchart'), 'The result has no numeric column to chart.');
    const noTime: LaTable = { ...noNumber, columns: [{ name: 'n', type: 'long' }], rows: [[1]] };
    assert.equal(chartModel(noTime, 'timechart'), 'A time chart needs a datetime column.');
  });

  it('offers a time chart for time-binned summaries without render, and knows the render kinds', () => {
    assert.equal(defaultChartKind(hourly), 'timechart');
    assert.equal(
      defaultChartKind({
        name: 'x',
        columns: [{ name: 'UserPrincipalName', type: 'string' }],
        rows: [['a']],
      }),
      undefined,
    );
    assert.equal(chartKindOf({ visualization: 'piechart' }), 'piechart');
    assert.equal(chartKindOf({ visualization: 'table' }), undefined);
    assert.equal(chartKindOf(undefined), undefined);
  });
});
