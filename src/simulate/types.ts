/**
 * The simulator's contract. A generator produces the records of one log family for one hour of
 * simulated time. It draws only from the Rng it is handed (forked per generator and hour from the
 * run's seed), so any hour can be generated alone and a seed gives byte-identical output — also
 * when `--follow` produces the hours one by one in real time.
 */
import type { JsonWriter } from './json.ts';
import type { Rng } from './rng.ts';
import type { Tenant } from './tenant.ts';

export type SimRecord = Record<string, unknown>;

/**
 * Hands a record of a diagnostic category (e.g. 'SignInLogs') to the run. A consumer that only
 * wants NDJSON sets `out`: the hot generators (sign-ins) then write the record's line into the
 * category's writer, from fragments (simulate/json.ts), instead of building the object; the line
 * is byte-identical to `JSON.stringify` of the object they would have built. A generator calls
 * `out` once per record (consumers count records there). Other generators always hand objects.
 */
export interface Emit {
  (category: string, record: SimRecord): void;
  readonly out?: (category: string) => JsonWriter;
  /**
   * Set by a consumer that neither mutates nor normalises the records (the backfill workers, whose
   * ingest skips normalisation): the hot generators may then place shared, deep-frozen model
   * values in records (`immutable`, security/canonical-json.ts) instead of fresh copies.
   */
  readonly immutable?: boolean;
}

export interface SimContext {
  tenant: Tenant;
  /** The run's seed, for generators that plan across hours (attack scenarios). */
  seed: string;
  /** Start and end of the whole simulated window, ms since the epoch (UTC). */
  from: number;
  to: number;
}

export interface Generator {
  /** Stable name: part of the Rng fork key, so renaming one changes its output. */
  readonly name: string;
  /**
   * Emits the records whose time falls in [hourStart, hourStart + 1 h). Times are ISO 8601 UTC with
   * a `Z`. Records must be valid for ingest (schema and audit catalog, strict mode).
   */
  hour(ctx: SimContext, hourStart: number, rng: Rng, emit: Emit): void;
}

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

/** ISO 8601 UTC with 7 fractional digits, as Entra writes times. */
export function entraTime(ms: number, rng?: Rng): string {
  const base = new Date(Math.floor(ms)).toISOString().slice(0, 19);
  const frac = rng
    ? String(rng.int(0, 9_999_999)).padStart(7, '0')
    : String(Math.floor((ms % 1000) * 10_000)).padStart(7, '0');
  return `${base}.${frac}Z`;
}

/**
 * Formatters per zone: building one costs ~50 µs, formatting ~5 µs, so both are cached. Node 20
 * ships full ICU, so Intl knows every IANA zone and its daylight-saving rules (no tz library).
 */
const offsetFormatters = new Map<string, Intl.DateTimeFormat>();
/** Offsets per zone per UTC hour index: generators ask in hot loops, the answer is fixed per hour. */
const offsetCache = new Map<string, Map<number, number>>();

function computeOffset(zone: string, ms: number): number {
  let f = offsetFormatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' });
    offsetFormatters.set(zone, f);
  }
  // 'GMT' for UTC itself, else 'GMT+05:30' / 'GMT-07:00'.
  const name = f.formatToParts(ms).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /^GMT([+-])(\d{2}):(\d{2})$/.exec(name);
  if (!m) return 0;
  const v = Number(m[2]) + Number(m[3]) / 60;
  return m[1] === '-' ? -v : v;
}

/**
 * Hours from UTC in an IANA zone at an instant, daylight saving included. Resolved per UTC hour
 * (every real transition falls on a whole UTC hour for the zones the simulator uses).
 */
export function utcOffsetAt(zone: string, ms: number): number {
  const h = Math.floor(ms / HOUR);
  let byHour = offsetCache.get(zone);
  if (!byHour) {
    byHour = new Map();
    offsetCache.set(zone, byHour);
  } else if (byHour.size > 200_000) byHour.clear(); // ~23 years of hours: bound a long --follow
  let o = byHour.get(h);
  if (o === undefined) {
    o = computeOffset(zone, h * HOUR);
    byHour.set(h, o);
  }
  return o;
}

/** Local hour of day (0–24, fractional) in an IANA zone. */
export function localHour(ms: number, zone: string): number {
  return (((ms / HOUR + utcOffsetAt(zone, ms)) % 24) + 24) % 24;
}

/** Day of week (0 = Sunday) in an IANA zone. */
export function localWeekday(ms: number, zone: string): number {
  return new Date(ms + utcOffsetAt(zone, ms) * HOUR).getUTCDay();
}

/** Local calendar day (days since the epoch, as if the zone's wall clock were UTC). */
export function localDay(ms: number, zone: string): number {
  return Math.floor((ms + utcOffsetAt(zone, ms) * HOUR) / DAY);
}

/**
 * The UTC instant of a local wall-clock time: `localHours` hours after local midnight of the
 * zone's calendar day `day` (days since the epoch). The offset is read at the guess and read again
 * at the result, which settles it on both sides of a transition.
 */
export function atLocal(day: number, localHours: number, zone: string): number {
  const wall = day * DAY + localHours * HOUR;
  const guess = wall - utcOffsetAt(zone, wall) * HOUR;
  return wall - utcOffsetAt(zone, guess) * HOUR;
}

/**
 * Relative activity of a person at a local time: a workday curve (ramp 7–9, lunch dip, fade
 * 17–20), low at night, ~12% on weekends. Multiply by a per-user rate to get expected sign-ins.
 */
export function workdayRhythm(ms: number, zone: string): number {
  const h = localHour(ms, zone);
  const weekday = localWeekday(ms, zone);
  let v: number;
  if (h < 6) v = 0.02;
  else if (h < 7) v = 0.15;
  else if (h < 9) v = 0.6 + 0.2 * (h - 7);
  else if (h < 12) v = 1;
  else if (h < 13) v = 0.7;
  else if (h < 17) v = 1;
  else if (h < 20) v = 0.5 - 0.13 * (h - 17);
  else v = 0.06;
  return weekday === 0 || weekday === 6 ? v * 0.12 : v;
}
