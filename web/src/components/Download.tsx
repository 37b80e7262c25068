/**
 * Download: the server streams the whole filtered set (/api/v1/export/…, no row cap); the portal
 * reads the stream, shows records received against the total the server announced
 * (Idtrail-Record-Count), then saves the file.
 */
import { useState } from 'react';
import { authHeaders, failureOf, PREFER } from '../lib/api.ts';

export interface Progress {
  format: 'csv' | 'json';
  received: number;
  total: number | null;
  done: boolean;
  error?: string;
}

/** Records seen so far: CSV ends the header and each record with a newline; JSON starts each record on a new line. */
const recordsIn = (lines: number, format: 'csv' | 'json') =>
  Math.max(0, format === 'csv' ? lines - 1 : lines - 1);

export async function download(url: string, format: 'csv' | 'json', onProgress: (p: Progress) => void) {
  const res = await fetch(url, { headers: { ...authHeaders(), ...PREFER } });
  if (!res.ok || !res.body) throw await failureOf(res);
  const totalHeader = res.headers.get('idtrail-record-count');
  const total = totalHeader === null ? null : Number(totalHeader);
  const name =
    /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? `export.${format}`;
  const reader = res.body.getReader();
  const parts: Uint8Array[] = [];
  let lines = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
    for (const byte of value) if (byte === 10) lines++;
    onProgress({
      format,
      received: Math.min(recordsIn(lines, format), total ?? Number.POSITIVE_INFINITY),
      total,
      done: false,
    });
  }
  const blob = new Blob(parts as BlobPart[], { type: format === 'csv' ? 'text/csv' : 'application/json' });
  const href = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = href;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(href), 60_000);
  onProgress({ format, received: total ?? recordsIn(lines, format), total, done: true });
}

export function DownloadMenu({
  onPick,
  onClose,
}: {
  onPick: (f: 'csv' | 'json') => void;
  onClose: () => void;
}) {
  return (
    <div className="popover menu" role="menu" onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      <button type="button" role="menuitem" onClick={() => onPick('csv')}>
        Download CSV
      </button>
      <button type="button" role="menuitem" onClick={() => onPick('json')}>
        Download JSON
      </button>
    </div>
  );
}

export function DownloadProgress({ p, onDismiss }: { p: Progress; onDismiss: () => void }) {
  const pct = p.total ? Math.round((100 * p.received) / Math.max(1, p.total)) : p.done ? 100 : 0;
  const [hidden, setHidden] = useState(false);
  if (hidden) return null;
  return (
    <div className={`toast${p.error ? ' error' : ''}`} role="status" aria-label="Download progress">
      <div>
        {p.error
          ? `Download failed: ${p.error}`
          : p.done
            ? `Downloaded ${p.received.toLocaleString()} records (${p.format.toUpperCase()})`
            : `Downloading ${p.format.toUpperCase()}: ${p.received.toLocaleString()}${p.total !== null ? ` of ${p.total.toLocaleString()}` : ''} records`}
      </div>
      {!p.error && <progress max={100} value={pct} />}
      {(p.done || p.error) && (
        <button
          type="button"
          className="icon"
          aria-label="Dismiss"
          onClick={() => {
            setHidden(true);
            onDismiss();
          }}
        >
          ×
        </button>
      )}
    </div>
  );
}
