/**
 * The one error type of Ckpt Lens. Every failure that a user can cause (a bad file, a wrong
 * key, a bad filter) is a LensError with a closed `code` and plain `details`; the sentences a
 * person reads are written in one place, `core/messages.ts`, from these two fields alone.
 */

export type ErrorCode =
  // reading
  | 'read-failed'
  | 'read-too-large'
  | 'cancelled'
  // sniffing
  | 'empty-file'
  | 'unknown-format'
  | 'encrypted-needs-key'
  // .ckpt wire format
  | 'ckpt-truncated'
  | 'ckpt-field-overrun'
  | 'ckpt-text-mangled'
  | 'ckpt-bad-wire-type'
  | 'ckpt-varint-overflow'
  | 'ckpt-length-impossible'
  | 'ckpt-unexpected-byte'
  | 'ckpt-missing-field'
  | 'ckpt-field-too-large'
  | 'ckpt-too-many-dims'
  | 'ckpt-too-many-records'
  | 'ckpt-bad-dim'
  | 'ckpt-bad-utf8'
  // safetensors
  | 'st-too-small'
  | 'st-header-too-large'
  | 'st-header-past-end'
  | 'st-header-not-json'
  | 'st-header-not-object'
  | 'st-bad-entry'
  | 'st-unknown-dtype'
  | 'st-too-many-entries'
  | 'st-name-too-long'
  // PyTorch torch.save files: zip archive, legacy layout, pickle
  | 'zip-bad-archive'
  | 'zip-entry-compressed'
  | 'pt-missing-record'
  | 'pt-big-endian'
  | 'pt-bad-legacy'
  | 'pickle-truncated'
  | 'pickle-bad-opcode'
  | 'pickle-unsupported-opcode'
  | 'pickle-malformed'
  | 'pt-limit'
  | 'pt-bad-tensor'
  // encrypted checkpoints (ckpt-crypto.md)
  | 'crypto-not-encrypted'
  | 'crypto-key-length'
  | 'crypto-wrong-key'
  | 'crypto-wrong-mode'
  | 'crypto-legacy-wrong-mode'
  | 'crypto-mixed-modes'
  | 'crypto-legacy-needs-mode'
  | 'crypto-block-corrupted'
  | 'crypto-plaintext-not-checkpoint'
  | 'crypto-plaintext-damaged'
  | 'crypto-block-malformed'
  | 'crypto-block-empty'
  | 'crypto-truncated'
  | 'crypto-trailing-bytes'
  | 'crypto-block-repeated'
  | 'crypto-too-many-blocks'
  | 'crypto-crc-trailer'
  // filter expressions, MindSpore selection, manifests, name maps, the load diff
  | 'filter-syntax'
  | 'filter-too-long'
  | 'filter-too-deep'
  | 'filter-literal-too-large'
  | 'filter-regex-unsupported'
  | 'regex-too-costly'
  | 'filter-too-costly'
  | 'filter-type-mismatch'
  | 'selection-bad-prefix'
  | 'selection-empty'
  | 'manifest-empty'
  | 'manifest-unknown'
  | 'manifest-bad-line'
  | 'manifest-bad-json'
  | 'manifest-is-name-map'
  | 'manifest-bad-meta'
  | 'manifest-too-large'
  | 'name-map-bad-rule'
  | 'name-map-bad-json'
  | 'name-map-too-large'
  | 'name-map-collision'
  | 'key-file-too-large'
  | 'key-file-not-a-key'
  // export (re-saving as save_checkpoint would)
  | 'export-unknown-tensor'
  | 'export-name-collision'
  | 'export-bad-cast'
  | 'export-unsupported-dtype'
  | 'export-size-mismatch'
  | 'export-bad-append-value'
  | 'export-crc-with-encryption'
  | 'export-encrypt-safetensors'
  | 'export-bad-enc-mode'
  | 'export-encryption-unavailable'
  | 'export-crc-negative-scalar'
  | 'export-empty'
  | 'export-damaged-source'
  | 'export-empty-name'
  // distributed: strategy files, per-rank sets, merge
  | 'strategy-unreadable'
  | 'strategy-empty'
  | 'strategy-too-large'
  | 'strategy-bad-layout'
  | 'strategy-not-checkpoint'
  | 'distributed-no-ranks'
  | 'distributed-duplicate-rank'
  | 'distributed-rank-unknown'
  | 'distributed-nothing-matches'
  | 'distributed-tensor-unmergeable'
  | 'distributed-tensor-unsliceable'
  | 'distributed-input-unmatched'
  | 'distributed-tensor-too-large'
  | 'distributed-rank-foreign'
  // sharded sets: the index JSON (a side input) and its shard files
  | 'shard-index-too-large'
  | 'shard-index-bad-json'
  | 'shard-index-bad-file-name'
  | 'shard-index-not-found'
  | 'shard-set-no-shards'
  | 'shard-set-incomplete'
  // cli / usage
  | 'usage'
  | 'file-not-found'
  | 'path-is-folder'
  | 'path-not-regular-file'
  | 'permission-denied'
  | 'output-folder-missing'
  | 'output-is-input'
  | 'shard-parts-incomplete'
  | 'shard-part-crc-mismatch'
  | 'write-failed'
  // stats, slices, compare
  | 'tensor-not-found'
  | 'tensor-not-numeric'
  | 'tensor-content-short'
  | 'tensor-view-unreadable'
  | 'tensor-size-impossible'
  | 'slice-invalid'
  | 'slice-out-of-range'
  | 'slice-too-large'
  | 'internal';

