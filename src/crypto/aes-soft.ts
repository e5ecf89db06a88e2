/**
 * AES (FIPS-197) in plain TypeScript, with the GCM and CTR pieces MindSpore needs. It exists for
 * one reason: Chromium's WebCrypto has no 192-bit AES (ckpt-crypto.md §5), yet MindSpore accepts
 * 24-byte keys. 16- and 32-byte keys go through WebCrypto, which is much faster.
 * T-table implementation (big-endian words); GHASH uses a 16×256 table per key.
 */

import { internalError } from '../base/errors';
import type { RawBlockCipher } from './raw-cipher';

const SBOX = new Uint8Array(256);
const INV_SBOX = new Uint8Array(256);
const TE = [new Uint32Array(256), new Uint32Array(256), new Uint32Array(256), new Uint32Array(256)] as const;
const TD = [new Uint32Array(256), new Uint32Array(256), new Uint32Array(256), new Uint32Array(256)] as const;

function xtime(value: number): number {
  return ((value << 1) ^ (value & 0x80 ? 0x11b : 0)) & 0xff;
}

function gfMultiply(a: number, b: number): number {
  let product = 0;
  for (let x = a, y = b; y > 0; y >>= 1, x = xtime(x)) if (y & 1) product ^= x;
  return product;
}

(function buildTables(): void {
  // Sbox from the multiplicative inverse plus the affine map.
  for (let value = 0; value < 256; value += 1) {
    let inverse = 0;
    if (value !== 0) for (inverse = 1; gfMultiply(value, inverse) !== 1; inverse += 1);
    let s = inverse;
    for (let shift = 1; shift <= 4; shift += 1) s ^= ((inverse << shift) | (inverse >> (8 - shift))) & 0xff;
    s ^= 0x63;
    SBOX[value] = s;
    INV_SBOX[s] = value;
  }
  for (let value = 0; value < 256; value += 1) {
    const s = SBOX[value] as number;
    const e = ((xtime(s) << 24) | (s << 16) | (s << 8) | (xtime(s) ^ s)) >>> 0;
    const i = INV_SBOX[value] as number;
    const d =
      ((gfMultiply(i, 0x0e) << 24) | (gfMultiply(i, 0x09) << 16) | (gfMultiply(i, 0x0d) << 8) | gfMultiply(i, 0x0b)) >>>
      0;
    for (let r = 0; r < 4; r += 1) {
      (TE[r] as Uint32Array)[value] = ((e >>> (8 * r)) | (e << (32 - 8 * r))) >>> 0;
      (TD[r] as Uint32Array)[value] = ((d >>> (8 * r)) | (d << (32 - 8 * r))) >>> 0;
    }
  }
})();

const [TE0, TE1, TE2, TE3] = TE;
const [TD0, TD1, TD2, TD3] = TD;

function readWord(bytes: Uint8Array, offset: number): number {
  return (
    (((bytes[offset] as number) << 24) |
      ((bytes[offset + 1] as number) << 16) |
      ((bytes[offset + 2] as number) << 8) |
      (bytes[offset + 3] as number)) >>>
    0
  );
}

function writeWord(bytes: Uint8Array, offset: number, word: number): void {
  bytes[offset] = word >>> 24;
  bytes[offset + 1] = word >>> 16;
  bytes[offset + 2] = word >>> 8;
  bytes[offset + 3] = word;
}

const subWord = (w: number): number =>
  (((SBOX[w >>> 24] as number) << 24) |
    ((SBOX[(w >>> 16) & 255] as number) << 16) |
    ((SBOX[(w >>> 8) & 255] as number) << 8) |
    (SBOX[w & 255] as number)) >>>
  0;

/** One AES key, expanded for both directions. Words are big-endian, state is 4 words. */
export class SoftAes implements RawBlockCipher {
  private readonly rounds: number;
  private readonly encKeys: Uint32Array;
  private readonly decKeys: Uint32Array;
  private readonly state = new Uint32Array(4);

