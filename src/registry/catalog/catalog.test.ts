import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { AuditCatalog, type CatalogRow } from './catalog.ts';
import {
  mergeCatalogs,
  parseCatalog2018,
  parseCatalog2024,
  type Row,
  SEED_FILE_2018,
  SEED_FILE_2024,
  SeedFormatError,
} from './parse-seeds.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const seedsDir = process.env['IDTRAIL_SEEDS_DIR'] || path.resolve(repoRoot, '../shared/seeds');

function readSeed(name: string): string {
  const file = path.join(seedsDir, name);
  if (!existsSync(file)) {
    assert.fail(
      `seed file not found: ${file}. The catalog tests check rows against the scraped pages in ` +
        `../shared/seeds (relative to the repo root); set IDTRAIL_SEEDS_DIR to point elsewhere.`,
    );
  }
  return readFileSync(file, 'utf8');
}

const catalog = AuditCatalog.load();

// ---------------------------------------------------------------------------------------------------------
// (a) pinned counts
// ---------------------------------------------------------------------------------------------------------

const EXPECTED_TOTAL = 1620;
const EXPECTED_FROM_2024 = 1196;
const EXPECTED_FROM_2018 = 424;
const EXPECTED_BY_SERVICE: Record<string, number> = {
  'Access reviews': 66,
  'Account provisioning': 21,
  'Application proxy': 38,
  'Authentication Methods': 53,
  'Automated password rollover': 1,
  'Azure RBAC (Elevated Access)': 2,
  'B2B Auth': 1,
  B2C: 493,
  'Conditional Access': 11,
  'Core Directory': 361,
  'Device Registration Service': 18,
  'Entitlement Management': 57,
  'Global Secure Access': 29,
  'Hybrid Authentication': 2,
  'Invited users': 15,
  'Lifecycle Workflows': 25,
  'Microsoft Entra (AAD) Management UX': 32,
  'Microsoft Entra (Azure AD) Recommendations': 3,
  'Microsoft Entra (Azure MFA) multifactor authentication': 8,
  'Microsoft Entra ID Protection (Identity Protection)': 23,
  'Microsoft Identity Manager (MIM) Service': 16,
  'Mobility Management': 6,
  MyAccess: 1,
  MyApps: 5,
  'Privileged Identity Management (PIM)': 212,
  'Self-service group management': 73,
  'Self-service password management': 18,
  'Terms of use': 14,
  'Verified ID': 16,
};

describe('audit catalog: pinned counts', () => {
  test('total and per-source row counts', () => {
    const s = catalog.summary();
    assert.equal(s.total, EXPECTED_TOTAL);
    assert.equal(catalog.rows.length, EXPECTED_TOTAL);
    assert.equal(catalog.rows.filter((r) => r.source === '2024').length, EXPECTED_FROM_2024);
    assert.equal(catalog.rows.filter((r) => r.source === '2018').length, EXPECTED_FROM_2018);
  });

  test('per-service row counts', () => {
    assert.deepEqual(catalog.summary().byService, EXPECTED_BY_SERVICE);
    assert.deepEqual(catalog.services(), Object.keys(EXPECTED_BY_SERVICE).sort());
  });

  test('the committed JSON is exactly what the parsers produce from the seeds', () => {
    const rows = mergeCatalogs(
      parseCatalog2024(readSeed(SEED_FILE_2024)),
      parseCatalog2018(readSeed(SEED_FILE_2018)),
    );
    assert.deepEqual(catalog.rows, rows);
  });
});

// ---------------------------------------------------------------------------------------------------------
// (b) spot checks against the seed text
// ---------------------------------------------------------------------------------------------------------

type Spot = {
  row: Omit<CatalogRow, 'description'>;
  /** Why this row was picked. */
  why: string;
  /** Strings that must occur in the seed text; default: the row's own table line. */
  evidence?: string[];
  description?: string;
};

