/**
 * Diagnostic settings in ARM's shape (entra-formats.md §3.2): parsing a PUT body and writing the
 * resource back. Destinations are named by the ARM id properties; a full ARM resource id is
 * accepted too and its last segment is the destination's name.
 */
import { findLogType } from '../registry/log-types.ts';
import type { SettingRow } from '../store/store.ts';
import type { Slot } from './destinations.ts';

export const MAX_SETTINGS_PER_TENANT = 5;
export const SLOTS: readonly Slot[] = ['storageAccountId', 'eventHubAuthorizationRuleId', 'workspaceId'];

export interface LogSetting {
  category: string;
  enabled: boolean;
  retentionPolicy: { enabled: boolean; days: number };
}

export interface SettingProperties {
  storageAccountId?: string;
  eventHubAuthorizationRuleId?: string;
  eventHubName?: string;
  workspaceId?: string;
  logs: LogSetting[];
  metrics: unknown[];
  logAnalyticsDestinationType?: string;
  /** idtrail's extension: deliver records stored since this time (ISO 8601); absent = from now. */
  replayFrom?: string;
}

/** The destination name an ARM id property holds (its last path segment). */
export function destinationName(ref: string): string {
  const parts = ref.split('/').filter((p) => p !== '');
  return parts[parts.length - 1] ?? '';
}

export function parseSetting(body: unknown): { properties: SettingProperties } | { problem: string } {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return {
      problem: 'the body must be a diagnostic setting: {"properties":{"logs":[…],"storageAccountId":"…"}}',
    };
  }
  const p = (body as Record<string, unknown>).properties;
  if (p === null || typeof p !== 'object' || Array.isArray(p)) {
    return { problem: '`properties` must be an object' };
  }
  const src = p as Record<string, unknown>;
  const known = new Set([
    ...SLOTS,
    'eventHubName',
    'logs',
    'metrics',
    'logAnalyticsDestinationType',
    'serviceBusRuleId',
    'replayFrom',
  ]);
  for (const k of Object.keys(src))
    if (!known.has(k)) return { problem: `unknown property 'properties.${k}'` };
  const out: SettingProperties = { logs: [], metrics: [] };
  for (const k of [...SLOTS, 'eventHubName', 'logAnalyticsDestinationType'] as const) {
    const v = src[k];
    if (v === undefined || v === null || v === '') continue;
    if (typeof v !== 'string') return { problem: `'properties.${k}' must be a string` };
    out[k] = v;
  }
  if (src.serviceBusRuleId !== undefined && src.serviceBusRuleId !== null && src.serviceBusRuleId !== '') {
    return { problem: "'serviceBusRuleId' is not supported: use eventHubAuthorizationRuleId" };
  }
  if (!SLOTS.some((s) => out[s] !== undefined)) {
    return {
      problem:
        'a diagnostic setting needs at least one of storageAccountId, eventHubAuthorizationRuleId, workspaceId',
    };
  }
  if (src.metrics !== undefined) {
    if (!Array.isArray(src.metrics)) return { problem: "'properties.metrics' must be an array" };
    out.metrics = src.metrics;
  }
  if (!Array.isArray(src.logs))
    return { problem: "'properties.logs' must be an array of {category, enabled}" };
  const seen = new Set<string>();
  for (const [i, l] of src.logs.entries()) {
    if (l === null || typeof l !== 'object' || Array.isArray(l))
      return { problem: `'properties.logs[${i}]' must be an object` };
    const { category, enabled, retentionPolicy, categoryGroup } = l as Record<string, unknown>;
    if (categoryGroup !== undefined)
      return { problem: `'properties.logs[${i}].categoryGroup' is not supported: name each category` };
    if (typeof category !== 'string') return { problem: `'properties.logs[${i}].category' must be a string` };
    const type = findLogType(category);
    if (!type || type.category.toLowerCase() !== category.toLowerCase()) {
      return {
        problem: `'properties.logs[${i}].category': unknown category '${category}' (see /api/v1/diagnosticSettingsCategories)`,
      };
    }
    if (typeof enabled !== 'boolean')
      return { problem: `'properties.logs[${i}].enabled' must be true or false` };
    if (seen.has(type.category)) return { problem: `category '${type.category}' is listed twice` };
    seen.add(type.category);
    let rp = { enabled: false, days: 0 };
    if (retentionPolicy !== undefined && retentionPolicy !== null) {
      const r = retentionPolicy as Record<string, unknown>;
      if (typeof r.enabled !== 'boolean' || !Number.isInteger(r.days) || (r.days as number) < 0) {
        return {
          problem: `'properties.logs[${i}].retentionPolicy' must be {"enabled":bool,"days":int >= 0}`,
        };
      }
      rp = { enabled: r.enabled, days: r.days as number };
    }
    out.logs.push({ category: type.category, enabled, retentionPolicy: rp });
  }
  if (src.replayFrom !== undefined) {
    const t = typeof src.replayFrom === 'string' ? new Date(src.replayFrom) : new Date(Number.NaN);
    if (
      typeof src.replayFrom !== 'string' ||
      !/^\d{4}-\d{2}-\d{2}T/.test(src.replayFrom) ||
      Number.isNaN(t.getTime())
    ) {
      return { problem: "'properties.replayFrom' must be an ISO 8601 time such as 2026-01-01T00:00:00Z" };
    }
    out.replayFrom = t.toISOString();
  }
  return { properties: out };
}

/** The setting as ARM returns it (§3.2). */
export function settingResource(row: Pick<SettingRow, 'name' | 'properties'>) {
  return {
    id: `providers/microsoft.aadiam/diagnosticSettings/${row.name}`,
    type: '',
    name: row.name,
    properties: row.properties,
  };
}

/** The (category, destination) routes a setting asks for. */
export function routesOf(p: SettingProperties): Array<{ category: string; destination: string; slot: Slot }> {
  const out: Array<{ category: string; destination: string; slot: Slot }> = [];
  for (const l of p.logs) {
    if (!l.enabled) continue;
    for (const slot of SLOTS) {
      const ref = p[slot];
      if (ref) out.push({ category: l.category, destination: destinationName(ref), slot });
    }
  }
  return out;
}
