/**
 * What the watchlist routes share: Sentinel's resource shape (`{name, type, properties}` with
 * Sentinel's property names), the create-or-update body, and who may read or write.
 */
import { type Static, Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { WATCHLIST_WRITER_ROLES } from '../../../registry/roles.ts';
import type { WatchlistRow } from '../../../store/store.ts';
import { ALIAS, ALIAS_RULE } from '../../../watchlists/build.ts';
import { requireRole } from '../../auth.ts';
import { ApiError } from '../../errors.ts';
import { WORKSPACE_ROLES } from '../workspace/roles.ts';

export const readers = { preHandler: requireRole(...WORKSPACE_ROLES) };
export const writers = { preHandler: requireRole(...WATCHLIST_WRITER_ROLES) };

export const TYPE = 'Microsoft.SecurityInsights/Watchlists';

export function checkAlias(alias: string): void {
  if (!ALIAS.test(alias)) throw new ApiError(400, 'BadRequest', ALIAS_RULE);
}

export const notFound = (alias: string) =>
  new ApiError(404, 'NotFound', `no watchlist with alias '${alias}'`);

/** Sentinel's watchlist resource (its property names; `watchlistItemsCount` as in 2021-09-01-preview). */
export const resource = (w: WatchlistRow) => ({
  id: `/api/v1/watchlists/${w.alias}`,
  name: w.alias,
  type: TYPE,
  properties: {
    watchlistId: w.watchlistId,
    watchlistAlias: w.alias,
    displayName: w.displayName,
    description: w.description,
    provider: w.provider,
    source: w.source,
    itemsSearchKey: w.itemsSearchKey,
    contentType: w.contentType,
    numberOfLinesToSkip: w.numberOfLinesToSkip,
    labels: w.labels,
    sourceType: 'Local file',
    watchlistItemsCount: w.itemCount,
    created: w.createdAt,
    updated: w.updatedAt,
    createdBy: { name: w.createdBy },
    updatedBy: { name: w.updatedBy },
    // The CSV header, in order: the KQL columns _GetWatchlist gives after its own four.
    columns: w.columns,
  },
});

const Properties = Type.Object(
  {
    displayName: Type.String({ minLength: 1, maxLength: 256 }),
    provider: Type.String({ minLength: 1, maxLength: 256 }),
    source: Type.String({ minLength: 1, maxLength: 256 }),
    itemsSearchKey: Type.String({ minLength: 1, maxLength: 256 }),
    rawContent: Type.String(),
    contentType: Type.String({ minLength: 1, maxLength: 64 }),
    description: Type.Optional(Type.Union([Type.String({ maxLength: 4096 }), Type.Null()])),
    numberOfLinesToSkip: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })),
    labels: Type.Optional(Type.Array(Type.String({ maxLength: 256 }), { maxItems: 50 })),
    sourceType: Type.Optional(Type.String({ maxLength: 64 })),
    // Sentinel clients often repeat the alias here; it must then be the URL's.
    watchlistAlias: Type.Optional(Type.String({ maxLength: 100 })),
  },
  // Sentinel's read-only and unsupported properties (watchlistId, created, labels, …) are refused
  // rather than silently ignored.
  { additionalProperties: false },
);
const checkProperties = TypeCompiler.Compile(Properties);

const SHAPE =
  'the body must be a JSON object: {"properties": {displayName, provider, source, itemsSearchKey, rawContent, contentType: "text/csv", description?, numberOfLinesToSkip?, labels?}} (or those properties at the top level)';

/** Sentinel's request body `{"properties": {…}}`, or the same properties at the top level. */
export function parseBody(text: string | undefined): Static<typeof Properties> {
  let body: unknown;
  try {
    body = JSON.parse(text || '');
  } catch {
    throw new ApiError(400, 'BadRequest', SHAPE);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new ApiError(400, 'BadRequest', SHAPE);
  const wrapped = 'properties' in body;
  if (wrapped && Object.keys(body).some((k) => k !== 'properties' && k !== 'name' && k !== 'etag'))
    throw new ApiError(400, 'BadRequest', SHAPE);
  const props = wrapped ? (body as { properties: unknown }).properties : body;
  const first = checkProperties.Errors(props).First();
  if (first) {
    const where = first.path ? `'${first.path.slice(1) || 'properties'}'` : 'properties';
    throw new ApiError(400, 'BadRequest', `invalid watchlist: ${where} ${first.message.toLowerCase()}`);
  }
  return props as Static<typeof Properties>;
}
