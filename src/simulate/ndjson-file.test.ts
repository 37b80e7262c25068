/**
 * NdjsonFile against the bytes handed to it: whatever the chunk boundaries, the line lengths and
 * the write mode (direct or through the page cache), the file holds exactly the lines written.
 */
import assert from 'node:assert/strict';
import { closeSync, constants, mkdtempSync, openSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { NdjsonFile } from './ndjson-file.ts';
import { Rng } from './rng.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'idtrail-ndjson-file-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Whether this folder's filesystem opens files for direct I/O at all (independent of NdjsonFile). */
function filesystemTakesDirect(): boolean {
  if (!constants.O_DIRECT) return false;
  try {
    closeSync(openSync(path.join(dir, 'probe'), constants.O_WRONLY | constants.O_CREAT | constants.O_DIRECT));
    return true;
  } catch {
    return false;
  }
}

/** Lines of 1 byte to 20 KiB, some with characters that take 2 to 4 bytes in UTF-8. */
function lines(seed: string, n: number): string[] {
  const rng = new Rng(seed);
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const len = rng.chance(0.02) ? rng.int(5000, 20_000) : rng.int(0, 600);
    out.push(
      JSON.stringify({ i, s: 'x'.repeat(len), name: rng.chance(0.3) ? 'Zoë Ødegård 東京 🚀' : 'Ann' }),
    );
  }
  return out;
}

async function writeLines(file: NdjsonFile, text: string[]): Promise<void> {
  for (let i = 0; i < text.length; i++) {
    file.spill();
    file.writer.json(text[i]!);
    file.writer.newline();
    if (i % 500 === 0) await file.drain();
  }
  await file.close();
}

describe('NdjsonFile', () => {
  for (const direct of [true, false]) {
    it(`holds exactly the lines written, across chunks and buffers (${direct ? 'direct' : 'page cache'})`, async () => {
      const text = lines(`lines-${direct}`, 3000);
      const f = path.join(dir, `lines-${direct}.ndjson`);
      // Small chunks and slack: many spills, and lines longer than the slack grow the writer.
      const file = new NdjsonFile(f, { chunk: 16 << 10, slack: 4096, direct });
      if (direct) assert.equal(file.direct, filesystemTakesDirect(), 'direct where the filesystem takes it');
      else assert.equal(file.direct, false);
      await writeLines(file, text);
      const expected = `${text.join('\n')}\n`;
      assert.equal(file.sent, Buffer.byteLength(expected));
      assert.equal(readFileSync(f, 'utf8'), expected);
    });
  }

  it('an empty file stays empty, and a file of whole blocks keeps its size', async () => {
    const empty = path.join(dir, 'empty.ndjson');
    await new NdjsonFile(empty).close();
    assert.equal(statSync(empty).size, 0);

    const whole = path.join(dir, 'whole.ndjson');
    const file = new NdjsonFile(whole, { chunk: 8192 });
    const line = `${'a'.repeat(4095)}`; // 4096 bytes with its newline
    for (let i = 0; i < 5; i++) {
      file.spill();
      file.writer.json(line);
      file.writer.newline();
    }
    await file.close();
    assert.equal(readFileSync(whole, 'utf8'), `${line}\n`.repeat(5));
  });

  it('refuses a chunk that is not a multiple of 4 KiB', () => {
    assert.throws(() => new NdjsonFile(path.join(dir, 'bad.ndjson'), { chunk: 1000 }), /multiple of 4096/);
  });

  it('a failing write surfaces from drain or close', async () => {
    // /dev/full takes the open and fails every write with ENOSPC.
    const file = new NdjsonFile('/dev/full', { chunk: 4096 });
    await assert.rejects(async () => {
      for (let i = 0; i < 100; i++) {
        file.spill();
        file.writer.json('x'.repeat(1000));
        file.writer.newline();
        await file.drain(0);
      }
      await file.close();
    }, /ENOSPC/);
  });
});
