import { describe, expect, it } from 'vitest';
import { isLensError } from '../base/errors';
import { encryptBytes } from '../crypto/encrypt';
import { encodeRecord } from '../formats/ckpt/write';
import { MemorySource } from '../io/byte-source';
import { fixtureSource, hexToBytes } from '../test/fixtures';
import { vectors } from '../test/crypto-vectors';
import { legacyFile } from '../test/legacy-cipher';
import { openCheckpoint } from './open';

async function code(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'no error';
  } catch (error) {
    return isLensError(error) ? error.code : String(error);
  }
}

describe('openCheckpoint on MindSpore 1.3–1.6 encrypted files', () => {
  const plaintext = hexToBytes(vectors.checkpoint_fixtures.protobuf_plaintext_hex);
  const key = hexToBytes('000102030405060708090a0b0c0d0e0f');
  const iv = hexToBytes('55e827a72c2ddefbc132ec182cb647bd');

  it.each(['AES-GCM', 'AES-CBC'] as const)(
    '%s: needs the mode, then gives the same index as the plain file',
    async (mode) => {
      const plain = (await openCheckpoint(await fixtureSource('crypto', 'tiny_plain.ckpt'))).index;
      const file = legacyFile(plaintext, key, iv, mode);
      expect(await code(openCheckpoint(new MemorySource(file)))).toBe('encrypted-needs-key');
      expect(await code(openCheckpoint(new MemorySource(file), { key }))).toBe('crypto-legacy-needs-mode');
      const { index } = await openCheckpoint(new MemorySource(file), { key, mode });
      expect(index.encryption).toEqual({ mode, layout: 'legacy' });
      expect(index.tensors).toEqual(plain.tensors);
    },
  );

  it('an empty file with a key is "empty", not "not encrypted"', async () => {
    expect(await code(openCheckpoint(new MemorySource(new Uint8Array(0)), { key }))).toBe('empty-file');
  });

  it('a key for a plain file is "not encrypted"', async () => {
    expect(await code(openCheckpoint(await fixtureSource('crypto', 'tiny_plain.ckpt'), { key }))).toBe(
      'crypto-not-encrypted',
    );
  });

  it('a forced mode that contradicts the magic is "wrong mode"', async () => {
    const source = await fixtureSource('crypto', 'tiny_sm4_cbc.ckpt');
    const sm4Key = hexToBytes('0123456789abcdeffedcba9876543210');
    expect(await code(openCheckpoint(source, { key: sm4Key, mode: 'AES-CBC' }))).toBe('crypto-wrong-mode');
  });
});

describe('decrypted bytes that are not a checkpoint', () => {
  const plain = hexToBytes(vectors.checkpoint_fixtures.protobuf_plaintext_hex);
  const key = hexToBytes('000102030405060708090a0b0c0d0e0f');
  const fixedIv = (index: number) => new Uint8Array(16).fill(index + 1);

  async function error(promise: Promise<unknown>): Promise<{ code: string; keyBlock?: number; hint?: string }> {
    try {
      await promise;
    } catch (caught) {
      if (isLensError(caught))
        return { code: caught.code, keyBlock: caught.details.keyBlock, hint: caught.details.hint };
      throw caught;
    }
    return { code: 'no error' };
  }

  it.each(['AES-CBC', 'SM4-CBC'] as const)(
    '%s, one block: a wrong key whose padding checks by chance is still "wrong key", never bytes "appended"',
    async (mode) => {
      const file = await encryptBytes(plain, { mode, key, ivFor: fixedIv });
      let lucky = 0;
      for (let i = 0; i < 4000 && lucky < 2; i += 1) {
        const wrong = new Uint8Array(16);
        new DataView(wrong.buffer).setUint32(0, i + 1);
        const found = await error(openCheckpoint(new MemorySource(file), { key: wrong }));
        expect(found.code).toBe('crypto-wrong-key');
        if (found.hint?.includes('not a checkpoint')) lucky += 1;
      }
      // About one wrong key in 256 leaves valid padding: the case this test is about did occur.
      expect(lucky).toBe(2);
    },
  );

  it('legacy AES-GCM (no tag) with a wrong key is "wrong key", naming the mode as the other suspect', async () => {
    const iv = hexToBytes('55e827a72c2ddefbc132ec182cb647bd');
    const file = legacyFile(plain, key, iv, 'AES-GCM');
    const found = await error(openCheckpoint(new MemorySource(file), { key: new Uint8Array(16), mode: 'AES-GCM' }));
    expect(found.code).toBe('crypto-wrong-key');
    expect(found.hint).toContain('wrong mode');
  });

  it('AES-CBC, many blocks, the right key and block 0 altered at its start: damage, the key proven by padding', async () => {
    const content = new Uint8Array(4096 * 3).map((_, i) => (i * 7) & 255);
    const file = await encryptBytes(encodeRecord('w', [content.length / 4], 'Float32', content), {
      mode: 'AES-CBC',
      key,
      blockBytes: 4096,
      ivFor: fixedIv,
    });
    // Byte 32, the first ciphertext byte of block 0 (after magic, block_len, iv_len, IV, cipher_len):
    // only its first 16 plaintext bytes garble.
    const altered = file.slice();
    altered[32] = (altered[32] as number) ^ 0x01;
    const found = await error(openCheckpoint(new MemorySource(altered), { key }));
    expect(found.code).toBe('crypto-plaintext-not-checkpoint');
    expect(found.keyBlock).toBeDefined();
    expect((await openCheckpoint(new MemorySource(file), { key })).index.tensors.map((t) => t.name)).toEqual(['w']);
  });

  it('AES-GCM with block 0 removed: every block authenticates, the content does not begin a record', async () => {
    const content = new Uint8Array(4096 * 3).map((_, i) => (i * 5) & 255);
    const file = await encryptBytes(encodeRecord('w', [content.length / 4], 'Float32', content), {
      mode: 'AES-GCM',
      key,
      blockBytes: 4096,
      ivFor: fixedIv,
    });
    // magic, tag, block_len (= 4 + iv_len + 4 + cipher_len), then the rest of the block.
    const blockLength = new DataView(file.buffer, file.byteOffset).getInt32(4 + 16, true);
    const withoutFirst = file.slice(4 + 16 + 4 + blockLength);
    const found = await error(openCheckpoint(new MemorySource(withoutFirst), { key }));
    expect(found.code).toBe('crypto-plaintext-not-checkpoint');
    expect(found.keyBlock).toBe(0);
  });
});
