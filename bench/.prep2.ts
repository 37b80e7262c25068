import { prepareItems } from '../src/ingest/prepare.ts';
import { AuditCatalog } from '../src/registry/catalog/catalog.ts';
import { logType } from '../src/registry/log-types.ts';
import { generateHour, tenantFor } from '../src/simulate/engine.ts';
import { GENERATORS } from '../src/simulate/generators/index.ts';
import { HOUR, DAY } from '../src/simulate/types.ts';
const catalog = AuditCatalog.load();
const from = Date.UTC(2026, 2, 2);
const ctx = { tenant: tenantFor('demo', 1000), seed: 'demo', from, to: from + 30 * DAY };
const cpu = () => { const c = process.cpuUsage(); return c.user + c.system; };
for (let i = 0; i < 3; i++) for (const nz of [false, true]) {
  let gen = 0, prep = 0, n = 0; const per = new Map<string, number>(); const cnt = new Map<string, number>();
  for (let h = from + 7 * DAY; h < from + 7 * DAY + 24 * HOUR; h += HOUR) {
    let t = cpu();
    const by = new Map<string, unknown[]>();
    for (const [c, r] of generateHour(ctx, GENERATORS, h, nz)) { const l = by.get(c) ?? []; l.push(r); by.set(c, l); }
    gen += cpu() - t;
    for (const [c, rs] of by) { t = cpu(); prepareItems(logType(c), rs, { catalog, catalogMode: 'strict', normalized: nz }); const d = cpu() - t; prep += d; n += rs.length; per.set(c, (per.get(c) ?? 0) + d); cnt.set(c, (cnt.get(c) ?? 0) + rs.length); }
  }
  console.log(nz ? 'normalized' : 'general   ', n, 'gen', (gen / n).toFixed(2), 'prep', (prep / n).toFixed(2), 'µs/rec', i === 2 ? [...per].map(([c, d]) => `${c}=${(d / cnt.get(c)!).toFixed(1)}(${cnt.get(c)})`).join(' ') : '');
}
