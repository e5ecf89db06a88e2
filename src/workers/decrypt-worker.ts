import * as Comlink from 'comlink';
import type { CipherMode } from '../base/types';
import { decryptBlock, forgetCachedKey, type DecryptUnit } from '../crypto/decrypted-source';
import { sealOneBlock, type SealedBlock } from '../crypto/encrypt';
import { crc32Of } from '../integrity/crc';
import { releaseBuffer } from '../io/release';
import { installTransferHandlers } from './transfer';

/** One member of the decrypt pool: blocks in, plaintext out (transferred, not copied); export blocks sealed; CRCs of windows. */
const decryptWorkerApi = {
  async decryptBlock(unit: DecryptUnit, bytes: Uint8Array, mode: CipherMode, key: Uint8Array): Promise<Uint8Array> {
    const plain = await decryptBlock(unit, bytes, mode, key, true);
    const own = plain.byteOffset === 0 && plain.byteLength === plain.buffer.byteLength ? plain : plain.slice();
    return Comlink.transfer(own, [own.buffer as ArrayBuffer]);
  },
  async sealBlock(plaintext: Uint8Array, iv: Uint8Array, mode: CipherMode, key: Uint8Array): Promise<SealedBlock> {
    const { header, ciphertext } = await sealOneBlock(mode, key, plaintext, iv);
    // The ciphertext is a view of the cipher's own buffer (GCM's tag sits after it): the view
    // travels with its buffer, no 64 MiB copy.
    return Comlink.transfer({ header, ciphertext }, [ciphertext.buffer as ArrayBuffer]);
  },
  async crc32(bytes: Uint8Array): Promise<number> {
    const crc = await crc32Of(bytes);
    // The window was transferred here for this alone: freed now, not at this worker's next GC.
    releaseBuffer(bytes.buffer);
    return crc;
  },
  forget(): void {
    forgetCachedKey();
  },
};

export type DecryptWorkerApi = typeof decryptWorkerApi;

installTransferHandlers();
Comlink.expose(decryptWorkerApi);
