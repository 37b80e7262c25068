/** The shell: sign-in with an API key, then the left navigation and the current view. */
import { lazy, Suspense, useEffect, useState } from 'react';
import { DIAGNOSTIC_SETTINGS_ROLES, LOG_READER_ROLES } from '../../src/registry/roles.ts';
import { ListPage } from './components/ListPage.tsx';
import { SignIn } from './components/SignIn.tsx';
import { ATTRIBUTE_LOG_ROLES, fetchMe, type Me, session } from './lib/api.ts';
import { CALLBACK_PATH, completeOidcSignIn, fetchAuthConfig } from './lib/oidc.ts';
import { navigate, useLocation } from './lib/router.ts';
import { DiagnosticSettingsPage } from './pages/DiagnosticSettingsPage.tsx';
import { RetentionPage } from './pages/RetentionPage.tsx';
import { WatchlistsPage } from './pages/WatchlistsPage.tsx';
import { auditView } from './views/audit.tsx';
import { provisioningView } from './views/provisioning.tsx';
import { riskDetectionsView, riskyUsersView } from './views/risk.tsx';
import { signInView } from './views/signins.tsx';
import type { View } from './views/types.ts';

const NAV: Array<{ group: string; views: View[] }> = [
  { group: 'Monitoring & health', views: [signInView, auditView, provisioningView] },
  { group: 'ID Protection', views: [riskyUsersView, riskDetectionsView] },
];
const VIEWS = NAV.flatMap((g) => g.views);
/** Pages that are not log lists; `roles`: shown only to these (the roles their APIs accept). */
const ALL_PAGES: Array<{ id: string; path: string; title: string; roles?: readonly string[] }> = [
  { id: 'retention', path: '/retention', title: 'Retention & integrity' },
  {
    id: 'diagnostic-settings',
    path: '/diagnostic-settings',
    title: 'Diagnostic settings',
    roles: DIAGNOSTIC_SETTINGS_ROLES,
  },
  // Whoever may query the workspace reads watchlists (the API's readers).
  {
    id: 'watchlists',
    path: '/watchlists',
    title: 'Watchlists',
    roles: [...LOG_READER_ROLES, ...ATTRIBUTE_LOG_ROLES],
  },
];
/** The Logs page (KQL), loaded on first visit: the other views never load Monaco. */
const LogsPage = lazy(() => import('./logs/LogsPage.tsx').then((m) => ({ default: m.LogsPage })));
const LOGS = { id: 'logs', path: '/logs', title: 'Logs' };

export function App() {
  const loc = useLocation();
  const [me, setMe] = useState<Me | null>(null);
  const atCallback = loc.path === CALLBACK_PATH;
  const [checking, setChecking] = useState(session.get() !== null || atCallback);
  const [signInError, setSignInError] = useState<string | null>(null);

  // Once, on load: the callback's parameters and the stored session are read as the page opened.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on mount only, by design
  useEffect(() => {
    if (atCallback) {
      // Back from the OIDC provider: trade the code for a token, then sign in with it.
      (async () => {
        const cfg = await fetchAuthConfig();
        if (!cfg) throw new Error('OIDC sign-in is not configured on this server.');
        const token = await completeOidcSignIn(cfg, loc.params);
        const m = await fetchMe(token);
        session.set(token);
        setMe(m);
      })().then(
        () => {
          setChecking(false);
          navigate(auditView.path, undefined, true);
        },
        (err: unknown) => {
          setSignInError(err instanceof Error ? err.message : String(err));
          setChecking(false);
          navigate('/', undefined, true);
        },
      );
      return;
    }
    if (!session.get()) return;
    fetchMe().then(
      (m) => {
        setMe(m);
        setChecking(false);
      },
      () => {
        session.clear();
        setChecking(false);
      },
    );
  }, []);

  if (checking) return <div className="state loading">Signing in…</div>;
  if (!me) {
    return (
      <SignIn
        initialError={signInError}
        onSignedIn={(key, m) => {
          session.set(key);
          setMe(m);
          if (loc.path === '/' || loc.path === '') navigate(auditView.path, undefined, true);
        }}
      />
    );
  }

  const PAGES = ALL_PAGES.filter((p) => !p.roles || p.roles.some((r) => me.roles.includes(r)));
  const logs = loc.path === LOGS.path ? LOGS : undefined;
  const page = PAGES.find((p) => p.path === loc.path) ?? logs;
  const view = VIEWS.find((v) => v.path === loc.path) ?? (page ? auditView : undefined);
  if (!view) {
    queueMicrotask(() => navigate(auditView.path, undefined, true));
    return null;
  }

  return (
    <div className="shell">
      <header className="topbar">
        <span className="brand">idtrail</span>
        <span className="crumb">Identity · {page ? page.title : view.title}</span>
        <span className="spacer" />
        <span className="who" title={`tenant ${me.tenant}`}>
          {me.name || me.keyId} · {me.roles.filter((r) => r !== 'ingest').join(', ')}
        </span>
        <button
          type="button"
          className="signout"
          onClick={() => {
            session.clear();
            setMe(null);
          }}
        >
          Sign out
        </button>
      </header>
      <nav className="leftnav" aria-label="Navigation">
        {NAV.map((g) => (
          <div key={g.group} className="nav-group">
            <div className="nav-title">{g.group}</div>
            {g.views.map((v) => (
              <a
                key={v.id}
                href={v.path}
                className={!page && v.id === view.id ? 'nav-item active' : 'nav-item'}
                aria-current={!page && v.id === view.id ? 'page' : undefined}
                onClick={(e) => {
                  e.preventDefault();
                  navigate(v.path);
                }}
              >
                {v.title}
              </a>
            ))}
            {g === NAV[0] && (
              <a
                href={LOGS.path}
                className={logs ? 'nav-item active' : 'nav-item'}
                aria-current={logs ? 'page' : undefined}
                onClick={(e) => {
                  e.preventDefault();
                  navigate(LOGS.path);
                }}
              >
                {LOGS.title}
              </a>
            )}
          </div>
        ))}
        <div className="nav-group">
          <div className="nav-title">Settings</div>
          {PAGES.map((p) => (
            <a
              key={p.id}
              href={p.path}
              className={page?.id === p.id ? 'nav-item active' : 'nav-item'}
              aria-current={page?.id === p.id ? 'page' : undefined}
              onClick={(e) => {
                e.preventDefault();
                navigate(p.path);
              }}
            >
              {p.title}
            </a>
          ))}
        </div>
      </nav>
      <main className="content">
        {logs ? (
          <Suspense fallback={<div className="state loading">Loading the query editor…</div>}>
            <LogsPage me={me} params={loc.params} />
          </Suspense>
        ) : page?.id === 'diagnostic-settings' ? (
          <DiagnosticSettingsPage />
        ) : page?.id === 'watchlists' ? (
          <WatchlistsPage me={me} />
        ) : page ? (
          <RetentionPage />
        ) : (
          <ListPage key={view.id} view={view} me={me} params={loc.params} />
        )}
      </main>
    </div>
  );
}
