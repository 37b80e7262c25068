/** The committer against a real (in-memory) DuckDB store: grouping, dedupe, sealing, failure. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { logType } from '../registry/log-types.ts';
import { verifyChain } from '../security/verify.ts';
import { DuckDbStore } from '../store/duckdb/duckdb-store.ts';
import type { Store } from '../store/store.ts';
import { CommitSequence, Committer, type PreparedRecord } from './committer.ts';

const SignInLogs = logType('SignInLogs');
const rec = (id: string): PreparedRecord => ({
  id,
  time: '2024-05-14T09:18:02Z',
  canonical: JSON.stringify({ createdDateTime: '2024-05-14T09:18:02Z', id }),
  values: SignInLogs.columns.map(() => null),
});

/**
 * The real store, whose staged appends the `fails` predicate picks (by call number, from 1) fail on
 * commit, after `before()` — a full disk cannot be provoked here. `onStage` sees every call.
 */
function flakyStore(
  store: Store,
  fails: (call: number) => boolean,
  before: () => Promise<unknown> = async () => {},
  onStage: (call: number) => void = () => {},
): Store {
  let calls = 0;
  return Object.create(store, {
    stageAppend: {
      value: async (batches: Parameters<Store['stageAppend']>[0]) => {
        const staged = await store.stageAppend(batches);
        const call = ++calls;
        onStage(call);
        if (!fails(call)) return staged;
        return {
          commit: async () => {
            await before();
            await staged.discard();
            throw new Error('disk full');
          },
          discard: () => staged.discard(),
        };
      },
    },
  });
}

const pause = (ms: number) => () => new Promise((r) => setTimeout(r, ms));

