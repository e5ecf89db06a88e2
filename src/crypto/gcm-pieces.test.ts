import { webcrypto } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { gcmDecryptInPieces, gcmEncryptInPieces, gfMultiply, type GcmKeys } from './gcm-pieces';

const subtle = webcrypto.subtle as unknown as SubtleCrypto;
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const words = (text: string): Uint32Array =>
  Uint32Array.from({ length: 4 }, (_, i) => Number.parseInt(text.slice(8 * i, 8 * i + 8), 16));
const wordsHex = (value: Uint32Array): string => Array.from(value, (w) => w.toString(16).padStart(8, '0')).join('');

async function keysFor(raw: Uint8Array<ArrayBuffer>): Promise<GcmKeys> {
  const usages: KeyUsage[] = ['encrypt', 'decrypt'];
  return {
    gcm: await subtle.importKey('raw', raw, { name: 'AES-GCM' }, false, usages),
    ctr: await subtle.importKey('raw', raw, { name: 'AES-CTR' }, false, usages),
  };
}

function pseudoRandom(length: number, seed: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(length);
  let state = seed >>> 0;
  for (let i = 0; i < length; i += 1) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = state >>> 24;
  }
  return out;
}

/** WebCrypto's one-call AES-GCM: the reference. */
async function seal(keys: GcmKeys, nonce: Uint8Array<ArrayBuffer>, plaintext: Uint8Array<ArrayBuffer>) {
  const sealed = new Uint8Array(
    await subtle.encrypt({ name: 'AES-GCM', iv: nonce, tagLength: 128 }, keys.gcm, plaintext),
  );
  return { ciphertext: sealed.slice(0, sealed.length - 16), tag: sealed.slice(sealed.length - 16) };
}

describe('GF(2^128) as GCM multiplies (SP 800-38D)', () => {
  it("gives GHASH of the GCM spec's test case 2 (key and IV zero, one zero block)", () => {
    const h = words('66e94bd4ef8a2c3b884cfa59ca342b2e');
    const c = words('0388dace60b6a392f328c2b971b2fe78');
    const lengths = words('00000000000000000000000000000080');
    const x1 = gfMultiply(c, h);
    const x2 = gfMultiply(
      Uint32Array.from(x1, (w, i) => (w ^ (lengths[i] as number)) >>> 0),
      h,
    );
    expect(wordsHex(x2)).toBe('f38cbb1ad69223dcc3457ae5b6b0f885');
    // Commutative, and 1 (the bit-reflected x^0: the top bit) is its identity.
    expect(wordsHex(gfMultiply(h, c))).toBe(wordsHex(x1));
    expect(wordsHex(gfMultiply(words('80000000000000000000000000000000'), c))).toBe(wordsHex(c));
  });
});

describe('AES-GCM decrypted in pieces (CTR for the bytes, GHASH from WebCrypto, joined here)', () => {
  it('equals the one-call decryption for every length and piece size, in place or not', async () => {
    for (const keyLength of [16, 32]) {
      const keys = await keysFor(pseudoRandom(keyLength, keyLength));
      for (const length of [0, 1, 15, 16, 17, 100, 1000, 4096, 4101, 70_000]) {
        const nonce = pseudoRandom(12, length + 1);
        const plaintext = pseudoRandom(length, length + 7);
        const { ciphertext, tag } = await seal(keys, nonce, plaintext);
        for (const pieceBytes of [16, 48, 4096]) {
          const copy = ciphertext.slice();
          const plain = await gcmDecryptInPieces(subtle, keys, nonce, copy, tag, false, pieceBytes);
          expect(plain && hex(plain), `${keyLength} ${length} ${pieceBytes}`).toBe(hex(plaintext));
          expect(hex(copy)).toBe(hex(ciphertext));
          const inPlace = await gcmDecryptInPieces(subtle, keys, nonce, copy, tag, true, pieceBytes);
          expect(inPlace?.buffer).toBe(copy.buffer);
          expect(hex(copy)).toBe(hex(plaintext));
        }
      }
    }
  });

  it('refuses (null) a changed byte in any piece, a changed tag, another nonce or another key', async () => {
    const keys = await keysFor(pseudoRandom(16, 3));
    const nonce = pseudoRandom(12, 4);
    const plaintext = pseudoRandom(5000, 5);
    const { ciphertext, tag } = await seal(keys, nonce, plaintext);
    for (const at of [0, 15, 16, 2047, 2048, 4999]) {
      for (const bit of [0x01, 0x80]) {
        const changed = ciphertext.slice();
        changed[at]! ^= bit;
        expect(await gcmDecryptInPieces(subtle, keys, nonce, changed, tag, true, 2048), `byte ${at}`).toBeNull();
      }
    }
    for (let at = 0; at < 16; at += 5) {
      const changed = tag.slice();
      changed[at]! ^= 1;
      expect(await gcmDecryptInPieces(subtle, keys, nonce, ciphertext, changed, false, 2048)).toBeNull();
    }
    const otherNonce = nonce.slice();
    otherNonce[11]! ^= 1;
    expect(await gcmDecryptInPieces(subtle, keys, otherNonce, ciphertext, tag, false, 2048)).toBeNull();
    const otherKeys = await keysFor(pseudoRandom(16, 99));
    expect(await gcmDecryptInPieces(subtle, otherKeys, nonce, ciphertext, tag, false, 2048)).toBeNull();
    // Pieces swapped keep every piece's own bytes but not their order: refused too.
    const swapped = new Uint8Array(ciphertext.length);
    swapped.set(ciphertext.subarray(2048, 4096), 0);
    swapped.set(ciphertext.subarray(0, 2048), 2048);
    swapped.set(ciphertext.subarray(4096), 4096);
    expect(await gcmDecryptInPieces(subtle, keys, nonce, swapped, tag, false, 2048)).toBeNull();
  });

  it('encrypts to the one-call ciphertext and tag for every length and piece size, in place or not', async () => {
    for (const keyLength of [16, 32]) {
      const keys = await keysFor(pseudoRandom(keyLength, keyLength + 100));
      for (const length of [0, 1, 15, 16, 17, 100, 4096, 4101, 70_000]) {
        const nonce = pseudoRandom(12, length + 3);
        const plaintext = pseudoRandom(length, length + 11);
        const reference = await seal(keys, nonce, plaintext);
        for (const pieceBytes of [16, 48, 4096]) {
          const copy = plaintext.slice();
          const sealed = await gcmEncryptInPieces(subtle, keys, nonce, copy, false, pieceBytes);
          expect(hex(sealed.ciphertext), `${keyLength} ${length} ${pieceBytes}`).toBe(hex(reference.ciphertext));
          expect(hex(sealed.tag)).toBe(hex(reference.tag));
          expect(hex(copy)).toBe(hex(plaintext));
          const inPlace = await gcmEncryptInPieces(subtle, keys, nonce, copy, true, pieceBytes);
          expect(inPlace.ciphertext.buffer).toBe(copy.buffer);
          expect(hex(copy)).toBe(hex(reference.ciphertext));
          expect(hex(inPlace.tag)).toBe(hex(reference.tag));
        }
      }
    }
  });

  it('takes only pieces of whole 16-byte blocks', async () => {
    const keys = await keysFor(pseudoRandom(16, 3));
    await expect(
      gcmDecryptInPieces(subtle, keys, new Uint8Array(12), new Uint8Array(40), new Uint8Array(16), false, 40),
    ).rejects.toThrow(RangeError);
  });
});
