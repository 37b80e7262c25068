/**
 * `_GetWatchlist('alias')`, Microsoft Sentinel's function over a watchlist: a tabular source, also
 * inside `let`, `join`, `lookup`, `in` and `union`. The alias must be a constant (it decides the
 * columns); the caller's context resolves it against the tenant's watchlists only (run.ts).
 */
import type { Tabular } from './ast.ts';
import type { Compiler, Rel } from './compile.ts';
import { KqlError } from './errors.ts';

type Call = Extract<Tabular, { kind: 'call' }>;

export function getWatchlist(cx: Compiler, t: Call): Rel {
  const arg = t.args[0];
  if (!arg || t.args.length !== 1)
    throw new KqlError(`${t.name}(): expected one argument, the watchlist alias`, t.pos, t.len);
  let value: unknown;
  try {
    value = cx.scalar(arg, { cols: [] }).value;
  } catch {
    value = undefined;
  }
  if (typeof value !== 'string')
    throw new KqlError(
      `${t.name}(): the watchlist alias must be a constant string (its columns come from the watchlist)`,
      arg.pos,
      arg.len,
    );
  const rel = cx.ctx.watchlist?.(value);
  if (!rel)
    // Sentinel's function gives an empty table for an alias it does not know; a rule whose watchlist
    // is misspelt or missing then never fires, silently. idtrail names it instead (docs/kql.md).
    throw new KqlError(
      `Watchlist '${value}' was not found: no watchlist of this workspace has that alias`,
      arg.pos,
      arg.len,
    );
  return rel;
}
