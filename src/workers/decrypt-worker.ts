import * as Comlink from 'comlink';
import type { CipherMode } from '../base/types';
import { decryptBlock, forgetCachedKey, type DecryptUnit } from '../crypto/decrypted-source';
import { crc32Of } from '../integrity/crc';
import { installErrorTransfer } from './transfer';

/** One member of the decrypt pool: blocks in, plaintext out (transferred, not copied); CRCs of windows. */
const decryptWorkerApi = {
  async decryptBlock(unit: DecryptUnit, bytes: Uint8Array, mode: CipherMode, key: Uint8Array): Promise<Uint8Array> {
    const plain = await decryptBlock(unit, bytes, mode, key, true);
    const own = plain.byteOffset === 0 && plain.byteLength === plain.buffer.byteLength ? plain : plain.slice();
    return Comlink.transfer(own, [own.buffer as ArrayBuffer]);
  },
  crc32(bytes: Uint8Array): Promise<number> {
    return crc32Of(bytes);
  },
  forget(): void {
    forgetCachedKey();
  },
};

export type DecryptWorkerApi = typeof decryptWorkerApi;

installErrorTransfer();
Comlink.expose(decryptWorkerApi);
