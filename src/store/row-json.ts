/**
 * A row's typed column values as one JSON object keyed by column name, in the log type's column
 * order (absent values as null): the form the DuckDB store's scratch files carry them in. A
 * producer on a worker thread (the simulator's backfill) makes it there and hands it with the
 * record (`SealedRow.columnsJson`), so the main thread neither clones the values nor serialises
 * them.
 */
import type { LogType } from '../registry/types.ts';

type MakeRow = (values: readonly unknown[]) => object;

/** Per log type, a function returning an object literal of its columns (see columnsJson). */
const makers = new WeakMap<LogType, MakeRow>();

/**
 * Generated rather than filled key by key: an object literal has its keys in place from the start,
 * which JSON.stringify serialises in one fast native pass to one flat string. Building an object
 * per row, or joining each value's JSON, cost a demo start ~5 s more CPU (bench:demo). The column
 * names come from the registry; each is quoted with JSON.stringify.
 */
function makerOf(type: LogType): MakeRow {
  let make = makers.get(type);
  if (!make) {
    const body = type.columns.map((c, i) => `${JSON.stringify(c.name)}: v[${i}] ?? null`).join(', ');
    make = new Function('v', `return { ${body} };`) as MakeRow;
    makers.set(type, make);
  }
  return make;
}

export function columnsJson(type: LogType, values: readonly unknown[]): string {
  return JSON.stringify(makerOf(type)(values));
}
