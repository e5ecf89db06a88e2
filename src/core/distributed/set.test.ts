import { describe, expect, it } from 'vitest';
import { encryptBytes } from '../../crypto/encrypt';
import { MemorySource } from '../../io/byte-source';
import { fixtureBytes, fixtureSource } from '../../test/fixtures';
import { openRankFiles, rankFromPath } from './set';

describe('rank of a file from its path (MindSpore conventions)', () => {
  it('rank_N folders win, then checkpoint_N / ckpt_N / rank_N file names', () => {
    expect(rankFromPath('run/rank_12/net.ckpt')).toBe(12);
    expect(rankFromPath('rank_3/checkpoint_7.ckpt')).toBe(3);
    expect(rankFromPath('C:\\runs\\rank_5\\model.safetensors')).toBe(5);
    expect(rankFromPath('checkpoint_4.safetensors')).toBe(4);
    expect(rankFromPath('checkpoint_0-1_10.ckpt')).toBe(0);
    expect(rankFromPath('ckpt_2.ckpt')).toBe(2);
    expect(rankFromPath('rank7.ckpt')).toBe(7);
    expect(rankFromPath('model.ckpt')).toBeUndefined();
    expect(rankFromPath('lenet-1_1875.ckpt')).toBeUndefined();
  });

  it('opens files with assigned ranks; unknown and duplicate ranks are refused', async () => {
    const source = await fixtureSource('distributed', 'case3_pipeline', 'rank_0', 'checkpoint_0.ckpt');
    const files = await openRankFiles([
      { name: 'a.ckpt', source, rank: 1 },
      { name: 'b.ckpt', source, rank: 0 },
    ]);
    expect(files.map((file) => [file.rank, file.name])).toEqual([
      [0, 'b.ckpt'],
      [1, 'a.ckpt'],
    ]);
    await expect(openRankFiles([{ name: 'model.ckpt', source }])).rejects.toMatchObject({
      code: 'distributed-rank-unknown',
    });
    await expect(
      openRankFiles([
        { name: 'rank_0/x.ckpt', source },
        { name: 'checkpoint_0.ckpt', source },
      ]),
    ).rejects.toMatchObject({ code: 'distributed-duplicate-rank' });
    await expect(openRankFiles([])).rejects.toMatchObject({ code: 'distributed-no-ranks' });
  });

  it('one key opens every encrypted rank file (the browser path: ByteSources, no file system)', async () => {
    const key = new Uint8Array(32).fill(7);
    const inputs = await Promise.all(
      [0, 1].map(async (rank) => ({
        name: `rank_${rank}/checkpoint_${rank}.ckpt`,
        source: new MemorySource(
          await encryptBytes(fixtureBytes('distributed', 'case3_pipeline', `rank_${rank}`, `checkpoint_${rank}.ckpt`), {
            mode: 'AES-CBC',
            key,
          }),
        ),
      })),
    );
    await expect(openRankFiles(inputs)).rejects.toMatchObject({ code: 'encrypted-needs-key' });
    const files = await openRankFiles(inputs, { key });
    expect(files.map((file) => file.opened.index.encryption?.mode)).toEqual(['AES-CBC', 'AES-CBC']);
    expect(files[0]?.opened.index.tensors.map((t) => t.name)).toEqual(['embed.weight', 'shared.weight']);
  });
});
