/** The one contract every checkpoint format module implements (registered in registry.ts). */
import type { LensError } from '../base/errors';
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
  /**
   * For a head no sniff accepted: when it starts like this format but the file ends before the
   * format's first structure is whole (cut short), or its bytes went through a text conversion,
   * the error that says so; otherwise null (then the file is not one Ckpt Lens knows).
   */
  explainHead?(head: Uint8Array, size: number): LensError | null;
  open(source: ByteSource, options: OpenOptions): Promise<CheckpointIndex>;
}
