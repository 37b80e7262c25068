/**
 * Local time follows each office's IANA zone with its daylight-saving rules: offsets from the
 * platform's Intl data, and the sign-in generators' workday starting at the same local hour in
 * winter and summer.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nonInteractiveSignIns, tenantModel } from './generators/signins.ts';
import { HOSTILE_LOCATIONS, OFFICES } from './reference-data.ts';
import { Rng } from './rng.ts';
import { buildTenant } from './tenant.ts';
import {
  atLocal,
  DAY,
  HOUR,
  localDay,
  localHour,
  localWeekday,
  type SimContext,
  utcOffsetAt,
} from './types.ts';

describe('utcOffsetAt', () => {
  it('follows daylight saving in Europe/Berlin', () => {
    assert.equal(utcOffsetAt('Europe/Berlin', Date.UTC(2024, 0, 15, 12)), 1);
    assert.equal(utcOffsetAt('Europe/Berlin', Date.UTC(2024, 6, 15, 12)), 2);
    // EU switch: last Sunday of March at 01:00 UTC, last Sunday of October at 01:00 UTC.
    assert.equal(utcOffsetAt('Europe/Berlin', Date.UTC(2024, 2, 31, 0, 59)), 1);
    assert.equal(utcOffsetAt('Europe/Berlin', Date.UTC(2024, 2, 31, 1)), 2);
    assert.equal(utcOffsetAt('Europe/Berlin', Date.UTC(2024, 9, 27, 0, 59)), 2);
    assert.equal(utcOffsetAt('Europe/Berlin', Date.UTC(2024, 9, 27, 1)), 1);
  });

  it('switches US zones on the US dates (second Sunday of March, first of November)', () => {
    // 2024-03-10 02:00 local: 10:00 UTC in Los Angeles, 07:00 UTC in New York.
    assert.equal(utcOffsetAt('America/Los_Angeles', Date.UTC(2024, 2, 10, 9)), -8);
    assert.equal(utcOffsetAt('America/Los_Angeles', Date.UTC(2024, 2, 10, 10)), -7);
    assert.equal(utcOffsetAt('America/New_York', Date.UTC(2024, 2, 10, 6)), -5);
    assert.equal(utcOffsetAt('America/New_York', Date.UTC(2024, 2, 10, 7)), -4);
    // 2024-11-03 02:00 daylight time: 09:00 UTC in Los Angeles.
    assert.equal(utcOffsetAt('America/Los_Angeles', Date.UTC(2024, 10, 3, 8)), -7);
    assert.equal(utcOffsetAt('America/Los_Angeles', Date.UTC(2024, 10, 3, 9)), -8);
    // Between the US and EU switches (2024-03-20), New York is UTC−4 while London is still UTC+0.
    assert.equal(utcOffsetAt('America/New_York', Date.UTC(2024, 2, 20, 12)), -4);
    assert.equal(utcOffsetAt('Europe/London', Date.UTC(2024, 2, 20, 12)), 0);
  });

  it('knows half-hour zones, zones without daylight saving and the southern hemisphere', () => {
    assert.equal(utcOffsetAt('Asia/Kolkata', Date.UTC(2024, 0, 15)), 5.5);
    assert.equal(utcOffsetAt('Asia/Kolkata', Date.UTC(2024, 6, 15)), 5.5);
    assert.equal(utcOffsetAt('Asia/Tokyo', Date.UTC(2024, 6, 15)), 9);
    assert.equal(utcOffsetAt('Australia/Sydney', Date.UTC(2024, 0, 15)), 11);
    assert.equal(utcOffsetAt('Australia/Sydney', Date.UTC(2024, 6, 15)), 10);
    assert.equal(utcOffsetAt('UTC', Date.UTC(2024, 6, 15)), 0);
  });

  it('every office and hostile location has a zone Intl knows', () => {
    for (const o of [...OFFICES, ...HOSTILE_LOCATIONS]) {
      assert.doesNotThrow(() => new Intl.DateTimeFormat('en-US', { timeZone: o.timeZone }), o.city);
      // The static standard offset (used to pick Azure regions) matches the zone in January or July.
      const jan = utcOffsetAt(o.timeZone, Date.UTC(2024, 0, 15));
      const jul = utcOffsetAt(o.timeZone, Date.UTC(2024, 6, 15));
      assert.ok(o.utcOffset === Math.min(jan, jul), `${o.city}: ${o.utcOffset} vs ${jan}/${jul}`);
    }
  });
});

describe('local time helpers', () => {
  it('localHour, localWeekday and localDay read the zone’s wall clock', () => {
    const t = Date.UTC(2024, 6, 14, 23, 30); // Sunday 23:30 UTC = Monday 01:30 in Berlin (UTC+2)
    assert.equal(localHour(t, 'Europe/Berlin'), 1.5);
    assert.equal(localWeekday(t, 'Europe/Berlin'), 1);
    assert.equal(localDay(t, 'Europe/Berlin'), Math.floor(Date.UTC(2024, 6, 15) / DAY));
    assert.equal(localHour(t, 'America/Los_Angeles'), 16.5);
    assert.equal(localWeekday(t, 'America/Los_Angeles'), 0);
  });

  it('atLocal turns a local wall-clock time into the UTC instant, on both sides of a switch', () => {
    const day = (y: number, m: number, d: number) => Math.floor(Date.UTC(y, m, d) / DAY);
    assert.equal(atLocal(day(2024, 0, 15), 9, 'Europe/Berlin'), Date.UTC(2024, 0, 15, 8));
    assert.equal(atLocal(day(2024, 6, 15), 9, 'Europe/Berlin'), Date.UTC(2024, 6, 15, 7));
    // The day of the US spring switch: 01:00 is still standard time, 09:00 already daylight time.
    assert.equal(atLocal(day(2024, 2, 10), 1, 'America/Los_Angeles'), Date.UTC(2024, 2, 10, 9));
    assert.equal(atLocal(day(2024, 2, 10), 9, 'America/Los_Angeles'), Date.UTC(2024, 2, 10, 16));
    assert.equal(atLocal(day(2024, 0, 15), 9.5, 'Asia/Kolkata'), Date.UTC(2024, 0, 15, 4));
  });
});

describe('workday in winter and summer', () => {
  const tenant = buildTenant({ seed: 3, users: 1500 });
  const m = tenantModel(tenant);
  const berlin = new Set(tenant.users.filter((u) => u.office.city === 'Berlin').map((u) => u.id));

  /**
   * Berlin users' background sign-ins over five weekdays starting `monday`, per hour of day; the
   * workday starts at the first hour reaching 80% of the busiest hour.
   */
  function workStart(monday: number): { local: number; utc: number } {
    const ctx: SimContext = { tenant, seed: '3', from: monday, to: monday + 5 * DAY };
    const local = new Array<number>(24).fill(0);
    const utc = new Array<number>(24).fill(0);
    for (let h = monday; h < monday + 5 * DAY; h += HOUR) {
      nonInteractiveSignIns.hour(ctx, h, new Rng(`3:${nonInteractiveSignIns.name}:${h}`), (_c, r) => {
        if (!berlin.has(String(r.userId))) return;
        const t = Date.parse(String(r.createdDateTime));
        local[Math.floor(localHour(t, 'Europe/Berlin'))]!++;
        utc[new Date(t).getUTCHours()]!++;
      });
    }
    const start = (counts: number[]) => {
      const max = Math.max(...counts);
      return counts.findIndex((c) => c >= 0.8 * max);
    };
    return { local: start(local), utc: start(utc) };
  }

  it('a Berlin user starts work at local 08–09 in January (UTC+1) and in July (UTC+2)', () => {
    assert.ok(berlin.size >= 30, `${berlin.size} Berlin users`);
    assert.ok(m.users.length > 0);
    const jan = workStart(Date.UTC(2024, 0, 15));
    const jul = workStart(Date.UTC(2024, 6, 15));
    assert.equal(jan.local, 8, `January: work starts at local ${jan.local}`);
    assert.equal(jul.local, 8, `July: work starts at local ${jul.local}`);
    assert.equal(jan.utc, 7, `January: work starts at ${jan.utc}:00 UTC`);
    assert.equal(jul.utc, 6, `July: work starts at ${jul.utc}:00 UTC`);
  });
});
