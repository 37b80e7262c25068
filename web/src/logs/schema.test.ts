/** The metadata API's tables → monaco-kusto's schema: the same tables, columns and Kusto types. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LA_TABLES } from '../../../src/registry/la-tables.ts';
import { kustoSchema } from './schema.ts';

describe('Logs editor schema', () => {
  it("gives the language service one database with the workspace's tables and typed columns", () => {
    const signIns = LA_TABLES.SigninLogs!.map((c) => ({ name: c.name, type: c.type }));
    const schema = kustoSchema({
      tables: [{ name: 'SigninLogs', timespanColumn: 'TimeGenerated', columns: signIns }],
      workspaces: [{ id: 't', name: 'idtrail-t' }],
    });
    assert.equal(schema.clusterType, 'Engine');
    assert.equal(schema.database?.name, 'idtrail-t');
    assert.deepEqual(schema.cluster.databases, [schema.database]);
    const table = schema.database!.tables[0]!;
    assert.equal(table.name, 'SigninLogs');
    assert.equal(table.entityType, 'Table');
    assert.deepEqual(table.columns, signIns);
    assert.ok(table.columns.some((c) => c.name === 'LocationDetails' && c.type === 'dynamic'));
  });
});
