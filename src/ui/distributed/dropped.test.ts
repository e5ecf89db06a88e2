import { describe, expect, it } from 'vitest';
import { looksLikeDistributedSet } from './dropped';

describe('a drop of many files that looks like a distributed set', () => {
  it('needs at least two files that name their rank and a strategy-named file', () => {
    expect(looksLikeDistributedSet(['checkpoint_0.ckpt', 'checkpoint_1.ckpt', 'strategy.ckpt'])).toBe(true);
    expect(looksLikeDistributedSet(['checkpoint_0.safetensors', 'checkpoint_1.safetensors', 'src_strategy.json'])).toBe(
      true,
    );
    expect(looksLikeDistributedSet(['checkpoint_0.ckpt', 'checkpoint_1.ckpt'])).toBe(false);
    expect(looksLikeDistributedSet(['checkpoint_0.ckpt', 'strategy.ckpt'])).toBe(false);
    expect(looksLikeDistributedSet(['lenet-1_1875.ckpt', 'resnet.ckpt', 'strategy.ckpt'])).toBe(false);
  });
});
