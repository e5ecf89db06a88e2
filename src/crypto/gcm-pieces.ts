/**
 * AES-GCM of a large block in pieces, with WebCrypto doing every pass over the bytes.
 *
 * A 64 MiB block decrypted in one `subtle.decrypt` keeps its calling thread for the whole call
 * (Chromium 156 runs the cipher there) and holds about three times the block inside it: a copy of
 * the input, the output, and the output's ArrayBuffer, each fresh memory whose first touch costs
 * page faults (docs/performance.md). Here the bytes come from AES-CTR over pieces of
 * GCM_PIECE_BYTES (GCM's counter mode: block i is XORed with E_K(nonce ‖ i + 1)), written over
 * the input when the caller gives it away, and the tag is computed from GHASH
 * values that WebCrypto computes too: AES-GCM *encrypting nothing* with a piece as its additional
 * data returns GHASH_H(piece) ⊕ E_K(J0′), J0′ known, so GHASH_H(piece) follows. GHASH is a
 * polynomial in H, so the whole block's GHASH is the pieces' joined by Horner's rule with
 * H^(blocks of a piece) — a few multiplications in GF(2^128) per piece, done below in JS. A
 * decryption returns the plaintext only when the tag so computed equals the block's
 * (SP 800-38D §7.2).
 *
 * The GHASH calls reuse one nonce for the key, which GCM forbids for messages: nothing they
 * return leaves this function, and their "messages" (the ciphertext) are public.
 */
import { counterBlock } from './aes-soft';

/** Bytes per CTR and GHASH call: under Chromium's 1 MiB direct-map size, so its buffers are reused. */
export const GCM_PIECE_BYTES = 256 * 1024;
/** Pieces in flight: the thread takes in other tasks (the next block's read) between them. */
const PIECES_IN_FLIGHT = 4;

export interface GcmKeys {
  gcm: CryptoKey;
  ctr: CryptoKey;
}

/** a·b in GCM's GF(2^128) (bit-reflected, SP 800-38D Algorithm 1), on big-endian 32-bit words. */
export function gfMultiply(a: Uint32Array, b: Uint32Array): Uint32Array {
  let z0 = 0;
  let z1 = 0;
  let z2 = 0;
  let z3 = 0;
  let v0 = b[0] as number;
  let v1 = b[1] as number;
  let v2 = b[2] as number;
  let v3 = b[3] as number;
  for (let i = 0; i < 128; i += 1) {
    if (((a[i >>> 5] as number) >>> (31 - (i & 31))) & 1) {
      z0 ^= v0;
      z1 ^= v1;
      z2 ^= v2;
      z3 ^= v3;
    }
    const lsb = v3 & 1;
    v3 = (v3 >>> 1) | (v2 << 31);
    v2 = (v2 >>> 1) | (v1 << 31);
    v1 = (v1 >>> 1) | (v0 << 31);
    v0 = (v0 >>> 1) ^ (lsb ? 0xe1000000 : 0);
  }
  return Uint32Array.of(z0 >>> 0, z1 >>> 0, z2 >>> 0, z3 >>> 0);
}

/** h^count (count ≥ 1) by squaring. */
function gfPower(h: Uint32Array, count: number): Uint32Array {
  let result: Uint32Array | null = null;
  let base = h;
  for (let left = count; left > 0; left = Math.floor(left / 2)) {
    if (left % 2 === 1) result = result ? gfMultiply(result, base) : base;
    if (left > 1) base = gfMultiply(base, base);
  }
  return result as Uint32Array;
}

function words(bytes: Uint8Array): Uint32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, 16);
  return Uint32Array.of(view.getUint32(0), view.getUint32(4), view.getUint32(8), view.getUint32(12));
}

function xorWords(a: Uint32Array, b: Uint32Array): Uint32Array {
  return Uint32Array.of((a[0]! ^ b[0]!) >>> 0, (a[1]! ^ b[1]!) >>> 0, (a[2]! ^ b[2]!) >>> 0, (a[3]! ^ b[3]!) >>> 0);
}

/** The length block of GHASH: [bits of additional data]₆₄ ‖ [bits of ciphertext]₆₄. */
function lengthBlock(aadBytes: number, cipherBytes: number): Uint32Array {
  const aadBits = aadBytes * 8;
  const cipherBits = cipherBytes * 8;
  return Uint32Array.of(
    Math.floor(aadBits / 2 ** 32) >>> 0,
    aadBits >>> 0,
    Math.floor(cipherBits / 2 ** 32) >>> 0,
    cipherBits >>> 0,
  );
}

/**
 * CTR over `input` in pieces into `out` (which may be `input` itself), with the GHASH of the
 * ciphertext side — `input` when decrypting, the CTR output when encrypting — and returns the
 * block's GCM tag as computed (12-byte `nonce`, no additional data).
 */
