import { describe, expect, it } from 'vitest';
import { hexToBytes } from '../test/fixtures';
import { keepable } from '../base/bytes';
import { encryptBytes, encryptCheckpoint, encryptedSize, sealBlocks, sealOneBlock } from './encrypt';
import { mod251, sha256Hex, vectors } from '../test/crypto-vectors';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

describe('encryptCheckpoint reproduces every current-layout vector byte for byte', () => {
  const inline = vectors.vectors.filter((v) => v.layout === 'current' && v.ciphertext_hex !== undefined);
  it.each(inline.map((v) => [v.id, v] as const))('%s', async (_id, vector) => {
    const ivs = vector.ivs.map(hexToBytes);
    const out = await encryptBytes(hexToBytes(vector.plaintext_hex ?? ''), {
      mode: vector.mode,
      key: hexToBytes(vector.key),
      blockBytes: vector.block_size,
      ivFor: (index) => ivs[index] as Uint8Array,
    });
    expect(hex(out)).toBe(vector.ciphertext_hex);
    expect(encryptedSize(vector.plaintext_length, vector.mode, vector.block_size)).toBe(vector.ciphertext_length);
  });

  const large = vectors.vectors.filter((v) => v.ciphertext_sha256 !== undefined);
  it.each(large.map((v) => [v.id, v] as const))('%s (64 MiB scale, SHA-256)', async (_id, vector) => {
    const ivs = vector.ivs.map(hexToBytes);
    const plaintext = mod251(vector.plaintext_length);
    // Feed odd-sized chunks to exercise the re-cutting into 64 MiB blocks.
    const chunks = function* (): Generator<Uint8Array> {
      for (let at = 0; at < plaintext.length; at += 10_000_019) yield plaintext.subarray(at, at + 10_000_019);
    };
    const parts: Uint8Array[] = [];
    for await (const part of encryptCheckpoint(chunks(), {
      mode: vector.mode,
      key: hexToBytes(vector.key),
      ivFor: (index) => ivs[index] as Uint8Array,
    }))
      parts.push(part);
    expect(parts.length).toBe(vector.blocks.length);
    const out = Buffer.concat(parts);
    expect(out.length).toBe(vector.ciphertext_length);
    expect(sha256Hex(out)).toBe(vector.ciphertext_sha256);
  });

  it('reproduces the tiny_*.ckpt fixtures from the protobuf plaintext', async () => {
    const plaintext = hexToBytes(vectors.checkpoint_fixtures.protobuf_plaintext_hex);
    for (const file of vectors.checkpoint_fixtures.files.filter((f) => f.mode !== null)) {
      const ivs = (file.ivs ?? []).map(hexToBytes);
      const out = await encryptBytes(plaintext, {
        mode: file.mode!,
        key: hexToBytes(file.key ?? ''),
        ivFor: (index) => ivs[index] as Uint8Array,
      });
      expect(sha256Hex(out), file.file).toBe(file.sha256);
    }
  });

  it('draws a fresh random IV per block by default', async () => {
    const key = hexToBytes(vectors.vectors[0]!.key);
    const a = await encryptBytes(new Uint8Array(40), { mode: 'AES-GCM', key, blockBytes: 16 });
    expect(a.length).toBe(encryptedSize(40, 'AES-GCM', 16));
    const ivs = [0, 1, 2].map((i) => hex(a.subarray(i * 64 + 28, i * 64 + 44)));
    expect(new Set(ivs).size).toBe(3);
  });

  it('sealBlocks, with blocks encrypting while the next is read: same bytes, a fresh IV per block', async () => {
    const vector = vectors.vectors.find((v) => v.id === 'aes-gcm-k16-n2500-bs1000')!;
    const key = hexToBytes(vector.key);
    const plaintext = hexToBytes(vector.plaintext_hex ?? '');
    const ivs = vector.ivs.map(hexToBytes);
    async function* blocks(size = vector.block_size): AsyncGenerator<Uint8Array> {
      for (let at = 0; at < plaintext.length; at += size) {
        await new Promise((resolve) => setTimeout(resolve, 1)); // a read
        yield plaintext.slice(at, at + size);
      }
    }
    for (const inFlight of [1, 2, 3]) {
      const sealed = [];
      for await (const block of sealBlocks(blocks(), {
        mode: 'AES-GCM',
        key,
        blockBytes: vector.block_size,
        ivFor: (index) => ivs[index] as Uint8Array,
        inFlight,
        consume: true,
      }))
        sealed.push(Buffer.concat([block.header, block.ciphertext]));
      expect(sealed.length).toBe(ivs.length);
      expect(hex(Buffer.concat(sealed))).toBe(vector.ciphertext_hex);
      // Default IVs: random, one per block, never repeated.
      const drawn = new Set<string>();
      for await (const block of sealBlocks(blocks(100), { mode: 'AES-GCM', key, blockBytes: 100, inFlight }))
        drawn.add(hex(block.header.subarray(28, 44)));
      expect(drawn.size).toBe(Math.ceil(plaintext.length / 100));
    }
  });

  it('sealBlocks with a sealer elsewhere (a pool worker in the app): the known vector, IVs chosen here, blocks in order', async () => {
    for (const id of ['aes-gcm-k16-n2500-bs1000', 'sm4-cbc-k16-n2500-bs1000']) {
      const vector = vectors.vectors.find((v) => v.id === id);
      if (!vector) throw new Error(`vector ${id} is missing`);
      const key = hexToBytes(vector.key);
      const plaintext = hexToBytes(vector.plaintext_hex ?? '');
      const ivs = vector.ivs.map(hexToBytes);
      const handed: string[] = [];
      const sealed = [];
      for await (const block of sealBlocks(
        (function* () {
          for (let at = 0; at < plaintext.length; at += vector.block_size)
            yield plaintext.slice(at, at + vector.block_size);
        })(),
        {
          mode: vector.mode as 'AES-GCM' | 'SM4-CBC',
          key,
          blockBytes: vector.block_size,
          ivFor: (index) => ivs[index] as Uint8Array,
          inFlight: 2,
          consume: true,
          // Later blocks finish first: the output must still be in block order.
          sealer: async (block, iv) => {
            handed.push(hex(iv));
            await new Promise((resolve) => setTimeout(resolve, 10 - handed.length));
            return sealOneBlock(vector.mode as 'AES-GCM' | 'SM4-CBC', key, block, iv);
          },
        },
      ))
        sealed.push(Buffer.concat([block.header, block.ciphertext]));
      expect(handed).toEqual(vector.ivs);
      expect(hex(Buffer.concat(sealed)), id).toBe(vector.ciphertext_hex);
    }
  });

  it('sealBlocks with lend: each ciphertext is lent (kept only as a copy) and freed when the next block is asked for', async () => {
    const vector = vectors.vectors.find((v) => v.id === 'aes-gcm-k16-n2500-bs1000')!;
    const key = hexToBytes(vector.key);
    const plaintext = hexToBytes(vector.plaintext_hex ?? '');
    const canDetach = typeof (ArrayBuffer.prototype as { transfer?: unknown }).transfer === 'function';
    const handedOut: Uint8Array[] = [];
    const kept: Uint8Array[] = [];
    for await (const block of sealBlocks(
      (function* () {
        for (let at = 0; at < plaintext.length; at += vector.block_size)
          yield plaintext.slice(at, at + vector.block_size);
      })(),
      {
        mode: 'AES-GCM',
        key,
        blockBytes: vector.block_size,
        ivFor: (index) => hexToBytes(vector.ivs[index] as string),
        consume: true,
        lend: true,
      },
    )) {
      // The one handed out before is gone by now (where buffers can be detached: ES2024, Node 21+);
      // this one is whole until the next is asked for.
      if (canDetach && handedOut.length > 0) expect((handedOut[handedOut.length - 1] as Uint8Array).length).toBe(0);
      expect(block.ciphertext.length).toBeGreaterThan(0);
      const copy = keepable(block.ciphertext);
      expect(copy).not.toBe(block.ciphertext);
      handedOut.push(block.ciphertext);
      kept.push(block.header, copy);
    }
    expect(handedOut.length).toBe(vector.ivs.length);
    expect(hex(Buffer.concat(kept))).toBe(vector.ciphertext_hex);
  });

  it('sealBlocks refuses a short block before the last', async () => {
    const key = new Uint8Array(16);
    const run = async (): Promise<void> => {
      for await (const _ of sealBlocks([new Uint8Array(10), new Uint8Array(16)], {
        mode: 'AES-GCM',
        key,
        blockBytes: 16,
      }))
        void _;
    };
    await expect(run()).rejects.toThrow();
  });
});
