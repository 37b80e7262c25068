/**
 * A watchlist from Sentinel's create-or-update properties: the CSV parsed (csv.ts), the search key
 * checked against its header, each row an item with a new `_DTItemId`. Used by the API and the CLI;
 * nothing is stored here.
 */
import { randomUUID } from 'node:crypto';
import type { WatchlistStore } from '../store/store.ts';
import { parseWatchlistCsv, WatchlistCsvError } from './csv.ts';

/**
 * Aliases name the watchlist in URLs and in `_GetWatchlist('alias')`: letters, digits, `_`, `-`
 * and `.`, starting with a letter or digit, at most 100 (Fastify's path-parameter limit).
 */
export const ALIAS = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

export const ALIAS_RULE =
  'a watchlist alias is 1 to 100 letters, digits, dots, dashes or underscores, starting with a letter or digit';

export interface WatchlistInput {
  tenant: string;
  alias: string;
  displayName: string;
  provider: string;
  source: string;
  itemsSearchKey: string;
  rawContent: string;
  contentType: string;
  description?: string | null;
  numberOfLinesToSkip?: number;
  labels?: string[];
  /** Sentinel's 'Local file' (the content is in rawContent); 'Remote storage' (a SAS URI) is not supported. */
  sourceType?: string;
  /** Who creates or replaces it. */
  by: string;
}

/** Bad input, with a message for the caller. */
export class WatchlistInputError extends Error {}

export function buildWatchlist(input: WatchlistInput): Parameters<WatchlistStore['putWatchlist']> {
  if (!ALIAS.test(input.alias)) throw new WatchlistInputError(ALIAS_RULE);
  for (const f of ['displayName', 'provider', 'source', 'itemsSearchKey'] as const)
    if (!input[f].trim()) throw new WatchlistInputError(`'${f}' is blank`);
  // Sentinel's content types for rawContent (its docs: "text/csv or text/tsv").
  const contentType = input.contentType.trim().toLowerCase();
  if (contentType !== 'text/csv' && contentType !== 'text/tsv')
    throw new WatchlistInputError(
      `'contentType' must be 'text/csv' or 'text/tsv', not '${input.contentType}'`,
    );
  if (input.sourceType !== undefined && input.sourceType !== 'Local file')
    throw new WatchlistInputError(
      `'sourceType' '${input.sourceType}' is not supported: send the file's content in 'rawContent' ('Local file')`,
    );
  const labels = (input.labels ?? []).map((l) => l.trim());
  if (labels.some((l) => !l)) throw new WatchlistInputError("'labels' has a blank label");
  const skip = input.numberOfLinesToSkip ?? 0;
  let csv: ReturnType<typeof parseWatchlistCsv>;
  try {
    csv = parseWatchlistCsv(input.rawContent, skip, contentType === 'text/tsv' ? 'tsv' : 'csv');
  } catch (e) {
    if (e instanceof WatchlistCsvError) throw new WatchlistInputError(e.message);
    throw e;
  }
  const key = input.itemsSearchKey.trim();
  const keyAt = csv.columns.indexOf(key);
  if (keyAt < 0)
    throw new WatchlistInputError(
      `'itemsSearchKey' '${key}' is not a column of the CSV header (${csv.columns.join(', ')})`,
    );
  return [
    {
      tenant: input.tenant,
      alias: input.alias,
      displayName: input.displayName.trim(),
      description: input.description?.trim() || null,
      provider: input.provider.trim(),
      source: input.source.trim(),
      itemsSearchKey: key,
      contentType,
      numberOfLinesToSkip: skip,
      labels,
      columns: csv.columns,
      by: input.by,
    },
    csv.rows.map((values) => ({ itemId: randomUUID(), searchKey: values[keyAt] ?? '', values })),
  ];
}
