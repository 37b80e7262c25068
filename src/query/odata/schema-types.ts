/**
 * Property types for filter validation, read from the registry's record schemas (TypeBox), so that
 * no property list or type is repeated here: `createdDateTime` is a datetime because the SignIn
 * schema says `format: 'date-time'`, `riskState` an enum because its schema carries `x-enum`.
 */
import type { TSchema } from '@sinclair/typebox';
import type { FieldType } from '../plan.ts';

export interface PropertyInfo {
  /** The canonical path (schema spelling). */
  path: string[];
  type: FieldType | 'object' | 'other';
  enumMembers?: readonly string[];
  /** For collections: the element's schema. */
  items?: TSchema;
}

/** Strips Nullable/Optional wrappers: a union of one schema and null becomes that schema. */
function unwrap(s: TSchema): TSchema {
  if (s['x-enum']) return s;
  if (Array.isArray(s.anyOf)) {
    const branches = (s.anyOf as TSchema[]).filter((b) => b.type !== 'null');
    if (branches.length === 1) return unwrap(branches[0]!);
  }
  return s;
}

function classify(s: TSchema): Pick<PropertyInfo, 'type' | 'enumMembers' | 'items'> {
  const u = unwrap(s);
  if (u['x-enum']) return { type: 'string', enumMembers: u['x-enum'] as readonly string[] };
  switch (u.type) {
    case 'string':
      return { type: u.format === 'date-time' ? 'datetime' : 'string' };
    case 'integer':
    case 'number':
      return { type: 'number' };
    case 'boolean':
      return { type: 'boolean' };
    case 'object':
      return { type: 'object' };
    case 'array': {
      const items = unwrap(u.items as TSchema);
      const inner = classify(items);
      if (inner.type === 'string') {
        return inner.enumMembers
          ? { type: 'string[]', enumMembers: inner.enumMembers, items }
          : { type: 'string[]', items };
      }
      if (inner.type === 'object') return { type: 'object[]', items };
      return { type: 'other', items };
    }
    default:
      return { type: 'other' };
  }
}

/** Finds a property by path, matching each segment case-insensitively (Graph resolves names so). */
export function propertyAt(root: TSchema, path: readonly string[]): PropertyInfo | { missing: number } {
  let s: TSchema = root;
  const canonical: string[] = [];
  for (let i = 0; i < path.length; i++) {
    const u = unwrap(s);
    const props = u.type === 'object' ? (u.properties as Record<string, TSchema> | undefined) : undefined;
    if (!props) return { missing: i };
    const want = path[i]!.toLowerCase();
    const key = Object.keys(props).find((k) => k.toLowerCase() === want);
    if (key === undefined) return { missing: i };
    canonical.push(key);
    s = props[key]!;
  }
  return { path: canonical, ...classify(s) };
}

/** The top-level property names of a record schema. */
export function topLevelProperties(root: TSchema): string[] {
  const u = unwrap(root);
  return Object.keys((u.properties as Record<string, TSchema> | undefined) ?? {});
}
