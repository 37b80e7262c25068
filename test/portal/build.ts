/** Builds the portal (vite) when dist/web is missing, so the tests run on a fresh clone too. */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { portalAvailable } from '../../src/api/routes/portal.ts';

export function ensurePortalBuilt(): void {
  if (portalAvailable()) return;
  const root = fileURLToPath(new URL('../../', import.meta.url));
  execFileSync('npx', ['vite', 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], {
    cwd: root,
    stdio: 'inherit',
  });
}
