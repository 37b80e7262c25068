/**
 * The Logs page, as Log Analytics' Logs blade: a KQL editor (Monaco + monaco-kusto) bound to the
 * workspace's tables, Run / Shift+Enter, a time range, results as a typed grid or a chart, query
 * history (this browser) and the tenant's saved queries. The query and range live in the URL, so
 * a link opens the same query and runs it. Loaded lazily: no other page loads Monaco.
 */
import type { EngineSchema } from '@kusto/monaco-kusto';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Me } from '../lib/api.ts';
import { navigate } from '../lib/router.ts';
import { deleteSavedQuery, listSavedQueries, QueryRefused, runQuery, type SavedQuery } from './api.ts';
import { CHART_KINDS, type ChartKind, chartKindOf, chartModel, defaultChartKind } from './chart.ts';
import { addHistory, type HistoryEntry, readHistory } from './history.ts';
import { KqlEditor } from './KqlEditor.tsx';
import { ResultChart } from './ResultChart.tsx';
import { ResultsGrid } from './ResultsGrid.tsx';
import type { LaResponse, QueryFailure } from './result.ts';
import { SaveDialog } from './SaveDialog.tsx';
import { Sidebar } from './Sidebar.tsx';
import { fetchMetadata, kustoSchema, type WorkspaceMetadata } from './schema.ts';
import { TimeRangePicker } from './TimeRangePicker.tsx';
import { DEFAULT_RANGE, RANGES, timeSetInQuery, timespanOf } from './time-range.ts';
import './logs.css';

/** Who may save and delete the tenant's queries (the server enforces it; this only hides buttons). */
const WRITER_ROLES = ['Global Administrator', 'Security Administrator'];
const DEFAULT_QUERY = 'SigninLogs\n| take 100';

interface Ran {
  /** Counts runs, so that a new result starts with no row selected or open. */
  no: number;
  response: LaResponse;
  ms: number;
  query: string;
}

