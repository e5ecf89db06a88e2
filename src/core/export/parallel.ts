import { internalError } from '../../base/errors';
import { encodeCrcTrailer } from '../../base/crc-trailer';
import { crc32Combine } from '../../integrity/crc';
import { partLength, readParts, sliceParts, totalLength, type OutputPart } from '../../formats/parts';
import { isSliceable } from '../../io/byte-source';
import { mergeCastStats } from './casts';
import { BlobPartsBuilder, createCrc32, prepareSlices, type CastReportEntry, type ExportJob } from './output';

/**
 * Exports split across a pool of workers (MindSpore's `max_process_num`): which member writes
 * what, how their pieces compose into the same bytes the single-worker path writes, and how
 * progress, errors and cancel are shared. Everything here is plain logic, testable without
 * workers; the workers layer supplies the members.
 */

/** Upper bound on pool members, whatever the machine or the user asks. */
export const MAX_EXPORT_PROCESSES = 8;

/** "auto" gives each member at least this much output, so small exports stay on one worker. */
export const AUTO_BYTES_PER_PROCESS = 64 * 1024 * 1024;

/**
 * Cut points inside a generated (converted) part are a multiple of this from the part's start:
 * always a whole number of elements (≤ 8 bytes), so no element is converted (or counted in the
 * cast report) by two members. Copies and written bytes are cut anywhere.
 */
export const RANGE_ALIGN_BYTES = 4096;

/** `[start, end)` in the bytes of a job's parts. */
export type ByteRange = [number, number];

/**
 * How many members to use. `requested` (the user's max_process_num) is honoured up to the cap,
 * splitting a single output into byte ranges if need be. "auto" (null) is min(hardware threads,
 * cap, number of outputs, total bytes / AUTO_BYTES_PER_PROCESS), at least 1: one output per
 * member, and a single file stays on one worker unless the user asks for more.
 */
export function resolveProcessCount(
  requested: number | null | undefined,
  outputs: { count: number; bytes: number },
  hardwareConcurrency: number,
): number {
  if (requested !== null && requested !== undefined && Number.isFinite(requested)) {
    return Math.max(1, Math.min(MAX_EXPORT_PROCESSES, Math.floor(requested)));
  }
  const byBytes = Math.ceil(outputs.bytes / AUTO_BYTES_PER_PROCESS);
  const threads = Math.max(1, Math.floor(hardwareConcurrency) || 1);
  return Math.max(1, Math.min(threads, MAX_EXPORT_PROCESSES, outputs.count, byBytes));
}

/**
 * Split the bytes of `parts` into at most `count` contiguous ranges of about equal size. A cut
 * that falls inside a generated part moves back to an aligned offset of it (RANGE_ALIGN_BYTES);
 * cuts that collapse onto each other are dropped, so tiny outputs may give fewer ranges.
 */
export function planRanges(
  parts: readonly OutputPart[],
  count: number,
  alignBytes: number = RANGE_ALIGN_BYTES,
): ByteRange[] {
  const total = totalLength(parts);
  const n = Math.max(1, Math.min(Math.floor(count), total));
  const cuts = [0];
  for (let i = 1; i < n; i += 1) {
    const target = Math.round((total * i) / n);
    let at = 0;
    let cut = target;
    for (const part of parts) {
      const length = partLength(part);
      if (target < at + length) {
        if (part.kind === 'generated') cut = at + Math.floor((target - at) / alignBytes) * alignBytes;
        break;
      }
      at += length;
    }
    if (cut > (cuts[cuts.length - 1] as number) && cut < total) cuts.push(cut);
  }
  cuts.push(total);
  const ranges: ByteRange[] = [];
  for (let i = 0; i + 1 < cuts.length; i += 1) ranges.push([cuts[i] as number, cuts[i + 1] as number]);
  return ranges;
}

/** One unit of pool work: a whole output file, or one byte range of it. */
export interface WorkUnit {
  output: number;
  /** null: the member writes the whole output (streamed to a file, or a Blob). */
  range: ByteRange | null;
}

export interface UnitOutput {
  parts: readonly OutputPart[];
  size: number;
  /** Encrypted output is written by one member (cipher blocks straddle any cut). */
  splittable: boolean;
}

/**
 * The natural unit is one output file per member. When there are fewer outputs than members,
 * outputs are cut into byte ranges in proportion to their size, so every member has a share.
 */
export function planUnits(outputs: readonly UnitOutput[], members: number): WorkUnit[] {
  const whole = outputs.map((_, output): WorkUnit => ({ output, range: null }));
  if (members <= 1 || outputs.length >= members) return whole;
  const total = outputs.reduce((sum, output) => sum + output.size, 0);
  if (total <= 0) return whole;
  const share = total / members;
  return outputs.flatMap((output, index): WorkUnit[] => {
    const pieces = output.splittable ? Math.max(1, Math.round(output.size / share)) : 1;
    const ranges = pieces > 1 ? planRanges(output.parts, pieces) : [];
    if (ranges.length <= 1) return [{ output: index, range: null }];
    return ranges.map((range) => ({ output: index, range }));
  });
}

// ---- one member's share: a byte range of a job as Blob parts, plus its CRC ----

export interface RangeOutput {
  parts: BlobPart[];
  length: number;
  /** CRC-32 of the range's bytes when the job ends in a ckpt `crc_num` trailer, else null. */
  crc: number | null;
}

/**
 * Bytes [start, end) of a job's parts (the plaintext body, no trailer) as Blob parts: slices of
 * a sliceable source stay zero-copy unless a CRC needs the bytes; produced bytes are collected as
 * exportBlobParts collects them (BlobPartsBuilder).
 */
