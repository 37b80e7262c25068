import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type ChainLink, chainHash, GENESIS_HASH, verifyLinks } from './hash-chain.ts';

function chain(n: number): ChainLink[] {
  const out: ChainLink[] = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const record = JSON.stringify({ id: `r${seq}` });
    prev = chainHash(prev, 't', 'SignInLogs', seq, record);
    out.push({ seq, hash: prev, record });
  }
  return out;
}

describe('hash chain', () => {
  it('an intact chain verifies to its head', () => {
    const links = chain(5);
    assert.deepEqual(verifyLinks('t', 'SignInLogs', 0, GENESIS_HASH, links), {
      ok: true,
      seq: 5,
      hash: links[4]!.hash,
    });
  });

  it('detects a changed record', () => {
    const links = chain(5);
    links[2] = { ...links[2]!, record: '{"id":"r3","evil":true}' };
    const r = verifyLinks('t', 'SignInLogs', 0, GENESIS_HASH, links);
    assert.equal(r.ok, false);
    assert.deepEqual(r.ok ? null : [r.break.seq, r.break.reason], [3, 'hash-mismatch']);
  });

  it('detects a removed record', () => {
    const links = chain(5);
    links.splice(1, 1);
    const r = verifyLinks('t', 'SignInLogs', 0, GENESIS_HASH, links);
    assert.deepEqual(r.ok ? null : [r.break.seq, r.break.reason], [2, 'gap']);
  });

  it('detects an inserted or reordered record, and a chain moved to another tenant or category', () => {
    const links = chain(4);
    const swapped = [links[0]!, { ...links[2]!, seq: 2 }, { ...links[1]!, seq: 3 }, links[3]!];
    assert.equal(verifyLinks('t', 'SignInLogs', 0, GENESIS_HASH, swapped).ok, false);
    assert.equal(verifyLinks('other', 'SignInLogs', 0, GENESIS_HASH, links).ok, false);
    assert.equal(verifyLinks('t', 'AuditLogs', 0, GENESIS_HASH, links).ok, false);
  });

  it('verifies a run that continues from a known head', () => {
    const links = chain(6);
    const head = links[2]!;
    assert.equal(verifyLinks('t', 'SignInLogs', head.seq, head.hash, links.slice(3)).ok, true);
  });
});
