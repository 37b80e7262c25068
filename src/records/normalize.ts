/**
 * Schema-driven normalisation of incoming records into the canonical Graph shape.
 *
 * Diagnostic exports differ from Graph in known ways (entra-formats.md §3.5): US-locale times
 * ("8/22/2022 6:11:52 PM"), `+00:00` offsets with 7 fractional digits, numeric enum ordinals,
 * capitalised enum names ("Member"), PascalCase sub-keys in provisioning records ({"Id","Name"}),
 * and JSON objects encoded as strings. The record schema knows what each property should be, so
 * one walker compiled from the schema repairs all of these; anything it cannot repair is left as
 * it is for validation to report.
 */
import type { TSchema } from '@sinclair/typebox';

type Fix = (value: unknown) => unknown;

const identity: Fix = (v) => v;

/** Key spellings seen in exports that are not simply the Graph name with a capital first letter. */
const KEY_ALIASES: Record<string, readonly string[]> = {
  displayName: ['Name', 'name', 'DisplayName'],
  initiatorType: ['Type', 'type'],
};

const US_LOCALE = /^(\d{1,2})\/(\d{1,2})\/(\d{4}) (\d{1,2}):(\d{2}):(\d{2})(?:\.(\d+))? ?([AP]M)?$/i;
const ISO = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2})?)(?:\.(\d+))?(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * Normalises a timestamp to UTC ISO 8601 with a `Z`, keeping up to 7 fractional digits (Entra's
 * 100 ns precision). Returns the input unchanged when it is not a recognisable time.
 */
export function normalizeDateTime(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const iso = ISO.exec(value);
  if (iso) {
    const [, date, clock, fraction = '', zone] = iso;
    const time = clock!.length === 5 ? `${clock}:00` : clock!;
    const frac = fraction.slice(0, 7);
    if (!zone || zone === 'Z' || zone === 'z' || /^[+-]00:?00$/.test(zone)) {
      return `${date}T${time}${frac ? `.${frac}` : ''}Z`;
    }
    const ms = Date.parse(
      `${date}T${time}${zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone}`,
    );
    if (Number.isNaN(ms)) return value;
    const base = new Date(ms).toISOString().slice(0, 19);
    return `${base}${frac ? `.${frac}` : ''}Z`;
  }
  const us = US_LOCALE.exec(value);
  if (us) {
    const [, month, day, year, hour, minute, second, fraction = '', ampm] = us;
    let h = Number(hour);
    if (ampm) {
      const pm = ampm.toUpperCase() === 'PM';
      if (h === 12) h = pm ? 12 : 0;
      else if (pm) h += 12;
    }
    const pad = (n: string | number) => String(n).padStart(2, '0');
    const frac = fraction.slice(0, 7);
    // Exports write these without a zone; Azure Monitor times are UTC.
    return `${year}-${pad(month!)}-${pad(day!)}T${pad(h)}:${minute}:${second}${frac ? `.${frac}` : ''}Z`;
  }
  return value;
}

function tryParseJson(value: string, want: 'object' | 'array'): unknown {
  const t = value.trimStart()[0];
  if ((want === 'object' && t !== '{') || (want === 'array' && t !== '[')) return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

function enumFix(members: readonly string[]): Fix {
  const byLower = new Map(members.map((m) => [m.toLowerCase(), m]));
  return (v) => {
    if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < members.length) return members[v];
    if (typeof v === 'string') {
      if (/^\d+$/.test(v)) {
        const n = Number(v);
        if (n < members.length) return members[n];
      }
      return byLower.get(v.toLowerCase()) ?? v;
    }
    return v;
  };
}

function objectFix(schema: TSchema): Fix {
  const props = (schema.properties ?? {}) as Record<string, TSchema>;
  const entries = Object.entries(props).map(([key, s]) => [key, compile(s)] as const);
  const fixes = new Map(entries);
  // Alternative spellings to look for when the Graph key is absent.
  const alternatives = Object.keys(props).map((key) => {
    const pascal = key[0]!.toUpperCase() + key.slice(1);
    return [key, [pascal, ...(KEY_ALIASES[key] ?? [])]] as const;
  });
  return (v) => {
    if (typeof v === 'string') v = tryParseJson(v, 'object');
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const obj = v as Record<string, unknown>;
    for (const [key, alts] of alternatives) {
      if (key in obj) continue;
      for (const alt of alts) {
        if (alt in obj && !(alt in props)) {
          obj[key] = obj[alt];
          delete obj[alt];
          break;
        }
      }
    }
    for (const key in obj) {
      const fix = fixes.get(key);
      if (fix && fix !== identity) obj[key] = fix(obj[key]);
    }
    return obj;
  };
}

const compiled = new WeakMap<TSchema, Fix>();

/** Compiles a schema into a function that repairs a value in place (objects) or returns a new one. */
export function compile(schema: TSchema): Fix {
  const cached = compiled.get(schema);
  if (cached) return cached;
  let fix: Fix = identity;
  if (schema['x-enum']) {
    fix = enumFix(schema['x-enum'] as readonly string[]);
  } else if (schema.anyOf) {
    // Nullable(T) and similar unions: repair with the first non-null branch that does something.
    const branches = (schema.anyOf as TSchema[]).filter((s) => s.type !== 'null').map(compile);
    const useful = branches.filter((b) => b !== identity);
    if (useful.length === 1) {
      const inner = useful[0]!;
      fix = (v) => (v === null ? v : inner(v));
    }
  } else if (schema.type === 'object' && schema.properties) {
    fix = objectFix(schema);
  } else if (schema.type === 'array') {
    const item = compile(schema.items as TSchema);
    fix = (v) => {
      if (typeof v === 'string') v = tryParseJson(v, 'array');
      if (Array.isArray(v) && item !== identity) for (let i = 0; i < v.length; i++) v[i] = item(v[i]);
      return v;
    };
  } else if (schema.type === 'string' && schema.format === 'date-time') {
    fix = normalizeDateTime;
  } else if (schema.type === 'integer') {
    fix = (v) => (typeof v === 'string' && /^-?\d{1,15}$/.test(v) ? Number(v) : v);
  } else if (schema.type === 'boolean') {
    fix = (v) => (v === 'true' || v === 'True' ? true : v === 'false' || v === 'False' ? false : v);
  }
  compiled.set(schema, fix);
  return fix;
}
