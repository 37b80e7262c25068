/** Save the query for the tenant: a new saved query, or an update of the one that was loaded. */
import { useState } from 'react';
import { type SavedQuery, saveQuery } from './api.ts';

interface Props {
  query: string;
  loaded: SavedQuery | null;
  onSaved: (q: SavedQuery) => void;
  onClose: () => void;
}

export function SaveDialog({ query, loaded, onSaved, onClose }: Props) {
  const [name, setName] = useState(loaded?.displayName ?? '');
  const [description, setDescription] = useState(loaded?.description ?? '');
  const [category, setCategory] = useState(loaded?.category ?? '');
  const [asNew, setAsNew] = useState(!loaded);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <div className="kql-dialog-backdrop">
      <form
        className="kql-dialog"
        role="dialog"
        aria-label="Save query"
        onSubmit={(e) => {
          e.preventDefault();
          setBusy(true);
          const id = asNew || !loaded ? crypto.randomUUID() : loaded.id;
          saveQuery(id, {
            displayName: name,
            query,
            description: description || null,
            category: category || null,
          }).then(
            (q) => onSaved(q),
            (err: Error) => {
              setError(err.message);
              setBusy(false);
            },
          );
        }}
        onKeyDown={(e) => {
          if (e.key === 'Escape') onClose();
        }}
      >
        <h2>Save query</h2>
        <p className="hint">Saved queries are shared with everyone who can query this workspace.</p>
        <label>
          Name
          <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={256} />
        </label>
        <label>
          Description
          <textarea
            value={description}
            onChange={(e) => setDescription(e.target.value)}
            maxLength={4096}
            rows={2}
          />
        </label>
        <label>
          Category
          <input value={category} onChange={(e) => setCategory(e.target.value)} maxLength={256} />
        </label>
        {loaded && (
          <label className="check">
            <input type="checkbox" checked={asNew} onChange={(e) => setAsNew(e.target.checked)} />
            Save as a new query (instead of updating “{loaded.displayName}”)
          </label>
        )}
        {error && (
          <div className="state error" role="alert">
            {error}
          </div>
        )}
        <div className="kql-dialog-buttons">
          <button type="submit" className="primary" disabled={busy || !name.trim()}>
            Save
          </button>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </div>
  );
}
