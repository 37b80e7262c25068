/** The Columns panel: which columns the grid shows, saved per view in localStorage. */
import type { VisibilityState } from '@tanstack/react-table';
import { useState } from 'react';
import type { Column } from '../views/types.ts';

const storageKey = (viewId: string) => `idtrail.columns.${viewId}`;

export function loadVisibility(viewId: string, columns: readonly Column[]): VisibilityState {
  let chosen: string[] | null = null;
  try {
    const raw = localStorage.getItem(storageKey(viewId));
    if (raw) chosen = JSON.parse(raw) as string[];
  } catch {
    chosen = null;
  }
  return Object.fromEntries(columns.map((c) => [c.id, chosen ? chosen.includes(c.id) : c.default !== false]));
}

export function saveVisibility(viewId: string, v: VisibilityState): void {
  localStorage.setItem(storageKey(viewId), JSON.stringify(Object.keys(v).filter((k) => v[k])));
}

export function ColumnPicker({
  columns,
  visibility,
  onSave,
  onClose,
}: {
  columns: readonly Column[];
  visibility: VisibilityState;
  onSave: (v: VisibilityState) => void;
  onClose: () => void;
}) {
  const [draft, setDraft] = useState(visibility);
  const count = Object.values(draft).filter(Boolean).length;
  return (
    <div
      className="popover columns"
      role="dialog"
      aria-label="Columns"
      onKeyDown={(e) => e.key === 'Escape' && onClose()}
    >
      <h3>Columns</h3>
      <p className="muted small">Choose the columns to show. The choice is kept in this browser.</p>
      <div className="column-list">
        {columns.map((c) => (
          <label key={c.id} className="check">
            <input
              type="checkbox"
              aria-label={c.header}
              checked={draft[c.id] !== false}
              disabled={draft[c.id] !== false && count === 1}
              onChange={(e) => setDraft({ ...draft, [c.id]: e.target.checked })}
            />
            {c.header}
          </label>
        ))}
      </div>
      <div className="popover-actions">
        <button type="button" className="primary" onClick={() => onSave(draft)}>
          Save
        </button>
        <button type="button" onClick={onClose}>
          Cancel
        </button>
      </div>
    </div>
  );
}
