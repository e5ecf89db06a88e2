import * as Comlink from 'comlink';
import { LensError } from '../base/errors';
import type { CipherMode } from '../base/types';
import type { BlockSealer } from '../crypto/encrypt';
import type { DecryptUnit } from '../crypto/decrypted-source';
import { crc32Of, type WindowCrc } from '../integrity/crc';
import type { DecryptWorkerApi } from './decrypt-worker';
import { installTransferHandlers } from './transfer';

/**
 * Cipher blocks are independent, so CPU-bound modes (SM4 in WASM, software AES-192) decrypt and
 * seal on a pool of workers — the browser's analogue of MindSpore's max_process_num. The
 * integrity check's CRC windows are hashed here too (poolWindowCrc).
 *
 * WebCrypto modes (AES with 16- or 32-byte keys) stay on the calling thread. Chromium 156 runs the
 * cipher inside the call, on the calling thread, so a 64 MiB block in one `subtle.decrypt` held
 * the thread (and the next block's read, which arrives on it) for ~85 ms, with three 64 MiB
 * buffers inside the call. Large AES-GCM blocks now go through WebCrypto in 256 KiB pieces over
 * their own buffer (crypto/gcm-pieces.ts): the read goes on between pieces, and nothing
 * block-sized is allocated. Decrypting on a pool member instead was faster than one call here
 * but peaked at 254–340 MiB; the pieces here are faster still, at less than half of that
 * (docs/performance.md, "Three pipelines without fresh memory").
 */
const POOL_SIZE = Math.max(1, Math.min(4, (globalThis.navigator?.hardwareConcurrency ?? 2) - 1));

interface Member {
  api: Comlink.Remote<DecryptWorkerApi>;
  worker: Worker;
  busy: number;
  /** Rejects if the worker fails (its script did not load, an uncaught error): it never answers then. */
  failed: Promise<never>;
}

const members: Member[] = [];

function member(): Member {
  if (members.length < POOL_SIZE) {
    installTransferHandlers();
    const worker = new Worker(new URL('./decrypt-worker.ts', import.meta.url), {
      type: 'module',
      name: 'ckpt-lens-decrypt',
    });
    const failed = new Promise<never>((_, reject) => {
      worker.addEventListener('error', (event) => {
        // Its calls fail instead of waiting forever; the next call starts a new member.
        const at = members.indexOf(created);
        if (at >= 0) members.splice(at, 1);
        worker.terminate();
        const detail = event instanceof ErrorEvent && event.message ? event.message : 'it could not start';
        reject(new LensError('internal', { hint: `a pool worker failed: ${detail}` }));
      });
    });
    failed.catch(() => undefined);
    const created: Member = { api: Comlink.wrap<DecryptWorkerApi>(worker), worker, busy: 0, failed };
    members.push(created);
  }
  return members.reduce((least, candidate) => (candidate.busy < least.busy ? candidate : least));
}

/** Runs `call` on the least busy member. */
async function onMember<T>(call: (api: Comlink.Remote<DecryptWorkerApi>) => Promise<T>): Promise<T> {
  const target = member();
  target.busy += 1;
  try {
    return await Promise.race([call(target.api), target.failed]);
  } finally {
    target.busy -= 1;
  }
}

export function poolSize(): number {
  return POOL_SIZE;
}

/** Whether a mode and key length are CPU-bound here (no WebCrypto path). */
function needsPool(mode: CipherMode, keyLength: number): boolean {
  return mode === 'SM4-CBC' || keyLength === 24;
}

function poolDecryptor(
  mode: CipherMode,
  key: Uint8Array,
): (unit: DecryptUnit, bytes: Uint8Array) => Promise<Uint8Array> {
  return async (unit, bytes) => {
    // The ciphertext is read for this call alone: hand its buffer over instead of copying
    // (with the spare bytes after the view, where WebCrypto's GCM tag is appended).
    const own = bytes.byteOffset === 0 ? bytes : bytes.slice();
    return onMember((api) => api.decryptBlock(unit, Comlink.transfer(own, [own.buffer as ArrayBuffer]), mode, key));
  };
}

/** Below this a window is hashed here: a round trip to a member costs more than the hashing. */
const POOL_CRC_MIN_BYTES = 1024 * 1024;

/**
 * Window CRCs for verifyIntegrity (`windowCrc`): each window's buffer is transferred to a pool
 * member and hashed there while this thread reads the next windows — Chromium copies every
 * `Blob.slice().arrayBuffer()` on the reading thread, so reading and hashing here serialise.
 */
export const poolWindowCrc: WindowCrc = async (bytes) => {
  if (bytes.length < POOL_CRC_MIN_BYTES) return crc32Of(bytes);
  const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
  return onMember((api) => api.crc32(Comlink.transfer(own, [own.buffer as ArrayBuffer])));
};

/**
 * buildExport's `sealer` for CPU-bound modes: each cipher block of an encrypted export is sealed
 * on a pool member (plaintext transferred there, ciphertext back), so this thread keeps reading
 * the next blocks. None for WebCrypto modes: they seal on the calling thread (see above).
 */
export function sealerFor(mode: CipherMode, key: Uint8Array): BlockSealer | undefined {
  return needsPool(mode, key.length) ? poolSealer(mode, key) : undefined;
}

/**
 * buildExport's `encryptionInFlight` to go with `sealerFor`: two blocks on pool members (CPU-bound
 * modes, so both cores work); one for WebCrypto, which runs on this thread (two at a time, when
 * a block was one `subtle.encrypt` holding three copies of itself, peaked at 321 MiB above the
 * page for a 1 GiB AES-GCM export and one at 257 MiB, at the same speed; in pieces, one at a
 * time holds about two blocks).
 */
export function sealingInFlight(mode: CipherMode, key: Uint8Array): number {
  return needsPool(mode, key.length) ? 2 : 1;
}

function poolSealer(mode: CipherMode, key: Uint8Array): BlockSealer {
  return async (plaintext, iv) => {
    const own =
      plaintext.byteOffset === 0 && plaintext.byteLength === plaintext.buffer.byteLength
        ? plaintext
        : plaintext.slice();
    return onMember((api) => api.sealBlock(Comlink.transfer(own, [own.buffer as ArrayBuffer]), iv, mode, key));
  };
}

/** Every pool member drops its cached key (called when an encrypted file is closed). */
export async function forgetPoolKeys(): Promise<void> {
  await Promise.all(members.map((m) => m.api.forget()));
}

/**
 * openCheckpoint's `decryption` option as the app uses it: the pool for CPU-bound modes; this
 * thread for WebCrypto modes — AES-GCM whole blocks one at a time with the next one read
 * meanwhile, AES-CBC segments.
 */
export function decryptionFor(key: Uint8Array | undefined) {
  return (
    mode: CipherMode,
  ): {
    decryptor?: (unit: DecryptUnit, bytes: Uint8Array) => Promise<Uint8Array>;
    readAhead: number;
    decryptConcurrency?: number;
  } => {
    if (key && needsPool(mode, key.length))
      return { decryptor: poolDecryptor(mode, key), readAhead: POOL_SIZE, decryptConcurrency: POOL_SIZE };
    // Whole 64 MiB blocks: one decrypted ahead of the reader (in pieces, over its own ciphertext),
    // the next one's ciphertext read meanwhile.
    if (mode === 'AES-GCM') return { readAhead: 1 };
    return { readAhead: 2 };
  };
}
