/**
 * Filter pills, as in Entra's log blades: a date pill, the view's pinned filters, any other filter
 * that is set, and "Add filters". Every change goes to the URL (shareable views).
 */
import { useEffect, useId, useState } from 'react';
import { DEFAULT_RANGE, filterApplies, RANGES } from '../lib/query.ts';
import type { Filter, Tab, View } from '../views/types.ts';

interface Props {
  view: View;
  tab: Tab;
  params: URLSearchParams;
  onChange: (changes: Record<string, string | null>) => void;
}

function labelOf(f: Filter, v: string): string {
  return f.options?.find((o) => o.value === v)?.label ?? v;
}

function Editor({
  filter,
  params,
  onApply,
  onClose,
}: {
  filter: Filter;
  params: URLSearchParams;
  onApply: (v: string | null) => void;
  onClose: () => void;
}) {
  const [value, setValue] = useState(params.get(filter.id) ?? '');
  const [options, setOptions] = useState<string[] | null>(
    filter.options ? filter.options.map((o) => o.value) : null,
  );
  const listId = useId();
  useEffect(() => {
    if (!filter.loadOptions) return;
    let live = true;
    filter.loadOptions(params).then(
      (o) => live && setOptions(o),
      () => live && setOptions([]),
    );
    return () => {
      live = false;
    };
  }, [filter, params]);
  const apply = () => onApply(value.trim() === '' ? null : value.trim());
  return (
    <form
      className="popover"
      onSubmit={(e) => {
        e.preventDefault();
        apply();
      }}
      onKeyDown={(e) => e.key === 'Escape' && onClose()}
    >
      <div className="field">
        <span>{filter.label}</span>
        {filter.kind === 'select' ? (
          <select aria-label={filter.label} value={value} onChange={(e) => setValue(e.target.value)}>
            <option value="">All</option>
            {(options ?? []).map((o) => (
              <option key={o} value={o}>
                {labelOf(filter, o)}
              </option>
            ))}
          </select>
        ) : (
          <>
            <input
              aria-label={filter.label}
              // biome-ignore lint/a11y/noAutofocus: the popover opens to type into it
              autoFocus
              value={value}
              placeholder={filter.placeholder ?? ''}
              list={filter.kind === 'typeahead' ? listId : undefined}
              onChange={(e) => setValue(e.target.value)}
            />
            {filter.kind === 'typeahead' && (
              <datalist id={listId}>
                {(options ?? [])
                  .filter((o) => o.toLowerCase().includes(value.toLowerCase()))
                  .slice(0, 200)
                  .map((o) => (
                    <option key={o} value={o} />
                  ))}
              </datalist>
            )}
          </>
        )}
      </div>
      <div className="popover-actions">
        <button type="submit" className="primary">
          Apply
        </button>
        <button type="button" onClick={() => onApply(null)}>
          Reset
        </button>
      </div>
    </form>
  );
}

function DateEditor({
  params,
  onChange,
  onClose,
}: {
  params: URLSearchParams;
  onChange: Props['onChange'];
  onClose: () => void;
}) {
  const [range, setRange] = useState(params.get('range') ?? DEFAULT_RANGE);
  const [from, setFrom] = useState(params.get('from') ?? '');
  const [to, setTo] = useState(params.get('to') ?? '');
  return (
    <form
      className="popover"
      onSubmit={(e) => {
        e.preventDefault();
        onChange({
          range: range === DEFAULT_RANGE ? null : range,
          from: range === 'custom' && from ? from : null,
          to: range === 'custom' && to ? to : null,
        });
        onClose();
      }}
      onKeyDown={(e) => e.key === 'Escape' && onClose()}
    >
      <fieldset className="field">
        <legend>Date</legend>
        {RANGES.map((r) => (
          <label key={r.id} className="radio">
            <input type="radio" name="range" checked={range === r.id} onChange={() => setRange(r.id)} />
            {r.label}
          </label>
        ))}
        {range === 'custom' && (
          <div className="custom-range">
            <label>
              Start <input type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} />
            </label>
            <label>
              End <input type="datetime-local" value={to} onChange={(e) => setTo(e.target.value)} />
            </label>
          </div>
        )}
      </fieldset>
      <div className="popover-actions">
        <button type="submit" className="primary">
          Apply
        </button>
      </div>
    </form>
  );
}

export function FilterBar({ view, tab, params, onChange }: Props) {
  const [open, setOpen] = useState<string | null>(null);
  const [adding, setAdding] = useState(false);
  const applicable = view.filters.filter((f) => filterApplies(f, tab));
  const shown = applicable.filter((f) => f.pinned || params.get(f.id) || open === f.id);
  const addable = applicable.filter((f) => !shown.includes(f));
  const range = RANGES.find((r) => r.id === (params.get('range') ?? DEFAULT_RANGE)) ?? RANGES[0];
  const dateText =
    range.id === 'custom' ? `${params.get('from') ?? '…'} – ${params.get('to') ?? '…'}` : range.label;

  return (
    <div className="filters">
      {view.timeField && (
        <div className="pill-wrap">
          <button
            type="button"
            className="pill set"
            aria-label="Filter Date"
            onClick={() => setOpen(open === 'date' ? null : 'date')}
          >
            Date : <strong>{dateText}</strong>
          </button>
          {open === 'date' && (
            <DateEditor params={params} onChange={onChange} onClose={() => setOpen(null)} />
          )}
        </div>
      )}
      {shown.map((f) => {
        const v = params.get(f.id);
        return (
          <div key={f.id} className="pill-wrap">
            <button
              type="button"
              className={`pill${v ? ' set' : ''}`}
              aria-label={`Filter ${f.label}`}
              onClick={() => setOpen(open === f.id ? null : f.id)}
            >
              {f.label} : <strong>{v ? labelOf(f, v) : 'All'}</strong>
            </button>
            {v && (
              <button
                type="button"
                className="pill-clear"
                aria-label={`Clear ${f.label}`}
                onClick={() => onChange({ [f.id]: null })}
              >
                ×
              </button>
            )}
            {open === f.id && (
              <Editor
                filter={f}
                params={params}
                onClose={() => setOpen(null)}
                onApply={(value) => {
                  onChange({ [f.id]: value });
                  setOpen(null);
                }}
              />
            )}
          </div>
        );
      })}
      {addable.length > 0 && (
        <div className="pill-wrap">
          <button type="button" className="pill add" onClick={() => setAdding(!adding)}>
            + Add filters
          </button>
          {adding && (
            <div className="popover menu" role="menu">
              {addable.map((f) => (
                <button
                  type="button"
                  role="menuitem"
                  key={f.id}
                  onClick={() => {
                    setAdding(false);
                    setOpen(f.id);
                  }}
                >
                  {f.label}
                </button>
              ))}
            </div>
          )}
        </div>
      )}
      {applicable.some((f) => params.get(f.id)) && (
        <button
          type="button"
          className="link"
          onClick={() => onChange(Object.fromEntries(applicable.map((f) => [f.id, null])))}
        >
          Reset filters
        </button>
      )}
    </div>
  );
}
