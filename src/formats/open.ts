import { LensError } from '../base/errors';
import type { CheckpointIndex } from '../base/types';
import type { ByteSource } from '../io/byte-source';
import { explainUnknownHead, formatById, sniffFormat, type OpenOptions } from './registry';
import { SNIFF_BYTES } from './sniff';

export type { OpenOptions } from './registry';

/**
 * Decide the format from the bytes and index the file. Encrypted files need the crypto layer.
 * `head` is the file's first SNIFF_BYTES bytes when the caller already read them.
 */
export async function indexPlainFile(
  source: ByteSource,
  options: OpenOptions = {},
  head?: Uint8Array,
): Promise<CheckpointIndex> {
  if (source.size === 0) throw new LensError('empty-file');
  const first = head ?? (await source.read(0, Math.min(SNIFF_BYTES, source.size), options.signal));
  const sniffed = sniffFormat(first, source.size, options.fileName);
  switch (sniffed.kind) {
    case 'encrypted-ckpt':
      throw new LensError('encrypted-needs-key', { expected: sniffed.mode });
    case 'strategy':
      throw new LensError('strategy-not-checkpoint', { expected: sniffed.encoding });
    case 'unknown':
      throw (
        explainUnknownHead(first, source.size) ??
        new LensError('unknown-format', { offset: 0, actual: sniffed.headHex })
      );
    default:
      return formatById(sniffed.kind).open(source, options);
  }
}