  constructor(key: Uint8Array) {
    if (key.length !== 16 && key.length !== 24 && key.length !== 32)
      throw internalError('AES key must be 16/24/32 bytes');
    const nk = key.length / 4;
    this.rounds = nk + 6;
    const total = 4 * (this.rounds + 1);
    const w = new Uint32Array(total);
    for (let i = 0; i < nk; i += 1) w[i] = readWord(key, 4 * i);
    let rcon = 1;
    for (let i = nk; i < total; i += 1) {
      let temp = w[i - 1] as number;
      if (i % nk === 0) {
        temp = (subWord(((temp << 8) | (temp >>> 24)) >>> 0) ^ (rcon << 24)) >>> 0;
        rcon = xtime(rcon);
      } else if (nk > 6 && i % nk === 4) {
        temp = subWord(temp);
      }
      w[i] = ((w[i - nk] as number) ^ temp) >>> 0;
    }
    this.encKeys = w;
    // Equivalent inverse cipher: round keys reversed, InvMixColumns applied to the inner ones.
    const d = new Uint32Array(total);
    for (let round = 0; round <= this.rounds; round += 1) {
      for (let column = 0; column < 4; column += 1) {
        const word = w[4 * (this.rounds - round) + column] as number;
        d[4 * round + column] =
          round === 0 || round === this.rounds
            ? word
            : ((TD0[SBOX[word >>> 24] as number] as number) ^
                (TD1[SBOX[(word >>> 16) & 255] as number] as number) ^
                (TD2[SBOX[(word >>> 8) & 255] as number] as number) ^
                (TD3[SBOX[word & 255] as number] as number)) >>>
              0;
      }
    }
    this.decKeys = d;
  }

  /** Encrypts the 4-word state in place. */
  private encryptState(): void {
    const k = this.encKeys;
    const st = this.state;
    let s0 = (st[0] as number) ^ (k[0] as number);
    let s1 = (st[1] as number) ^ (k[1] as number);
    let s2 = (st[2] as number) ^ (k[2] as number);
    let s3 = (st[3] as number) ^ (k[3] as number);
    let ki = 4;
    for (let round = 1; round < this.rounds; round += 1, ki += 4) {
      const t0 =
        (TE0[s0 >>> 24] as number) ^
        (TE1[(s1 >>> 16) & 255] as number) ^
        (TE2[(s2 >>> 8) & 255] as number) ^
        (TE3[s3 & 255] as number) ^
        (k[ki] as number);
      const t1 =
        (TE0[s1 >>> 24] as number) ^
        (TE1[(s2 >>> 16) & 255] as number) ^
        (TE2[(s3 >>> 8) & 255] as number) ^
        (TE3[s0 & 255] as number) ^
        (k[ki + 1] as number);
      const t2 =
        (TE0[s2 >>> 24] as number) ^
        (TE1[(s3 >>> 16) & 255] as number) ^
        (TE2[(s0 >>> 8) & 255] as number) ^
        (TE3[s1 & 255] as number) ^
        (k[ki + 2] as number);
      const t3 =
        (TE0[s3 >>> 24] as number) ^
        (TE1[(s0 >>> 16) & 255] as number) ^
        (TE2[(s1 >>> 8) & 255] as number) ^
        (TE3[s2 & 255] as number) ^
        (k[ki + 3] as number);
      s0 = t0;
      s1 = t1;
      s2 = t2;
      s3 = t3;
    }
    const last = (a: number, b: number, c: number, d: number, key: number): number =>
      (((SBOX[a >>> 24] as number) << 24) |
        ((SBOX[(b >>> 16) & 255] as number) << 16) |
        ((SBOX[(c >>> 8) & 255] as number) << 8) |
        (SBOX[d & 255] as number)) ^
      key;
    st[0] = last(s0, s1, s2, s3, k[ki] as number);
    st[1] = last(s1, s2, s3, s0, k[ki + 1] as number);
    st[2] = last(s2, s3, s0, s1, k[ki + 2] as number);
    st[3] = last(s3, s0, s1, s2, k[ki + 3] as number);
  }

  private decryptState(): void {
    const k = this.decKeys;
    const st = this.state;
    let s0 = (st[0] as number) ^ (k[0] as number);
    let s1 = (st[1] as number) ^ (k[1] as number);
    let s2 = (st[2] as number) ^ (k[2] as number);
    let s3 = (st[3] as number) ^ (k[3] as number);
    let ki = 4;
    for (let round = 1; round < this.rounds; round += 1, ki += 4) {
      const t0 =
        (TD0[s0 >>> 24] as number) ^
        (TD1[(s3 >>> 16) & 255] as number) ^
        (TD2[(s2 >>> 8) & 255] as number) ^
        (TD3[s1 & 255] as number) ^
        (k[ki] as number);
      const t1 =
        (TD0[s1 >>> 24] as number) ^
        (TD1[(s0 >>> 16) & 255] as number) ^
        (TD2[(s3 >>> 8) & 255] as number) ^
        (TD3[s2 & 255] as number) ^
        (k[ki + 1] as number);
      const t2 =
        (TD0[s2 >>> 24] as number) ^
        (TD1[(s1 >>> 16) & 255] as number) ^
        (TD2[(s0 >>> 8) & 255] as number) ^
        (TD3[s3 & 255] as number) ^
        (k[ki + 2] as number);
      const t3 =
        (TD0[s3 >>> 24] as number) ^
        (TD1[(s2 >>> 16) & 255] as number) ^
        (TD2[(s1 >>> 8) & 255] as number) ^
        (TD3[s0 & 255] as number) ^
        (k[ki + 3] as number);
      s0 = t0;
      s1 = t1;
      s2 = t2;
      s3 = t3;
    }
    const last = (a: number, b: number, c: number, d: number, key: number): number =>
      (((INV_SBOX[a >>> 24] as number) << 24) |
        ((INV_SBOX[(b >>> 16) & 255] as number) << 16) |
        ((INV_SBOX[(c >>> 8) & 255] as number) << 8) |
        (INV_SBOX[d & 255] as number)) ^
      key;
    st[0] = last(s0, s3, s2, s1, k[ki] as number);
    st[1] = last(s1, s0, s3, s2, k[ki + 1] as number);
    st[2] = last(s2, s1, s0, s3, k[ki + 2] as number);
    st[3] = last(s3, s2, s1, s0, k[ki + 3] as number);
  }

