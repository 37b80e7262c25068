/** IP address text in SQL: IPv4 as a number, IPv6 (and IPv4 as IPv4-mapped IPv6) as 8 groups. */

/** A dotted IPv4 address as a number (NULL when it is not one). */
export function ipv4ToLong(text: string): string {
  const octet = (i: number) => `TRY_CAST(split_part(${text}, '.', ${i}) AS BIGINT)`;
  const valid = `regexp_matches(${text}, '^[0-9]{1,3}(\\.[0-9]{1,3}){3}$')`;
  return `(CASE WHEN ${valid} AND ${[1, 2, 3, 4].map((i) => `${octet(i)} <= 255`).join(' AND ')} THEN ((${octet(1)} * 256 + ${octet(2)}) * 256 + ${octet(3)}) * 256 + ${octet(4)} END)`;
}

/**
 * A `bind(value, body)`: `body` with `value` bound to a fresh lambda name (SQL has no per-row let).
 * Names count from 0 per call, so the same query always compiles to the same SQL (discovery
 * queries are keyed by their text); a nested call's own names only shadow inside its own text.
 */
function binder(tag: string) {
  let n = 0;
  return (value: string, body: (name: string) => string): string => {
    const v = `__ip${tag}${n++}`;
    return `list_transform([${value}], ${v} -> ${body(v)})[1]`;
  };
}

const V4_TAIL = "'[0-9]+\\.[0-9]+\\.[0-9]+\\.[0-9]+$'";

/**
 * An address with an optional /prefix as {g: INTEGER[8] (16-bit groups), b: prefix bits}, or
 * NULL when it is not an address. IPv4 becomes IPv4-mapped IPv6 (::ffff:a.b.c.d), its prefix
 * + 96, as Kusto's ipv6_* functions compare them; `::` and a dotted IPv4 tail are expanded.
 */
export function ipv6Parts(text: string): string {
  const bind = binder('p');
  return bind(`split_part(${text}, '/', 1)`, (addr) =>
    bind(`nullif(split_part(${text}, '/', 2), '')`, (ptext) => {
      const pfx = `TRY_CAST(${ptext} AS INTEGER)`;
      const v4 = ipv4ToLong(addr);
      const mapped = `{'g': [0, 0, 0, 0, 0, 65535, CAST(${v4} // 65536 AS INTEGER), CAST(${v4} % 65536 AS INTEGER)], 'b': 96 + coalesce(${pfx}, 32)}`;
      const tail = ipv4ToLong(`regexp_extract(${addr}, ${V4_TAIL}, 0)`);
      const hex = `regexp_replace(${addr}, ${V4_TAIL}, '') || printf('%x:%x', ${tail} // 65536, ${tail} % 65536)`;
      const a6 = `CASE WHEN regexp_matches(${addr}, ${V4_TAIL}) THEN ${hex} ELSE ${addr} END`;
      const v6 = bind(a6, (a) => {
        const side = (i: number) =>
          `CASE WHEN split_part(${a}, '::', ${i}) = '' THEN []::VARCHAR[] ELSE string_split(split_part(${a}, '::', ${i}), ':') END`;
        const parts = bind(`[${side(1)}, ${side(2)}]`, (lr) => {
          const zeros = `8 - len(${lr}[1]) - len(${lr}[2])`;
          return `CASE WHEN ${a} LIKE '%::%::%' THEN NULL WHEN contains(${a}, '::') THEN (CASE WHEN ${zeros} >= 1 THEN list_concat(${lr}[1], list_transform(range(${zeros}), __z -> '0'), ${lr}[2]) END) ELSE string_split(${a}, ':') END`;
        });
        return bind(parts, (ps) => {
          const bad = `len(list_filter(${ps}, __p -> NOT regexp_matches(__p, '^[0-9A-Fa-f]{1,4}$')))`;
          return `CASE WHEN len(${ps}) = 8 AND ${bad} = 0 THEN {'g': list_transform(${ps}, __p -> CAST(('0x' || __p) AS INTEGER)), 'b': coalesce(${pfx}, 128)} END`;
        });
      });
      // A prefix that is not a number in range makes the address invalid.
      const valid = (max: number) =>
        `(${ptext} IS NULL OR (${pfx} IS NOT NULL AND ${pfx} BETWEEN 0 AND ${max}))`;
      return `CASE WHEN ${v4} IS NOT NULL THEN (CASE WHEN ${valid(32)} THEN ${mapped} END) WHEN ${valid(128)} THEN ${v6} END`;
    }),
  );
}

/** -1, 0 or 1 comparing the first `bits` bits of two ipv6Parts (NULL when either is NULL). */
export function ipv6Compare(a: string, b: string, prefix?: string): string {
  const bind = binder('c');
  return bind(a, (x) =>
    bind(b, (y) => {
      const m = `least(struct_extract(${x}, 'b'), struct_extract(${y}, 'b')${prefix ? `, greatest(0, least(128, CAST(${prefix} AS INTEGER)))` : ''})`;
      return bind(m, (mm) => {
        const masked = (v: string) =>
          `list_transform(range(8), __k -> CASE WHEN ${mm} >= 16 * (__k + 1) THEN struct_extract(${v}, 'g')[__k + 1] WHEN ${mm} <= 16 * __k THEN 0 ELSE struct_extract(${v}, 'g')[__k + 1] >> (16 - (${mm} - 16 * __k)) END)`;
        return `CASE WHEN ${x} IS NULL OR ${y} IS NULL THEN NULL WHEN ${masked(x)} = ${masked(y)} THEN 0 WHEN ${masked(x)} > ${masked(y)} THEN 1 ELSE -1 END`;
      });
    }),
  );
}
