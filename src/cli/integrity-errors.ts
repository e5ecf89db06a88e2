import type { SerializedLensError } from '../base/errors';

/** Errors that are integrity findings in every command: the file or set is damaged or does not belong. */
const INTEGRITY_CODES: ReadonlySet<string> = new Set([
  'distributed-rank-foreign',
  'distributed-tensor-unmergeable',
  'distributed-tensor-unsliceable',
  'shard-part-crc-mismatch',
  'shard-set-incomplete',
  'export-damaged-source',
  // An encrypted file's blocks removed, repeated, mixed, cut or altered after the key was proven.
  'crypto-plaintext-not-checkpoint',
  'crypto-block-malformed',
  'crypto-block-empty',
  'crypto-truncated',
  'crypto-trailing-bytes',
  'crypto-block-repeated',
  'crypto-mixed-modes',
]);

/**
 * Whether an error is an integrity finding (exit 3) rather than bad input (exit 1), the same in
 * every command: `inspect`, `stats` or `convert` meeting a tampered block says what `verify` says.
 * A block that fails, or plaintext that does not parse, is damage only once a block has proven
 * the key (`keyBlock`); before that it may be a wrong key, which is bad input.
 */
export function isIntegrityError(error: SerializedLensError): boolean {
  if (error.code === 'crypto-block-corrupted' || error.code === 'crypto-plaintext-damaged')
    return error.details.keyBlock !== undefined;
  return INTEGRITY_CODES.has(error.code);
}
