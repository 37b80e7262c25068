/** One log view: title, command bar, tabs, filter pills, chart, grid, details pane, downloads. */
import type { VisibilityState } from '@tanstack/react-table';
import { useCallback, useMemo, useState } from 'react';
import type { Me } from '../lib/api.ts';
import type { Rec } from '../lib/format.ts';
import { GROUP_COLUMN, GROUP_COUNT } from '../lib/group.ts';
import { fetchHistogram, histogramUrl, intervalFor, kqlHistogram, useHistogram } from '../lib/histogram.ts';
import { activeTab, exportUrl, kqlBase, listUrl, maxTop, odataFilter, PAGE_SIZE } from '../lib/query.ts';
import { navigate } from '../lib/router.ts';
import { graphSource, kqlSource, useList } from '../lib/use-list.ts';
import type { View } from '../views/types.ts';
import { ActivityChart } from './Chart.tsx';
import { ColumnPicker, loadVisibility, saveVisibility } from './ColumnPicker.tsx';
import { DetailsPane } from './DetailsPane.tsx';
import { DownloadMenu, DownloadProgress, download, type Progress } from './Download.tsx';
import { FilterBar } from './FilterBar.tsx';
import { Grid } from './Grid.tsx';

export function ListPage({ view, me, params }: { view: View; me: Me; params: URLSearchParams }) {
  const tabs = view.tabs.filter((t) => !t.visible || t.visible(me));
  const shownTab = activeTab(view, params, tabs);
  // Grouped (Entra's aggregated non-interactive sign-ins): the groups are counted by the workspace
  // over the whole filtered set, so the tab reads its table there while grouped.
  const grouped = shownTab.group !== undefined && params.get('group') !== 'off';
  const tab = useMemo(
    () => (grouped && shownTab.group ? { ...shownTab, kql: shownTab.group } : shownTab),
    [grouped, shownTab],
  );
  const [reload, setReload] = useState(0);
  const search = params.toString();
  // "Last 24 hours" is evaluated when the filters change or on Refresh, not on every render.
  // biome-ignore lint/correctness/useExhaustiveDependencies: recomputed on purpose when the URL or Refresh changes
  const now = useMemo(() => new Date(), [search, reload, view.id]);
  const filter = odataFilter(view, tab, params, now);
  const kql = tab.kql ? kqlBase(view, tab, params, now) : null;
  const source = useMemo(
    () =>
      kql !== null && tab.kql
        ? kqlSource(
            me.tenant,
            grouped && shownTab.group
              ? `${kql}\n| summarize ${GROUP_COLUMN} = count(), arg_max(TimeGenerated, *) by ${shownTab.group.by.join(', ')}`
              : kql,
            PAGE_SIZE,
            tab.kql.toRecord,
          )
        : graphSource(listUrl(tab, filter), maxTop(tab.list)),
    [kql, tab, shownTab, grouped, filter, me.tenant],
  );
  const list = useList(source, reload);
  const downloadUrl = (format: 'csv' | 'json') => exportUrl(tab, filter, format);
  // The chart counts the whole filtered set on the server, not the rows loaded so far.
  const interval = intervalFor(params);
  const chartKey = !view.chart
    ? null
    : kql !== null
      ? `kql:${kql}:${interval}`
      : tab.exportResource
        ? histogramUrl(tab.exportResource, filter, interval)
        : null;
  const chart = useHistogram(
    chartKey,
    () => (kql !== null ? kqlHistogram(me.tenant, kql, interval) : fetchHistogram(chartKey!)),
    reload,
  );
  const [active, setActive] = useState(-1);
  const [openIndex, setOpenIndex] = useState<number | null>(null);
  const [visibility, setVisibility] = useState<VisibilityState>(() => loadVisibility(view.id, view.columns));
  const [panel, setPanel] = useState<'columns' | 'download' | null>(null);
  const [progress, setProgress] = useState<Progress | null>(null);

  const update = useCallback(
    (changes: Record<string, string | null>) => {
      const next = new URLSearchParams(params);
      for (const [k, v] of Object.entries(changes)) {
        if (v === null) next.delete(k);
        else next.set(k, v);
      }
      setOpenIndex(null);
      setActive(-1);
      navigate(view.path, next);
    },
    [params, view.path],
  );

  const startDownload = (format: 'csv' | 'json') => {
    setPanel(null);
    setProgress({ format, received: 0, total: null, done: false });
    download(downloadUrl(format)!, format, setProgress).catch((err: unknown) =>
      setProgress({
        format,
        received: 0,
        total: null,
        done: true,
        error: err instanceof Error ? err.message : String(err),
      }),
    );
  };

  const rows = list.rows;
  const columns = useMemo(
    () =>
      grouped
        ? [
            ...view.columns.slice(0, 1),
            {
              id: 'groupCount',
              header: 'Sign-ins',
              value: (r: Rec) => String(r[GROUP_COUNT] ?? ''),
              width: 80,
            },
            ...view.columns.slice(1),
          ]
        : view.columns,
    [grouped, view.columns],
  );
  const shown = openIndex !== null ? rows[openIndex] : undefined;
  // The details show the record itself, without the group's count.
  const record =
    shown && GROUP_COUNT in shown
      ? Object.fromEntries(Object.entries(shown).filter(([k]) => k !== GROUP_COUNT))
      : shown;

  return (
    <div className={`page${record ? ' with-details' : ''}`}>
      <div className="page-main">
        <h1>
          {view.title}
          <span className="subtitle">Monitoring &amp; health</span>
        </h1>
        <div className="commands" role="toolbar" aria-label="Commands">
          <button type="button" className="command" onClick={() => setReload((n) => n + 1)}>
            <span className="glyph">⟳</span> Refresh
          </button>
          {tab.exportResource && (
            <div className="pill-wrap">
              <button
                type="button"
                className="command"
                aria-haspopup="menu"
                disabled={progress !== null && !progress.done}
                onClick={() => setPanel(panel === 'download' ? null : 'download')}
              >
                <span className="glyph">⤓</span> Download
              </button>
              {panel === 'download' && <DownloadMenu onPick={startDownload} onClose={() => setPanel(null)} />}
            </div>
          )}
          {tab.group && (
            <button
              type="button"
              className="command"
              aria-pressed={grouped}
              onClick={() => update({ group: grouped ? 'off' : null })}
            >
              <span className="glyph">⊞</span> {grouped ? 'Show each sign-in' : 'Group similar sign-ins'}
            </button>
          )}
          <div className="pill-wrap">
            <button
              type="button"
              className="command"
              onClick={() => setPanel(panel === 'columns' ? null : 'columns')}
            >
              <span className="glyph">☰</span> Columns
            </button>
            {panel === 'columns' && (
              <ColumnPicker
                columns={view.columns}
                visibility={visibility}
                onClose={() => setPanel(null)}
                onSave={(v) => {
                  saveVisibility(view.id, v);
                  setVisibility(v);
                  setPanel(null);
                }}
              />
            )}
          </div>
        </div>
        {tabs.length > 1 && (
          <div className="tabs" role="tablist" aria-label={`${view.title} tabs`}>
            {tabs.map((t) => (
              <button
                type="button"
                key={t.id}
                role="tab"
                aria-selected={t.id === tab.id}
                className={t.id === tab.id ? 'tab active' : 'tab'}
                onClick={() => update({ tab: t.id === tabs[0]!.id ? null : t.id })}
              >
                {t.label}
              </button>
            ))}
          </div>
        )}
        <FilterBar view={view} tab={tab} params={params} onChange={update} />
        {chart.data && chart.data.total > 0 && <ActivityChart noun={view.chart!} data={chart.data} />}
        <div className="status-line" aria-live="polite">
          {list.error
            ? null
            : list.loading && list.rows.length === 0
              ? 'Loading…'
              : `${list.rows.length.toLocaleString()}${list.hasMore ? '+' : ''} ${grouped ? 'groups of similar sign-ins' : list.rows.length === 1 && !list.hasMore ? 'record' : 'records'}${list.loading ? ' — loading more…' : ''}`}
        </div>
        {list.error ? (
          <div className="state error" role="alert">
            <strong>Could not load {view.title.toLowerCase()}.</strong>
            <div>{list.error.message}</div>
            <button type="button" onClick={() => setReload((n) => n + 1)}>
              Try again
            </button>
          </div>
        ) : list.loading && list.rows.length === 0 ? (
          <div className="state loading" aria-busy="true">
            <div className="spinner" /> Loading…
          </div>
        ) : list.rows.length === 0 ? (
          <div className="state empty">
            <div>{view.emptyText}</div>
            {view.timeField && params.get('range') !== '30d' && (
              // A fresh `serve --demo` fills its history oldest first: the last month has records before the last day does.
              <button
                type="button"
                className="link"
                onClick={() => update({ range: '30d', from: null, to: null })}
              >
                Show the last month
              </button>
            )}
          </div>
        ) : (
          <Grid
            rows={rows}
            columns={columns}
            visibility={visibility}
            active={active}
            onActive={setActive}
            onOpen={setOpenIndex}
            hasMore={list.hasMore}
            loading={list.loading}
            loadMore={list.loadMore}
          />
        )}
      </div>
      {record && (
        <DetailsPane key={openIndex} view={view} record={record} onClose={() => setOpenIndex(null)} />
      )}
      {progress && <DownloadProgress p={progress} onDismiss={() => setProgress(null)} />}
    </div>
  );
}
