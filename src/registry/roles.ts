/**
 * Roles: Entra's built-in directory roles that govern activity-log access, with their role
 * template ids (the same in every tenant), plus idtrail's own `ingest` role for writers.
 */
export const ROLES = {
  'Global Administrator': '62e90394-69f5-4237-9190-012177145e10',
  'Security Administrator': '194ae4cb-b126-40b2-bd5b-6091b380977d',
  'Security Reader': '5d6b6bb7-de71-4623-b4af-96380a352509',
  'Reports Reader': '4a5d8f65-41da-4de4-8968-e035b65339cf',
  'Global Reader': 'f2ef992c-3afb-46b9-b7cf-a126ee74c451',
  'Attribute Log Reader': '9c99539d-8186-4804-835f-fd51ef9e2387',
  'Attribute Log Administrator': '5b784334-f94b-471a-a387-e7219fc49ca2',
  ingest: null,
} as const satisfies Record<string, string | null>;

export type RoleName = keyof typeof ROLES;
export const ROLE_NAMES = Object.keys(ROLES) as RoleName[];

/** Roles that may read the activity logs (other than the custom-security-attribute audit log). */
export const LOG_READER_ROLES: readonly RoleName[] = [
  'Global Administrator',
  'Security Administrator',
  'Security Reader',
  'Reports Reader',
  'Global Reader',
];

/** Roles that may write records through the ingest API. */
export const INGEST_ROLES: readonly RoleName[] = ['ingest'];

/** Roles that may manage keys and settings. */
export const ADMIN_ROLES: readonly RoleName[] = ['Global Administrator'];

/** Resolves a role given by name (any case) or by template id. */
export function parseRole(input: string): RoleName | undefined {
  const needle = input.trim().toLowerCase();
  for (const name of ROLE_NAMES) {
    if (name.toLowerCase() === needle || ROLES[name] === needle) return name;
  }
  return undefined;
}
