/** The one contract every checkpoint format module implements (registered in registry.ts). */
import type { CheckpointIndex, FormatId } from '../base/types';
import type { ByteSource } from '../io/byte-source';
import type { ScanOptions } from './ckpt/scan';

export interface OpenOptions extends ScanOptions {
  /** The file's name as the user knows it: its extension breaks a tie between formats whose sniffs both match. */
  fileName?: string;
}

/**
 * One checkpoint format (loaders.gl's format descriptors, netron's per-format modules): how to
 * recognise it from the first bytes and how to index it.
 */
export interface FormatDescriptor {
  id: FormatId;
  label: string;
  /** Lower-case, with the dot. */
  extensions: readonly string[];
  /**
   * Content decides: true when `head` (the first SNIFF_BYTES bytes, fewer for a small file) can
   * start this format. `weak` sniffs (one byte) only count when no other format or strategy file matches.
   */
  sniff(head: Uint8Array, size: number): boolean;
  weak?: boolean;
  open(source: ByteSource, options: OpenOptions): Promise<CheckpointIndex>;
}
