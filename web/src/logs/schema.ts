/**
 * The workspace's tables (Log Analytics' metadata API) as the schema monaco-kusto's language
 * service binds against: one database whose tables and columns are the caller's, so completion
 * and highlighting know exactly what the query API will accept.
 */
import type { EngineSchema } from '@kusto/monaco-kusto';
import { api } from './api.ts';

export interface WorkspaceMetadata {
  tables: Array<{ name: string; timespanColumn?: string; columns: Array<{ name: string; type: string }> }>;
  workspaces: Array<{ id: string; name: string }>;
}

export function kustoSchema(meta: WorkspaceMetadata): EngineSchema {
  const name = meta.workspaces[0]?.name ?? 'workspace';
  const database = {
    name,
    tables: meta.tables.map((t) => ({
      name: t.name,
      entityType: 'Table' as const,
      columns: t.columns.map((c) => ({ name: c.name, type: c.type })),
    })),
    functions: [],
    entityGroups: [],
    majorVersion: 1,
    minorVersion: 0,
  };
  return {
    clusterType: 'Engine',
    cluster: { connectionString: 'https://idtrail.local', databases: [database] },
    database,
  };
}

export const fetchMetadata = (workspaceId: string) =>
  api<WorkspaceMetadata>(`/v1/workspaces/${encodeURIComponent(workspaceId)}/metadata`);
