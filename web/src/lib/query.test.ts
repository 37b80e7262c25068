/**
 * The portal's filters → OData: the exact $filter each view sends, and that every filter of every
 * view is accepted by the server's own OData validation (src/query) for the list it reads — so a
 * pill can never produce a request the API refuses.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GRAPH_RESOURCES } from '../../../src/api/routes/graph/resources.ts';
import { compileRequest } from '../../../src/query/kql/run.ts';
import { buildODataQuery } from '../../../src/query/odata/query.ts';
import { LOG_TYPES } from '../../../src/registry/log-types.ts';
import { auditView } from '../views/audit.tsx';
import { provisioningView } from '../views/provisioning.tsx';
import { riskDetectionsView, riskyUsersView } from '../views/risk.tsx';
import { signInView } from '../views/signins.tsx';
import type { Filter } from '../views/types.ts';
import { kqlHistogramQuery } from './histogram.ts';
import { exportUrl, filterApplies, kqlBase, listUrl, odataFilter } from './query.ts';

const NOW = new Date('2026-11-22T04:05:37.123Z');
const VIEWS = [auditView, signInView, provisioningView, riskyUsersView, riskDetectionsView];

/** A value each filter accepts: its first option, or text with quotes, a backslash and a pipe to escape. */
const sample = (f: Filter) => f.options?.[0]?.value ?? 'O\'Brien "x\\" | take 1';

describe('portal filters', () => {
  it('audit: date, service and activity become one $filter, quotes doubled', () => {
    const params = new URLSearchParams({ service: 'Core Directory', activity: "Add user's" });
    assert.equal(
      odataFilter(auditView, auditView.tabs[0]!, params, NOW),
      "activityDateTime ge 2026-11-21T04:05:00Z and loggedByService eq 'Core Directory' and activityDisplayName eq 'Add user''s'",
    );
  });

  it('sign-ins: the tab picks the kind; user-only filters do not apply to service principals', () => {
    const params = new URLSearchParams({ range: '7d', user: 'adele', status: 'failure' });
    const sp = signInView.tabs.find((t) => t.id === 'servicePrincipal')!;
    assert.equal(
      odataFilter(signInView, sp, params, NOW),
      "signInEventTypes/any(t: t eq 'servicePrincipal') and createdDateTime ge 2026-11-15T04:05:00Z and not(status/errorCode eq 0)",
    );
    const interactive = signInView.tabs[0]!;
    assert.match(
      odataFilter(signInView, interactive, params, NOW)!,
      /startswith\(userPrincipalName, 'adele'\)/,
    );
  });

  it('custom ranges bound both ends; risky users have no date', () => {
    const params = new URLSearchParams({
      range: 'custom',
      from: '2026-11-01T08:00:00Z',
      to: '2026-11-02T08:00:00Z',
    });
    assert.equal(
      odataFilter(auditView, auditView.tabs[0]!, params, NOW),
      'activityDateTime ge 2026-11-01T08:00:00Z and activityDateTime le 2026-11-02T08:00:00Z',
    );
    assert.equal(odataFilter(riskyUsersView, riskyUsersView.tabs[0]!, new URLSearchParams(), NOW), undefined);
  });

  it('list and export URLs carry the same filter', () => {
    const tab = auditView.tabs[0]!;
    const filter = "loggedByService eq 'Core Directory'";
    const list = new URL(listUrl(tab, filter), 'http://x');
    const exp = new URL(exportUrl(tab, filter, 'csv')!, 'http://x');
    assert.equal(list.pathname, '/beta/auditLogs/directoryAudits');
    assert.equal(list.searchParams.get('$filter'), filter);
    assert.equal(exp.pathname, '/api/v1/export/directoryAudits');
    assert.equal(exp.searchParams.get('$filter'), filter);
    assert.equal(exp.searchParams.get('format'), 'csv');
  });

  for (const view of VIEWS) {
    const workspaceTabs = [
      ...view.tabs.filter((t) => t.kql),
      // Grouped tabs read their table through the workspace while grouped.
      ...view.tabs
        .filter((t) => t.group)
        .map((t) => ({ ...t, kql: t.group!, label: `${t.label} (grouped)` })),
    ];
    for (const tab of workspaceTabs) {
      it(`${view.title} / ${tab.label}: every filter is KQL the workspace accepts, on its table`, () => {
        const compiles = (params: URLSearchParams) => {
          const grouping = tab.group
            ? `\n| summarize SignIns = count(), arg_max(TimeGenerated, *) by ${tab.group.by.join(', ')}`
            : '';
          const query = `${kqlBase(view, tab, params, NOW)}${grouping}\n| where TimeGenerated < datetime(2026-11-01T00:00:00.123456Z) or (TimeGenerated == datetime(2026-11-01T00:00:00.123456Z) and Id < "x")\n| order by TimeGenerated desc, Id desc\n| take 201`;
          const c = compileRequest({ query, tenant: 't', types: [...LOG_TYPES] });
          // A typed value stays one string literal (quotes, backslash and `|` included), never KQL.
          for (const f of view.filters) {
            const v = params.get(f.id);
            if (v && f.kind === 'text')
              assert.ok(c.sql.includes(`'${v.replace(/'/g, "''")}'`), `${f.label}: ${v}`);
          }
          return query;
        };
        const all = new URLSearchParams({ range: '30d' });
        for (const f of view.filters) {
          if (!filterApplies(f, tab)) continue;
          all.set(f.id, sample(f));
          compiles(new URLSearchParams({ [f.id]: sample(f) }));
        }
        assert.match(
          compiles(all),
          new RegExp(`^${tab.kql!.table}\n\\| where TimeGenerated >= datetime\\(2026-10-23T04:05:00Z\\)`),
        );
        // The chart's counts over the same filters.
        const histogram = kqlHistogramQuery(kqlBase(view, tab, all, NOW), 'PT6H');
        assert.doesNotThrow(
          () => compileRequest({ query: histogram, tenant: 't', types: [...LOG_TYPES] }),
          histogram,
        );
        // Filters on columns the table lacks are not offered (client app, city).
        assert.ok(view.filters.some((f) => !filterApplies(f, tab)));
      });
    }
    for (const tab of view.tabs.filter((t) => !t.kql)) {
      it(`${view.title} / ${tab.label}: every filter is one the API accepts`, () => {
        const resource = GRAPH_RESOURCES.find((r) => `/beta${r.path}` === tab.list);
        assert.ok(resource, `${tab.list} is a Graph list`);
        assert.ok(
          GRAPH_RESOURCES.some((r) => r.path.endsWith(`/${tab.exportResource}`)),
          `${tab.exportResource} is an export resource`,
        );
        const params = new URLSearchParams({ range: '30d' });
        for (const f of view.filters) if (!f.tabs || f.tabs.includes(tab.id)) params.set(f.id, sample(f));
        for (const f of view.filters) {
          if (f.tabs && !f.tabs.includes(tab.id)) continue;
          const one = new URLSearchParams({ [f.id]: sample(f) });
          const filter = odataFilter(view, tab, one, NOW);
          assert.doesNotThrow(
            () => buildODataQuery(resource.type, { $filter: filter }, { version: 'beta' }),
            f.label,
          );
        }
        const all = odataFilter(view, tab, params, NOW);
        assert.doesNotThrow(() => buildODataQuery(resource.type, { $filter: all }, { version: 'beta' }), all);
      });
    }
  }
});
