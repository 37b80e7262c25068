/** The details pane of a record: tabs of sections, as Entra's activity-details blade. Esc closes it. */
import { useEffect, useState } from 'react';
import type { Rec } from '../lib/format.ts';
import type { View } from '../views/types.ts';

export function DetailsPane({ view, record, onClose }: { view: View; record: Rec; onClose: () => void }) {
  const [section, setSection] = useState(view.details[0]!.id);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);
  const current = view.details.find((d) => d.id === section) ?? view.details[0]!;
  return (
    <aside className="details" aria-label="Details">
      <header>
        <h2>{view.recordTitle(record)}</h2>
        <button type="button" className="icon" aria-label="Close details" onClick={onClose}>
          ×
        </button>
      </header>
      <div className="tabs small-tabs" role="tablist">
        {view.details.map((d) => (
          <button
            type="button"
            key={d.id}
            role="tab"
            aria-selected={d.id === current.id}
            className={d.id === current.id ? 'tab active' : 'tab'}
            onClick={() => setSection(d.id)}
          >
            {d.label}
          </button>
        ))}
      </div>
      <div className="details-body" role="tabpanel" aria-label={current.label}>
        {current.render(record)}
      </div>
    </aside>
  );
}
