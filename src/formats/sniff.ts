import type { CipherMode, FormatId } from '../base/types';

/** What the first bytes say a file is (formats/registry.ts `sniffFormat`). Extensions only break ties; content decides. */
export type Sniffed =
  | { kind: FormatId }
  | { kind: 'encrypted-ckpt'; mode: CipherMode }
  /** A parallel strategy file (formats/strategy): no tensors, refused as a checkpoint. */
  | { kind: 'strategy'; encoding: 'protobuf' | 'json' }
  | { kind: 'unknown'; headHex: string };

/** Bytes the sniffers need from the start of a file. */
export const SNIFF_BYTES = 64;
