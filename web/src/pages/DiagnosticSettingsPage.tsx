/**
 * Diagnostic settings: the tenant's settings (which categories go where) and destinations (where
 * they go, with delivery health per route), listed, created, edited and deleted through the same
 * public APIs as everything else (/api/v1/diagnosticSettings, /api/v1/destinations). Forms are
 * built from GET /api/v1/destinationTypes and /api/v1/diagnosticSettingsCategories, so a new
 * type or category needs no portal change. Secrets are write-only: the API never returns them.
 */
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { authHeaders, failureOf, getJson } from '../lib/api.ts';
import './settings.css';

/** Health refresh while the page is open. */
const REFRESH_MS = 3000;

type Slot = 'storageAccountId' | 'eventHubAuthorizationRuleId' | 'workspaceId';
const SLOTS: Array<{ slot: Slot; label: string }> = [
  { slot: 'storageAccountId', label: 'Archive (storage)' },
  { slot: 'eventHubAuthorizationRuleId', label: 'Stream' },
  { slot: 'workspaceId', label: 'Workspace' },
];

interface FieldSpec {
  name: string;
  type: 'string' | 'number' | 'boolean';
  required: boolean;
  secret: boolean;
}
interface TypeSpec {
  type: string;
  slot: Slot;
  fields: FieldSpec[];
}
interface RouteHealth {
  setting: string;
  category: string;
  lag: number;
  delivered: number;
  nextSeq: number;
  state: string;
  lastError: string | null;
}
interface Destination {
  name: string;
  type: string;
  secretsSet?: string[];
  health: {
    state: string;
    lag: number;
    delivered: number;
    lastError: string | null;
    lastErrorAt: string | null;
    lastDeliveredAt: string | null;
    routes: RouteHealth[];
  };
  [field: string]: unknown;
}
interface Setting {
  name: string;
  properties: {
    logs: Array<{ category: string; enabled: boolean }>;
    storageAccountId?: string | null;
    eventHubAuthorizationRuleId?: string | null;
    workspaceId?: string | null;
    replayFrom?: string;
    [k: string]: unknown;
  };
}

/** The destination name a setting's id property holds (a name, or an ARM id ending in it). */
const destName = (id: unknown) => (typeof id === 'string' && id ? (id.split('/').pop() ?? '') : '');
const when = (t: string | null) => (t ? new Date(t).toLocaleString() : '—');

