/** The left pane: the workspace's tables and columns, the tenant's saved queries, and history. */
import { useState } from 'react';
import type { SavedQuery } from './api.ts';
import type { HistoryEntry } from './history.ts';
import type { WorkspaceMetadata } from './schema.ts';
import { rangeLabel } from './time-range.ts';

type Pane = 'tables' | 'queries' | 'history';

interface Props {
  metadata: WorkspaceMetadata | null;
  saved: SavedQuery[] | null;
  savedError: string | null;
  history: HistoryEntry[];
  canWrite: boolean;
  onPick: (query: string, from?: SavedQuery) => void;
  onPickHistory: (e: HistoryEntry) => void;
  onDelete: (q: SavedQuery) => void;
}

export function Sidebar({
  metadata,
  saved,
  savedError,
  history,
  canWrite,
  onPick,
  onPickHistory,
  onDelete,
}: Props) {
  const [pane, setPane] = useState<Pane>('tables');
  const [openTable, setOpenTable] = useState<string | null>(null);
  const tabs: Array<[Pane, string]> = [
    ['tables', 'Tables'],
    ['queries', 'Queries'],
    ['history', 'History'],
  ];
  return (
    <div className="kql-sidebar">
      <div className="tabs" role="tablist" aria-label="Logs side pane">
        {tabs.map(([id, label]) => (
          <button
            key={id}
            type="button"
            role="tab"
            aria-selected={pane === id}
            className={pane === id ? 'tab active' : 'tab'}
            onClick={() => setPane(id)}
          >
            {label}
          </button>
        ))}
      </div>
      <div className="kql-sidebar-body" role="tabpanel" aria-label={tabs.find((t) => t[0] === pane)![1]}>
        {pane === 'tables' &&
          (metadata ? (
            <ul className="kql-tree" aria-label="Tables">
              {metadata.tables.map((t) => (
                <li key={t.name}>
                  <button
                    type="button"
                    className="kql-tree-item"
                    aria-expanded={openTable === t.name}
                    onClick={() => setOpenTable(openTable === t.name ? null : t.name)}
                    onDoubleClick={() => onPick(`${t.name}\n| take 100`)}
                    title="Double-click to query the table"
                  >
                    {openTable === t.name ? '▾' : '▸'} {t.name}
                  </button>
                  {openTable === t.name && (
                    <ul className="kql-columns">
                      {t.columns.map((c) => (
                        <li key={c.name}>
                          {c.name} <span className="kql-type">{c.type}</span>
                        </li>
                      ))}
                    </ul>
                  )}
                </li>
              ))}
            </ul>
          ) : (
            <div className="state loading">Loading tables…</div>
          ))}
        {pane === 'queries' &&
          (savedError ? (
            <div className="state error" role="alert">
              {savedError}
            </div>
          ) : !saved ? (
            <div className="state loading">Loading queries…</div>
          ) : saved.length === 0 ? (
            <div className="state empty">No saved queries yet.{canWrite ? ' Save one with “Save”.' : ''}</div>
          ) : (
            <ul className="kql-list" aria-label="Saved queries">
              {saved.map((q) => (
                <li key={q.id}>
                  <button
                    type="button"
                    className="kql-list-item"
                    onClick={() => onPick(q.query, q)}
                    title={q.query}
                  >
                    <span className="kql-list-name">{q.displayName}</span>
                    {(q.category || q.description) && (
                      <span className="kql-list-meta">
                        {[q.category, q.description].filter(Boolean).join(' · ')}
                      </span>
                    )}
                  </button>
                  {canWrite && (
                    <button
                      type="button"
                      className="kql-delete"
                      aria-label={`Delete ${q.displayName}`}
                      onClick={() => {
                        if (window.confirm(`Delete the saved query “${q.displayName}” for everyone?`))
                          onDelete(q);
                      }}
                    >
                      Delete
                    </button>
                  )}
                </li>
              ))}
            </ul>
          ))}
        {pane === 'history' &&
          (history.length === 0 ? (
            <div className="state empty">Queries you run appear here (kept in this browser).</div>
          ) : (
            <ul className="kql-list" aria-label="Query history">
              {history.map((h) => (
                <li key={`${h.at}${h.query}`}>
                  <button
                    type="button"
                    className="kql-list-item"
                    onClick={() => onPickHistory(h)}
                    title={h.query}
                  >
                    <code className="kql-list-query">{h.query}</code>
                    <span className="kql-list-meta">
                      {new Date(h.at).toLocaleString()} · {rangeLabel(h.range)}
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          ))}
      </div>
    </div>
  );
}
