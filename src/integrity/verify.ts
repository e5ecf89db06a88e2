import { compareCodePoints } from '../base/code-points';
/**
 * One streaming pass that checks everything a file lets us check: the `.ckpt` `crc_num` trailer
 * (CRC-32 of every byte before it), MindSpore's safetensors `crc_num` metadata (sorted names +
 * data, with numpy's 0-d integer quirk), every entry's CRC-32 of a PyTorch zip archive, and for encrypted files every block's GCM tag / CBC
 * padding. Outcomes are data (an IntegrityReport), not exceptions; only cancellation throws.
 */
import { isNoteProblem } from '../base/problems';
import { serializeError, type SerializedLensError } from '../base/errors';
import type {
  CheckpointIndex,
  CipherMode,
  CrcInfo,
  FileProblem,
  FormatId,
  TensorEntry,
  TensorProblemCode,
} from '../base/types';
import type { ByteSource } from '../io/byte-source';
import { decryptAll, DecryptedSource } from '../crypto/decrypted-source';
import type { CipherLayout } from '../crypto/layout';
import { CRC_TRAILER_BYTES } from '../base/crc-trailer';
import { crc32OfRange, Crc32Stream, type WindowCrc } from './crc';
import { checkZipCrcs, zipUncheckedNote, type ZipCrcCheck } from './zip-crc';

export type CrcStatus = 'ok' | 'mismatch' | 'absent' | 'unverifiable';

export interface EncryptionCheck {
  mode: CipherMode;
  layout: CipherLayout;
  blocks: number;
  /** Blocks whose GCM tag / CBC padding verified (legacy GCM has no tag: decrypted only). */
  blocksVerified: number;
  ok: boolean;
  failure: SerializedLensError | null;
}

/** File problems that say how a file was saved, not that its bytes are damaged or dangerous. */
const NOT_DAMAGE: ReadonlySet<FileProblem['code']> = new Set<FileProblem['code']>([
  'ckpt-duplicate-tag',
  'ckpt-unknown-field',
  'empty-checkpoint',
  'pickle-needs-classes',
  'pickle-unsupported-object',
  'ddp-prefix',
]);

export interface IntegrityReport {
  format: FormatId;
  /** The index's CRC facts with `ok`/`actual` filled in. */
  crc: CrcInfo;
  crcStatus: CrcStatus;
  /** Why the CRC could not be checked, when `crcStatus` is 'unverifiable'. */
  crcNote?: string;
  /** Bytes fed to the CRC (ckpt: everything before the trailer; safetensors: names + tensor data; zip: every entry's data). */
  bytesCovered: number;
  /** Bytes after the last tensor's data (safetensors) that no check covers. */
  trailingBytes: number;
  /** File-level problems found while indexing (safetensors gaps/overlaps/trailing bytes, …). */
  problems: FileProblem[];
  /** File problems that are not damage (how the file was saved): reported, never a failure. */
  notes: FileProblem[];
  /**
   * Tensors whose index entry contradicts itself or the file (content size vs. shape, an unknown
   * dtype, bytes past the end, a view past its storage …); notes on how a tensor was saved are not here.
   */
  tensorFindings: { tensor: string; code: TensorProblemCode; detail?: string }[];
  encryption: EncryptionCheck | null;
  /** A PyTorch zip archive: each entry's stored CRC-32 against its bytes. */
  zip?: ZipCrcCheck;
  /** Nothing that was checked failed. */
  ok: boolean;
}

export interface VerifyOptions {
  signal?: AbortSignal;
  /** Fraction done, 0…1. */
  onProgress?: (fraction: number) => void;
  /** Blocks decrypted at once for encrypted files. */
  concurrency?: number;
  /**
   * Hashes the CRC's windows (ckpt trailer, safetensors tensor data) elsewhere — the app passes
   * its worker pool's; default: on this thread as they are read.
   */
  windowCrc?: WindowCrc;
}

export interface OpenedForVerify {
  index: CheckpointIndex;
  plaintext: ByteSource;
}

const INTEGER_DTYPES: Readonly<Record<string, { bytes: number; signed: boolean }>> = {
  I8: { bytes: 1, signed: true },
  I16: { bytes: 2, signed: true },
  I32: { bytes: 4, signed: true },
  I64: { bytes: 8, signed: true },
  U8: { bytes: 1, signed: false },
  U16: { bytes: 2, signed: false },
  U32: { bytes: 4, signed: false },
  U64: { bytes: 8, signed: false },
};

