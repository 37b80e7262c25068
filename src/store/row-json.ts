/**
 * A row's typed column values as one JSON object keyed by column name, in the log type's column
 * order (absent values as null): the form the DuckDB store's scratch files carry them in. A
 * producer on a worker thread (the simulator's backfill) makes it there and hands it with the
 * record (`SealedRow.columnsJson`), so the main thread neither clones the values nor serialises
 * them.
 */
import type { LogType } from '../registry/types.ts';

export function columnsJson(type: LogType, values: readonly unknown[]): string {
  const o: Record<string, unknown> = {};
  for (let c = 0; c < type.columns.length; c++) o[type.columns[c]!.name] = values[c] ?? null;
  return JSON.stringify(o);
}
