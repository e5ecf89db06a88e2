import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fixtureBytes, fixtureSource } from '../test/fixtures';
import { sha256OfSource } from './fingerprint';
import { matchesPublishedDigest } from './published-digest';

describe('file SHA-256', () => {
  it('equals node:crypto on real files, whatever the window size (encrypted files: the bytes on disk)', async () => {
    for (const parts of [
      ['crypto', 'tiny_plain.ckpt'],
      ['crypto', 'tiny_sm4_cbc.ckpt'],
      ['distributed', 'case1_tp_dp', 'expected_merged.safetensors'],
    ]) {
      const want = createHash('sha256')
        .update(fixtureBytes(...parts))
        .digest('hex');
      for (const windowBytes of [1, 7, 4096, undefined]) {
        const fractions: number[] = [];
        const got = await sha256OfSource(await fixtureSource(...parts), {
          ...(windowBytes ? { windowBytes } : {}),
          onProgress: (fraction) => fractions.push(fraction),
        });
        expect(got.hex, parts.join('/')).toBe(want);
        expect(fractions.at(-1)).toBe(1);
      }
    }
  });

  it('compares with a published digest written any common way', () => {
    const ours = 'ab'.repeat(32);
    expect(matchesPublishedDigest(ours, `  ${'AB'.repeat(32)} `)).toBe(true);
    expect(matchesPublishedDigest(ours, `sha256:${'ab'.repeat(32)}`)).toBe(true);
    expect(matchesPublishedDigest(ours, 'cd'.repeat(32))).toBe(false);
    expect(matchesPublishedDigest(ours, 'not a digest')).toBeNull();
  });
});
