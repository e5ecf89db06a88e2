/**
 * What the CBC and CTR paths need from a block cipher implemented outside WebCrypto (software
 * AES for 24-byte keys, SM4 in WASM): chained CBC over whole 16-byte blocks, no padding.
 * PKCS#7 is applied and checked here, once, for every implementation.
 */
export interface RawBlockCipher {
  /** `data.length` is a multiple of 16; returns new bytes. */
  cbcEncrypt(iv: Uint8Array, data: Uint8Array): Uint8Array;
  /** `data.length` is a multiple of 16; no padding is removed. */
  cbcDecrypt(iv: Uint8Array, data: Uint8Array): Uint8Array;
}

export const CIPHER_BLOCK_BYTES = 16;

/** PKCS#7: always 1–16 bytes, each holding the pad length (OpenSSL's default). */
export function addPkcs7Padding(plaintext: Uint8Array): Uint8Array {
  const pad = CIPHER_BLOCK_BYTES - (plaintext.length % CIPHER_BLOCK_BYTES);
  const out = new Uint8Array(plaintext.length + pad);
  out.set(plaintext);
  out.fill(pad, plaintext.length);
  return out;
}

/** Length of the PKCS#7 padding at the end of `block`, or 0 when the padding is invalid. */
export function pkcs7PadLength(decrypted: Uint8Array): number {
  if (decrypted.length === 0 || decrypted.length % CIPHER_BLOCK_BYTES !== 0) return 0;
  const pad = decrypted[decrypted.length - 1] as number;
  if (pad < 1 || pad > CIPHER_BLOCK_BYTES) return 0;
  for (let i = decrypted.length - pad; i < decrypted.length; i += 1) if (decrypted[i] !== pad) return 0;
  return pad;
}