const SPOTS: Spot[] = [
  {
    row: {
      service: 'Account provisioning',
      category: 'ProvisioningManagement',
      activity: 'Enable/start provisioning configuration',
      source: '2024',
    },
    why: 'split over two lines ("configuration<TAB><TAB>" on its own line)',
    evidence: ['ProvisioningManagement\tEnable/start provisioning\t', '\nconfiguration\t\t\n'],
    description: 'The provisioning job has been started.',
  },
  {
    row: {
      service: 'Account provisioning',
      category: 'ProvisioningManagement',
      activity: 'Quarantine',
      source: '2024',
    },
    why: 'description column with leaked "Learn more" link text',
    description:
      'The provisioning job is executing at a reduced frequency due to issues such as a lack of ' +
      'connectivity to the target application.',
  },
  {
    row: {
      service: 'Microsoft Entra (AAD) Management UX',
      category: 'AdministrativeUnit',
      activity: 'started (bulk)',
      source: '2024',
    },
    why: 'looks like a split row but is a complete row of its own (one per category)',
  },
  {
    row: {
      service: 'Microsoft Entra (AAD) Management UX',
      category: 'UserManagement',
      activity: 'Download users - finished (bulk)',
      source: '2024',
    },
    why: 'after a blank line inside the table',
  },
  {
    row: {
      service: 'Core Directory',
      category: 'AdministrativeUnit',
      activity: 'Update administrative unit',
      source: '2024',
    },
    why: 'last row before navigation text leaked into the table',
  },
  {
    row: { service: 'Core Directory', category: 'Agreement', activity: 'Add agreement', source: '2024' },
    why: 'first row after the leaked navigation text ("Download PDF")',
  },
  {
    row: {
      service: 'Conditional Access',
      category: 'Policy',
      activity: 'Update security defaults',
      source: '2024',
    },
    why: 'last row before the "Filter by title" navigation block',
  },
  {
    row: {
      service: 'Self-service group management',
      category: 'GroupManagement',
      activity: 'ApprovalNotification_Create',
      source: '2024',
    },
    why: 'first row after the "----------------" separator row',
  },
  {
    row: {
      service: 'Self-service group management',
      category: 'GroupManagement',
      activity: 'set dynamic group properties',
      source: '2024',
    },
    why: 'Entra spelling kept (lower-case "set")',
  },
  {
    row: {
      service: 'Authentication Methods',
      category: 'UserManagement',
      activity: 'user started password reset',
      source: '2024',
    },
    why: 'Entra spelling kept (lower-case "user")',
  },
  {
    row: {
      service: 'Microsoft Entra ID Protection (Identity Protection)',
      category: 'Other',
      activity: 'confirmServicePrincipalCompromised',
      source: '2024',
    },
    why: 'camelCase activity',
  },
  {
    row: { service: 'B2C', category: 'ResourceManagement', activity: 'Identity Provider', source: '2024' },
    why: 'odd activity name kept as published',
  },
  {
    row: {
      service: 'Verified ID',
      category: 'ResourceManagement',
      activity: 'Process POST /authorities/issuerId/didInfo/signingKeys/rotate request',
      source: '2024',
    },
    why: 'last section, activity with slashes',
  },
  {
    row: {
      service: 'Privileged Identity Management (PIM)',
      category: 'GroupManagement',
      activity: 'Update member in PIM approved by admin (extend/renew)',
      source: '2024',
    },
    why: 'PIM, parenthesised qualifier',
  },
  {
    row: {
      service: 'MyAccess',
      category: 'ApplicationManagement',
      activity: 'Create application collection',
      source: '2024',
    },
    why: 'single-row section',
  },
  {
    row: {
      service: 'Automated password rollover',
      category: 'Application Management',
      activity: 'Remove service principal credentials',
      source: '2018',
    },
    why: '2018-only service, name kept',
  },
  {
    row: {
      service: 'B2C',
      category: 'Authorization',
      activity: 'Verify if feature is enalbed',
      source: '2018',
    },
    why: '2018-only activity, typo kept',
  },
  {
    row: {
      service: 'Microsoft Entra ID Protection (Identity Protection)',
      category: 'Other',
      activity: 'ScanAlertsNow',
      source: '2018',
    },
    why: '2018 "Identity protection" mapped to the 2024 service name',
    evidence: ['## Identity protection', '|Other|ScanAlertsNow|'],
  },
  {
    row: {
      service: 'Privileged Identity Management (PIM)',
      category: 'Role Management',
      activity: 'Add users strong authentication phone app detail',
      source: '2018',
    },
    why: '2018 "Privileged Identity Management" mapped to the 2024 service name',
  },
  {
    row: {
      service: 'Core Directory',
      category: 'User Management',
      activity: 'AccessReview_Review',
      source: '2018',
    },
    why: '2018 "Core directory" mapped to "Core Directory"; last row before a section break',
  },
];