export function LogsPage({ me, params }: { me: Me; params: URLSearchParams }) {
  // The workspace id of the query API is the tenant's (`customerId` in /api/v1/workspaces).
  const workspace = me.tenant;
  const initial = useRef({ query: params.get('query'), range: params.get('range') });
  const [query, setQuery] = useState(initial.current.query ?? DEFAULT_QUERY);
  const [range, setRange] = useState(
    initial.current.range && timespanOf(initial.current.range) ? initial.current.range : DEFAULT_RANGE,
  );
  const [ran, setRan] = useState<Ran | null>(null);
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<QueryFailure | null>(null);
  const [tab, setTab] = useState<'results' | 'chart'>('results');
  const [chartKind, setChartKind] = useState<ChartKind | null>(null);
  const [metadata, setMetadata] = useState<WorkspaceMetadata | null>(null);
  const [schema, setSchema] = useState<EngineSchema | null>(null);
  const [saved, setSaved] = useState<SavedQuery[] | null>(null);
  const [savedError, setSavedError] = useState<string | null>(null);
  const [loaded, setLoaded] = useState<SavedQuery | null>(null);
  const [history, setHistory] = useState<HistoryEntry[]>(() => readHistory(localStorage, me.tenant));
  const [saving, setSaving] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const abort = useRef<AbortController | null>(null);
  const canWrite = me.roles.some((r) => WRITER_ROLES.includes(r));
  const setInQuery = timeSetInQuery(query);

  useEffect(() => {
    fetchMetadata(workspace).then(
      (m) => {
        setMetadata(m);
        setSchema(kustoSchema(m));
      },
      (err: Error) => setNotice(`Tables could not be loaded: ${err.message}`),
    );
  }, [workspace]);

  const refreshSaved = useCallback(() => {
    listSavedQueries().then(
      (v) => {
        setSaved(v);
        setSavedError(null);
      },
      (err: Error) => setSavedError(err.message),
    );
  }, []);
  useEffect(refreshSaved, [refreshSaved]);

  const run = useCallback(
    async (text: string, at: string) => {
      if (!text.trim()) return;
      abort.current?.abort();
      const controller = new AbortController();
      abort.current = controller;
      setRunning(true);
      setError(null);
      const timespan = timeSetInQuery(text) ? undefined : timespanOf(at);
      const started = performance.now();
      navigate('/logs', new URLSearchParams({ query: text, range: at }), true);
      setHistory(
        addHistory(localStorage, me.tenant, { query: text, range: at, at: new Date().toISOString() }),
      );
      try {
        const response = await runQuery(workspace, text, timespan, controller.signal);
        if (controller.signal.aborted) return;
        setRan((prev) => ({
          no: (prev?.no ?? 0) + 1,
          response,
          ms: Math.round(performance.now() - started),
          query: text,
        }));
        const rendered = chartKindOf(response.render);
        setChartKind(rendered ?? null);
        setTab(rendered ? 'chart' : 'results');
      } catch (err) {
        if (controller.signal.aborted) return;
        setError(
          err instanceof QueryRefused
            ? err.failure
            : { status: 0, code: 'NetworkError', message: err instanceof Error ? err.message : String(err) },
        );
      } finally {
        if (abort.current === controller) setRunning(false);
      }
    },
    [workspace, me.tenant],
  );

  // A shared link (?query=…) runs its query when the page opens, as Log Analytics' links do.
  // biome-ignore lint/correctness/useExhaustiveDependencies: once, with the query the page opened with
  useEffect(() => {
    if (initial.current.query) void run(initial.current.query, range);
    return () => abort.current?.abort();
  }, []);

  const table = ran?.response.tables[0];
  const kind: ChartKind | undefined =
    chartKind ?? chartKindOf(ran?.response.render) ?? (table ? defaultChartKind(table) : undefined);
  const model = useMemo(
    () => (table && kind ? chartModel(table, kind, ran?.response.render) : undefined),
    [table, kind, ran],
  );

  return (
    <div className="kql-page">
      <h1 className="page-title">Logs</h1>
      <div className="kql-layout">
        <Sidebar
          metadata={metadata}
          saved={saved}
          savedError={savedError}
          history={history}
          canWrite={canWrite}
          onPick={(text, from) => {
            setQuery(text);
            setLoaded(from ?? null);
          }}
          onPickHistory={(h) => {
            setQuery(h.query);
            setRange(h.range);
            setLoaded(null);
          }}
          onDelete={(q) => {
            deleteSavedQuery(q.id).then(
              () => {
                if (loaded?.id === q.id) setLoaded(null);
                setNotice(`Deleted “${q.displayName}”.`);
                refreshSaved();
              },
              (err: Error) => setNotice(err.message),
            );
          }}
        />
        <section className="kql-main" aria-label="Query">
          <div className="kql-toolbar">
            <button
              type="button"
              className="primary"
              onClick={() => void run(query, range)}
              disabled={running || !query.trim()}
              title="Run (Shift+Enter)"
            >
              {running ? 'Running…' : '▶ Run'}
            </button>
            <TimeRangePicker
              // A custom range set from outside (history) re-creates the picker with its dates.
              key={RANGES.some((r) => r.id === range) ? 'named' : range}
              range={range}
              setInQuery={setInQuery}
              onChange={(r) => {
                setRange(r);
              }}
            />
            <span className="spacer" />
            {loaded && <span className="kql-loaded">Saved query: {loaded.displayName}</span>}
            <button
              type="button"
              onClick={() => setSaving(true)}
              disabled={!canWrite || !query.trim()}
              title={
                canWrite
                  ? 'Save the query for everyone in the tenant'
                  : 'Only Global and Security Administrators save queries'
              }
            >
              Save
            </button>
            <button
              type="button"
              onClick={() => {
                navigate('/logs', new URLSearchParams({ query, range }), true);
                const link = window.location.href;
                // The clipboard API exists only in secure contexts (https, localhost).
                if (!navigator.clipboard) setNotice(`Link: ${link}`);
                else
                  navigator.clipboard.writeText(link).then(
                    () => setNotice('Link copied: it opens this query and runs it.'),
                    () => setNotice(`Link: ${link}`),
                  );
              }}
            >
              Copy link
            </button>
          </div>
          <KqlEditor
            value={query}
            onChange={setQuery}
            onRun={(text) => void run(text, range)}
            schema={schema}
            error={error}
          />
          {notice && (
            <div className="kql-notice" role="status">
              {notice}
              <button type="button" aria-label="Dismiss" onClick={() => setNotice(null)}>
                ×
              </button>
            </div>
          )}
          <div className="kql-results">
            {error ? (
              <div className="state error kql-error" role="alert">
                <strong>{error.status === 400 ? 'Query error' : `Error ${error.status || ''}`.trim()}</strong>
                <div>
                  {error.message}
                  {error.line && !error.message.includes('(line ')
                    ? ` (line ${error.line}, position ${error.pos})`
                    : ''}
                </div>
              </div>
            ) : running && !ran ? (
              <div className="state loading">Running…</div>
            ) : !ran || !table ? (
              <div className="state empty">Write a query and run it with Shift+Enter or ▶ Run.</div>
            ) : (
              <>
                <div className="kql-results-head">
                  <div className="tabs" role="tablist" aria-label="Result view">
                    <button
                      type="button"
                      role="tab"
                      aria-selected={tab === 'results'}
                      className={tab === 'results' ? 'tab active' : 'tab'}
                      onClick={() => setTab('results')}
                    >
                      Results
                    </button>
                    <button
                      type="button"
                      role="tab"
                      aria-selected={tab === 'chart'}
                      className={tab === 'chart' ? 'tab active' : 'tab'}
                      onClick={() => setTab('chart')}
                    >
                      Chart
                    </button>
                  </div>
                  {tab === 'chart' && (
                    <label className="kql-chart-kind">
                      Chart type{' '}
                      <select
                        aria-label="Chart type"
                        value={kind ?? ''}
                        onChange={(e) => setChartKind(e.target.value as ChartKind)}
                      >
                        {!kind && <option value="">—</option>}
                        {CHART_KINDS.map((k) => (
                          <option key={k} value={k}>
                            {k}
                          </option>
                        ))}
                      </select>
                    </label>
                  )}
                  <span className="spacer" />
                  <span className="kql-status" role="status" aria-label="Result summary">
                    {running ? 'Running… · ' : ''}
                    {table.rows.length.toLocaleString('en-US')}{' '}
                    {table.rows.length === 1 ? 'record' : 'records'} · {ran.ms.toLocaleString('en-US')} ms
                  </span>
                </div>
                {tab === 'results' ? (
                  <ResultsGrid key={ran.no} table={table} />
                ) : !model ? (
                  <div className="state empty">Pick a chart type.</div>
                ) : typeof model === 'string' ? (
                  <div className="state empty">{model}</div>
                ) : (
                  <ResultChart model={model} />
                )}
              </>
            )}
          </div>
        </section>
      </div>
      {saving && (
        <SaveDialog
          query={query}
          loaded={loaded}
          onClose={() => setSaving(false)}
          onSaved={(q) => {
            setSaving(false);
            setLoaded(q);
            setNotice(`Saved “${q.displayName}”.`);
            refreshSaved();
          }}
        />
      )}
    </div>
  );
}
