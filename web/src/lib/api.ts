/**
 * The portal's only way to data: the public APIs (Graph-compatible reads and /api/v1/…) with the
 * API key the user signed in with. The key lives in sessionStorage: it survives a reload of the
 * tab and is gone when the tab closes.
 */
const KEY = 'idtrail.apiKey';

export interface Me {
  tenant: string;
  keyId: string;
  name: string;
  roles: string[];
}

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export const session = {
  get: (): string | null => sessionStorage.getItem(KEY),
  set: (key: string) => sessionStorage.setItem(KEY, key),
  clear: () => sessionStorage.removeItem(KEY),
};

export function authHeaders(key = session.get()): Record<string, string> {
  return key ? { authorization: `Bearer ${key}` } : {};
}

/** Throws ApiFailure with the server's Graph-shaped error message. */
export async function failureOf(res: Response): Promise<ApiFailure> {
  let code = `HTTP ${res.status}`;
  let message = res.statusText || 'request failed';
  try {
    const body = (await res.json()) as { error?: { code?: string; message?: string } };
    if (body.error?.code) code = body.error.code;
    if (body.error?.message) message = body.error.message;
  } catch {
    // not JSON: keep the status text
  }
  return new ApiFailure(res.status, code, message);
}

/**
 * Graph's evolvable enum members (`reportOnlyFailure`, `adminConfirmedAccountSafe`…) by name, as
 * Entra's own portal shows them, rather than `unknownFutureValue`.
 */
export const PREFER = { prefer: 'include-unknown-enum-members' };

export async function getJson<T>(url: string, signal?: AbortSignal, key?: string): Promise<T> {
  const res = await fetch(url, {
    headers: { ...authHeaders(key), ...PREFER },
    ...(signal ? { signal } : {}),
  });
  if (!res.ok) throw await failureOf(res);
  return (await res.json()) as T;
}

export const fetchMe = (key?: string) => getJson<Me>('/api/v1/me', undefined, key);

export interface Catalog {
  services: string[];
  categories: string[];
  value: Array<{ service: string; category: string; activity: string }>;
}

let catalog: Promise<Catalog> | undefined;
export function fetchCatalog(): Promise<Catalog> {
  catalog ??= getJson<Catalog>('/api/v1/catalog').catch((err: unknown) => {
    catalog = undefined;
    throw err;
  });
  return catalog;
}

export const ATTRIBUTE_LOG_ROLES = ['Attribute Log Reader', 'Attribute Log Administrator'];