describe('audit catalog: spot checks against the seeds', () => {
  const seed2024 = readSeed(SEED_FILE_2024);
  const seed2018 = readSeed(SEED_FILE_2018);

  test('20 rows picked from many services', () => {
    assert.equal(SPOTS.length, 20);
    assert.ok(new Set(SPOTS.map((s) => s.row.service)).size >= 12);
    assert.ok(SPOTS.filter((s) => s.row.source === '2018').length >= 3);
  });

  for (const spot of SPOTS) {
    const { service, category, activity, source } = spot.row;
    test(`${service} / ${category} / ${activity} (${spot.why})`, () => {
      assert.ok(catalog.has(service, category, activity), 'row missing from catalog');
      const found = catalog.find(service, activity).filter((r) => r.category === category);
      assert.equal(found.length, 1);
      assert.equal(found[0]!.source, source);
      if (spot.description !== undefined) assert.equal(found[0]!.description, spot.description);

      const seed = source === '2024' ? seed2024 : seed2018;
      const evidence = spot.evidence ?? [
        source === '2024' ? `\n${category}\t${activity}` : `|${category}|${activity}|`,
      ];
      for (const e of evidence) assert.ok(seed.includes(e), `seed ${source} lacks ${JSON.stringify(e)}`);
      if (!spot.evidence) assert.ok(seed.includes(activity), 'activity text not in the seed');
    });
  }
});

// ---------------------------------------------------------------------------------------------------------
// (c) no noise in the shipped data
// ---------------------------------------------------------------------------------------------------------

const NOISE_SUBSTRINGS = [
  'Expand table',
  'Feedback',
  'Filter by title',
  'In this article',
  'Show 24 more',
  'Download PDF',
  'cookies',
  'Learn more',
  'Audit Category',
  'Activty',
  '[',
  ']',
  '](#)',
  '|',
  '\t',
  '\n',
  '▼',
];

describe('audit catalog: no page-scrape noise', () => {
  test('no empty, padded, separator or navigation values', () => {
    for (const r of catalog.rows) {
      const fields = [
        r.service,
        r.category,
        r.activity,
        ...(r.description === undefined ? [] : [r.description]),
      ];
      for (const f of fields) {
        const where = JSON.stringify(r);
        assert.notEqual(f, '', `empty field in ${where}`);
        assert.equal(f, f.trim(), `leading/trailing whitespace in ${where}`);
        assert.doesNotMatch(f, /\s{2,}/, `doubled whitespace in ${where}`);
        assert.doesNotMatch(f, /^[-:|]+$/, `separator value in ${where}`);
        for (const n of NOISE_SUBSTRINGS) assert.ok(!f.includes(n), `${JSON.stringify(n)} in ${where}`);
      }
      assert.notEqual(r.activity, '----------------');
      assert.ok(r.source === '2024' || r.source === '2018');
    }
  });

  test('no exact duplicate rows, and rows are sorted by service, category, activity', () => {
    const keys = catalog.rows.map((r) => JSON.stringify(r));
    assert.equal(new Set(keys).size, keys.length);
    const triple = (r: CatalogRow) => [r.service, r.category, r.activity];
    for (let i = 1; i < catalog.rows.length; i++) {
      const a = triple(catalog.rows[i - 1]!);
      const b = triple(catalog.rows[i]!);
      const order = a[0]! < b[0]! ? -1 : a[0]! > b[0]! ? 1 : a[1]! < b[1]! ? -1 : a[1]! > b[1]! ? 1 : 0;
      assert.ok(order < 0 || (order === 0 && a[2]! <= b[2]!), `rows ${i - 1} and ${i} out of order`);
    }
  });

  test('nav text and section headings never became categories', () => {
    const categories = catalog.categories();
    for (const bad of ['configuration', 'logs', 'Audit Category', '----------------']) {
      assert.ok(!categories.includes(bad), bad);
    }
  });
});

