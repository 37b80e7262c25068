import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDestination, publicConfig } from './destinations.ts';
import { nameProblem } from './names.ts';
import { destinationName, parseSetting, routesOf } from './settings.ts';

test('names: path traversal and separators are refused', () => {
  for (const bad of [
    '..',
    '.',
    '../etc',
    'a/b',
    'a\\b',
    '',
    '.hidden',
    'a b',
    'x'.repeat(65),
    'a%2Fb',
    'é',
  ]) {
    assert.ok(nameProblem(bad), `accepted ${JSON.stringify(bad)}`);
  }
  for (const good of ['my-archive', 'siem_1', 'A', 'x'.repeat(64)])
    assert.equal(nameProblem(good), undefined);
});

test('destinations: each type checks its fields; secrets are never in the public view', () => {
  assert.deepEqual(parseDestination({ type: 'filesystem', path: '/var/archive' }), {
    type: 'filesystem',
    config: { path: '/var/archive' },
  });
  assert.match(
    (parseDestination({ type: 'filesystem', path: 'rel' }) as { problem: string }).problem,
    /absolute/,
  );
  assert.match((parseDestination({ type: 'ftp' }) as { problem: string }).problem, /type/);
  assert.match(
    (parseDestination({ type: 'webhook', url: 'ftp://x' }) as { problem: string }).problem,
    /http/,
  );
  assert.match(
    (parseDestination({ type: 'webhook', url: 'http://x', extra: 1 }) as { problem: string }).problem,
    /unknown property 'extra'/,
  );
  assert.match(
    (parseDestination({ type: 'syslog', host: 'h', port: 70000 }) as { problem: string }).problem,
    /port/,
  );
  assert.match((parseDestination({ type: 's3', bucket: 'b' }) as { problem: string }).problem, /bucket name/);
  assert.match(
    (parseDestination({ type: 'syslog', host: 'h', port: 514, format: 'leef' }) as { problem: string })
      .problem,
    /'json' or 'cef'/,
  );
  const s3 = parseDestination({ type: 's3', bucket: 'my-archive', accessKeyId: 'AK', secretAccessKey: 'SK' });
  assert.ok('config' in s3);
  assert.deepEqual(publicConfig('s3', s3.config), {
    bucket: 'my-archive',
    accessKeyId: 'AK',
    secretsSet: ['secretAccessKey'],
  });
  const hook = parseDestination({ type: 'webhook', url: 'https://siem.example/in', secret: 's'.repeat(32) });
  assert.ok('config' in hook);
  const view = publicConfig('webhook', hook.config);
  assert.deepEqual(view, { url: 'https://siem.example/in', secretsSet: ['secret'] });
  assert.ok(!JSON.stringify(view).includes('sss'));
  const blob = parseDestination({ type: 'azureBlob', connectionString: 'AccountName=a;AccountKey=k' });
  assert.ok('config' in blob);
  assert.deepEqual(publicConfig('azureBlob', blob.config), { secretsSet: ['connectionString'] });
});

test('settings: ARM shape, known categories in canonical case, destinations by name or ARM id', () => {
  const ok = parseSetting({
    properties: {
      storageAccountId:
        '/subscriptions/s/resourceGroups/r/providers/Microsoft.Storage/storageAccounts/my-archive',
      eventHubAuthorizationRuleId: 'siem',
      eventHubName: 'entra',
      logs: [
        { category: 'signinlogs', enabled: true },
        { category: 'AuditLogs', enabled: true, retentionPolicy: { enabled: false, days: 0 } },
        { category: 'RiskyUsers', enabled: false },
      ],
      replayFrom: '2026-01-01T00:00:00+01:00',
    },
  });
  assert.ok('properties' in ok, JSON.stringify(ok));
  assert.equal(ok.properties.logs[0]!.category, 'SignInLogs');
  assert.equal(ok.properties.replayFrom, '2025-12-31T23:00:00.000Z');
  assert.equal(destinationName(ok.properties.storageAccountId!), 'my-archive');
  assert.deepEqual(
    routesOf(ok.properties).map((r) => `${r.category}>${r.destination}`),
    ['SignInLogs>my-archive', 'SignInLogs>siem', 'AuditLogs>my-archive', 'AuditLogs>siem'],
  );
  const problems = [
    {},
    { properties: { logs: [] } },
    { properties: { storageAccountId: 'a', logs: [{ category: 'Nope', enabled: true }] } },
    { properties: { storageAccountId: 'a', logs: [{ category: 'AuditLogs', enabled: 'yes' }] } },
    {
      properties: {
        storageAccountId: 'a',
        logs: [
          { category: 'AuditLogs', enabled: true },
          { category: 'auditlogs', enabled: true },
        ],
      },
    },
    { properties: { storageAccountId: 'a', logs: [], replayFrom: 'yesterday' } },
    { properties: { storageAccountId: 'a', logs: [], surprise: 1 } },
    {
      properties: {
        storageAccountId: 'a',
        logs: [{ category: 'AuditLogs', enabled: true, retentionPolicy: { enabled: true, days: -1 } }],
      },
    },
  ];
  for (const p of problems) assert.ok('problem' in parseSetting(p), JSON.stringify(p));
});
