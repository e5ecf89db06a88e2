/**
 * The cipher operations MindSpore's blocks need, for one (mode, key): WebCrypto for AES with
 * 16- and 32-byte keys (fast, off the JS thread), software AES for 24-byte keys (Chromium has no
 * AES-192), SM4 in WASM. Every function returns new bytes; authentication and padding failures
 * are `null`, not exceptions, so the caller can say which block failed.
 */
import { LensError } from '../base/errors';
import type { CipherMode } from '../base/types';
import { releaseBuffer } from '../io/release';
import { counterBlock, SoftAes, softGcmDecrypt, softGcmEncrypt } from './aes-soft';
import { GCM_PIECE_BYTES, gcmDecryptInPieces, gcmEncryptInPieces, type GcmKeys } from './gcm-pieces';
import { addPkcs7Padding, CIPHER_BLOCK_BYTES, pkcs7PadLength, type RawBlockCipher } from './raw-cipher';

export const KEY_LENGTHS: Readonly<Record<CipherMode, readonly number[]>> = {
  'AES-GCM': [16, 24, 32],
  'AES-CBC': [16, 24, 32],
  'SM4-CBC': [16],
};

export interface FrameCipher {
  readonly mode: CipherMode;
  /**
   * AES-GCM, 12-byte nonce, 16-byte tag, no AAD. null when the tag does not verify. With
   * `consume`, the caller hands the ciphertext's buffer over: it is freed as soon as it is read,
   * or the plaintext is written over it.
   */
  gcmDecrypt(nonce: Uint8Array, ciphertext: Uint8Array, tag: Uint8Array, consume?: boolean): Promise<Uint8Array | null>;
  /**
   * The ciphertext is a view of a new buffer, or with `consume` (the caller hands the plaintext's
   * buffer over) perhaps of the plaintext's own, written over.
   */
  gcmEncrypt(
    nonce: Uint8Array,
    plaintext: Uint8Array,
    consume?: boolean,
  ): Promise<{ ciphertext: Uint8Array; tag: Uint8Array }>;
  /** Counter mode with GCM's 32-bit counter (legacy unauthenticated "GCM"). */
  ctrXor(counter: Uint8Array, data: Uint8Array): Promise<Uint8Array>;
  /** CBC; with `padded`, PKCS#7 is checked and removed (null when invalid). */
  cbcDecrypt(iv: Uint8Array, ciphertext: Uint8Array, padded: boolean): Promise<Uint8Array | null>;
  /** CBC with PKCS#7 padding. */
  cbcEncrypt(iv: Uint8Array, plaintext: Uint8Array): Promise<Uint8Array>;
}

export function checkKeyLength(mode: CipherMode, key: Uint8Array): void {
  const allowed = KEY_LENGTHS[mode];
  if (!allowed.includes(key.length)) {
    throw new LensError('crypto-key-length', {
      expected: mode,
      actual: key.length,
      hint:
        allowed
          .map((n) => `${n}`)
          .join(', ')
          .replace(/, (\d+)$/, ' or $1') + ' bytes',
    });
  }
}

function subtle(): SubtleCrypto {
  const api = globalThis.crypto?.subtle;
  if (!api) throw new LensError('internal', { hint: 'WebCrypto (crypto.subtle) is not available here' });
  return api;
}

/** WebCrypto takes ArrayBuffer-backed views only; copy the (rare) shared-memory ones. */
function buffered(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : bytes.slice();
}

/**
 * `bytes` with `extra` appended (WebCrypto wants GCM's tag after the ciphertext). When the
 * buffer behind `bytes` ends exactly 16 spare bytes after the view (readSpan), the 16 bytes
 * are written there instead of copying a 64 MiB block.
 */
function concat(bytes: Uint8Array, extra: Uint8Array): Uint8Array<ArrayBuffer> {
  const end = bytes.byteOffset + bytes.length;
  if (bytes.buffer instanceof ArrayBuffer && end + extra.length === bytes.buffer.byteLength) {
    const out = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length + extra.length);
    out.set(extra, bytes.length);
    return out;
  }
  const out = new Uint8Array(bytes.length + extra.length);
  out.set(bytes);
  out.set(extra, bytes.length);
  return out;
}

const isOperationError = (error: unknown): boolean =>
  error instanceof Error && (error.name === 'OperationError' || /decrypt|auth|padding/i.test(error.message));