async function ctrWithTag(
  subtle: SubtleCrypto,
  keys: GcmKeys,
  nonce: Uint8Array,
  input: Uint8Array,
  out: Uint8Array,
  direction: 'decrypt' | 'encrypt',
  pieceBytes: number,
): Promise<Uint32Array> {
  if (pieceBytes <= 0 || pieceBytes % 16 !== 0) throw new RangeError('pieceBytes must be a positive multiple of 16');
  const zeros = new Uint8Array(16);
  const ghashNonce = new Uint8Array(12);
  const ctr = (counter: Uint8Array<ArrayBuffer>, data: Uint8Array<ArrayBuffer>): Promise<ArrayBuffer> =>
    subtle.encrypt({ name: 'AES-CTR', counter, length: 32 }, keys.ctr, data);
  const ghashOf = (data: Uint8Array<ArrayBuffer>): Promise<ArrayBuffer> =>
    subtle.encrypt(
      { name: 'AES-GCM', iv: ghashNonce, additionalData: data, tagLength: 128 },
      keys.gcm,
      zeros.subarray(0, 0),
    );
  // H = E_K(0¹²⁸), E_K(J0) masks the block's tag, E_K(J0′) the GHASH calls' tags.
  const [h, mask, ghashMask] = (
    await Promise.all([
      ctr(new Uint8Array(16), zeros),
      ctr(counterBlock(nonce, 1), zeros),
      ctr(counterBlock(ghashNonce, 1), zeros),
    ])
  ).map((buffer) => words(new Uint8Array(buffer)));
  const H = h as Uint32Array;
  const source = input.buffer instanceof ArrayBuffer ? (input as Uint8Array<ArrayBuffer>) : input.slice();
  const pieceCount = Math.ceil(input.length / pieceBytes);
  const fullPower = gfPower(H, pieceBytes / 16);
  const fullLengthTerm = gfMultiply(lengthBlock(pieceBytes, 0), H);
  // GHASH of the pieces joined so far (Horner's rule), and the pieces in flight, in order.
  let ghash: Uint32Array = new Uint32Array(4);
  const inFlight: Promise<Uint32Array>[] = [];
  let joined = 0;
  const joinNext = async (): Promise<void> => {
    const length = Math.min(pieceBytes, input.length - joined * pieceBytes);
    const pieceHash = await (inFlight.shift() as Promise<Uint32Array>);
    const power = length === pieceBytes ? fullPower : gfPower(H, Math.ceil(length / 16));
    ghash = xorWords(gfMultiply(ghash, power), pieceHash);
    joined += 1;
  };
  try {
    for (let index = 0; index < pieceCount; index += 1) {
      if (inFlight.length >= PIECES_IN_FLIGHT) await joinNext();
      const at = index * pieceBytes;
      const piece = source.subarray(at, Math.min(input.length, at + pieceBytes));
      const lengthTerm = piece.length === pieceBytes ? fullLengthTerm : gfMultiply(lengthBlock(piece.length, 0), H);
      const converted = ctr(counterBlock(nonce, 2 + at / 16), piece);
      const hashed =
        direction === 'decrypt' ? ghashOf(piece) : converted.then((ciphertext) => ghashOf(new Uint8Array(ciphertext)));
      // Written to `out` (perhaps over `input`) only once both calls are done with this piece.
      const done = Promise.all([hashed, converted]).then(([sealed, bytes]) => {
        out.set(new Uint8Array(bytes), at);
        // GHASH_H(piece as additional data, nothing encrypted), less its length block's term.
        return xorWords(xorWords(words(new Uint8Array(sealed)), ghashMask as Uint32Array), lengthTerm);
      });
      done.catch(() => undefined);
      inFlight.push(done);
    }
    while (inFlight.length > 0) await joinNext();
  } catch (error) {
    await Promise.allSettled(inFlight);
    throw error;
  }
  return xorWords(xorWords(gfMultiply(lengthBlock(0, input.length), H), ghash), mask as Uint32Array);
}

/**
 * The plaintext of `ciphertext` (12-byte `nonce`, 16-byte `tag`, no additional data), or null
 * when the tag does not verify. With `consume`, the plaintext is written over `ciphertext` (the
 * caller gives its buffer away); otherwise into a new array.
 */
export async function gcmDecryptInPieces(
  subtle: SubtleCrypto,
  keys: GcmKeys,
  nonce: Uint8Array,
  ciphertext: Uint8Array,
  tag: Uint8Array,
  consume: boolean,
  pieceBytes = GCM_PIECE_BYTES,
): Promise<Uint8Array | null> {
  const out = consume ? ciphertext : new Uint8Array(ciphertext.length);
  const expected = await ctrWithTag(subtle, keys, nonce, ciphertext, out, 'decrypt', pieceBytes);
  const given = words(tag);
  let difference = 0;
  for (let i = 0; i < 4; i += 1) difference |= (expected[i] as number) ^ (given[i] as number);
  return difference === 0 ? out : null;
}

/**
 * AES-GCM encryption of `plaintext` in pieces (12-byte `nonce`, 16-byte tag, no additional
 * data). With `consume`, the ciphertext is written over `plaintext` (the caller gives its buffer
 * away); otherwise into a new array.
 */
export async function gcmEncryptInPieces(
  subtle: SubtleCrypto,
  keys: GcmKeys,
  nonce: Uint8Array,
  plaintext: Uint8Array,
  consume: boolean,
  pieceBytes = GCM_PIECE_BYTES,
): Promise<{ ciphertext: Uint8Array; tag: Uint8Array }> {
  const ciphertext = consume ? plaintext : new Uint8Array(plaintext.length);
  const tagWords = await ctrWithTag(subtle, keys, nonce, plaintext, ciphertext, 'encrypt', pieceBytes);
  const tag = new Uint8Array(16);
  const view = new DataView(tag.buffer);
  for (let i = 0; i < 4; i += 1) view.setUint32(4 * i, tagWords[i] as number);
  return { ciphertext, tag };
}
