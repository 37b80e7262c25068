/** Sign-in with an API key, or through the configured OIDC provider; and where to find a key. */
import { useEffect, useState } from 'react';
import { fetchMe, type Me } from '../lib/api.ts';
import { fetchAuthConfig, type PortalOidc, startOidcSignIn } from '../lib/oidc.ts';

export function SignIn({
  onSignedIn,
  initialError = null,
}: {
  onSignedIn: (key: string, me: Me) => void;
  initialError?: string | null;
}) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | null>(initialError);
  const [busy, setBusy] = useState(false);
  const [oidc, setOidc] = useState<PortalOidc | null>(null);
  useEffect(() => {
    fetchAuthConfig().then(setOidc, () => setOidc(null));
  }, []);
  return (
    <div className="signin">
      <form
        className="signin-card"
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          setError(null);
          try {
            onSignedIn(key.trim(), await fetchMe(key.trim()));
          } catch (err) {
            setError(err instanceof Error ? err.message : String(err));
          } finally {
            setBusy(false);
          }
        }}
      >
        <div className="brand big">idtrail</div>
        <h1>Sign in</h1>
        <p>Identity activity logs: audit, sign-ins, provisioning and risk.</p>
        <label className="field">
          <span>API key</span>
          <input
            type="password"
            aria-label="API key"
            autoComplete="off"
            placeholder="idt_…"
            value={key}
            onChange={(e) => setKey(e.target.value)}
          />
        </label>
        {error && (
          <div className="state error" role="alert">
            {error}
          </div>
        )}
        <button type="submit" className="primary wide" disabled={busy || key.trim() === ''}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        {oidc && (
          <button
            type="button"
            className="wide"
            disabled={busy}
            onClick={() => {
              setBusy(true);
              startOidcSignIn(oidc).catch((err: unknown) => {
                setError(err instanceof Error ? err.message : String(err));
                setBusy(false);
              });
            }}
          >
            Sign in with {oidc.name}
          </button>
        )}
        <div className="hint">
          <strong>Where is my key?</strong> On its first start the server prints an admin key (
          <code>first start: created an admin key …</code>) in the terminal where you ran{' '}
          <code>npm start</code>. It is shown only once; to make another, run{' '}
          <code>bin/idtrail keys create --role "Global Reader"</code>. With <code>IDTRAIL_BOOTSTRAP_KEY</code>{' '}
          set, that value is the key.
        </div>
      </form>
    </div>
  );
}
