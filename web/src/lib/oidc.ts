/**
 * Sign-in through an OIDC provider: the authorization code flow with PKCE (RFC 7636) for a public
 * client. Hand-written: it is two steps (redirect out with a code challenge; trade the code and its
 * verifier for a token at the callback) over fetch and WebCrypto, where an OIDC client library
 * would bring discovery, refresh and session management the portal does not use.
 */
export interface PortalOidc {
  name: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  clientId: string;
  scope: string;
  resource?: string;
}

export const CALLBACK_PATH = '/auth/callback';
const PENDING = 'idtrail.oidc.pending';

const base64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');

const randomText = (n = 32) => base64url(crypto.getRandomValues(new Uint8Array(n)));

export async function fetchAuthConfig(): Promise<PortalOidc | null> {
  const res = await fetch('/api/v1/auth/config');
  if (!res.ok) return null;
  return ((await res.json()) as { oidc: PortalOidc | null }).oidc;
}

const redirectUri = () => `${window.location.origin}${CALLBACK_PATH}`;

/** Leaves for the provider's sign-in page. */
export async function startOidcSignIn(cfg: PortalOidc): Promise<void> {
  const verifier = randomText(48);
  const state = randomText(16);
  const challenge = base64url(
    new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))),
  );
  sessionStorage.setItem(PENDING, JSON.stringify({ verifier, state }));
  const url = new URL(cfg.authorizationEndpoint);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', cfg.clientId);
  url.searchParams.set('redirect_uri', redirectUri());
  url.searchParams.set('scope', cfg.scope);
  url.searchParams.set('state', state);
  url.searchParams.set('code_challenge', challenge);
  url.searchParams.set('code_challenge_method', 'S256');
  if (cfg.resource) url.searchParams.set('resource', cfg.resource);
  window.location.assign(url.toString());
}

/** At the callback: checks the state and trades the code for an access token. */
export async function completeOidcSignIn(cfg: PortalOidc, params: URLSearchParams): Promise<string> {
  const pending = JSON.parse(sessionStorage.getItem(PENDING) ?? 'null') as {
    verifier: string;
    state: string;
  } | null;
  sessionStorage.removeItem(PENDING);
  const error = params.get('error');
  if (error) throw new Error(`${cfg.name} refused the sign-in: ${params.get('error_description') ?? error}`);
  if (!pending || params.get('state') !== pending.state) {
    throw new Error('The sign-in answer does not match a sign-in started here; try again.');
  }
  const code = params.get('code');
  if (!code) throw new Error('The provider sent no authorization code.');
  const body = new URLSearchParams({
    grant_type: 'authorization_code',
    code,
    redirect_uri: redirectUri(),
    client_id: cfg.clientId,
    code_verifier: pending.verifier,
  });
  if (cfg.resource) body.set('resource', cfg.resource);
  const res = await fetch(cfg.tokenEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body,
  });
  const json = (await res.json().catch(() => ({}))) as {
    access_token?: string;
    error?: string;
    error_description?: string;
  };
  if (!res.ok || !json.access_token) {
    throw new Error(`${cfg.name} gave no token: ${json.error_description ?? json.error ?? res.status}`);
  }
  return json.access_token;
}
