/** geo_info_from_ip_address over DB-IP's City Lite data: constants, columns (a discovery query), no location. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MAX_GEO_ADDRESSES } from './geo.ts';
import { openKqlDb } from './test-kql.ts';

type Db = Awaited<ReturnType<typeof openKqlDb>>;

// What the shipped database (DB-IP City Lite, June 2026) gives for these addresses.
const SYDNEY = {
  country: 'Australia',
  state: 'New South Wales',
  city: 'Sydney',
  latitude: -33.8688,
  longitude: 151.209,
};
const MOUNTAIN_VIEW = {
  country: 'United States',
  state: 'California',
  city: 'Mountain View',
  latitude: 37.422,
  longitude: -122.085,
};
const LONDON = {
  country: 'United Kingdom',
  state: 'England',
  city: 'London',
  latitude: 51.5143,
  longitude: -0.0912,
};

describe('KQL geo_info_from_ip_address', () => {
  let db: Db;
  before(async () => {
    db = await openKqlDb();
  });
  after(() => db.close());
  const parsed = async (q: string) =>
    (await db.rows(q)).map((r) =>
      r.map((v) => (typeof v === 'string' && v.startsWith('{') ? JSON.parse(v) : v)),
    );

  it("a constant address: Kusto's documented example, and an IPv6 address", async () => {
    // Kusto's docs give Australia / New South Wales / Sydney for this address too (from GeoLite2).
    assert.deepEqual(await parsed("print geo_info_from_ip_address('20.53.203.50')"), [[SYDNEY]]);
    // The same address IPv4-mapped.
    assert.deepEqual(await parsed("print geo_info_from_ip_address('::ffff:20.53.203.50')"), [[SYDNEY]]);
    // Kusto's docs give Boca Raton, Florida (GeoLite2); DB-IP places the same address in Miami.
    assert.deepEqual(await parsed("print geo_info_from_ip_address('2a03:2880:f12c:83:face:b00c::25de')"), [
      [{ country: 'United States', state: 'Florida', city: 'Miami', latitude: 25.7617, longitude: -80.1918 }],
    ]);
  });

  it('private, loopback, invalid and empty addresses have no location (null)', async () => {
    assert.deepEqual(
      await db.rows(
        "print geo_info_from_ip_address('10.1.2.3'), geo_info_from_ip_address('192.168.0.1'), geo_info_from_ip_address('::1'), geo_info_from_ip_address('not an ip'), geo_info_from_ip_address(''), geo_info_from_ip_address('999.1.1.1')",
      ),
      [[null, null, null, null, null, null]],
    );
    // Dynamic access on the missing object gives empty values, as for any missing key.
    assert.deepEqual(
      await db.rows(
        "print c = tostring(geo_info_from_ip_address('10.1.2.3').country), isnull(geo_info_from_ip_address('10.1.2.3'))",
      ),
      [['', true]],
    );
  });

  it("a column's addresses: extend, where on a field, summarize by country", async () => {
    const T =
      "datatable(ip:string, n:long)['8.8.8.8', 1, '10.0.0.1', 2, '81.2.69.142', 3, '', 4, '8.8.8.8', 5, ' 20.53.203.50', 6, '20.53.203.50', 7]";
    assert.deepEqual(
      await parsed(`${T} | extend g = geo_info_from_ip_address(ip) | project n, g | sort by n asc`),
      [
        [1, MOUNTAIN_VIEW],
        [2, null],
        [3, LONDON],
        [4, null],
        [5, MOUNTAIN_VIEW],
        [6, null],
        [7, SYDNEY],
      ],
    );
    assert.deepEqual(
      await db.rows(`${T} | where geo_info_from_ip_address(ip).country == 'United Kingdom' | project n`),
      [[3]],
    );
    assert.deepEqual(
      await db.rows(
        `${T} | summarize c = count() by country = tostring(geo_info_from_ip_address(ip).country) | sort by country asc`,
      ),
      [
        ['', 3],
        ['Australia', 1],
        ['United Kingdom', 1],
        ['United States', 2],
      ],
    );
    // After a filter: only the rows that reach the call are looked up; project and later fields.
    assert.deepEqual(
      await db.rows(
        `${T} | where n > 2 | project n, city = tostring(geo_info_from_ip_address(ip).city), lat = toreal(geo_info_from_ip_address(ip).latitude) | sort by n asc`,
      ),
      [
        [3, 'London', 51.5143],
        [4, '', null],
        [5, 'Mountain View', 37.422],
        [6, '', null],
        [7, 'Sydney', -33.8688],
      ],
    );
  });

  it('too many distinct addresses, and a non-string argument, are errors', async () => {
    await assert.rejects(
      db.kql(
        `range i from 1 to ${MAX_GEO_ADDRESSES + 1} step 1 | extend ip = strcat('1.', i / 65536, '.', (i / 256) % 256, '.', i % 256) | extend g = geo_info_from_ip_address(ip)`,
      ),
      /more than 20000 distinct addresses/,
    );
    await assert.rejects(db.kql('print geo_info_from_ip_address(42)'), /expected a string/);
  });
});
