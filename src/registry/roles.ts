/**
 * Roles: Entra's built-in directory roles that govern activity-log access, with their role
 * template ids (the same in every tenant), plus idtrail's own `ingest` role for writers.
 */
/** Entra's built-in directory roles that idtrail and its simulator name, with their template ids. */
export const DIRECTORY_ROLE_TEMPLATES = {
  'Global Administrator': '62e90394-69f5-4237-9190-012177145e10',
  'User Administrator': 'fe930be7-5e62-47db-91af-98c3a49a38b1',
  'Security Administrator': '194ae4cb-b126-40b2-bd5b-6091b380977d',
  'Application Administrator': '9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3',
  'Groups Administrator': 'fdd7a751-b60b-444a-984c-02652fe8fa1c',
  'Privileged Role Administrator': 'e8611ab8-c189-46e8-94e1-60213ab1f814',
  'Conditional Access Administrator': 'b1be1c3e-b65d-4f19-8427-f6fa0d97feb9',
  'Helpdesk Administrator': '729827e3-9c14-49f7-bb1b-9608f156bbb8',
  'Exchange Administrator': '29232cdf-9323-42fd-ade2-1d097af3e4de',
  'SharePoint Administrator': 'f28a1f50-f6e7-4571-818b-6a12f2af6b6c',
  'Security Reader': '5d6b6bb7-de71-4623-b4af-96380a352509',
  'Global Reader': 'f2ef992c-3afb-46b9-b7cf-a126ee74c451',
  'Attribute Assignment Administrator': '58a13ea3-c632-46ae-9ee0-9c0d43cd7f3d',
  'Attribute Definition Administrator': '8424c6f0-a189-499e-bbd0-26c1753c96d4',
  'Reports Reader': '4a5d8f65-41da-4de4-8968-e035b65339cf',
  'Attribute Log Reader': '9c99539d-8186-4804-835f-fd51ef9e2387',
  'Attribute Log Administrator': '5b784334-f94b-471a-a387-e7219fc49ca2',
} as const satisfies Record<string, string>;

const T = DIRECTORY_ROLE_TEMPLATES;

/** The roles that govern access to idtrail: activity-log roles of Entra, plus `ingest` for writers. */
export const ROLES = {
  'Global Administrator': T['Global Administrator'],
  'Security Administrator': T['Security Administrator'],
  'Security Reader': T['Security Reader'],
  'Reports Reader': T['Reports Reader'],
  'Global Reader': T['Global Reader'],
  'Attribute Log Reader': T['Attribute Log Reader'],
  'Attribute Log Administrator': T['Attribute Log Administrator'],
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

/**
 * Roles that may create and edit diagnostic settings and their destinations (entra-formats.md
 * §3.1: "a user who's a Security Administrator or Global Administrator").
 */
export const DIAGNOSTIC_SETTINGS_ROLES: readonly RoleName[] = [
  'Global Administrator',
  'Security Administrator',
];

/**
 * Roles that may save and delete the tenant's shared Logs queries (the same administrators who
 * manage where logs go; readers of the workspace list and run them).
 */
export const SAVED_QUERY_WRITER_ROLES: readonly RoleName[] = [
  'Global Administrator',
  'Security Administrator',
];

/**
 * Roles that may create, replace and delete watchlists (KQL's `_GetWatchlist`): Sentinel gives
 * that to its Contributor, the role of those who manage detections — here the administrators who
 * save shared queries. Every workspace reader may read watchlists and use them in queries.
 */
export const WATCHLIST_WRITER_ROLES: readonly RoleName[] = SAVED_QUERY_WRITER_ROLES;

/** Resolves a role given by name (any case) or by template id. */
export function parseRole(input: string): RoleName | undefined {
  const needle = input.trim().toLowerCase();
  for (const name of ROLE_NAMES) {
    if (name.toLowerCase() === needle || ROLES[name] === needle) return name;
  }
  return undefined;
}
