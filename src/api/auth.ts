/**
 * Authentication (Bearer API keys) and role checks. Missing or bad credentials → 401, a valid
 * key without a needed role → 403, both in Graph's error shape.
 */
import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { RoleName } from '../registry/roles.ts';
import type { KeyResolver } from '../security/api-keys.ts';
import { looksLikeJwt, type OidcVerifier, type TokenPrincipal, TokenRefused } from '../security/oidc.ts';
import type { ApiKeyRow } from '../store/store.ts';
import { ApiError } from './errors.ts';

/** Who a request speaks for: an API key, or a validated OIDC token (security/oidc.ts). */
export type Principal =
  | (Pick<ApiKeyRow, 'tenant' | 'keyId' | 'name'> & { kind: 'apiKey'; roles: string[] })
  | TokenPrincipal;

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

export function authenticate(keys: KeyResolver, oidc?: OidcVerifier): preHandlerAsyncHookHandler {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const header = req.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match) {
      reply.header('WWW-Authenticate', 'Bearer');
      throw new ApiError(401, 'InvalidAuthenticationToken', 'Access token is empty.');
    }
    if (oidc?.configured && looksLikeJwt(match[1]!)) {
      try {
        req.principal = await oidc.verify(match[1]!);
        return;
      } catch (err) {
        if (!(err instanceof TokenRefused)) throw err;
        reply.header('WWW-Authenticate', 'Bearer error="invalid_token"');
        throw new ApiError(
          401,
          'InvalidAuthenticationToken',
          `Access token validation failure. ${err.message}`,
        );
      }
    }
    const key = await keys.resolve(match[1]!);
    if (!key) {
      reply.header('WWW-Authenticate', 'Bearer error="invalid_token"');
      throw new ApiError(401, 'InvalidAuthenticationToken', 'Access token validation failure. Invalid key.');
    }
    req.principal = {
      kind: 'apiKey',
      tenant: key.tenant,
      keyId: key.keyId,
      name: key.name,
      roles: key.roles,
    };
  };
}

export function requireRole(...roles: readonly RoleName[]): preHandlerAsyncHookHandler {
  return async (req: FastifyRequest) => {
    const held = req.principal?.roles ?? [];
    if (!roles.some((r) => held.includes(r))) {
      throw new ApiError(
        403,
        'Authorization_RequestDenied',
        `Insufficient privileges to complete the operation. One of these roles is needed: ${roles.join(', ')}.`,
      );
    }
  };
}
