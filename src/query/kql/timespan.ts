/** Kusto timespans as microseconds: literal parsing and LA's text form. */

const UNIT_US: Record<string, number> = {
  d: 86_400e6,
  day: 86_400e6,
  days: 86_400e6,
  h: 3_600e6,
  hr: 3_600e6,
  hrs: 3_600e6,
  hour: 3_600e6,
  hours: 3_600e6,
  m: 60e6,
  min: 60e6,
  minute: 60e6,
  minutes: 60e6,
  s: 1e6,
  sec: 1e6,
  second: 1e6,
  seconds: 1e6,
  ms: 1e3,
  milli: 1e3,
  millis: 1e3,
  millisecond: 1e3,
  milliseconds: 1e3,
  microsecond: 1,
  microseconds: 1,
  tick: 0.1,
  ticks: 0.1,
};

/** `1d`, `2.5h`, `30m`, `100ms`, `1.02:03:04.5` → microseconds; null when not a timespan. */
export function parseTimespan(text: string): number | null {
  const t = text.trim();
  const unit = /^(-?\d+(?:\.\d+)?)\s*([a-z]+)$/i.exec(t);
  if (unit) {
    const f = UNIT_US[unit[2]!.toLowerCase()];
    return f === undefined ? null : Math.round(Number(unit[1]) * f);
  }
  const clock = /^(-)?(?:(\d+)\.)?(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?$/.exec(t);
  if (clock) {
    const [, neg, d, h, m, s, frac] = clock;
    const us =
      Number(d ?? 0) * 86_400e6 +
      Number(h) * 3_600e6 +
      Number(m) * 60e6 +
      Number(s ?? 0) * 1e6 +
      Math.round(Number(`0.${frac ?? '0'}`) * 1e6);
    return neg ? -us : us;
  }
  if (/^-?\d+$/.test(t)) return Number(t) * 86_400e6; // a bare number of days: time(2)
  return null;
}

/** LA's text form of a timespan: `[-][d.]hh:mm:ss[.fffffff]`. */
export function formatTimespan(us: number): string {
  const neg = us < 0;
  let rest = Math.abs(Math.round(us));
  const days = Math.floor(rest / 86_400e6);
  rest -= days * 86_400e6;
  const h = Math.floor(rest / 3_600e6);
  rest -= h * 3_600e6;
  const m = Math.floor(rest / 60e6);
  rest -= m * 60e6;
  const s = Math.floor(rest / 1e6);
  const frac = rest - s * 1e6;
  const p2 = (n: number) => String(n).padStart(2, '0');
  return `${neg ? '-' : ''}${days ? `${days}.` : ''}${p2(h)}:${p2(m)}:${p2(s)}${frac ? `.${String(frac * 10).padStart(7, '0')}` : ''}`;
}
