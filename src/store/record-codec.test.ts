import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RecordCodec } from './record-codec.ts';

const signIn = (i: number) =>
  JSON.stringify({
    appDisplayName: i % 2 ? 'Microsoft Teams' : 'Office 365 Exchange Online',
    createdDateTime: `2026-11-22T09:${String(i % 60).padStart(2, '0')}:00Z`,
    id: `00000000-0000-0000-0000-${String(i).padStart(12, '0')}`,
    location: { city: 'Redmond', countryOrRegion: 'US', state: 'Washington' },
    status: { errorCode: 0, failureReason: 'Other.' },
    userPrincipalName: `user${i}@contoso.com`,
    note: 'é ✓ \u2028',
  });

describe('RecordCodec', () => {
  it('round-trips text without a dictionary (id 0) until a table has one', () => {
    const codec = new RecordCodec();
    const z = codec.encode('signin_logs', signIn(1));
    assert.equal(z.readUInt16BE(0), 0);
    assert.equal(codec.decode(z), signIn(1));
  });

  it('makes a dictionary only from enough sample text, and compresses far better with it', () => {
    const codec = new RecordCodec();
    assert.equal(codec.makeDictionary('signin_logs', [signIn(1), signIn(2)]), undefined);
    const sample = Array.from({ length: 200 }, (_, i) => signIn(i));
    const d = codec.makeDictionary('signin_logs', sample)!;
    assert.ok(d.dict.length >= 16 * 1024 && d.dict.length <= 64 * 1024);
    const plain = codec.encode('signin_logs', signIn(500)).length;
    codec.add(d);
    const z = codec.encode('signin_logs', signIn(500));
    assert.equal(z.readUInt16BE(0), d.id);
    assert.ok(z.length < plain / 2, `${z.length} vs ${plain} without the dictionary`);
    assert.equal(codec.decode(z), signIn(500));
  });

  it('decodes with dictionaries loaded from the store, and gives new ones fresh ids', () => {
    const first = new RecordCodec();
    const d1 = first.makeDictionary(
      'signin_logs',
      Array.from({ length: 100 }, (_, i) => signIn(i)),
    )!;
    first.add(d1);
    const z = first.encode('signin_logs', signIn(7));
    const reopened = new RecordCodec([d1]);
    assert.equal(reopened.decode(z), signIn(7));
    assert.equal(reopened.dictionaryOf('signin_logs'), d1.id);
    const d2 = reopened.makeDictionary(
      'audit_logs',
      Array.from({ length: 100 }, (_, i) => signIn(i)),
    )!;
    assert.notEqual(d2.id, d1.id);
  });

  it('refuses a blob whose dictionary it does not hold, and bytes that are no frame', () => {
    const codec = new RecordCodec();
    assert.throws(() => codec.decode(Buffer.from([0, 9, 1, 2])), /dictionary 9/);
    assert.throws(() => codec.decode(Buffer.from([0, 0, 1, 2])));
  });

  it('a second codec given the dictionaries (a worker thread) makes the same bytes, one buffer for many', () => {
    const store = new RecordCodec();
    const d = store.makeDictionary(
      'signin_logs',
      Array.from({ length: 100 }, (_, i) => signIn(i)),
    )!;
    store.add(d);
    const worker = new RecordCodec(store.current());
    const texts = Array.from({ length: 20 }, (_, i) => signIn(1000 + i));
    const many = worker.encodeMany('signin_logs', texts);
    assert.equal(new Set(many.map((z) => z.buffer)).size, 1, 'views into one ArrayBuffer');
    for (const [i, z] of many.entries()) {
      assert.deepEqual(Buffer.from(z), store.encode('signin_logs', texts[i]!));
      assert.equal(store.isCurrent('signin_logs', z), true);
    }
    // Bytes made before the table had a dictionary, or for another table, are not current.
    assert.equal(store.isCurrent('signin_logs', new RecordCodec().encode('signin_logs', texts[0]!)), false);
    assert.equal(store.isCurrent('audit_logs', many[0]!), false);
  });
});
