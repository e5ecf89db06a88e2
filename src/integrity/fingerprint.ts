/**
 * The file's SHA-256 as stored on disk (for an encrypted checkpoint: the ciphertext), the digest
 * model zoos and hubs publish next to checkpoints. hash-wasm's WASM SHA-256 over the same
 * prefetched windows as the CRC check; a separate pass, so verifying the CRC stays at read speed.
 */
import { createSHA256 } from 'hash-wasm';
import type { ByteSource } from '../io/byte-source';
import { forEachWindow, type StreamOptions } from './crc';

export interface FileFingerprint {
  algorithm: 'SHA-256';
  /** Lowercase hex, as `sha256sum` prints it. */
  hex: string;
  bytes: number;
}

export async function sha256OfSource(
  source: ByteSource,
  options: { signal?: AbortSignal; onProgress?: (fraction: number) => void; windowBytes?: number } = {},
): Promise<FileFingerprint> {
  const hasher = await createSHA256();
  hasher.init();
  const streamOptions: StreamOptions = {
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.windowBytes ? { windowBytes: options.windowBytes } : {}),
    onBytes: (done) => options.onProgress?.(source.size > 0 ? done / source.size : 1),
  };
  await forEachWindow(
    source,
    0,
    source.size,
    (bytes) => {
      hasher.update(bytes);
    },
    streamOptions,
  );
  options.onProgress?.(1);
  return { algorithm: 'SHA-256', hex: hasher.digest('hex'), bytes: source.size };
}