async function send(method: 'PUT' | 'DELETE', url: string, body?: unknown): Promise<void> {
  const res = await fetch(url, {
    method,
    headers: { ...authHeaders(), 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!res.ok) throw await failureOf(res);
}

export function DiagnosticSettingsPage() {
  const [types, setTypes] = useState<TypeSpec[] | null>(null);
  const [categories, setCategories] = useState<string[] | null>(null);
  const [settings, setSettings] = useState<Setting[] | null>(null);
  const [destinations, setDestinations] = useState<Destination[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [editSetting, setEditSetting] = useState<Setting | 'new' | null>(null);
  const [editDest, setEditDest] = useState<Destination | 'new' | null>(null);

  const reload = useCallback(async () => {
    const [s, d] = await Promise.all([
      getJson<{ value: Setting[] }>('/api/v1/diagnosticSettings'),
      getJson<{ value: Destination[] }>('/api/v1/destinations'),
    ]);
    setSettings(s.value);
    setDestinations(d.value);
  }, []);

  useEffect(() => {
    const fail = (e: Error) => setError(e.message);
    getJson<{ value: TypeSpec[] }>('/api/v1/destinationTypes').then((r) => setTypes(r.value), fail);
    getJson<{ value: Array<{ name: string }> }>('/api/v1/diagnosticSettingsCategories').then(
      (r) => setCategories(r.value.map((c) => c.name)),
      fail,
    );
    reload().catch(fail);
    const timer = setInterval(() => {
      reload().catch(() => {
        // A failed refresh keeps the last figures; the next one tries again.
      });
    }, REFRESH_MS);
    return () => clearInterval(timer);
  }, [reload]);

  if (error)
    return (
      <div className="state error" role="alert">
        {error}
      </div>
    );
  if (!types || !categories || !settings || !destinations)
    return <div className="state loading">Loading…</div>;

  const remove = async (what: 'diagnosticSettings' | 'destinations', name: string) => {
    if (
      !window.confirm(`Delete ${what === 'destinations' ? 'destination' : 'diagnostic setting'} '${name}'?`)
    )
      return;
    try {
      await send('DELETE', `/api/v1/${what}/${encodeURIComponent(name)}`);
      await reload();
    } catch (e) {
      window.alert((e as Error).message);
    }
  };

  return (
    <div className="settings-page diag-settings">
      <h1 className="page-title">Diagnostic settings</h1>
      <p className="muted">
        Route log categories to an archive, a stream or the workspace, as Entra's diagnostic settings do (at
        most five per tenant). Delivery figures refresh every {REFRESH_MS / 1000} s.
      </p>

      <section aria-label="Diagnostic settings">
        <div className="section-head">
          <h2>Diagnostic settings</h2>
          <button type="button" className="primary" onClick={() => setEditSetting('new')}>
            Add diagnostic setting
          </button>
        </div>
        {editSetting && (
          <SettingForm
            initial={editSetting === 'new' ? null : editSetting}
            categories={categories}
            destinations={destinations}
            types={types}
            onDone={async (saved) => {
              setEditSetting(null);
              if (saved) await reload();
            }}
          />
        )}
        {settings.length === 0 ? (
          <p className="muted">No diagnostic setting yet.</p>
        ) : (
          <table className="simple">
            <thead>
              <tr>
                <th>Name</th>
                <th>Categories</th>
                {SLOTS.map((s) => (
                  <th key={s.slot}>{s.label}</th>
                ))}
                <th />
              </tr>
            </thead>
            <tbody>
              {settings.map((s) => (
                <tr key={s.name}>
                  <td>{s.name}</td>
                  <td>
                    {s.properties.logs
                      .filter((l) => l.enabled)
                      .map((l) => l.category)
                      .join(', ')}
                  </td>
                  {SLOTS.map((slot) => (
                    <td key={slot.slot}>{destName(s.properties[slot.slot]) || '—'}</td>
                  ))}
                  <td className="actions">
                    <button
                      type="button"
                      onClick={() => setEditSetting(s)}
                      aria-label={`Edit setting ${s.name}`}
                    >
                      Edit
                    </button>
                    <button
                      type="button"
                      onClick={() => remove('diagnosticSettings', s.name)}
                      aria-label={`Delete setting ${s.name}`}
                    >
                      Delete
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section aria-label="Destinations">
        <div className="section-head">
          <h2>Destinations</h2>
          <button type="button" className="primary" onClick={() => setEditDest('new')}>
            Add destination
          </button>
        </div>
        {editDest && (
          <DestinationForm
            initial={editDest === 'new' ? null : editDest}
            types={types}
            onDone={async (saved) => {
              setEditDest(null);
              if (saved) await reload();
            }}
          />
        )}
        {destinations.length === 0 ? (
          <p className="muted">No destination yet.</p>
        ) : (
          <table className="simple">
            <thead>
              <tr>
                <th>Name</th>
                <th>Type</th>
                <th>State</th>
                <th>Lag</th>
                <th>Delivered</th>
                <th>Last delivered</th>
                <th>Last error</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {destinations.map((d) => (
                <DestinationRows
                  key={d.name}
                  d={d}
                  onEdit={() => setEditDest(d)}
                  onDelete={() => remove('destinations', d.name)}
                />
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}

function DestinationRows({ d, onEdit, onDelete }: { d: Destination; onEdit(): void; onDelete(): void }) {
  const [open, setOpen] = useState(false);
  const h = d.health;
  return (
    <>
      <tr data-destination={d.name}>
        <td>
          <button
            type="button"
            className="link"
            aria-expanded={open}
            onClick={() => setOpen(!open)}
            disabled={h.routes.length === 0}
            title="Routes"
            aria-label={`Routes of ${d.name}`}
          >
            {h.routes.length > 0 ? (open ? '▾ ' : '▸ ') : ''}
            {d.name}
          </button>
        </td>
        <td>{d.type}</td>
        <td>
          <span className={`pill state-${h.state}`}>{h.state}</span>
        </td>
        <td data-field="lag">{h.lag}</td>
        <td data-field="delivered">{h.delivered}</td>
        <td>{when(h.lastDeliveredAt)}</td>
        <td className={h.lastError ? 'error-text' : undefined}>
          {h.lastError ? `${h.lastError} (${when(h.lastErrorAt)})` : '—'}
        </td>
        <td className="actions">
          <button type="button" onClick={onEdit} aria-label={`Edit destination ${d.name}`}>
            Edit
          </button>
          <button type="button" onClick={onDelete} aria-label={`Delete destination ${d.name}`}>
            Delete
          </button>
        </td>
      </tr>
      {open &&
        h.routes.map((r) => (
          <tr key={`${r.setting}/${r.category}`} className="route-row">
            <td colSpan={2}>
              ↳ {r.setting} · {r.category}
            </td>
            <td>{r.state}</td>
            <td>{r.lag}</td>
            <td>{r.delivered}</td>
            <td>next seq {r.nextSeq}</td>
            <td className={r.lastError ? 'error-text' : undefined}>{r.lastError ?? '—'}</td>
            <td />
          </tr>
        ))}
    </>
  );
}

function SettingForm({
  initial,
  categories,
  destinations,
  types,
  onDone,
}: {
  initial: Setting | null;
  categories: string[];
  destinations: Destination[];
  types: TypeSpec[];
  onDone(saved: boolean): void;
}) {
  const [name, setName] = useState(initial?.name ?? '');
  const [checked, setChecked] = useState<Set<string>>(
    new Set(initial?.properties.logs.filter((l) => l.enabled).map((l) => l.category) ?? []),
  );
  const [slots, setSlots] = useState<Record<Slot, string>>({
    storageAccountId: destName(initial?.properties.storageAccountId),
    eventHubAuthorizationRuleId: destName(initial?.properties.eventHubAuthorizationRuleId),
    workspaceId: destName(initial?.properties.workspaceId),
  });
  const [replayFrom, setReplayFrom] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const slotOf = new Map(types.map((t) => [t.type, t.slot]));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    // Keep what the form does not show (retention policies, metrics, …) as it was.
    const properties: Record<string, unknown> = { ...(initial?.properties ?? {}) };
    properties.logs = categories
      .filter((c) => checked.has(c))
      .map((category) => ({ category, enabled: true }));
    for (const { slot } of SLOTS) {
      if (slots[slot]) properties[slot] = slots[slot];
      else delete properties[slot];
    }
    if (replayFrom) properties.replayFrom = new Date(replayFrom).toISOString();
    try {
      await send('PUT', `/api/v1/diagnosticSettings/${encodeURIComponent(name)}`, { properties });
      onDone(true);
    } catch (err) {
      setProblem((err as Error).message);
    }
  };

  return (
    <form className="edit-form" aria-label="Diagnostic setting" onSubmit={submit}>
      <label>
        Setting name
        <input value={name} onChange={(e) => setName(e.target.value)} required disabled={initial !== null} />
      </label>
      <fieldset>
        <legend>Categories</legend>
        <div className="checks">
          {categories.map((c) => (
            <label key={c} className="check">
              <input
                type="checkbox"
                checked={checked.has(c)}
                onChange={(e) => {
                  const next = new Set(checked);
                  if (e.target.checked) next.add(c);
                  else next.delete(c);
                  setChecked(next);
                }}
              />
              {c}
            </label>
          ))}
        </div>
      </fieldset>
      <fieldset>
        <legend>Destinations</legend>
        {SLOTS.map(({ slot, label }) => (
          <label key={slot}>
            {label}
            <select value={slots[slot]} onChange={(e) => setSlots({ ...slots, [slot]: e.target.value })}>
              <option value="">— none —</option>
              {destinations
                .filter((d) => slotOf.get(d.type) === slot)
                .map((d) => (
                  <option key={d.name} value={d.name}>
                    {d.name} ({d.type})
                  </option>
                ))}
            </select>
          </label>
        ))}
      </fieldset>
      <label>
        Replay from (new routes only; empty: from now)
        <input type="datetime-local" value={replayFrom} onChange={(e) => setReplayFrom(e.target.value)} />
      </label>
      {problem && (
        <p className="error-text" role="alert">
          {problem}
        </p>
      )}
      <div className="form-actions">
        <button type="submit" className="primary">
          Save setting
        </button>
        <button type="button" onClick={() => onDone(false)}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function DestinationForm({
  initial,
  types,
  onDone,
}: {
  initial: Destination | null;
  types: TypeSpec[];
  onDone(saved: boolean): void;
}) {
  const [name, setName] = useState(initial?.name ?? '');
  const [type, setType] = useState(initial?.type ?? types[0]!.type);
  const [values, setValues] = useState<Record<string, string | boolean>>(() => {
    const v: Record<string, string | boolean> = {};
    for (const f of types.find((t) => t.type === type)?.fields ?? []) {
      const cur = initial?.[f.name];
      if (f.secret || cur === undefined || cur === null) continue;
      v[f.name] = typeof cur === 'boolean' ? cur : String(cur);
    }
    return v;
  });
  const [problem, setProblem] = useState<string | null>(null);
  const spec = types.find((t) => t.type === type)!;
  const secretsSet = new Set(initial && initial.type === type ? (initial.secretsSet ?? []) : []);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const body: Record<string, unknown> = { type };
    for (const f of spec.fields) {
      const v = values[f.name];
      if (f.type === 'boolean') {
        if (v === true) body[f.name] = true;
      } else if (typeof v === 'string' && v !== '') {
        body[f.name] = f.type === 'number' ? Number(v) : v;
      }
      // A secret left empty keeps the stored one (the API keeps omitted secrets).
    }
    try {
      await send('PUT', `/api/v1/destinations/${encodeURIComponent(name)}`, body);
      onDone(true);
    } catch (err) {
      setProblem((err as Error).message);
    }
  };

  return (
    <form className="edit-form" aria-label="Destination" onSubmit={submit}>
      <label>
        Destination name
        <input value={name} onChange={(e) => setName(e.target.value)} required disabled={initial !== null} />
      </label>
      <label>
        Type
        <select
          value={type}
          onChange={(e) => {
            setType(e.target.value);
            setValues({});
          }}
        >
          {types.map((t) => (
            <option key={t.type} value={t.type}>
              {t.type}
            </option>
          ))}
        </select>
      </label>
      {spec.fields.map((f) =>
        f.type === 'boolean' ? (
          <label key={`${type}.${f.name}`} className="check">
            <input
              type="checkbox"
              checked={values[f.name] === true}
              onChange={(e) => setValues({ ...values, [f.name]: e.target.checked })}
            />
            {f.name}
          </label>
        ) : (
          <div key={`${type}.${f.name}`} className="field">
            <label htmlFor={`dest-${f.name}`}>
              {f.name}
              {f.required ? ' *' : ''}
            </label>
            {f.name === 'ca' ? (
              <textarea
                id={`dest-${f.name}`}
                value={String(values[f.name] ?? '')}
                onChange={(e) => setValues({ ...values, [f.name]: e.target.value })}
                rows={3}
              />
            ) : (
              <input
                id={`dest-${f.name}`}
                type={f.secret ? 'password' : f.type === 'number' ? 'number' : 'text'}
                autoComplete={f.secret ? 'new-password' : 'off'}
                value={String(values[f.name] ?? '')}
                placeholder={f.secret && secretsSet.has(f.name) ? 'set — leave empty to keep' : ''}
                required={f.required && !(f.secret && secretsSet.has(f.name))}
                onChange={(e) => setValues({ ...values, [f.name]: e.target.value })}
              />
            )}
          </div>
        ),
      )}
      {spec.fields.length === 0 && (
        <p className="muted">No settings: the workspace reads the store directly.</p>
      )}
      {problem && (
        <p className="error-text" role="alert">
          {problem}
        </p>
      )}
      <div className="form-actions">
        <button type="submit" className="primary">
          Save destination
        </button>
        <button type="button" onClick={() => onDone(false)}>
          Cancel
        </button>
      </div>
    </form>
  );
}
