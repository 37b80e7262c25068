/**
 * Watchlists: the tenant's CSV reference lists that KQL reads with `_GetWatchlist('alias')`,
 * listed with their items, uploaded from a CSV/TSV file and deleted — through the same public API
 * as everything else (/api/v1/watchlists). Writers (the roles the API accepts for PUT and DELETE)
 * see the upload form and delete buttons; the server enforces the roles either way.
 */
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { WATCHLIST_WRITER_ROLES } from '../../../src/registry/roles.ts';
import { authHeaders, failureOf, getJson, type Me } from '../lib/api.ts';
import { navigate } from '../lib/router.ts';
import './settings.css';

interface Watchlist {
  name: string;
  properties: {
    displayName: string;
    description: string | null;
    itemsSearchKey: string;
    watchlistItemsCount: number;
    updated: string;
    updatedBy: { name: string };
    columns: string[];
  };
}
interface ItemsPage {
  value: Array<{ name: string; properties: { itemsKeyValue: Record<string, string> } }>;
  nextLink?: string;
}

const PAGE = 100;
const when = (t: string) => new Date(t).toLocaleString();

export function WatchlistsPage({ me }: { me: Me }) {
  const canWrite = me.roles.some((r) => (WATCHLIST_WRITER_ROLES as readonly string[]).includes(r));
  const [lists, setLists] = useState<Watchlist[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [uploading, setUploading] = useState(false);
  const load = useCallback(() => {
    getJson<{ value: Watchlist[] }>('/api/v1/watchlists').then(
      (r) => setLists(r.value),
      (e: Error) => setError(e.message),
    );
  }, []);
  useEffect(load, [load]);

  async function remove(alias: string) {
    if (!window.confirm(`Delete watchlist '${alias}' and its items?`)) return;
    const res = await fetch(`/api/v1/watchlists/${encodeURIComponent(alias)}`, {
      method: 'DELETE',
      headers: authHeaders(),
    });
    if (!res.ok) setError((await failureOf(res)).message);
    if (selected === alias) setSelected(null);
    load();
  }

  if (error && !lists)
    return (
      <div className="state error" role="alert">
        {error}
      </div>
    );
  if (!lists) return <div className="state loading">Loading…</div>;
  const current = lists.find((w) => w.name === selected);
  return (
    <div className="settings-page diag-settings">
      <h1 className="page-title">Watchlists</h1>
      <p className="muted">
        Reference lists for KQL: <code>_GetWatchlist('alias')</code> gives a watchlist's items with the
        columns <code>SearchKey</code>, <code>WatchlistItem</code> and one per CSV column.
      </p>
      <section aria-label="Watchlists">
        <div className="section-head">
          <h2>Watchlists</h2>
          {canWrite && !uploading && (
            <button type="button" onClick={() => setUploading(true)}>
              Upload watchlist
            </button>
          )}
        </div>
        {uploading && (
          <UploadForm
            onDone={(alias) => {
              setUploading(false);
              if (alias) {
                setSelected(alias);
                load();
              }
            }}
          />
        )}
        {error && (
          <p className="error-text" role="alert">
            {error}
          </p>
        )}
        {lists.length === 0 ? (
          <p className="muted">No watchlist yet.</p>
        ) : (
          <table className="simple">
            <thead>
              <tr>
                <th>Alias</th>
                <th>Name</th>
                <th>Search key</th>
                <th>Items</th>
                <th>Updated</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {lists.map((w) => (
                <tr key={w.name} aria-selected={w.name === selected}>
                  <td>
                    <button type="button" className="link" onClick={() => setSelected(w.name)}>
                      {w.name}
                    </button>
                  </td>
                  <td>{w.properties.displayName}</td>
                  <td>{w.properties.itemsSearchKey}</td>
                  <td>{w.properties.watchlistItemsCount}</td>
                  <td>
                    {when(w.properties.updated)} by {w.properties.updatedBy.name}
                  </td>
                  <td className="actions">
                    <button
                      type="button"
                      onClick={() =>
                        navigate('/logs', new URLSearchParams({ query: `_GetWatchlist('${w.name}')` }))
                      }
                    >
                      Query
                    </button>
                    {canWrite && (
                      <button type="button" onClick={() => remove(w.name)} aria-label={`Delete ${w.name}`}>
                        Delete
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      {current && <Items key={current.name} watchlist={current} />}
    </div>
  );
}

/** The selected watchlist's items, a page at a time (the API's nextLink). */
function Items({ watchlist }: { watchlist: Watchlist }) {
  const [rows, setRows] = useState<ItemsPage['value']>([]);
  const [next, setNext] = useState<string | undefined>(
    `/api/v1/watchlists/${encodeURIComponent(watchlist.name)}/items?$top=${PAGE}`,
  );
  const [error, setError] = useState<string | null>(null);
  const more = useCallback(() => {
    if (!next) return;
    getJson<ItemsPage>(next).then(
      (p) => {
        setRows((r) => [...r, ...p.value]);
        setNext(p.nextLink);
      },
      (e: Error) => setError(e.message),
    );
  }, [next]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the first page, once per watchlist
  useEffect(more, []);
  const cols = watchlist.properties.columns;
  return (
    <section aria-label="Items">
      <h2>
        {watchlist.properties.displayName} — {watchlist.properties.watchlistItemsCount} items
      </h2>
      {watchlist.properties.description && <p className="muted">{watchlist.properties.description}</p>}
      {error && (
        <p className="error-text" role="alert">
          {error}
        </p>
      )}
      <table className="simple">
        <thead>
          <tr>
            {cols.map((c) => (
              <th key={c}>
                {c}
                {c === watchlist.properties.itemsSearchKey ? ' (SearchKey)' : ''}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.name}>
              {cols.map((c) => (
                <td key={c}>{r.properties.itemsKeyValue[c]}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {next && rows.length > 0 && (
        <button type="button" onClick={more}>
          Show more
        </button>
      )}
    </section>
  );
}

function UploadForm({ onDone }: { onDone(alias: string | null): void }) {
  const [alias, setAlias] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [description, setDescription] = useState('');
  const [searchKey, setSearchKey] = useState('');
  const [skip, setSkip] = useState('0');
  const [file, setFile] = useState<File | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!file) return setProblem('Choose a CSV file.');
    const res = await fetch(`/api/v1/watchlists/${encodeURIComponent(alias.trim())}`, {
      method: 'PUT',
      headers: { ...authHeaders(), 'content-type': 'application/json' },
      body: JSON.stringify({
        properties: {
          displayName: displayName.trim() || alias.trim(),
          description: description.trim() || null,
          provider: 'Custom',
          source: file.name,
          itemsSearchKey: searchKey,
          rawContent: await file.text(),
          contentType: /\.tsv$/i.test(file.name) ? 'text/tsv' : 'text/csv',
          numberOfLinesToSkip: Number(skip) || 0,
        },
      }),
    });
    // The server checks everything (CSV, search key, limits) and says what is wrong.
    if (!res.ok) return setProblem((await failureOf(res)).message);
    onDone(alias.trim());
  }

  return (
    <form className="edit-form" aria-label="Upload watchlist" onSubmit={submit}>
      <label>
        Alias (used in <code>_GetWatchlist('alias')</code>)
        <input
          value={alias}
          onChange={(e) => setAlias(e.target.value)}
          required
          pattern="[A-Za-z0-9][A-Za-z0-9._\-]*"
        />
      </label>
      <label>
        Display name
        <input value={displayName} onChange={(e) => setDisplayName(e.target.value)} />
      </label>
      <label>
        Description
        <input value={description} onChange={(e) => setDescription(e.target.value)} />
      </label>
      <label>
        CSV file (first line: the header; .tsv for tab-separated)
        <input
          type="file"
          accept=".csv,.tsv,text/csv"
          onChange={(e) => setFile(e.target.files?.[0] ?? null)}
        />
      </label>
      <label>
        Lines to skip before the header
        <input type="number" min={0} value={skip} onChange={(e) => setSkip(e.target.value)} />
      </label>
      <label>
        Search key column
        <input value={searchKey} onChange={(e) => setSearchKey(e.target.value)} required />
      </label>
      {problem && (
        <p className="error-text" role="alert">
          {problem}
        </p>
      )}
      <div className="form-actions">
        <button type="submit" className="primary">
          Upload
        </button>
        <button type="button" onClick={() => onDone(null)}>
          Cancel
        </button>
      </div>
    </form>
  );
}
