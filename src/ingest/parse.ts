/**
 * Turns an ingest body into a list of items. Accepted: a JSON array of records; an Event Hubs
 * message `{"records":[…]}`; a single record; or NDJSON — one record or envelope per line, as in
 * a storage-account `PT1H.json` blob (which is NDJSON even though it is named .json).
 */
import type { RecordError } from './validate.ts';

export interface ParsedBody {
  items: unknown[];
  errors: RecordError[];
}

function unwrap(value: unknown, items: unknown[]): void {
  if (Array.isArray(value)) {
    for (const v of value) items.push(v);
  } else if (
    value !== null &&
    typeof value === 'object' &&
    Array.isArray((value as { records?: unknown }).records)
  ) {
    for (const v of (value as { records: unknown[] }).records) items.push(v);
  } else {
    items.push(value);
  }
}

export function parseBody(text: string, contentType = 'application/json'): ParsedBody {
  const items: unknown[] = [];
  const errors: RecordError[] = [];
  const ndjson = /ndjson|jsonl|json-seq|x-json-stream/i.test(contentType);
  if (!ndjson) {
    try {
      unwrap(JSON.parse(text), items);
      return { items, errors };
    } catch (err) {
      // A storage export posted as application/json is NDJSON: fall through when it has several lines.
      if (!/\n\s*[[{]/.test(text.trim())) {
        errors.push({ index: 0, pointer: '', message: `body is not valid JSON: ${(err as Error).message}` });
        return { items, errors };
      }
    }
  }
  let line = 0;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const raw = text.slice(start, end).trim();
    start = end + 1;
    if (raw === '') continue;
    try {
      unwrap(JSON.parse(raw), items);
    } catch (err) {
      errors.push({
        index: items.length,
        pointer: '',
        message: `line ${line + 1} is not valid JSON: ${(err as Error).message}`,
      });
      items.push(undefined);
    }
    line++;
    if (end === text.length) break;
  }
  return { items, errors };
}
