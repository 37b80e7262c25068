import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normalizeDateTime } from './normalize.ts';

describe('normalizeDateTime', () => {
  const cases: Array<[string, string]> = [
    ['2024-01-05T18:17:36Z', '2024-01-05T18:17:36Z'],
    ['2024-01-05T18:17:36.0511381Z', '2024-01-05T18:17:36.0511381Z'],
    ['2022-01-24T05:10:11.429773+00:00', '2022-01-24T05:10:11.429773Z'],
    ['2019-08-08T09:29:42-05:00', '2019-08-08T14:29:42Z'],
    ['2019-08-08T23:29:42.5+0130', '2019-08-08T21:59:42.5Z'],
    ['2024-01-05 18:17:36', '2024-01-05T18:17:36Z'],
    ['2024-01-05T18:17', '2024-01-05T18:17:00Z'],
    ['8/22/2022 6:11:52 PM', '2022-08-22T18:11:52Z'],
    ['12/12/2025 12:03:58 AM', '2025-12-12T00:03:58Z'],
    ['12/12/2025 12:03:58 PM', '2025-12-12T12:03:58Z'],
    ['1/2/2024 13:04:05', '2024-01-02T13:04:05Z'],
    ['2024-01-05T18:17:36.123456789Z', '2024-01-05T18:17:36.1234567Z'],
  ];
  for (const [input, want] of cases) {
    it(`${input} → ${want}`, () => assert.equal(normalizeDateTime(input), want));
  }
  it('leaves what is not a time for validation to refuse', () => {
    assert.equal(normalizeDateTime('yesterday'), 'yesterday');
    assert.equal(normalizeDateTime(42), 42);
  });
});