/** A 0-d integer feeds `value` zero bytes instead of its data; beyond this we refuse. */
const MAX_QUIRK_ZERO_BYTES = 1 << 30;

function littleEndianInteger(bytes: Uint8Array, signed: boolean): bigint {
  let value = 0n;
  for (let i = bytes.length - 1; i >= 0; i -= 1) value = (value << 8n) | BigInt(bytes[i] as number);
  if (signed && bytes.length > 0 && ((bytes[bytes.length - 1] as number) & 0x80) !== 0)
    value -= 1n << BigInt(8 * bytes.length);
  return value;
}

function isZeroDimInteger(tensor: TensorEntry): boolean {
  return tensor.shape.length === 0 && tensor.rawDtype !== undefined && Object.hasOwn(INTEGER_DTYPES, tensor.rawDtype);
}

interface CrcOutcome {
  actual: number | null;
  bytesCovered: number;
  note?: string;
}

/** MindSpore safetensors crc_num (ckpt-format.md §5.2). */
export async function safetensorsCrc(
  plaintext: ByteSource,
  index: CheckpointIndex,
  options: VerifyOptions = {},
): Promise<CrcOutcome> {
  const tensors = [...index.tensors].sort((a, b) => compareCodePoints(a.name, b.name));
  const total = Math.max(
    1,
    tensors.reduce((sum, tensor) => sum + tensor.bytes, 0),
  );
  const encoder = new TextEncoder();
  const crc = await Crc32Stream.create();
  let covered = 0;
  let done = 0;
  try {
    for (const tensor of tensors) {
      const name = encoder.encode(tensor.name);
      crc.update(name);
      covered += name.length;
      if (isZeroDimInteger(tensor)) {
        // bytes(np.array(v)) calls __index__ on 0-d integer arrays: v zero bytes, not the data.
        const range = tensor.ranges[0];
        const info = INTEGER_DTYPES[tensor.rawDtype as string] as { bytes: number; signed: boolean };
        const raw = range
          ? await plaintext.read(range.offset, Math.min(range.length, 8), options.signal)
          : new Uint8Array(0);
        const value = littleEndianInteger(raw.subarray(0, info.bytes), info.signed);
        if (value < 0n || value > BigInt(MAX_QUIRK_ZERO_BYTES)) {
          crc.finish();
          return {
            actual: null,
            bytesCovered: covered,
            note: `"${tensor.name}" is a 0-d integer holding ${value}; MindSpore's CRC would feed that many zero bytes${value < 0n ? ', which fails (negative count)' : ''}`,
          };
        }
        crc.updateZeros(Number(value));
        covered += Number(value);
      } else {
        for (const range of tensor.ranges) {
          const rangeCrc = await crc32OfRange(plaintext, range.offset, range.offset + range.length, {
            signal: options.signal,
            windowCrc: options.windowCrc,
            onBytes: (bytes) => options.onProgress?.(Math.min(1, (done + bytes) / total)),
          });
          crc.append(rangeCrc, range.length);
          covered += range.length;
          done += range.length;
        }
      }
    }
  } catch (error) {
    crc.finish();
    throw error;
  }
  return { actual: crc.finish(), bytesCovered: covered };
}

function trailingBytes(index: CheckpointIndex): number {
  if (index.format !== 'safetensors' || !index.header) return 0;
  let end = index.header.dataStart;
  for (const tensor of index.tensors)
    for (const range of tensor.ranges) end = Math.max(end, range.offset + range.length);
  return Math.max(0, index.plaintextSize - end);
}

