import { prepareItems } from '../src/ingest/prepare.ts';
import { AuditCatalog } from '../src/registry/catalog/catalog.ts';
import { logType } from '../src/registry/log-types.ts';
import { generateHour, tenantFor } from '../src/simulate/engine.ts';
import { GENERATORS } from '../src/simulate/generators/index.ts';
import { HOUR, DAY } from '../src/simulate/types.ts';
const catalog = AuditCatalog.load();
const from = Date.UTC(2026, 2, 2);
const ctx = { tenant: tenantFor('demo', 1000), seed: 'demo', from, to: from + 30 * DAY };
function run(normalized: boolean) {
  const c0 = process.cpuUsage(); let n = 0;
  for (let h = from + 7 * DAY; h < from + 7 * DAY + 24 * HOUR; h += HOUR) {
    const by = new Map<string, unknown[]>();
    for (const [c, r] of generateHour(ctx, GENERATORS, h, normalized)) { const l = by.get(c) ?? []; l.push(r); by.set(c, l); }
    for (const [c, rs] of by) { const p = prepareItems(logType(c), rs, { catalog, catalogMode: 'strict', normalized }); if (p.errors.length) throw new Error(JSON.stringify(p.errors[0])); n += p.records.length; }
  }
  const c = process.cpuUsage(c0);
  return { n, us: (c.user + c.system) / n };
}
for (let i = 0; i < 4; i++) for (const nz of [false, true]) { const r = run(nz); console.log(nz ? 'normalized' : 'general   ', r.n, r.us.toFixed(2), 'µs/rec'); }
