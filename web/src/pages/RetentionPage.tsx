/**
 * Retention & integrity: how long each category is kept, what retention dropped (signed purge
 * records), its recent runs, and the key that signs checkpoints — from GET /api/v1/retention and
 * /api/v1/integrity/*, the same public APIs as everything else in the portal.
 */
import { useEffect, useState } from 'react';
import { getJson } from '../lib/api.ts';

interface Retention {
  value: Array<{ category: string; days: number; isDefault: boolean }>;
  purges: Array<{
    category: string;
    records: number;
    fromTime: string;
    toTime: string;
    purgedAt: string;
    lastSeq: number;
  }>;
  runs: Array<{
    startedAt: string;
    finishedAt: string;
    purged: Array<{ category: string; records: number }>;
    error?: string;
  }>;
}

interface Integrity {
  publicKey: { keyId: string; algorithm: string };
  checkpoints: Array<{ category: string; seq: number; signedAt: string; count: number }>;
}

const when = (t: string) => new Date(t).toLocaleString();

export function RetentionPage() {
  const [retention, setRetention] = useState<Retention | null>(null);
  const [integrity, setIntegrity] = useState<Integrity | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    getJson<Retention>('/api/v1/retention').then(setRetention, (e: Error) => setError(e.message));
    getJson<Integrity>('/api/v1/integrity/checkpoints').then(setIntegrity, (e: Error) => setError(e.message));
  }, []);
  if (error)
    return (
      <div className="state error" role="alert">
        {error}
      </div>
    );
  if (!retention || !integrity) return <div className="state loading">Loading…</div>;
  // The newest checkpoint of each category.
  const latest = new Map<string, Integrity['checkpoints'][number]>();
  for (const c of integrity.checkpoints) latest.set(c.category, c);
  return (
    <div className="settings-page">
      <h1 className="page-title">Retention &amp; integrity</h1>
      <section aria-label="Retention">
        <h2>Retention by category</h2>
        <table className="simple">
          <thead>
            <tr>
              <th>Category</th>
              <th>Kept</th>
              <th>Last signed checkpoint</th>
            </tr>
          </thead>
          <tbody>
            {retention.value.map((r) => {
              const c = latest.get(r.category);
              return (
                <tr key={r.category}>
                  <td>{r.category}</td>
                  <td>
                    {r.days} days{r.isDefault ? ' (default)' : ''}
                  </td>
                  <td>{c ? `seq ${c.seq} · ${c.count} records · ${when(c.signedAt)}` : '—'}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </section>
      <section aria-label="Retention runs">
        <h2>Recent retention runs</h2>
        {retention.runs.length === 0 ? (
          <p className="muted">No run since the server started (runs hourly).</p>
        ) : (
          <table className="simple">
            <thead>
              <tr>
                <th>Finished</th>
                <th>Dropped</th>
                <th>Outcome</th>
              </tr>
            </thead>
            <tbody>
              {retention.runs.map((r) => (
                <tr key={r.startedAt}>
                  <td>{when(r.finishedAt)}</td>
                  <td>
                    {r.purged.length === 0
                      ? 'nothing'
                      : r.purged.map((p) => `${p.records} ${p.category}`).join(', ')}
                  </td>
                  <td>{r.error ? `failed: ${r.error}` : 'ok'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section aria-label="Purge records">
        <h2>Signed purge records</h2>
        {retention.purges.length === 0 ? (
          <p className="muted">Retention has dropped nothing yet.</p>
        ) : (
          <table className="simple">
            <thead>
              <tr>
                <th>Category</th>
                <th>Records</th>
                <th>Time range</th>
                <th>Up to seq</th>
                <th>Purged</th>
              </tr>
            </thead>
            <tbody>
              {retention.purges.map((p) => (
                <tr key={`${p.category}-${p.lastSeq}`}>
                  <td>{p.category}</td>
                  <td>{p.records}</td>
                  <td>
                    {when(p.fromTime)} – {when(p.toTime)}
                  </td>
                  <td>{p.lastSeq}</td>
                  <td>{when(p.purgedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <p className="muted">
        Checkpoints are signed with {integrity.publicKey.algorithm} key{' '}
        <code>{integrity.publicKey.keyId}</code> (<a href="/api/v1/integrity/publicKey">public key</a>);{' '}
        <code>bin/idtrail verify</code> checks every chain against them.
      </p>
    </div>
  );
}