/** Decrypt the raw (unpadded) CBC blocks in software / WASM and handle PKCS#7 here. */
function rawCbcDecrypt(
  raw: RawBlockCipher,
  iv: Uint8Array,
  ciphertext: Uint8Array,
  padded: boolean,
): Uint8Array | null {
  if (ciphertext.length % CIPHER_BLOCK_BYTES !== 0 || (padded && ciphertext.length === 0)) return null;
  const plain = raw.cbcDecrypt(iv, ciphertext);
  if (!padded) return plain;
  const pad = pkcs7PadLength(plain);
  return pad === 0 ? null : plain.subarray(0, plain.length - pad);
}

/** Blocks from this size on are decrypted in pieces (gcm-pieces.ts); smaller ones in one call. */
const GCM_PIECES_MIN_BYTES = 2 * GCM_PIECE_BYTES;

class WebCryptoAes implements FrameCipher {
  private readonly keys = new Map<string, Promise<CryptoKey>>();
  constructor(
    readonly mode: CipherMode,
    private readonly rawKey: Uint8Array,
    /** Tests: decrypt every GCM block in pieces of this size. */
    private readonly gcmPieceBytes?: number,
  ) {}

  /** Keys and piece size when a GCM block of `length` bytes goes through gcm-pieces.ts; null for one call. */
  private async inPieces(length: number): Promise<{ keys: GcmKeys; pieceBytes: number } | null> {
    if (length < (this.gcmPieceBytes === undefined ? GCM_PIECES_MIN_BYTES : 1)) return null;
    const keys = { gcm: await this.key('AES-GCM'), ctr: await this.key('AES-CTR') };
    return { keys, pieceBytes: this.gcmPieceBytes ?? GCM_PIECE_BYTES };
  }

  private key(algorithm: 'AES-GCM' | 'AES-CBC' | 'AES-CTR'): Promise<CryptoKey> {
    let key = this.keys.get(algorithm);
    if (!key) {
      key = subtle().importKey('raw', buffered(this.rawKey), { name: algorithm }, false, ['encrypt', 'decrypt']);
      this.keys.set(algorithm, key);
    }
    return key;
  }

  async gcmDecrypt(
    nonce: Uint8Array,
    ciphertext: Uint8Array,
    tag: Uint8Array,
    consume = false,
  ): Promise<Uint8Array | null> {
    const pieces = await this.inPieces(ciphertext.length);
    if (pieces) return gcmDecryptInPieces(subtle(), pieces.keys, nonce, ciphertext, tag, consume, pieces.pieceBytes);
    const key = await this.key('AES-GCM');
    try {
      const params = { name: 'AES-GCM', iv: nonce.slice(0, 12), tagLength: 128 };
      const sealed = concat(ciphertext, tag);
      // WebCrypto copies its input when called (WebCrypto §14.3.1), so a consumed block goes now.
      const pending = subtle().decrypt(params, key, sealed);
      if (consume) releaseBuffer(sealed.buffer);
      return new Uint8Array(await pending);
    } catch (error) {
      if (isOperationError(error)) return null;
      throw error;
    }
  }

  async gcmEncrypt(
    nonce: Uint8Array,
    plaintext: Uint8Array,
    consume = false,
  ): Promise<{ ciphertext: Uint8Array; tag: Uint8Array }> {
    const pieces = await this.inPieces(plaintext.length);
    if (pieces) return gcmEncryptInPieces(subtle(), pieces.keys, nonce, plaintext, consume, pieces.pieceBytes);
    const key = await this.key('AES-GCM');
    const params = { name: 'AES-GCM', iv: nonce.slice(0, 12), tagLength: 128 };
    const input = buffered(plaintext);
    const pending = subtle().encrypt(params, key, input);
    if (consume) releaseBuffer(input.buffer);
    const sealed = new Uint8Array(await pending);
    return { ciphertext: sealed.subarray(0, sealed.length - 16), tag: sealed.slice(sealed.length - 16) };
  }

  async ctrXor(counter: Uint8Array, data: Uint8Array): Promise<Uint8Array> {
    const key = await this.key('AES-CTR');
    return new Uint8Array(
      await subtle().decrypt({ name: 'AES-CTR', counter: counter.slice(0, 16), length: 32 }, key, buffered(data)),
    );
  }