export async function rangeBlobParts(
  job: ExportJob,
  range: ByteRange,
  options: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void } = {},
): Promise<RangeOutput> {
  if (job.plan.encryption) throw internalError('an encrypted export cannot be split into ranges');
  const [start, end] = range;
  const { signal, onProgress } = options;
  const crc = job.crcTrailer ? await createCrc32() : null;
  const out = new BlobPartsBuilder((done) => onProgress?.(done, end - start));
  const push = (part: Blob | Uint8Array): void => {
    if (!(part instanceof Blob)) crc?.update(part);
    out.add(part);
  };
  const inRange = sliceParts(job.parts, start, end);
  if (!crc) await prepareSlices(inRange, signal);
  for (const part of inRange) {
    signal?.throwIfAborted();
    if (part.kind === 'bytes') push(part.bytes);
    else if (part.kind === 'copy' && !crc && isSliceable(part.source))
      push(part.source.slice(part.offset, part.offset + part.length));
    else for await (const chunk of readParts([part], { signal, windowBytes: job.options.windowBytes })) push(chunk);
  }
  const parts = out.finish();
  onProgress?.(out.bytes, end - start);
  return { parts, length: end - start, crc: crc ? crc.digest() : null };
}

/**
 * The finished file from its ranges, in order: the same bytes as exportBlobParts(job). The ckpt
 * `crc_num` trailer is the members' CRCs combined, so no member reads another's bytes.
 */
export function composeRanges(
  job: ExportJob,
  pieces: readonly { blob: Blob; length: number; crc: number | null }[],
): Blob {
  const parts: BlobPart[] = pieces.map((piece) => piece.blob);
  if (job.crcTrailer) parts.push(crcTrailerOfRanges(pieces) as Uint8Array<ArrayBuffer>);
  return new Blob(parts);
}

/** The ckpt `crc_num` trailer of a body from its consecutive ranges' CRCs and lengths, in order. */
export function crcTrailerOfRanges(pieces: readonly { length: number; crc: number | null }[]): Uint8Array {
  let crc = 0;
  for (const piece of pieces) {
    if (piece.crc === null) throw internalError('a range of a CRC export came without its CRC');
    crc = crc32Combine(crc, piece.crc, piece.length);
  }
  return encodeCrcTrailer(crc);
}

/** Cast reports of several members, one entry per tensor (counts added, largest errors kept). */
export function mergeCastReports(reports: readonly (readonly CastReportEntry[])[]): CastReportEntry[] {
  const byName = new Map<string, CastReportEntry>();
  for (const report of reports) {
    for (const entry of report) {
      const seen = byName.get(entry.name);
      if (seen) mergeCastStats(seen, entry);
      else byName.set(entry.name, { ...entry });
    }
  }
  return [...byName.values()];
}

// ---- progress and scheduling ----

/** Progress of several units as one fraction of their total bytes; never moves backwards. */
export class ProgressTally {
  private readonly done: number[];
  private readonly total: number;

  constructor(
    private readonly sizes: readonly number[],
    private readonly onFraction?: (fraction: number) => void,
  ) {
    this.done = sizes.map(() => 0);
    this.total = sizes.reduce((sum, size) => sum + size, 0);
  }

  /** Unit `unit` has done `bytes` of its size (clamped; lower values than before are ignored). */
  set(unit: number, bytes: number): void {
    const size = this.sizes[unit] ?? 0;
    const value = Math.max(0, Math.min(size, bytes));
    if (value <= (this.done[unit] ?? 0)) return;
    this.done[unit] = value;
    this.onFraction?.(this.fraction());
  }

  fraction(): number {
    if (this.total <= 0) return 1;
    return this.done.reduce((sum, bytes) => sum + bytes, 0) / this.total;
  }
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The operation was aborted.', 'AbortError');
}

/**
 * Run `units` on `slots` concurrent members (each slot takes the next unit when free) and return
 * the results in unit order. The first failure aborts the shared signal and rejects at once with
 * that error (not a later AbortError it caused); an outer abort rejects at once with its reason.
 * It does not wait for members that never answer — the caller terminates them.
 */
export function runPool<U, R>(
  units: readonly U[],
  slots: number,
  run: (unit: U, index: number, slot: number, signal: AbortSignal) => Promise<R>,
  options: { signal?: AbortSignal } = {},
): Promise<R[]> {
  const controller = new AbortController();
  const outer = options.signal;
  const results: R[] = new Array<R>(units.length);
  return new Promise<R[]>((resolve, reject) => {
    let failed = false;
    const fail = (error: unknown): void => {
      if (failed) return;
      failed = true;
      controller.abort(error);
      reject(error);
    };
    if (outer?.aborted) {
      fail(abortReason(outer));
      return;
    }
    const onAbort = (): void => fail(abortReason(outer as AbortSignal));
    outer?.addEventListener('abort', onAbort, { once: true });
    let next = 0;
    const slot = async (index: number): Promise<void> => {
      while (!failed && next < units.length) {
        const unit = next;
        next += 1;
        results[unit] = await run(units[unit] as U, unit, index, controller.signal);
      }
    };
    const count = Math.max(1, Math.min(Math.floor(slots), units.length));
    Promise.all(Array.from({ length: units.length === 0 ? 0 : count }, (_, i) => slot(i))).then(
      () => {
        outer?.removeEventListener('abort', onAbort);
        if (!failed) resolve(results);
      },
      (error: unknown) => {
        outer?.removeEventListener('abort', onAbort);
        fail(error);
      },
    );
  });
}