// ---------------------------------------------------------------------------------------------------------
// (d) parsers on small inline samples of each noise kind
// ---------------------------------------------------------------------------------------------------------

const tsv = (...lines: string[]) => lines.join('\n');
const brief = (rows: Row[]) => rows.map((r) => [r.service, r.category, r.activity, r.description ?? null]);

describe('parseCatalog2024', () => {
  test('ignores cookie banner, intro, "In this article" links and footer', () => {
    const text = tsv(
      'We use optional cookies to improve your experience. [Privacy Statement](#)',
      '',
      'Accept',
      'In this article',
      '[Access reviews](#)',
      '[Show 24 more](#)',
      '',
      'Access reviews',
      '',
      'With [access reviews](#), you can ensure users have the appropriate access.',
      '',
      ' Expand table',
      '',
      'Audit Category\tActivity',
      'Policy\tAccess review ended',
      '',
      'Next steps',
      '',
      '- [Audit logs report](#)',
      '',
      'Feedback',
      '',
      'Was this page helpful?',
      '[Provide product feedback](#)',
    );
    assert.deepEqual(brief(parseCatalog2024(text)), [
      ['Access reviews', 'Policy', 'Access review ended', null],
    ]);
  });

  test('joins a row split over two lines (tail in the first column)', () => {
    const text = tsv(
      'Account provisioning',
      '',
      ' Expand table',
      '',
      'Audit Category\tActivity\tDescription',
      'ProvisioningManagement\tEnable/start provisioning\tThe provisioning job has been started.',
      '',
      'configuration\t\t',
      'ProvisioningManagement\tOther\t',
      'ProvisioningManagement\tQuarantine\tRuns at a reduced frequency. Learn more',
    );
    assert.deepEqual(brief(parseCatalog2024(text)), [
      [
        'Account provisioning',
        'ProvisioningManagement',
        'Enable/start provisioning configuration',
        'The provisioning job has been started.',
      ],
      ['Account provisioning', 'ProvisioningManagement', 'Other', null],
      ['Account provisioning', 'ProvisioningManagement', 'Quarantine', 'Runs at a reduced frequency.'],
    ]);
  });

  test('a wrapped tail goes to an unfinished description, and an empty-category line continues the row', () => {
    const text = tsv(
      'Svc',
      ' Expand table',
      'Audit Category\tActivity\tDescription',
      'Cat\tDo thing\tThe job has',
      'been started.\t\t',
      'Cat\tAdd member to',
      '\tgroup\t',
    );
    assert.deepEqual(brief(parseCatalog2024(text)), [
      ['Svc', 'Cat', 'Do thing', 'The job has been started.'],
      ['Svc', 'Cat', 'Add member to group', null],
    ]);
  });

  test('keeps a complete row that only looks like a continuation ("started (bulk)")', () => {
    const text = tsv(
      'Microsoft Entra (AAD) Management UX',
      '',
      ' Expand table',
      '',
      'Audit Category\tActivity',
      'AdministrativeUnit\tBulk add members to administrative unit - finished (bulk)',
      'AdministrativeUnit\tstarted (bulk)',
    );
    assert.deepEqual(
      parseCatalog2024(text).map((r) => r.activity),
      ['Bulk add members to administrative unit - finished (bulk)', 'started (bulk)'],
    );
  });

  test('drops navigation text leaked inside a table and blank page-break lines', () => {
    const text = tsv(
      'Core Directory',
      '',
      'Logs captured in the Core Directory service cover a wide variety of scenarios.',
      '',
      ' Expand table',
      '',
      'Audit Category\tActivity',
      'AdministrativeUnit\tUpdate administrative unit',
      '',
      'logs',
      '',
      'Analyze activity logs in Azure Monitor logs',
      '',
      '> Common troubleshooting scenarios',
      '',
      '< Reference',
      '',
      'Audit log activities',
      '',
      'FAQs',
      '',
      'Download PDF',
      '',
      'Agreement\tAdd agreement',
      '',
      'Agreement\tDelete agreement',
    );
    assert.deepEqual(brief(parseCatalog2024(text)), [
      ['Core Directory', 'AdministrativeUnit', 'Update administrative unit', null],
      ['Core Directory', 'Agreement', 'Add agreement', null],
      ['Core Directory', 'Agreement', 'Delete agreement', null],
    ]);
  });

  test('finds the next heading past a navigation block between two tables', () => {
    const text = tsv(
      'Conditional Access',
      '',
      'Use these logs to see when changes were made to your [Conditional Access policies](#).',
      '',
      ' Expand table',
      '',
      'Audit Category\tActivity',
      'Policy\tUpdate security defaults',
      '',
      ' Filter by title',
      '',
      '- ▼ Identity logs',
      ' - > Concepts',
      ' - Download logs',
      '- ▼',
      '',
      'Device Registration Service',
      '',
      ' ',
      'If you need to manage [devices](#), use these logs.',
      '',
      ' Expand table',
      '',
      'Audit Category\tActivity',
      'Device\tRegister device',
    );
    assert.deepEqual(brief(parseCatalog2024(text)), [
      ['Conditional Access', 'Policy', 'Update security defaults', null],
      ['Device Registration Service', 'Device', 'Register device', null],
    ]);
  });

  test('drops the "----------------" separator row and repeated header rows', () => {
    const text = tsv(
      'Self-service group management',
      '',
      ' Expand table',
      '',
      'Audit Category\tActivity',
      '----------------\t----------',
      '',
      'GroupManagement\tApprovalNotification_Create',
      'Audit Category\tActivity',
      'GroupManagement\tApproval_Act',
    );
    assert.deepEqual(
      parseCatalog2024(text).map((r) => r.activity),
      ['ApprovalNotification_Create', 'Approval_Act'],
    );
  });

  test('empty sections contribute no rows and do not capture the next section', () => {
    const text = tsv(
      'Hybrid Authentication',
      '',
      ' Expand table',
      '',
      'Audit Category\tActivity',
      '',
      'MyAccess',
      '',
      'This section has no table at all.',
      '',
      'MyApps',
      '',
      ' Expand table',
      '',
      'Audit Category\tActivity',
      'ApplicationManagement\tCreate application collection',
    );
    assert.deepEqual(brief(parseCatalog2024(text)), [
      ['MyApps', 'ApplicationManagement', 'Create application collection', null],
    ]);
  });

  test('fails loudly on a continuation with nothing to continue', () => {
    const text = tsv('Svc', ' Expand table', 'Audit Category\tActivity', 'orphan\t');
    assert.throws(() => parseCatalog2024(text), SeedFormatError);
  });
});

