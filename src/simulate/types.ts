/**
 * The simulator's contract. A generator produces the records of one log family for one hour of
 * simulated time. It draws only from the Rng it is handed (forked per generator and hour from the
 * run's seed), so any hour can be generated alone and a seed gives byte-identical output — also
 * when `--follow` produces the hours one by one in real time.
 */
import type { Rng } from './rng.ts';
import type { Tenant } from './tenant.ts';

export type SimRecord = Record<string, unknown>;

/** Hands a record of a diagnostic category (e.g. 'SignInLogs') to the run. */
export type Emit = (category: string, record: SimRecord) => void;

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

/** Local hour of day (0–24, fractional) at an office with a UTC offset. */
export function localHour(ms: number, utcOffset: number): number {
  const h = (((ms / HOUR + utcOffset) % 24) + 24) % 24;
  return h;
}

/** Day of week (0 = Sunday) at a UTC offset. */
export function localWeekday(ms: number, utcOffset: number): number {
  return new Date(ms + utcOffset * HOUR).getUTCDay();
}

/**
 * Relative activity of a person at a local time: a workday curve (ramp 7–9, lunch dip, fade
 * 17–20), low at night, ~12% on weekends. Multiply by a per-user rate to get expected sign-ins.
 */
export function workdayRhythm(ms: number, utcOffset: number): number {
  const h = localHour(ms, utcOffset);
  const weekday = localWeekday(ms, utcOffset);
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
