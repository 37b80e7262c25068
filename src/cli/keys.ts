/** `idtrail keys create|list|revoke` — API keys, stored hashed; a new key's secret is printed once. */
import { Command } from 'commander';
import { parseRole, ROLE_NAMES, type RoleName } from '../registry/roles.ts';
import { createKey, DEFAULT_TENANT } from '../security/api-keys.ts';
import { dataOpt, withStore } from './local-store.ts';

export function keysCommand(): Command {
  const keys = new Command('keys').description('manage API keys');
  keys
    .command('create')
    .description(`create a key; roles: ${ROLE_NAMES.join(', ')}`)
    .option('--tenant <id>', 'tenant the key belongs to', DEFAULT_TENANT)
    .requiredOption('--role <name...>', 'role(s) the key holds')
    .option('--name <name>', 'a label for the key')
    .addOption(dataOpt())
    .action(async (opts: { tenant: string; role: string[]; name?: string; data: string }) => {
      const roles: RoleName[] = opts.role.map((r) => {
        const role = parseRole(r);
        if (!role) throw new Error(`unknown role '${r}'; roles: ${ROLE_NAMES.join(', ')}`);
        return role;
      });
      const key = await withStore(opts, (s) =>
        createKey(s, { tenant: opts.tenant, roles, ...(opts.name ? { name: opts.name } : {}) }),
      );
      process.stdout.write(`${key.secret}\n`);
      process.stderr.write(`key ${key.keyId} for tenant ${key.tenant} with roles: ${key.roles.join(', ')}\n`);
    });
  keys
    .command('list')
    .option('--tenant <id>', 'only this tenant')
    .addOption(dataOpt())
    .action(async (opts: { tenant?: string; data: string }) => {
      const rows = await withStore(opts, (s) => s.listKeys(opts.tenant));
      for (const k of rows) {
        process.stdout.write(
          `${k.keyId}\t${k.tenant}\t${k.name}\t${k.roles.join(',')}\t${k.createdAt}${k.revokedAt ? `\trevoked ${k.revokedAt}` : ''}\n`,
        );
      }
    });
  keys
    .command('revoke')
    .argument('<keyId>')
    .addOption(dataOpt())
    .action(async (keyId: string, opts: { data: string }) => {
      const ok = await withStore(opts, (s) => s.revokeKey(keyId));
      if (!ok) throw new Error(`no active key '${keyId}'`);
      process.stdout.write(`revoked ${keyId}\n`);
    });
  return keys;
}