  encryptBlock(input: Uint8Array, inOffset: number, output: Uint8Array, outOffset: number): void {
    const st = this.state;
    for (let i = 0; i < 4; i += 1) st[i] = readWord(input, inOffset + 4 * i);
    this.encryptState();
    for (let i = 0; i < 4; i += 1) writeWord(output, outOffset + 4 * i, st[i] as number);
  }

  cbcEncrypt(iv: Uint8Array, data: Uint8Array): Uint8Array {
    const out = new Uint8Array(data.length);
    const st = this.state;
    let c0 = readWord(iv, 0);
    let c1 = readWord(iv, 4);
    let c2 = readWord(iv, 8);
    let c3 = readWord(iv, 12);
    for (let offset = 0; offset + 16 <= data.length; offset += 16) {
      st[0] = readWord(data, offset) ^ c0;
      st[1] = readWord(data, offset + 4) ^ c1;
      st[2] = readWord(data, offset + 8) ^ c2;
      st[3] = readWord(data, offset + 12) ^ c3;
      this.encryptState();
      c0 = st[0] as number;
      c1 = st[1] as number;
      c2 = st[2] as number;
      c3 = st[3] as number;
      writeWord(out, offset, c0);
      writeWord(out, offset + 4, c1);
      writeWord(out, offset + 8, c2);
      writeWord(out, offset + 12, c3);
    }
    return out;
  }

  cbcDecrypt(iv: Uint8Array, data: Uint8Array): Uint8Array {
    const out = new Uint8Array(data.length);
    const st = this.state;
    let p0 = readWord(iv, 0);
    let p1 = readWord(iv, 4);
    let p2 = readWord(iv, 8);
    let p3 = readWord(iv, 12);
    for (let offset = 0; offset + 16 <= data.length; offset += 16) {
      const c0 = readWord(data, offset);
      const c1 = readWord(data, offset + 4);
      const c2 = readWord(data, offset + 8);
      const c3 = readWord(data, offset + 12);
      st[0] = c0;
      st[1] = c1;
      st[2] = c2;
      st[3] = c3;
      this.decryptState();
      writeWord(out, offset, (st[0] as number) ^ p0);
      writeWord(out, offset + 4, (st[1] as number) ^ p1);
      writeWord(out, offset + 8, (st[2] as number) ^ p2);
      writeWord(out, offset + 12, (st[3] as number) ^ p3);
      p0 = c0;
      p1 = c1;
      p2 = c2;
      p3 = c3;
    }
    return out;
  }

  /**
   * Counter mode with a 32-bit big-endian counter in the last word (GCM's inc32), starting at
   * `counterBlock`. Encryption and decryption are the same operation.
   */
  ctrXor(counterBlock: Uint8Array, data: Uint8Array): Uint8Array {
    const out = new Uint8Array(data.length);
    const st = this.state;
    const n0 = readWord(counterBlock, 0);
    const n1 = readWord(counterBlock, 4);
    const n2 = readWord(counterBlock, 8);
    let counter = readWord(counterBlock, 12);
    const keystream = new Uint8Array(16);
    for (let offset = 0; offset < data.length; offset += 16) {
      st[0] = n0;
      st[1] = n1;
      st[2] = n2;
      st[3] = counter;
      this.encryptState();
      counter = (counter + 1) >>> 0;
      for (let i = 0; i < 4; i += 1) writeWord(keystream, 4 * i, st[i] as number);
      const end = Math.min(16, data.length - offset);
      for (let i = 0; i < end; i += 1) out[offset + i] = (data[offset + i] as number) ^ (keystream[i] as number);
    }
    return out;
  }
}

/** GHASH with a per-key table: product = XOR over byte positions of table[position][byte]. */
class Ghash {
  private readonly table = new Uint32Array(16 * 256 * 4);
  private readonly x = new Uint32Array(4);

