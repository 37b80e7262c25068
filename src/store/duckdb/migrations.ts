/**
 * Versioned schema migrations for the DuckDB store. Each runs once, in order, in a transaction,
 * and is recorded in `schema_migrations`. Never edit a shipped migration: add a new one.
 */
import { LOG_TYPES } from '../../registry/log-types.ts';
import { createTableSql, duckdbDialect } from '../sql/dialect.ts';
import { watchlistTablesSql } from '../sql/watchlists.ts';

export interface Migration {
  version: number;
  name: string;
  statements: () => string[];
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'log tables and api keys',
    statements: () => [
      // One table per log type, from the registry as it stood at this migration. Later column
      // additions come as new migrations (ALTER TABLE … ADD COLUMN), never by editing this one.
      ...LOG_TYPES.map((t) => createTableSql(duckdbDialect, t)),
      `CREATE TABLE IF NOT EXISTS api_keys (
         hash VARCHAR PRIMARY KEY, key_id VARCHAR NOT NULL UNIQUE, tenant VARCHAR NOT NULL,
         name VARCHAR NOT NULL, roles VARCHAR[] NOT NULL,
         created_at TIMESTAMP NOT NULL DEFAULT current_timestamp, revoked_at TIMESTAMP)`,
    ],
  },
  {
    version: 2,
    name: 'diagnostic settings, destinations and delivery cursors',
    statements: () => [
      // Config and secrets of a destination as JSON text: each type has its own fields
      // (src/router/destinations.ts validates them), and no query filters on them.
      `CREATE TABLE IF NOT EXISTS destinations (
         tenant VARCHAR NOT NULL, name VARCHAR NOT NULL, type VARCHAR NOT NULL, config VARCHAR NOT NULL,
         created_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
         updated_at TIMESTAMP NOT NULL DEFAULT current_timestamp, PRIMARY KEY (tenant, name))`,
      `CREATE TABLE IF NOT EXISTS diagnostic_settings (
         tenant VARCHAR NOT NULL, name VARCHAR NOT NULL, properties VARCHAR NOT NULL,
         created_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
         updated_at TIMESTAMP NOT NULL DEFAULT current_timestamp, PRIMARY KEY (tenant, name))`,
      // One row per (setting, category, destination): the next seq of the tenant's chain to send.
      `CREATE TABLE IF NOT EXISTS delivery_cursors (
         tenant VARCHAR NOT NULL, setting VARCHAR NOT NULL, category VARCHAR NOT NULL,
         destination VARCHAR NOT NULL, next_seq BIGINT NOT NULL, delivered BIGINT NOT NULL DEFAULT 0,
         updated_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
         PRIMARY KEY (tenant, setting, category, destination))`,
    ],
  },
  {
    version: 3,
    name: 'integrity checkpoints, purge records and retention policies',
    statements: () => [
      // A signed statement per (tenant, category) chain: "up to seq, the head hash was …".
      `CREATE TABLE IF NOT EXISTS checkpoints (
         tenant VARCHAR NOT NULL, category VARCHAR NOT NULL, seq BIGINT NOT NULL, hash VARCHAR NOT NULL,
         signed_at TIMESTAMP NOT NULL, key_id VARCHAR NOT NULL, payload VARCHAR NOT NULL,
         signature VARCHAR NOT NULL, PRIMARY KEY (tenant, category, seq))`,
      // What retention dropped: the chain prefix up to last_seq, whose head hash was last_hash.
      `CREATE TABLE IF NOT EXISTS purges (
         tenant VARCHAR NOT NULL, category VARCHAR NOT NULL, first_seq BIGINT NOT NULL,
         last_seq BIGINT NOT NULL, last_hash VARCHAR NOT NULL, records BIGINT NOT NULL,
         purged_at TIMESTAMP NOT NULL, key_id VARCHAR NOT NULL, payload VARCHAR NOT NULL,
         signature VARCHAR NOT NULL, PRIMARY KEY (tenant, category, last_seq))`,
      `CREATE TABLE IF NOT EXISTS retention_policies (
         tenant VARCHAR NOT NULL, category VARCHAR NOT NULL, days INTEGER NOT NULL,
         updated_at TIMESTAMP NOT NULL DEFAULT current_timestamp, PRIMARY KEY (tenant, category))`,
    ],
  },
  {
    version: 4,
    name: 'saved queries',
    statements: () => [
      // The Logs page's saved queries (Log Analytics' saved searches), shared within a tenant.
      `CREATE TABLE IF NOT EXISTS saved_queries (
         tenant VARCHAR NOT NULL, id VARCHAR NOT NULL, display_name VARCHAR NOT NULL,
         query VARCHAR NOT NULL, description VARCHAR, category VARCHAR, saved_by VARCHAR NOT NULL,
         created_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
         updated_at TIMESTAMP NOT NULL DEFAULT current_timestamp, PRIMARY KEY (tenant, id))`,
    ],
  },
  {
    version: 5,
    name: 'compact records for random access',
    statements: () => [
      // Each record also compressed on its own (src/store/record-codec.ts), for reads that fetch
      // a few rows (Graph pages); rows stored before this migration have none and are read from
      // `record`.
      // Uncompressed: the values are compressed already, and DuckDB otherwise picks FSST for some
      // segments, whose reads decode more than the one row asked for.
      ...LOG_TYPES.map(
        (t) =>
          `ALTER TABLE ${duckdbDialect.quote(t.table)} ADD COLUMN IF NOT EXISTS record_z BLOB USING COMPRESSION uncompressed`,
      ),
      // The dictionaries they are compressed with, made from each table's first records; never
      // changed or deleted while a record refers to them.
      `CREATE TABLE IF NOT EXISTS record_dictionaries (
         id INTEGER PRIMARY KEY, tbl VARCHAR NOT NULL, dict BLOB NOT NULL,
         created_at TIMESTAMP NOT NULL DEFAULT current_timestamp)`,
    ],
  },
  {
    version: 6,
    name: 'watchlists',
    // Sentinel-style watchlists and their items (src/store/sql/watchlists.ts).
    statements: () => watchlistTablesSql(),
  },
];
