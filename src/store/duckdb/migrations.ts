/**
 * Versioned schema migrations for the DuckDB store. Each runs once, in order, in a transaction,
 * and is recorded in `schema_migrations`. Never edit a shipped migration: add a new one.
 */
import { LOG_TYPES } from '../../registry/log-types.ts';
import { createTableSql, duckdbDialect } from '../sql/dialect.ts';

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
];
