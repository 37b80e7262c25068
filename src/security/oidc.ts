/**
 * OIDC bearer tokens beside API keys: JWTs validated with `jose` against configured issuers (their
 * JWKS URL, or static keys) and audience. The tenant comes from `tid`; roles from Entra's `wids`
 * (directory role template ids) and from the `roles` claim (app roles named like our roles, by name
 * or template id). A token without `tid`, or without any role idtrail knows, is refused.
 */
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  decodeJwt,
  errors,
  type JSONWebKeySet,
  type JWTPayload,
  type JWTVerifyGetKey,
  jwtVerify,
} from 'jose';
import { parseRole, ROLE_NAMES, type RoleName } from '../registry/roles.ts';

export interface OidcIssuer {
  /**
   * The `iss` a token must carry. `{tenantid}` stands for the tenant in a multi-tenant issuer
   * (Entra's `https://login.microsoftonline.com/{tenantid}/v2.0`): it must equal the token's `tid`.
   */
  issuer: string;
  /** Accepted `aud` values. */
  audience: string | string[];
  /** Where the issuer publishes its keys. */
  jwksUri?: string;
  /** Or the keys themselves. */
  jwks?: JSONWebKeySet;
}

/** Who a validated token speaks for; the same fields an API key gives a request. */
export interface TokenPrincipal {
  kind: 'oidc';
  tenant: string;
  roles: RoleName[];
  /** A stable id for throttling and audit: `oidc:<oid or sub>`. */
  keyId: string;
  name: string;
  /** The signed-in user's object id (delegated tokens). */
  userId?: string;
  /** The client application id (`azp` or `appid`). */
  appId?: string;
}

export class TokenRefused extends Error {}

/** Asymmetric algorithms only: `none` and shared-secret HMAC tokens are refused. */
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/** Whether a bearer credential is a JWT (an API key never has this shape). */
export function looksLikeJwt(credential: string): boolean {
  return JWT_SHAPE.test(credential);
}

interface Compiled {
  config: OidcIssuer;
  match: RegExp;
  keys: JWTVerifyGetKey;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export class OidcVerifier {
  private readonly issuers: Compiled[];

  constructor(issuers: readonly OidcIssuer[]) {
    this.issuers = issuers.map((config) => {
      if (!config.jwksUri && !config.jwks)
        throw new Error(`OIDC issuer ${config.issuer}: needs jwksUri or jwks`);
      const keys = config.jwks
        ? createLocalJWKSet(config.jwks)
        : createRemoteJWKSet(new URL(config.jwksUri!));
      const pattern = escapeRegExp(config.issuer).replace(escapeRegExp('{tenantid}'), '([0-9a-fA-F-]{36})');
      return { config, match: new RegExp(`^${pattern}$`), keys };
    });
  }

  get configured(): boolean {
    return this.issuers.length > 0;
  }

  /** Validates a token; throws TokenRefused with the reason when it is not acceptable. */
  async verify(token: string): Promise<TokenPrincipal> {
    let unverified: JWTPayload;
    try {
      unverified = decodeJwt(token);
    } catch {
      throw new TokenRefused('The token is not a well-formed JWT.');
    }
    const iss = typeof unverified.iss === 'string' ? unverified.iss : '';
    const issuer = this.issuers.find((i) => i.match.test(iss));
    if (!issuer) throw new TokenRefused('The token issuer is not trusted.');
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, issuer.keys, {
        issuer: iss,
        audience: issuer.config.audience,
        algorithms: ALGORITHMS,
        clockTolerance: 60,
        requiredClaims: ['exp'],
      }));
    } catch (err) {
      throw new TokenRefused(reason(err));
    }
    const tid = payload.tid;
    if (typeof tid !== 'string' || !/^[0-9a-fA-F-]{36}$/.test(tid))
      throw new TokenRefused('The token has no tid claim.');
    const templated = issuer.match.exec(iss)?.[1];
    if (templated && templated.toLowerCase() !== tid.toLowerCase()) {
      throw new TokenRefused("The token's issuer names another tenant than its tid claim.");
    }
    const roles = rolesOf(payload);
    if (roles.length === 0) throw new TokenRefused('The token grants no idtrail role (wids or roles claim).');
    const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
    const userId = str(payload.oid);
    const appId = str(payload.azp) ?? str(payload.appid);
    const name =
      str(payload.preferred_username) ??
      str(payload.upn) ??
      str(payload.name) ??
      appId ??
      str(payload.sub) ??
      'token';
    return {
      kind: 'oidc',
      tenant: tid.toLowerCase(),
      roles,
      keyId: `oidc:${userId ?? str(payload.sub) ?? name}`,
      name,
      ...(userId ? { userId } : {}),
      ...(appId ? { appId } : {}),
    };
  }
}

/** Roles from `wids` (template ids; unknown ones ignored) and `roles` (names or template ids). */
export function rolesOf(payload: JWTPayload): RoleName[] {
  const found = new Set<RoleName>();
  for (const claim of [payload.wids, payload.roles]) {
    if (!Array.isArray(claim)) continue;
    for (const v of claim) {
      const role = typeof v === 'string' ? (parseRole(v) ?? compactRole(v)) : undefined;
      if (role) found.add(role);
    }
  }
  return [...found];
}

/** App role values cannot hold spaces: `SecurityReader`, `Security.Reader`, `security_reader`. */
function compactRole(v: string): RoleName | undefined {
  const squash = (s: string) => s.replace(/[\s._-]/g, '').toLowerCase();
  const want = squash(v);
  return ROLE_NAMES.find((r) => squash(r) === want);
}

function reason(err: unknown): string {
  if (err instanceof errors.JWTExpired) return 'The token is expired.';
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === 'aud') return 'Invalid audience.';
    if (err.claim === 'iss') return 'Invalid issuer.';
    if (err.claim === 'nbf') return 'The token is not valid yet.';
    return `Invalid ${err.claim} claim.`;
  }
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'Invalid signature.';
  if (err instanceof errors.JWKSNoMatchingKey) return 'No signing key matches the token.';
  if (err instanceof errors.JOSEAlgNotAllowed) return 'The token algorithm is not allowed.';
  if (err instanceof errors.JWKSTimeout || err instanceof errors.JOSEError)
    return `The token could not be verified (${err.code}).`;
  return 'The token could not be verified.';
}
