/**
 * The settings service behind /api/v1/destinations and /api/v1/diagnosticSettings: validation,
 * the rules Entra applies (five settings per tenant, destinations of the right kind), secrets
 * kept out of answers, and the router told after every change.
 */
import { LOG_TYPES } from '../registry/log-types.ts';
import type { DestinationRow, Store } from '../store/store.ts';
import { parseDestination, publicConfig, SLOT_OF, secretFields } from './destinations.ts';
import { nameProblem } from './names.ts';
import type { Router, RouteStatus } from './router.ts';
import {
  destinationName,
  MAX_SETTINGS_PER_TENANT,
  parseSetting,
  type SettingProperties,
  SLOTS,
  settingResource,
} from './settings.ts';

/** A refusal the API writes in Graph's error shape. */
export class RouterError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface DestinationHealth {
  state: 'idle' | 'delivering' | 'retrying' | 'registered' | 'unused';
  lag: number;
  delivered: number;
  lastError: string | null;
  lastErrorAt: string | null;
  lastDeliveredAt: string | null;
  routes: Array<
    Pick<RouteStatus, 'setting' | 'category' | 'lag' | 'delivered' | 'nextSeq' | 'state' | 'lastError'>
  >;
}

/**
 * Secrets are never returned, so a client editing a destination cannot send them back: a secret
 * left out of a PUT that keeps the destination's type keeps its stored value; `null` removes it.
 */
function keepSecrets(body: unknown, existing: DestinationRow | undefined): unknown {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return body;
  const b = { ...(body as Record<string, unknown>) };
  for (const k of secretFields(b.type)) {
    if (b[k] === null) delete b[k];
    else if (!(k in b) && existing && existing.type === b.type && existing.config[k] !== undefined)
      b[k] = existing.config[k];
  }
  return b;
}

export class SettingsService {
  constructor(
    private readonly store: Store,
    private readonly router: Router,
  ) {}

  private checkName(name: string): void {
    const p = nameProblem(name);
    if (p) throw new RouterError(400, 'BadRequest', p);
  }

  // --- destinations ---------------------------------------------------------------------------

  private destinationView(d: DestinationRow, statuses: RouteStatus[]) {
    const mine = statuses.filter((s) => s.destination === d.name);
    const errored = mine
      .filter((s) => s.lastErrorAt)
      .sort((a, b) => b.lastErrorAt!.localeCompare(a.lastErrorAt!));
    const delivered = mine
      .map((s) => s.lastDeliveredAt)
      .filter((t): t is string => !!t)
      .sort();
    const state: DestinationHealth['state'] =
      mine.length === 0
        ? 'unused'
        : mine.some((s) => s.state === 'retrying')
          ? 'retrying'
          : mine.some((s) => s.state === 'delivering')
            ? 'delivering'
            : mine.every((s) => s.state === 'registered')
              ? 'registered'
              : 'idle';
    const health: DestinationHealth = {
      state,
      lag: mine.reduce((n, s) => n + s.lag, 0),
      delivered: mine.reduce((n, s) => n + s.delivered, 0),
      lastError: mine.some((s) => s.state === 'retrying') ? (errored[0]?.lastError ?? null) : null,
      lastErrorAt: errored[0]?.lastErrorAt ?? null,
      lastDeliveredAt: delivered[delivered.length - 1] ?? null,
      routes: mine.map(({ setting, category, lag, delivered, nextSeq, state, lastError }) => ({
        setting,
        category,
        lag,
        delivered,
        nextSeq,
        state,
        lastError,
      })),
    };
    return {
      name: d.name,
      type: d.type,
      ...publicConfig(d.type, d.config),
      createdDateTime: d.createdAt,
      lastModifiedDateTime: d.updatedAt,
      health,
    };
  }

  async listDestinations(tenant: string) {
    const statuses = this.router.status(tenant);
    return (await this.store.listDestinations(tenant)).map((d) => this.destinationView(d, statuses));
  }

  async getDestination(tenant: string, name: string) {
    this.checkName(name);
    const d = (await this.store.listDestinations(tenant)).find((x) => x.name === name);
    if (!d) throw new RouterError(404, 'ResourceNotFound', `no destination '${name}'`);
    return this.destinationView(d, this.router.status(tenant));
  }

  async putDestination(tenant: string, name: string, body: unknown) {
    this.checkName(name);
    const existing = (await this.store.listDestinations(tenant)).find((x) => x.name === name);
    const parsed = parseDestination(keepSecrets(body, existing));
    if ('problem' in parsed) throw new RouterError(400, 'BadRequest', parsed.problem);
    if (existing && existing.type !== parsed.type) {
      // A setting names it in the slot of its old kind; changing kind would silently misroute.
      const users = await this.settingsUsing(tenant, name);
      if (users.length > 0) {
        throw new RouterError(
          409,
          'Conflict',
          `destination '${name}' is used by diagnostic setting(s) ${users.join(', ')}; its type cannot change`,
        );
      }
    }
    await this.store.putDestination({ tenant, name, type: parsed.type, config: parsed.config });
    await this.router.reconcile();
    return { created: !existing, resource: await this.getDestination(tenant, name) };
  }

