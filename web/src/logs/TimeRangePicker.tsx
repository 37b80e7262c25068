/** The time-range picker: named ranges, a custom interval, or "Set in query". */
import { useState } from 'react';
import { customTimespan, RANGES, rangeLabel } from './time-range.ts';

interface Props {
  range: string;
  setInQuery: boolean;
  onChange: (range: string) => void;
}

const local = (iso: string) => {
  const d = new Date(iso);
  return Number.isNaN(d.getTime())
    ? ''
    : new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
};

export function TimeRangePicker({ range, setInQuery, onChange }: Props) {
  const named = RANGES.some((r) => r.id === range);
  const [custom, setCustom] = useState(!named);
  const [start, setStart] = useState(() => local(range.split('/')[0] ?? ''));
  const [end, setEnd] = useState(() => local(range.split('/')[1] ?? ''));
  const [error, setError] = useState<string | null>(null);
  if (setInQuery) {
    return (
      <span
        className="kql-range set-in-query"
        title="The query filters TimeGenerated itself: no time range is added"
      >
        Time range: Set in query
      </span>
    );
  }
  return (
    <span className="kql-range">
      <label>
        Time range{' '}
        <select
          aria-label="Time range"
          value={custom ? 'custom' : range}
          onChange={(e) => {
            if (e.target.value === 'custom') setCustom(true);
            else {
              setCustom(false);
              onChange(e.target.value);
            }
          }}
        >
          {RANGES.map((r) => (
            <option key={r.id} value={r.id}>
              {r.label}
            </option>
          ))}
          <option value="custom">{custom && !named ? rangeLabel(range) : 'Custom…'}</option>
        </select>
      </label>
      {custom && (
        <span className="kql-custom-range">
          <input
            type="datetime-local"
            aria-label="Start time"
            value={start}
            onChange={(e) => setStart(e.target.value)}
          />
          <input
            type="datetime-local"
            aria-label="End time"
            value={end}
            onChange={(e) => setEnd(e.target.value)}
          />
          <button
            type="button"
            onClick={() => {
              const c = customTimespan(start, end);
              if ('error' in c) setError(c.error);
              else {
                setError(null);
                onChange(c.timespan);
              }
            }}
          >
            Apply
          </button>
          {error && (
            <span className="kql-range-error" role="alert">
              {error}
            </span>
          )}
        </span>
      )}
    </span>
  );
}