  async cbcDecrypt(iv: Uint8Array, ciphertext: Uint8Array, padded: boolean): Promise<Uint8Array | null> {
    if (ciphertext.length % CIPHER_BLOCK_BYTES !== 0 || (padded && ciphertext.length === 0)) return null;
    if (ciphertext.length === 0) return new Uint8Array(0);
    const key = await this.key('AES-CBC');
    let input = buffered(ciphertext);
    if (!padded) {
      // WebCrypto always checks PKCS#7. Append the block that encrypts a full pad after the last
      // ciphertext block (= CBC-encrypting nothing with that block as IV), so it strips exactly that.
      const last = ciphertext.slice(ciphertext.length - CIPHER_BLOCK_BYTES);
      const padBlock = new Uint8Array(await subtle().encrypt({ name: 'AES-CBC', iv: last }, key, new Uint8Array(0)));
      input = concat(ciphertext, padBlock);
    }
    try {
      return new Uint8Array(await subtle().decrypt({ name: 'AES-CBC', iv: iv.slice(0, 16) }, key, input));
    } catch (error) {
      if (isOperationError(error)) return null;
      throw error;
    }
  }

  async cbcEncrypt(iv: Uint8Array, plaintext: Uint8Array): Promise<Uint8Array> {
    const key = await this.key('AES-CBC');
    return new Uint8Array(await subtle().encrypt({ name: 'AES-CBC', iv: iv.slice(0, 16) }, key, buffered(plaintext)));
  }
}

/** AES-192 (and any AES key) without WebCrypto. */
class SoftwareAes implements FrameCipher {
  private readonly aes: SoftAes;
  constructor(
    readonly mode: CipherMode,
    key: Uint8Array,
  ) {
    this.aes = new SoftAes(key);
  }

  gcmDecrypt(nonce: Uint8Array, ciphertext: Uint8Array, tag: Uint8Array): Promise<Uint8Array | null> {
    return Promise.resolve(softGcmDecrypt(this.aes, nonce, ciphertext, tag));
  }

  gcmEncrypt(nonce: Uint8Array, plaintext: Uint8Array): Promise<{ ciphertext: Uint8Array; tag: Uint8Array }> {
    return Promise.resolve(softGcmEncrypt(this.aes, nonce, plaintext));
  }

  ctrXor(counter: Uint8Array, data: Uint8Array): Promise<Uint8Array> {
    return Promise.resolve(this.aes.ctrXor(counter, data));
  }

  cbcDecrypt(iv: Uint8Array, ciphertext: Uint8Array, padded: boolean): Promise<Uint8Array | null> {
    return Promise.resolve(rawCbcDecrypt(this.aes, iv, ciphertext, padded));
  }

  cbcEncrypt(iv: Uint8Array, plaintext: Uint8Array): Promise<Uint8Array> {
    return Promise.resolve(this.aes.cbcEncrypt(iv, addPkcs7Padding(plaintext)));
  }
}

class Sm4Cbc implements FrameCipher {
  readonly mode = 'SM4-CBC' as const;
  constructor(private readonly sm4: RawBlockCipher) {}

  gcmDecrypt(): Promise<Uint8Array | null> {
    return Promise.reject(new LensError('internal', { hint: 'SM4 has no GCM mode' }));
  }

  gcmEncrypt(): Promise<{ ciphertext: Uint8Array; tag: Uint8Array }> {
    return Promise.reject(new LensError('internal', { hint: 'SM4 has no GCM mode' }));
  }

  ctrXor(): Promise<Uint8Array> {
    return Promise.reject(new LensError('internal', { hint: 'SM4 has no CTR mode here' }));
  }

  cbcDecrypt(iv: Uint8Array, ciphertext: Uint8Array, padded: boolean): Promise<Uint8Array | null> {
    return Promise.resolve(rawCbcDecrypt(this.sm4, iv, ciphertext, padded));
  }

  cbcEncrypt(iv: Uint8Array, plaintext: Uint8Array): Promise<Uint8Array> {
    return Promise.resolve(this.sm4.cbcEncrypt(iv, addPkcs7Padding(plaintext)));
  }
}

export interface CipherChoice {
  /** Force the software AES path even where WebCrypto would do (tests, benchmarks). */
  forceSoftwareAes?: boolean;
  /** Decrypt every AES-GCM block with WebCrypto in pieces of this many bytes (tests). */
  gcmPieceBytes?: number;
}

/** The cipher for one key; checks the key length for the mode first. */
export async function createFrameCipher(
  mode: CipherMode,
  key: Uint8Array,
  choice: CipherChoice = {},
): Promise<FrameCipher> {
  checkKeyLength(mode, key);
  if (mode === 'SM4-CBC') {
    const { Sm4 } = await import('./sm4');
    return new Sm4Cbc(await Sm4.create(key));
  }
  if (key.length === 24 || choice.forceSoftwareAes) return new SoftwareAes(mode, key);
  return new WebCryptoAes(mode, key.slice(), choice.gcmPieceBytes);
}

export { counterBlock };