  async deleteDestination(tenant: string, name: string): Promise<void> {
    this.checkName(name);
    const users = await this.settingsUsing(tenant, name);
    if (users.length > 0) {
      throw new RouterError(
        409,
        'Conflict',
        `destination '${name}' is used by diagnostic setting(s) ${users.join(', ')}; remove it from them first`,
      );
    }
    if (!(await this.store.deleteDestination(tenant, name))) {
      throw new RouterError(404, 'ResourceNotFound', `no destination '${name}'`);
    }
    await this.router.reconcile();
  }

  private async settingsUsing(tenant: string, destination: string): Promise<string[]> {
    return (await this.store.listSettings(tenant))
      .filter((s) =>
        SLOTS.some((slot) => {
          const ref = (s.properties as Record<string, unknown>)[slot];
          return typeof ref === 'string' && destinationName(ref) === destination;
        }),
      )
      .map((s) => s.name);
  }

  // --- diagnostic settings ----------------------------------------------------------------------

  async listSettings(tenant: string) {
    return (await this.store.listSettings(tenant)).map(settingResource);
  }

  async getSetting(tenant: string, name: string) {
    this.checkName(name);
    const s = (await this.store.listSettings(tenant)).find((x) => x.name === name);
    if (!s) throw new RouterError(404, 'ResourceNotFound', `no diagnostic setting '${name}'`);
    return settingResource(s);
  }

  async putSetting(tenant: string, name: string, body: unknown, callerRoles: readonly string[] = []) {
    this.checkName(name);
    const parsed = parseSetting(body);
    if ('problem' in parsed) throw new RouterError(400, 'BadRequest', parsed.problem);
    const p: SettingProperties = parsed.properties;
    // Routing custom security attribute audits also needs Attribute Log Administrator (§2.4,
    // seed 004): a Global or Security Administrator alone may not send them anywhere.
    const routesAttributeLogs = p.logs.some(
      (l) => l.enabled && l.category === 'CustomSecurityAttributeAuditLogs',
    );
    if (routesAttributeLogs && !callerRoles.includes('Attribute Log Administrator')) {
      throw new RouterError(
        403,
        'Authorization_RequestDenied',
        'Routing CustomSecurityAttributeAuditLogs needs the Attribute Log Administrator role as well.',
      );
    }
    const all = await this.store.listSettings(tenant);
    const existing = all.find((s) => s.name === name);
    if (!existing && all.length >= MAX_SETTINGS_PER_TENANT) {
      throw new RouterError(
        400,
        'BadRequest',
        `a tenant can have at most ${MAX_SETTINGS_PER_TENANT} diagnostic settings; delete one first`,
      );
    }
    const dests = await this.store.listDestinations(tenant);
    for (const slot of SLOTS) {
      const ref = p[slot];
      if (!ref) continue;
      const dname = destinationName(ref);
      const d = dests.find((x) => x.name === dname);
      if (!d) {
        throw new RouterError(
          400,
          'BadRequest',
          `'properties.${slot}' names no destination: '${dname}' (create it with PUT /api/v1/destinations/${dname})`,
        );
      }
      const slotOfType = SLOT_OF[d.type as keyof typeof SLOT_OF];
      if (slotOfType !== slot) {
        throw new RouterError(
          400,
          'BadRequest',
          `destination '${dname}' is of type ${d.type}: name it in '${slotOfType}', not '${slot}'`,
        );
      }
    }
    if (existing) {
      // A replay point applies when a route is first made; an edit keeps every cursor where it is.
      const before = existing.properties as unknown as SettingProperties;
      if (p.replayFrom === undefined && before.replayFrom !== undefined) p.replayFrom = before.replayFrom;
    }
    await this.store.putSetting({ tenant, name, properties: p as unknown as Record<string, unknown> });
    await this.router.reconcile();
    return { created: !existing, resource: await this.getSetting(tenant, name) };
  }

  async deleteSetting(tenant: string, name: string): Promise<void> {
    this.checkName(name);
    if (!(await this.store.deleteSetting(tenant, name))) {
      throw new RouterError(404, 'ResourceNotFound', `no diagnostic setting '${name}'`);
    }
    await this.router.reconcile();
  }

  /** Routes of the tenant's settings, with delivery status. */
  routes(tenant: string): RouteStatus[] {
    return this.router.status(tenant);
  }

  static categories() {
    return LOG_TYPES.map((t) => ({
      id: `providers/microsoft.aadiam/diagnosticSettingsCategories/${t.category}`,
      name: t.category,
      type: '',
      properties: { categoryType: 'Logs' },
    }));
  }
}
