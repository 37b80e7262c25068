/**
 * Destination types and their configuration: what `PUT /api/v1/destinations/{name}` accepts,
 * which diagnostic-setting slot each type fills, and which fields are secrets (never echoed).
 */
import path from 'node:path';

export const DESTINATION_TYPES = [
  'filesystem',
  'azureBlob',
  's3',
  'webhook',
  'splunkHec',
  'syslog',
  'workspace',
] as const;
export type DestinationType = (typeof DESTINATION_TYPES)[number];

/** The diagnostic-setting property that names a destination of each kind (ARM §3.2). */
export type Slot = 'storageAccountId' | 'eventHubAuthorizationRuleId' | 'workspaceId';

export const SLOT_OF: Record<DestinationType, Slot> = {
  filesystem: 'storageAccountId',
  azureBlob: 'storageAccountId',
  s3: 'storageAccountId',
  webhook: 'eventHubAuthorizationRuleId',
  splunkHec: 'eventHubAuthorizationRuleId',
  syslog: 'eventHubAuthorizationRuleId',
  workspace: 'workspaceId',
};

const SECRETS: Record<DestinationType, readonly string[]> = {
  filesystem: [],
  azureBlob: ['connectionString'],
  s3: ['secretAccessKey'],
  webhook: ['secret'],
  splunkHec: ['token'],
  syslog: [],
  workspace: [],
};

export type DestinationConfig = Record<string, unknown>;

interface Field {
  type: 'string' | 'number' | 'boolean';
  required?: boolean;
  check?: (v: never) => string | undefined;
}

const httpUrl = (v: string) => {
  try {
    const u = new URL(v);
    return u.protocol === 'http:' || u.protocol === 'https:' ? undefined : 'must be an http(s) URL';
  } catch {
    return 'must be an http(s) URL';
  }
};

const FIELDS: Record<DestinationType, Record<string, Field>> = {
  filesystem: {
    path: {
      type: 'string',
      required: true,
      check: (v: string) => (path.isAbsolute(v) ? undefined : 'must be an absolute path'),
    },
  },
  azureBlob: {
    connectionString: {
      type: 'string',
      required: true,
      check: (v: string) =>
        /AccountName=|BlobEndpoint=/i.test(v) ? undefined : 'must be an Azure Storage connection string',
    },
  },
  s3: {
    bucket: {
      type: 'string',
      required: true,
      // S3's bucket naming rules (3-63 lower-case letters, digits, dots, hyphens).
      check: (v: string) =>
        /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(v) ? undefined : 'must be an S3 bucket name',
    },
    region: { type: 'string' },
    /** An S3-compatible service's URL (MinIO, Ceph…); AWS's own endpoint when absent. */
    endpoint: { type: 'string', check: httpUrl as (v: never) => string | undefined },
    accessKeyId: { type: 'string' },
    secretAccessKey: { type: 'string' },
    /** `https://endpoint/bucket/key` rather than `https://bucket.endpoint/key` (most S3-compatibles). */
    forcePathStyle: { type: 'boolean' },
  },
  webhook: {
    url: { type: 'string', required: true, check: httpUrl as (v: never) => string | undefined },
    secret: {
      type: 'string',
      check: (v: string) => (v.length >= 16 ? undefined : 'must be at least 16 characters'),
    },
  },
  splunkHec: {
    url: { type: 'string', required: true, check: httpUrl as (v: never) => string | undefined },
    token: { type: 'string', required: true },
    sourcetype: { type: 'string' },
    index: { type: 'string' },
  },
  syslog: {
    host: { type: 'string', required: true },
    port: {
      type: 'number',
      required: true,
      check: (v: number) =>
        Number.isInteger(v) && v > 0 && v < 65536 ? undefined : 'must be a TCP port (1-65535)',
    },
    tls: { type: 'boolean' },
    /** PEM CA certificate(s) to trust for TLS, besides the system's. */
    ca: { type: 'string' },
    /** The message text: the envelope JSON (default) or an ArcSight CEF event. */
    format: {
      type: 'string',
      check: (v: string) => (v === 'json' || v === 'cef' ? undefined : "must be 'json' or 'cef'"),
    },
  },
  workspace: {},
};

/** What each type takes, for forms (the portal) and clients: `GET /api/v1/destinationTypes`. */
export function destinationTypes() {
  return DESTINATION_TYPES.map((type) => ({
    type,
    slot: SLOT_OF[type],
    fields: Object.entries(FIELDS[type]).map(([name, f]) => ({
      name,
      type: f.type,
      required: f.required === true,
      secret: SECRETS[type].includes(name),
    })),
  }));
}

export function isDestinationType(t: unknown): t is DestinationType {
  return typeof t === 'string' && (DESTINATION_TYPES as readonly string[]).includes(t);
}

/** Validates a PUT body; returns the type and config, or a message saying what is wrong. */
export function parseDestination(
  body: unknown,
): { type: DestinationType; config: DestinationConfig } | { problem: string } {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return { problem: 'the body must be a JSON object such as {"type":"filesystem","path":"/var/archive"}' };
  }
  const { type, ...rest } = body as Record<string, unknown>;
  if (!isDestinationType(type)) {
    return { problem: `\`type\` must be one of ${DESTINATION_TYPES.join(', ')}` };
  }
  const fields = FIELDS[type];
  const config: DestinationConfig = {};
  for (const [k, v] of Object.entries(rest)) {
    if (k === 'name') continue; // the name comes from the path
    const f = fields[k];
    if (!f) return { problem: `unknown property '${k}' for a ${type} destination` };
    if (typeof v !== f.type) return { problem: `'${k}' must be a ${f.type}` };
    const msg = f.check?.(v as never);
    if (msg) return { problem: `'${k}' ${msg}` };
    config[k] = v;
  }
  for (const [k, f] of Object.entries(fields)) {
    if (f.required && config[k] === undefined)
      return { problem: `'${k}' is required for a ${type} destination` };
  }
  if (type === 's3' && (config.accessKeyId === undefined) !== (config.secretAccessKey === undefined)) {
    return {
      problem:
        "'accessKeyId' and 'secretAccessKey' go together (or neither, for the SDK's default credentials)",
    };
  }
  return { type, config };
}

/** The secret fields of a type (none for an unknown type). */
export function secretFields(type: unknown): readonly string[] {
  return isDestinationType(type) ? SECRETS[type] : [];
}

/** The config without its secrets, and which secrets are set: what GET returns. */
export function publicConfig(type: string, config: DestinationConfig): Record<string, unknown> {
  const secrets = isDestinationType(type) ? SECRETS[type] : [];
  const out: Record<string, unknown> = {};
  const set: string[] = [];
  for (const [k, v] of Object.entries(config)) {
    if (secrets.includes(k)) set.push(k);
    else out[k] = v;
  }
  if (set.length > 0) out.secretsSet = set;
  return out;
}
