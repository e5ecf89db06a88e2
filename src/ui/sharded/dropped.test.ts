import { describe, expect, it } from 'vitest';
import { looksLikeShardedSet } from './dropped';

describe('a dropped folder that is one sharded checkpoint, not a per-rank set', () => {
  it('needs an index JSON and no rank files', () => {
    const hf = [
      'm/model.safetensors.index.json',
      'm/model-00001-of-00002.safetensors',
      'm/model-00002-of-00002.safetensors',
    ];
    expect(looksLikeShardedSet(hf)).toBe(true);
    expect(looksLikeShardedSet(['u/param_name_map.json', 'u/part0.safetensors', 'u/hyper_param.safetensors'])).toBe(
      true,
    );
    expect(looksLikeShardedSet(['pytorch_model.bin.index.json', 'pytorch_model-00001-of-00002.bin'])).toBe(true);
    expect(looksLikeShardedSet(hf.slice(1))).toBe(false);
    expect(
      looksLikeShardedSet(['set/rank_0/checkpoint_0.ckpt', 'set/rank_1/checkpoint_1.ckpt', 'set/param_name_map.json']),
    ).toBe(false);
    expect(looksLikeShardedSet(['checkpoint_0.safetensors', 'checkpoint_1.safetensors', 'x.index.json'])).toBe(false);
  });
});