describe('parseCatalog2018', () => {
  test('skips front matter, title, header ("Activty"), separators, empty sections and Next steps', () => {
    const text = tsv(
      '---',
      'title: Azure AD audit activity reference | Microsoft Docs',
      'ms.date: 04/19/2018',
      '---',
      '# Azure AD audit activity reference',
      '',
      '- **Audit logs** - Provides traceability.',
      '',
      '## Access reviews',
      '',
      '|Audit Category|Activty|',
      '|---|---|',
      '|Directory Management|Add administrative unit|',
      '',
      '## Empty section',
      '',
      '|Audit Category|Activty|',
      '|---|---|',
      '',
      '## Core directory',
      '',
      '|Audit Category|Activty|',
      '|---|---|',
      '|User Management|AccessReview_Review|',
      '',
      '## Next steps',
      '',
      '- Reporting, see the [Azure Active Directory reporting](overview-reports.md).',
    );
    const rows = parseCatalog2018(text);
    assert.deepEqual(brief(rows), [
      ['Access reviews', 'Directory Management', 'Add administrative unit', null],
      ['Core directory', 'User Management', 'AccessReview_Review', null],
    ]);
    assert.ok(rows.every((r) => r.source === '2018'));
  });
});

describe('mergeCatalogs', () => {
  const r24 = (service: string, category: string, activity: string): Row => ({
    service,
    category,
    activity,
    source: '2024',
  });
  const r18 = (service: string, category: string, activity: string): Row => ({
    service,
    category,
    activity,
    source: '2018',
  });

  test('adds only 2018 activities the 2024 page lacks, maps service names, dedupes and sorts', () => {
    const merged = mergeCatalogs(
      [
        r24('Core Directory', 'RoleManagement', 'Update role'),
        r24('B2C', 'Authorization', 'Get policy keys'),
      ],
      [
        r18('Core directory', 'User Management', 'Update role'), // same service+activity as 2024: dropped
        r18('Core directory', 'User Management', 'Added'), // 2018-only: kept under "Core Directory"
        r18('Core directory', 'User Management', 'Added'), // exact duplicate: dropped
        r18('B2C', 'Authorization', 'Get Policy Keys'), // differs in case only: kept (case-sensitive match)
        r18('Automated password rollover', 'Application Management', 'Remove service principal credentials'),
      ],
    );
    assert.deepEqual(
      merged.map((r) => [r.service, r.category, r.activity, r.source]),
      [
        [
          'Automated password rollover',
          'Application Management',
          'Remove service principal credentials',
          '2018',
        ],
        ['B2C', 'Authorization', 'Get Policy Keys', '2018'],
        ['B2C', 'Authorization', 'Get policy keys', '2024'],
        ['Core Directory', 'RoleManagement', 'Update role', '2024'],
        ['Core Directory', 'User Management', 'Added', '2018'],
      ],
    );
  });
});

// ---------------------------------------------------------------------------------------------------------
// loader API
// ---------------------------------------------------------------------------------------------------------

describe('AuditCatalog', () => {
  test('lookups', () => {
    assert.ok(catalog.hasService('Core Directory'));
    assert.ok(!catalog.hasService('Core directory'));
    assert.deepEqual(
      catalog.find('B2C', 'Create policy key').map((r) => r.category),
      ['Authorization', 'KeyManagement', 'ResourceManagement'],
    );
    assert.deepEqual(catalog.find('B2C', 'create policy key'), []);
    assert.ok(catalog.has('Conditional Access', 'Policy', 'Add named location'));
    assert.ok(!catalog.has('Conditional Access', 'Policy', 'Add Named Location'));
    assert.deepEqual(catalog.categories('Terms of use'), ['Policy', 'Policy Management']);
    assert.deepEqual(catalog.categories('No such service'), []);
    assert.ok(catalog.categories().includes('ProvisioningManagement'));
  });

  test('returned arrays are copies', () => {
    catalog.services().push('x');
    catalog.find('B2C', 'Create policy key').pop();
    assert.ok(!catalog.services().includes('x'));
    assert.equal(catalog.find('B2C', 'Create policy key').length, 3);
  });
});