/** Verify everything checkable; fills `opened.index.crc.ok` / `actual`. */
export async function verifyIntegrity(opened: OpenedForVerify, options: VerifyOptions = {}): Promise<IntegrityReport> {
  const { index, plaintext } = opened;
  const crc: CrcInfo = { ...index.crc };
  let outcome: CrcOutcome = { actual: null, bytesCovered: 0 };
  let encryption: EncryptionCheck | null = null;
  let zip: ZipCrcCheck | undefined;

  if (plaintext instanceof DecryptedSource) {
    // One pass: decrypt (authenticating) every block, hashing the plaintext when a trailer exists.
    plaintext.releaseCache();
    const crcEnd = index.format === 'ckpt' && crc.present ? plaintext.size - CRC_TRAILER_BYTES : 0;
    const hash = crcEnd > 0 ? await Crc32Stream.create() : null;
    const check: EncryptionCheck = {
      mode: plaintext.table.mode,
      layout: plaintext.table.layout,
      blocks: plaintext.table.count,
      blocksVerified: 0,
      ok: true,
      failure: null,
    };
    let lastBlock = -1;
    try {
      for await (const { unit, plaintext: bytes } of decryptAll(plaintext, options)) {
        if (hash && unit.plaintextOffset < crcEnd) {
          hash.update(bytes.subarray(0, Math.min(bytes.length, crcEnd - unit.plaintextOffset)));
        }
        const blockDone = plaintext.units[unit.index + 1]?.block !== unit.block;
        if (blockDone && unit.block !== lastBlock) {
          check.blocksVerified += 1;
          lastBlock = unit.block;
        }
        options.onProgress?.((unit.plaintextOffset + unit.plaintextLength) / Math.max(1, plaintext.size));
      }
    } catch (error) {
      const serialized = serializeError(error);
      if (serialized.code === 'cancelled') {
        hash?.finish();
        throw error;
      }
      check.ok = false;
      check.failure = serialized;
    }
    encryption = check;
    if (hash) {
      const actual = hash.finish();
      outcome = check.ok
        ? { actual, bytesCovered: crcEnd }
        : { actual: null, bytesCovered: 0, note: 'decryption failed' };
    }
  } else if (index.format === 'ckpt' && crc.present) {
    const crcEnd = plaintext.size - CRC_TRAILER_BYTES;
    const actual = await crc32OfRange(plaintext, 0, crcEnd, {
      signal: options.signal,
      windowCrc: options.windowCrc,
      onBytes: (bytes) => options.onProgress?.(bytes / Math.max(1, crcEnd)),
    });
    outcome = { actual, bytesCovered: crcEnd };
  } else if (index.format === 'pytorch' && crc.zipEntries !== undefined) {
    zip = await checkZipCrcs(plaintext, {
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.windowCrc ? { windowCrc: options.windowCrc } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
    outcome = { actual: null, bytesCovered: zip.bytes };
    const note = zipUncheckedNote(zip);
    if (note !== undefined) outcome.note = note;
  }

  if (index.format === 'safetensors' && crc.present) {
    outcome =
      crc.stored?.problem === 'not-a-number'
        ? {
            actual: null,
            bytesCovered: 0,
            note: `crc_num ${JSON.stringify(crc.stored.text)} is not a decimal number, so it cannot be a CRC-32`,
          }
        : await safetensorsCrc(plaintext, index, options);
  }

  let crcStatus: CrcStatus = 'absent';
  if (zip) {
    // One CRC per entry: any entry that differs is a mismatch; ok only when every entry matched.
    if (zip.mismatchCount > 0) crc.ok = false;
    else if (zip.uncheckedCount === 0) crc.ok = true;
    crcStatus = crc.ok === null ? 'unverifiable' : crc.ok ? 'ok' : 'mismatch';
  } else if (crc.present) {
    if (outcome.actual === null) {
      crcStatus = 'unverifiable';
    } else {
      // A stored value no CRC-32 can equal (above 2^32−1, negative) matches no contents: a mismatch.
      crc.actual = outcome.actual;
      crc.ok = crc.expected !== null && outcome.actual === crc.expected;
      crcStatus = crc.ok ? 'ok' : 'mismatch';
    }
  }
  index.crc.ok = crc.ok;
  index.crc.actual = crc.actual;
  options.onProgress?.(1);

  const problems = index.problems.filter((problem) => !NOT_DAMAGE.has(problem.code));
  const tensorFindings: IntegrityReport['tensorFindings'] = [];
  for (const tensor of index.tensors)
    for (const problem of tensor.problems ?? [])
      if (!isNoteProblem(problem.code))
        tensorFindings.push({
          tensor: tensor.name,
          code: problem.code,
          ...(problem.detail ? { detail: problem.detail } : {}),
        });
  const report: IntegrityReport = {
    format: index.format,
    crc,
    crcStatus,
    bytesCovered: outcome.bytesCovered,
    trailingBytes: trailingBytes(index),
    problems,
    notes: index.problems.filter((problem) => NOT_DAMAGE.has(problem.code)),
    tensorFindings,
    encryption,
    ...(zip ? { zip } : {}),
    ok:
      crcStatus !== 'mismatch' &&
      crcStatus !== 'unverifiable' &&
      (encryption?.ok ?? true) &&
      problems.length === 0 &&
      tensorFindings.length === 0,
  };
  if (outcome.note !== undefined) report.crcNote = outcome.note;
  return report;
}