export interface ErrorDetails {
  /** File name as the user knows it. */
  file?: string;
  /** Byte offset in the (plaintext) file where the problem was found. */
  offset?: number;
  expected?: string | number;
  actual?: string | number;
  tensor?: string;
  block?: number;
  /** Encrypted files: a block that decrypted and verified with the key (so the key is right). */
  keyBlock?: number;
  /**
   * Encrypted files, a wrong key: the blocks that failed with it (all of them, or a few when
   * `failedCount` says more failed), and how many blocks the file has.
   */
  blocksTried?: number[];
  blockCount?: number;
  /** CBC, a wrong key: how many blocks failed their padding check (every block was checked). */
  failedCount?: number;
  /** CBC, a wrong key: block 0's padding checked, with this many bytes (too few to prove a key). */
  shortPad?: number;
  limit?: number;
  /** A .ckpt cut short: how many records before the cut are whole. */
  recordsRead?: number;
  /** 1-based line in a text input (manifests, name maps). */
  line?: number;
  /** 1-based character column in a one-line input (filter expressions). */
  column?: number;
  /** Free text that is safe to show (never key material). */
  hint?: string;
}

export class LensError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetails;

  constructor(code: ErrorCode, details: ErrorDetails = {}, cause?: unknown) {
    super(`${code}${details.offset !== undefined ? ` at offset ${details.offset}` : ''}`, { cause });
    this.name = 'LensError';
    this.code = code;
    this.details = details;
  }
}

/** A broken promise between two parts of Ckpt Lens (a bug, never the user's input). */
export function internalError(what: string): LensError {
  return new LensError('internal', { hint: what });
}

export function isLensError(value: unknown): value is LensError {
  return value instanceof LensError;
}

/** Plain-data form that crosses the worker boundary and goes into JSON output. */
export interface SerializedLensError {
  code: ErrorCode;
  details: ErrorDetails;
  message: string;
}

export function serializeError(error: unknown): SerializedLensError {
  if (error instanceof LensError) {
    return { code: error.code, details: { ...error.details }, message: error.message };
  }
  if (error instanceof DOMException && error.name === 'AbortError') {
    return { code: 'cancelled', details: {}, message: 'cancelled' };
  }
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return { code: 'internal', details: { hint: message }, message };
}

export function deserializeError(data: SerializedLensError): LensError {
  return new LensError(data.code, data.details);
}

/** Attach the file name to an error raised deep inside a parser, keeping everything else. */
export function withFile(error: unknown, file: string): LensError {
  const lens = error instanceof LensError ? error : deserializeError(serializeError(error));
  if (lens.details.file === undefined) {
    return new LensError(lens.code, { ...lens.details, file }, lens.cause);
  }
  return lens;
}