  constructor(h: Uint8Array) {
    // powers[k] = H · x^k (bit k of the input, most significant bit first).
    const powers = new Uint32Array(128 * 4);
    let v0 = readWord(h, 0);
    let v1 = readWord(h, 4);
    let v2 = readWord(h, 8);
    let v3 = readWord(h, 12);
    for (let k = 0; k < 128; k += 1) {
      powers.set([v0, v1, v2, v3], 4 * k);
      const lsb = v3 & 1;
      v3 = ((v3 >>> 1) | (v2 << 31)) >>> 0;
      v2 = ((v2 >>> 1) | (v1 << 31)) >>> 0;
      v1 = ((v1 >>> 1) | (v0 << 31)) >>> 0;
      v0 = (v0 >>> 1) ^ (lsb ? 0xe1000000 : 0);
      v0 >>>= 0;
    }
    for (let position = 0; position < 16; position += 1) {
      for (let byte = 1; byte < 256; byte += 1) {
        const at = (position * 256 + byte) * 4;
        for (let bit = 0; bit < 8; bit += 1) {
          if (byte & (0x80 >> bit)) {
            const p = (position * 8 + bit) * 4;
            for (let w = 0; w < 4; w += 1)
              this.table[at + w] = (this.table[at + w] as number) ^ (powers[p + w] as number);
          }
        }
      }
    }
  }

  /** X = (X ⊕ block) · H for one 16-byte block (zero-padded when shorter). */
  update(data: Uint8Array, offset: number, length: number): void {
    const x = this.x;
    const bytes = new Uint8Array(16);
    for (let i = 0; i < 4; i += 1) writeWord(bytes, 4 * i, x[i] as number);
    for (let i = 0; i < length; i += 1) bytes[i] = (bytes[i] as number) ^ (data[offset + i] as number);
    let z0 = 0;
    let z1 = 0;
    let z2 = 0;
    let z3 = 0;
    const t = this.table;
    for (let position = 0; position < 16; position += 1) {
      const at = (position * 256 + (bytes[position] as number)) * 4;
      z0 ^= t[at] as number;
      z1 ^= t[at + 1] as number;
      z2 ^= t[at + 2] as number;
      z3 ^= t[at + 3] as number;
    }
    x[0] = z0;
    x[1] = z1;
    x[2] = z2;
    x[3] = z3;
  }

  digest(): Uint8Array {
    const out = new Uint8Array(16);
    for (let i = 0; i < 4; i += 1) writeWord(out, 4 * i, this.x[i] as number);
    return out;
  }
}

function gcmTag(aes: SoftAes, nonce: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  const h = new Uint8Array(16);
  aes.encryptBlock(new Uint8Array(16), 0, h, 0);
  const ghash = new Ghash(h);
  for (let offset = 0; offset < ciphertext.length; offset += 16) {
    ghash.update(ciphertext, offset, Math.min(16, ciphertext.length - offset));
  }
  const lengths = new Uint8Array(16);
  const bits = ciphertext.length * 8;
  writeWord(lengths, 8, Math.floor(bits / 0x100000000));
  writeWord(lengths, 12, bits >>> 0);
  ghash.update(lengths, 0, 16);
  const j0 = counterBlock(nonce, 1);
  const mask = new Uint8Array(16);
  aes.encryptBlock(j0, 0, mask, 0);
  const tag = ghash.digest();
  for (let i = 0; i < 16; i += 1) tag[i] = (tag[i] as number) ^ (mask[i] as number);
  return tag;
}

/** nonce (12 bytes) ‖ 32-bit big-endian counter. */
export function counterBlock(nonce: Uint8Array, counter: number): Uint8Array<ArrayBuffer> {
  const block = new Uint8Array(16);
  block.set(nonce.subarray(0, 12));
  writeWord(block, 12, counter >>> 0);
  return block;
}

export function softGcmEncrypt(
  aes: SoftAes,
  nonce: Uint8Array,
  plaintext: Uint8Array,
): { ciphertext: Uint8Array; tag: Uint8Array } {
  const ciphertext = aes.ctrXor(counterBlock(nonce, 2), plaintext);
  return { ciphertext, tag: gcmTag(aes, nonce, ciphertext) };
}

/** Returns null when the tag does not match (wrong key or altered bytes). */
export function softGcmDecrypt(
  aes: SoftAes,
  nonce: Uint8Array,
  ciphertext: Uint8Array,
  tag: Uint8Array,
): Uint8Array | null {
  const expected = gcmTag(aes, nonce, ciphertext);
  let difference = 0;
  for (let i = 0; i < 16; i += 1) difference |= (expected[i] as number) ^ (tag[i] as number);
  if (difference !== 0) return null;
  return aes.ctrXor(counterBlock(nonce, 2), ciphertext);
}
