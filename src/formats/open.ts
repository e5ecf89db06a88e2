import { LensError } from '../base/errors';
import type { CheckpointIndex } from '../base/types';
import type { ByteSource } from '../io/byte-source';
import { scanCheckpoint, type ScanOptions } from './ckpt/scan';
import { scanSafetensors } from './safetensors/scan';
import { sniff, SNIFF_BYTES } from './sniff';

export type OpenOptions = ScanOptions;

/** Decide the format from the bytes and index the file. Encrypted files need the crypto layer. */
export async function indexPlainFile(source: ByteSource, options: OpenOptions = {}): Promise<CheckpointIndex> {
  if (source.size === 0) throw new LensError('empty-file');
  const head = await source.read(0, Math.min(SNIFF_BYTES, source.size), options.signal);
  const sniffed = sniff(head, source.size);
  switch (sniffed.kind) {
    case 'ckpt':
      return scanCheckpoint(source, options);
    case 'safetensors':
      return scanSafetensors(source, { signal: options.signal });
    case 'encrypted-ckpt':
      throw new LensError('encrypted-needs-key', { expected: sniffed.mode });
    case 'strategy':
      throw new LensError('strategy-not-checkpoint', { expected: sniffed.encoding });
    case 'unknown':
      throw new LensError('unknown-format', { offset: 0, actual: sniffed.headHex });
  }
}
