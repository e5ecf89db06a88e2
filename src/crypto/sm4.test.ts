import { createCipheriv, createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hexToBytes } from '../test/fixtures';
import { vectors } from '../test/crypto-vectors';
import { SoftAes } from './aes-soft';
import { Sm4 } from './sm4';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

describe('SM4 (WASM) — GB/T 32907-2016 known answers', () => {
  it.each(vectors.sm4_block_kat.map((kat) => [kat.iterations, kat] as const))('%i iteration(s)', async (_n, kat) => {
    const sm4 = await Sm4.create(hexToBytes(kat.key));
    // The 1,000,000-iteration answer: encrypt the result again and again.
    let block = hexToBytes(kat.plaintext);
    for (let i = 0; i < kat.iterations; i += 1) block = sm4.ecbEncrypt(block);
    expect(hex(block)).toBe(kat.ciphertext);
  });

  it('CBC agrees with OpenSSL (node:crypto sm4-cbc) across chunk boundaries', async () => {
    const key = hexToBytes(vectors.sm4_block_kat[0]!.key);
    const iv = hexToBytes('000102030405060708090a0b0c0d0e0f');
    const data = new Uint8Array(3 * (1 << 20) + 48);
    for (let i = 0; i < data.length; i += 1) data[i] = (i * 31 + 7) & 255;
    const openssl = createCipheriv('sm4-cbc', key, iv).setAutoPadding(false);
    const expected = Buffer.concat([openssl.update(data), openssl.final()]);
    const sm4 = await Sm4.create(key);
    const ours = sm4.cbcEncrypt(iv, data);
    expect(sha(ours)).toBe(sha(expected));
    expect(sha(sm4.cbcDecrypt(iv, ours))).toBe(sha(data));
  });
});

describe('software AES agrees with OpenSSL', () => {
  it.each([16, 24, 32])('AES-%i-byte-key CBC encrypt/decrypt', (keyLength) => {
    const key = new Uint8Array(keyLength).map((_, i) => i * 7 + 1);
    const iv = new Uint8Array(16).map((_, i) => 255 - i);
    const data = new Uint8Array(4096).map((_, i) => (i * 13) & 255);
    const openssl = createCipheriv(`aes-${keyLength * 8}-cbc`, key, iv).setAutoPadding(false);
    const expected = Buffer.concat([openssl.update(data), openssl.final()]);
    const aes = new SoftAes(key);
    expect(hex(aes.cbcEncrypt(iv, data))).toBe(hex(expected));
    expect(hex(aes.cbcDecrypt(iv, expected))).toBe(hex(data));
  });
});

function sha(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