describe('Committer', () => {
  let store: Store;
  let scratch: string;
  before(async () => {
    scratch = mkdtempSync(path.join(tmpdir(), 'idtrail-committer-'));
    store = await DuckDbStore.open({ file: ':memory:', scratchDir: scratch });
  });
  after(async () => {
    await store.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('groups batches submitted together into one commit, with disjoint seq runs', async () => {
    const commits: number[] = [];
    const c = new Committer(store, { onCommit: (i) => commits.push(i.batches) });
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, b) =>
        c.submit({ type: SignInLogs, tenant: 't1', records: [rec(`g${b}-a`), rec(`g${b}-b`)] }),
      ),
    );
    assert.deepEqual(commits, [10]);
    assert.deepEqual(
      results.map((r) => [r.firstSeq, r.lastSeq]),
      Array.from({ length: 10 }, (_, b) => [2 * b + 1, 2 * b + 2]),
    );
    await c.close();
  });

  it('drops records already stored and repeats inside a group, across committer restarts', async () => {
    // A new committer loads the stored ids, as after a server restart.
    const c = new Committer(store);
    const [a, b] = await Promise.all([
      c.submit({ type: SignInLogs, tenant: 't1', records: [rec('g0-a'), rec('new-1'), rec('new-1')] }),
      c.submit({ type: SignInLogs, tenant: 't1', records: [rec('new-1'), rec('new-2')] }),
    ]);
    assert.deepEqual(a, { accepted: 1, duplicates: 2, firstSeq: 21, lastSeq: 21 });
    assert.deepEqual(b, { accepted: 1, duplicates: 1, firstSeq: 22, lastSeq: 22 });
    const report = await verifyChain(store, SignInLogs, 't1');
    assert.equal(report.ok, true);
    assert.equal(report.records, 22);
    await c.close();
  });

  it('a failed commit rejects its batches and leaves no gap in the chain', async () => {
    let fail = true;
    const c = new Committer(flakyStore(store, () => fail));
    await assert.rejects(c.submit({ type: SignInLogs, tenant: 't1', records: [rec('f-1')] }), /disk full/);
    fail = false;
    const ok = await c.submit({ type: SignInLogs, tenant: 't1', records: [rec('f-1')] });
    assert.deepEqual(ok, { accepted: 1, duplicates: 0, firstSeq: 23, lastSeq: 23 });
    assert.equal((await verifyChain(store, SignInLogs, 't1')).ok, true);
    await c.close();
  });

  it('while one commit is in flight the next group is sealed on it; if it fails, the next is sealed again', async () => {
    // The first commit fails after a delay, while the second group (submitted meanwhile) has already
    // been sealed on its heads: the second must still land, right after the last durable record.
    let calls = 0;
    const c = new Committer(
      flakyStore(
        store,
        (call) => call === 1,
        pause(50),
        (call) => (calls = call),
      ),
    );
    const head = (await store.chainHeads(SignInLogs)).get('t1')!.seq;
    const first = c.submit({ type: SignInLogs, tenant: 't1', records: [rec('p-1'), rec('p-2')] });
    await new Promise((r) => setTimeout(r, 10)); // the first group is committing now
    const second = c.submit({ type: SignInLogs, tenant: 't1', records: [rec('p-2'), rec('p-3')] });
    await assert.rejects(first, /disk full/);
    // p-2 was a duplicate of the failed group when first sealed; sealed again, it is new.
    assert.deepEqual(await second, { accepted: 2, duplicates: 0, firstSeq: head + 1, lastSeq: head + 2 });
    assert.equal((await verifyChain(store, SignInLogs, 't1')).ok, true);
    assert.equal(calls >= 3, true, 'the second group was staged twice');
    await c.close();
  });

  it('after a failed commit, the rest of a sequence is refused, not committed after the gap', async () => {
    const c = new Committer(flakyStore(store, (call) => call === 1, pause(50)));
    const sequence = new CommitSequence();
    const count = await store.count(SignInLogs, 't9');
    const first = c.submit({ type: SignInLogs, tenant: 't9', records: [rec('s-1')], sequence });
    await new Promise((r) => setTimeout(r, 10)); // the first group is committing now
    const second = c.submit({ type: SignInLogs, tenant: 't9', records: [rec('s-2')], sequence });
    const other = c.submit({ type: SignInLogs, tenant: 't9', records: [rec('o-1')] });
    await assert.rejects(first, /disk full/);
    await assert.rejects(second, /disk full/);
    await assert.rejects(
      c.submit({ type: SignInLogs, tenant: 't9', records: [rec('s-3')], sequence }),
      /disk full/,
    );
    // Batches of no sequence go on as before.
    assert.equal((await other).accepted, 1);
    assert.equal(await store.count(SignInLogs, 't9'), count + 1);
    await c.close();
  });

  it('a sequence batch staged on a commit that fails is refused, not sealed again (its records are gone)', async () => {
    // A sequence's batches are let go once staged (the producer's memory); one sealed on the heads
    // of a commit that then fails cannot be sealed again, so it is refused with that commit's error,
    // and its sequence with it. The first commit fails only once the second group is staged.
    let committing!: () => void;
    const firstCommitting = new Promise<void>((r) => (committing = r));
    let stagedAgain!: () => void;
    const secondStaged = new Promise<void>((r) => (stagedAgain = r));
    const c = new Committer(
      flakyStore(
        store,
        (call) => call === 1,
        () => {
          committing();
          return secondStaged;
        },
        (call) => call === 2 && stagedAgain(),
      ),
    );
    const sequence = new CommitSequence();
    const count = await store.count(SignInLogs, 't8');
    const first = c.submit({ type: SignInLogs, tenant: 't8', records: [rec('x-1')] });
    await firstCommitting;
    const staged = c.submit({ type: SignInLogs, tenant: 't8', records: [rec('q-1'), rec('q-2')], sequence });
    await assert.rejects(first, /disk full/);
    await assert.rejects(staged, /disk full/);
    await assert.rejects(
      c.submit({ type: SignInLogs, tenant: 't8', records: [rec('q-3')], sequence }),
      /disk full/,
    );
    assert.equal(await store.count(SignInLogs, 't8'), count);
    const again = await c.submit({ type: SignInLogs, tenant: 't8', records: [rec('x-1'), rec('q-1')] });
    assert.equal(again.accepted, 2, 'nothing of the refused batches was stored');
    assert.equal((await verifyChain(store, SignInLogs, 't8')).ok, true);
    await c.close();
  });

  it('refuses work after close', async () => {
    const c = new Committer(store);
    await c.close();
    await assert.rejects(c.submit({ type: SignInLogs, tenant: 't1', records: [rec('late')] }), /shut down/);
  });
});
