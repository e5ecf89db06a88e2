import { describe, expect, it } from 'vitest';
import type { TensorEntry } from '../../base/types';
import { openRecords } from '../../test/ckpt-records';
import { runCli } from '../../test/cli';
import { describeBoolBytes, describeTensorProblem } from '../messages';
import { computeTensorStats } from './tensor-stats';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { checkpointBytes } from '../../test/ckpt-records';

const work = mkdtempSync(path.join(tmpdir(), 'ckpt-lens-bool-bytes-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('Bool bytes other than 0 and 1', () => {
  it('are counted and noted, with or without a histogram, and measured as 1', async () => {
    const { index, plaintext } = await openRecords([['b', [4], 'Bool', Uint8Array.of(0, 1, 2, 0xff)]]);
    for (const bins of [0, 16]) {
      const stats = await computeTensorStats(plaintext, index.tensors[0] as TensorEntry, { bins });
      expect(stats.boolBytes).toEqual({ count: 2, first: 2 });
      expect(stats.max).toBe(1);
      expect(stats.mean).toBe(0.75);
    }
    expect(describeBoolBytes(2, 2)).toContain(
      '2 Bool values are stored as a byte other than 0 or 1 (the first is 0x02)',
    );
    expect(describeBoolBytes(1, 0xff)).toContain(
      '1 Bool value is stored as a byte other than 0 or 1 (the first is 0xff)',
    );
  });

  it('a Bool tensor of 0 and 1 has no note', async () => {
    const { index, plaintext } = await openRecords([['b', [3], 'Bool', Uint8Array.of(0, 1, 1)]]);
    const stats = await computeTensorStats(plaintext, index.tensors[0] as TensorEntry, { bins: 0 });
    expect(stats.boolBytes).toBeUndefined();
  });

  it('the stats command prints the note', async () => {
    const file = path.join(work, 'bool.ckpt');
    writeFileSync(file, checkpointBytes([['b', [2], 'Bool', Uint8Array.of(2, 0xff)]]));
    const result = await runCli('stats', file);
    expect(result.code).toBe(0);
    expect(result.out.join('\n')).toContain('note b: 2 Bool values are stored as a byte other than 0 or 1');
  });
});

describe('a str value above MAX_STRING_VALUE_BYTES', () => {
  it('is listed with a note and never decoded', async () => {
    const utf32 = new Uint8Array(300_000).fill(0);
    for (let at = 0; at < utf32.length; at += 4) utf32[at] = 0x78; // "x" in UTF-32LE
    const { index } = await openRecords([['note', [], 'str', utf32]]);
    const entry = index.tensors[0] as TensorEntry;
    expect(entry.value).toBeUndefined();
    expect(entry.problems).toEqual([{ code: 'string-too-large', detail: '300000 bytes' }]);
    expect(describeTensorProblem('string-too-large', '300000 bytes')).toBe(
      'The str value is 300,000 bytes (75,000 characters of UTF-32), more than the 262,144 bytes (256 KiB) Ckpt Lens decodes: it is listed, and its text is not read or shown.',
    );
  });

  it('one at the limit is decoded', async () => {
    const utf32 = new Uint8Array(256 * 1024).fill(0);
    for (let at = 0; at < utf32.length; at += 4) utf32[at] = 0x78;
    const { index } = await openRecords([['note', [], 'str', utf32]]);
    expect((index.tensors[0]?.value as string).length).toBe(65_536);
    expect(index.tensors[0]?.problems).toBeUndefined();
  });
});
