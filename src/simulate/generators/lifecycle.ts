/**
 * Account state from the HR plan (provisioning.ts): which members have left, and when their Entra
 * account was disabled. The user-driven generators ask it per hour so that a leaver's own activity
 * stops at the disable, and only their stale devices keep trying for a while, failing with 50057
 * ("User account is disabled", AADSTS50057).
 *
 * A departure is remembered for `memoryDays` before the hour: long enough that a 30-day window
 * never sees a leaver come back, and never longer than the leaver walk's repeat period, so one
 * person is not remembered leaving twice. Everything is a pure function of (seed, tenant, hour),
 * so any hour can be generated alone — also by `--follow`, whose context starts at each hour.
 */
import type { Tenant } from '../tenant.ts';
import { DAY, HOUR, type SimContext } from '../types.ts';
import { type Joiner, leaverRepeatDays, lifecycleForDay } from './provisioning.ts';

/** Upper bound of how long a departure is remembered (see above). */
export const LEAVER_MEMORY_DAYS = 90;
/** How long after the disable a leaver's devices and tokens keep trying. */
export const STALE_DAYS = 3;

export interface Departure {
  userId: string;
  /** Workday2AD disables the on-premises account: AD FS sign-ins stop here. */
  adTime: number;
  /** The Entra "Disable account" (the offboarding chain's first audit): cloud sign-ins stop here. */
  disabledAt: number;
}

export function memoryDays(tenant: Tenant): number {
  return Math.min(LEAVER_MEMORY_DAYS, leaverRepeatDays(tenant));
}

const byDay = new Map<string, Departure[]>();

function departuresOfDay(tenant: Tenant, seed: string, day: number): Departure[] {
  const key = `${seed}|${tenant.id}|${tenant.users.length}|${day}`;
  let list = byDay.get(key);
  if (!list) {
    const ctx: SimContext = { tenant, seed, from: day * DAY, to: (day + 1) * DAY };
    list = lifecycleForDay(ctx, day).leavers.map((l) => ({
      userId: l.user.id,
      adTime: l.adTime,
      disabledAt: l.entraTime,
    }));
    if (byDay.size > 4096) byDay.clear();
    byDay.set(key, list);
  }
  return list;
}

/**
 * The earliest departure per member whose Entra disable falls in [from, to). HR days are scanned
 * from the day before `from`: a late-afternoon termination can reach Entra after midnight.
 */
export function departuresBetween(
  tenant: Tenant,
  seed: string,
  from: number,
  to: number,
): Map<string, Departure> {
  const out = new Map<string, Departure>();
  for (let day = Math.floor(from / DAY) - 1; day <= Math.floor(to / DAY); day++) {
    for (const d of departuresOfDay(tenant, seed, day)) {
      if (d.disabledAt < from || d.disabledAt >= to) continue;
      const prev = out.get(d.userId);
      if (!prev || d.disabledAt < prev.disabledAt) out.set(d.userId, d);
    }
  }
  return out;
}

const byHour = new Map<string, Map<string, Departure>>();

/**
 * The members who have left or leave around the hour starting `hourStart`: departures remembered
 * at that hour plus those of the next day (AD is disabled up to an hour before Entra, and a
 * flow started before the disable must not end after it). Generators compare times themselves.
 */
export function departuresAround(ctx: SimContext, hourStart: number): Map<string, Departure> {
  const { tenant, seed } = ctx;
  const key = `${seed}|${tenant.id}|${tenant.users.length}|${hourStart}`;
  let m = byHour.get(key);
  if (!m) {
    m = departuresBetween(tenant, seed, hourStart - memoryDays(tenant) * DAY, hourStart + HOUR + DAY);
    if (byHour.size > 256) byHour.clear();
    byHour.set(key, m);
  }
  return m;
}

/**
 * Stale attempts per hour from a leaver's devices, `sinceDisable` ms after the disable: apps retry
 * refresh tokens often at first, then less as they give up and people switch devices off.
 */
export function staleAttemptRate(sinceDisable: number): number {
  if (sinceDisable < 0 || sinceDisable >= STALE_DAYS * DAY) return 0;
  return 1.5 * Math.exp(-sinceDisable / (12 * HOUR));
}

/** A new account is handed over (and first used) about an hour after the Entra "Add user". */
export const JOINER_START_DELAY = HOUR;

const arrivalsByHour = new Map<string, Joiner[]>();

/**
 * The joiners whose account exists and is in use during the hour starting `hourStart`, with the
 * same memory as departures: created in Entra (`entraTime`) up to `memoryDays` before, and handed
 * over (`entraTime + JOINER_START_DELAY`) before the hour ends. In HR plan order.
 */
export function arrivalsAround(ctx: SimContext, hourStart: number): Joiner[] {
  const { tenant, seed } = ctx;
  const key = `${seed}|${tenant.id}|${tenant.users.length}|${hourStart}`;
  let list = arrivalsByHour.get(key);
  if (!list) {
    list = [];
    const from = hourStart - memoryDays(tenant) * DAY;
    const to = hourStart + HOUR;
    for (let day = Math.floor(from / DAY) - 1; day <= Math.floor(to / DAY); day++) {
      const plan = lifecycleForDay({ tenant, seed, from: day * DAY, to: (day + 1) * DAY }, day);
      for (const j of plan.joiners) {
        if (j.entraTime >= from && j.entraTime + JOINER_START_DELAY < to) list.push(j);
      }
    }
    if (arrivalsByHour.size > 256) arrivalsByHour.clear();
    arrivalsByHour.set(key, list);
  }
  return list;
}
