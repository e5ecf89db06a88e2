import { LensError } from '../../base/errors';
import { encodeCrcTrailer } from '../../base/crc-trailer';
import { crc32Combine } from '../../integrity/crc';
import { exportBlob, writeExportTo, type CastReportEntry, type ExportJob, type ExportSink } from '../export';
import { composeRanges, mergeCastReports, planUnits, resolveProcessCount, type WorkUnit } from '../export/parallel';
import type { OutputSpec } from './outputs';

/**
 * The plan for writing a set's outputs (a merged export, or re-sliced rank files): on one
 * worker in turn, or across a pool of members — whole outputs per member, or byte ranges of one
 * output when there are fewer outputs than members. Members and files are the caller's (Web
 * Workers and File System Access handles in the app); the plan, the order ranges are written
 * in, the trailer and the byte checks are here.
 */

/** One output file as both paths need it: the job (built here) and how a member rebuilds it. */
export interface PlannedOutput {
  fileName: string;
  job: ExportJob;
  tensors: number;
  spec: OutputSpec;
}

interface WrittenOutput {
  fileName: string;
  size: number;
  tensors: number;
  blob?: Blob;
  castReport: CastReportEntry[];
}

/** A file being written that also takes Blobs (a member's finished range). */
export interface FileSink extends ExportSink {
  write(chunk: Uint8Array | Blob): Promise<void>;
  abort(reason?: unknown): Promise<void>;
}

/** Where outputs go when the user chose a file or folder: a sink for `fileName` under it. */
export type OpenFile = (fileName: string) => Promise<FileSink>;

/** What a member gives back for one unit. */
interface UnitResult {
  /** Bytes this unit produced (the whole file, or the range). */
  size: number;
  /** Absent when streamed to the chosen file. */
  blob?: Blob;
  /** CRC-32 of a range of an export ending in a crc_num trailer; else null. */
  crc: number | null;
  castReport: CastReportEntry[];
}

/** How the caller runs units on its members (results in unit order; the first error rejects). */
type RunUnits<R extends UnitResult> = (
  units: readonly WorkUnit[],
  options: {
    signal: AbortSignal;
    /** Bytes each unit will produce, for progress. */
    sizes: readonly number[];
    onProgress: (fraction: number) => void;
    /** Called as each unit finishes (in completion order). */
    onResult: (index: number, result: R) => void;
  },
) => Promise<R[]>;

/** Every output in turn, here. */
async function writeSequentially(
  outputs: readonly PlannedOutput[],
  openFile: OpenFile | undefined,
  signal: AbortSignal,
  progress: ((fraction: number) => void) | undefined,
): Promise<WrittenOutput[]> {
  const totalBytes = outputs.reduce((sum, item) => sum + item.job.size, 0);
  let before = 0;
  const written: WrittenOutput[] = [];
  for (const { fileName, job, tensors } of outputs) {
    const onProgress = (done: number): void => progress?.(totalBytes > 0 ? (before + done) / totalBytes : 1);
    let blob: Blob | undefined;
    if (openFile) await writeExportTo(job, await openFile(fileName), { signal, onProgress });
    else blob = await exportBlob(job, { signal, onProgress });
    before += job.size;
    written.push({ fileName, size: job.size, tensors, castReport: job.castReport(), ...(blob ? { blob } : {}) });
  }
  return written;
}

/**
 * Streams one output's ranges into its file in order as members finish them (range 2 waits for
 * range 1 only), then the ckpt crc_num trailer from the ranges' CRCs combined. On failure the
 * file is aborted, so nothing half-written is committed.
 */
class OrderedRangeWriter {
  private next = 0;
  private readonly ready = new Map<number, UnitResult>();
  private chain: Promise<void> = Promise.resolve();
  private sink: Promise<FileSink> | null = null;
  private crc = 0;
  private written = 0;

  constructor(
    private readonly openFile: OpenFile,
    private readonly output: PlannedOutput,
    private readonly onWritten: (bytes: number) => void,
    private readonly onError: (error: unknown) => void,
  ) {}

  private open(): Promise<FileSink> {
    this.sink ??= this.openFile(this.output.fileName);
    return this.sink;
  }

  add(ordinal: number, result: UnitResult): void {
    this.ready.set(ordinal, result);
    this.chain = this.chain.then(() => this.drain());
    this.chain.catch(this.onError);
  }

  private async drain(): Promise<void> {
    for (let result = this.ready.get(this.next); result; result = this.ready.get(this.next)) {
      this.ready.delete(this.next);
      const sink = await this.open();
      await sink.write(result.blob ?? new Blob([]));
      if (this.output.job.crcTrailer) this.crc = crc32Combine(this.crc, result.crc ?? 0, result.size);
      this.written += result.size;
      this.onWritten(result.size);
      this.next += 1;
    }
  }

  async finish(): Promise<void> {
    await this.chain;
    const sink = await this.open();
    if (this.output.job.crcTrailer) {
      const trailer = encodeCrcTrailer(this.crc);
      await sink.write(trailer);
      this.written += trailer.length;
      this.onWritten(trailer.length);
    }
    if (this.written !== this.output.job.size) {
      throw new LensError('internal', {
        hint: `${this.output.fileName}: ranges gave ${this.written} of ${this.output.job.size} bytes`,
      });
    }
    await sink.close();
  }

  async abort(reason: unknown): Promise<void> {
    if (this.sink) await (await this.sink.catch(() => null))?.abort(reason).catch(() => undefined);
  }
}

/** Bytes a unit produces: its range, or the whole output. */
export function unitBytes(unit: WorkUnit, outputSize: number): number {
  return unit.range ? unit.range[1] - unit.range[0] : outputSize;
}

/**
 * The pool path: units (whole outputs, or byte ranges when there are fewer outputs than
 * members) run on the caller's members. Whole outputs are written by their member (into the
 * chosen file or folder, or as a Blob); ranges are appended to the chosen file in order as they
 * finish, or composed here into one Blob — the same bytes either way.
 */
async function writeOnPool<R extends UnitResult>(
  outputs: readonly PlannedOutput[],
  units: readonly WorkUnit[],
  runUnits: RunUnits<R>,
  openFile: OpenFile | undefined,
  signal: AbortSignal,
  progress: ((fraction: number) => void) | undefined,
): Promise<WrittenOutput[]> {
  const sizes = units.map((unit) => unitBytes(unit, (outputs[unit.output] as PlannedOutput).job.size));
  const poolBytes = sizes.reduce((sum, size) => sum + size, 0);
  const ordinals = units.map((unit, i) => units.slice(0, i).filter((other) => other.output === unit.output).length);
  const ranged = [...new Set(units.filter((unit) => unit.range).map((unit) => unit.output))];
  // Ranges streamed into a file are written here after their member: count that too.
  const writeBytes = openFile ? ranged.reduce((sum, i) => sum + (outputs[i] as PlannedOutput).job.size, 0) : 0;
  const allBytes = poolBytes + writeBytes;
  let writtenBytes = 0;
  let poolFraction = 0;
  const report = (): void => progress?.(allBytes > 0 ? (poolFraction * poolBytes + writtenBytes) / allBytes : 1);
  // A failed write stops the members too.
  const local = new AbortController();
  const onAbort = (): void => local.abort(signal.reason);
  if (signal.aborted) onAbort();
  signal.addEventListener('abort', onAbort, { once: true });
  const writers = new Map<number, OrderedRangeWriter>();
  if (openFile) {
    for (const index of ranged) {
      const onWritten = (bytes: number): void => {
        writtenBytes += bytes;
        report();
      };
      writers.set(
        index,
        new OrderedRangeWriter(openFile, outputs[index] as PlannedOutput, onWritten, (error) => local.abort(error)),
      );
    }
  }
  let results: R[];
  try {
    results = await runUnits(units, {
      signal: local.signal,
      sizes,
      onProgress: (fraction) => {
        poolFraction = fraction;
        report();
      },
      onResult: (i, result) => {
        const unit = units[i] as WorkUnit;
        if (unit.range) writers.get(unit.output)?.add(ordinals[i] as number, result);
      },
    });
    for (const writer of writers.values()) await writer.finish();
  } catch (error) {
    await Promise.all([...writers.values()].map((writer) => writer.abort(error)));
    throw error;
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
  const written: WrittenOutput[] = [];
  for (const [index, output] of outputs.entries()) {
    const mine = units
      .map((unit, i) => ({ unit, result: results[i] as R }))
      .filter(({ unit }) => unit.output === index);
    const castReport = mergeCastReports(mine.map(({ result }) => result.castReport));
    const whole = mine.length === 1 && mine[0]?.unit.range === null ? mine[0].result : null;
    const base = { fileName: output.fileName, size: output.job.size, tensors: output.tensors, castReport };
    if (whole || openFile) {
      written.push({ ...base, ...(whole?.blob ? { blob: whole.blob } : {}) });
      continue;
    }
    const blob = composeRanges(
      output.job,
      mine.map(({ result }) => ({ blob: result.blob ?? new Blob([]), length: result.size, crc: result.crc })),
    );
    if (blob.size !== output.job.size) {
      throw new LensError('internal', {
        hint: `${output.fileName}: ranges gave ${blob.size} of ${output.job.size} bytes`,
      });
    }
    written.push({ ...base, blob });
  }
  return written;
}

/**
 * How a set's outputs are written: how many members (`processes` is MindSpore's
 * max_process_num, null = auto) and the units they run. Fewer than two members: no pool.
 */
function planPool(
  outputs: readonly PlannedOutput[],
  processes: number | null | undefined,
  hardwareConcurrency: number,
): { units: WorkUnit[]; members: number } {
  const totalBytes = outputs.reduce((sum, item) => sum + item.job.size, 0);
  const wanted = resolveProcessCount(processes, { count: outputs.length, bytes: totalBytes }, hardwareConcurrency);
  const units =
    wanted > 1
      ? planUnits(
          outputs.map((item) => ({
            parts: item.job.parts,
            size: item.job.size,
            splittable: !item.job.plan.encryption,
          })),
          wanted,
        )
      : [];
  return { units, members: Math.min(wanted, units.length) };
}

/** Write outputs here (one process) or across the caller's pool. */
export async function writeOutputs<R extends UnitResult>(
  outputs: readonly PlannedOutput[],
  options: {
    processes: number | null | undefined;
    hardwareConcurrency: number;
    /** Runs units on up to `members` members. */
    runUnits: (members: number) => RunUnits<R>;
    openFile: OpenFile | undefined;
    signal: AbortSignal;
  },
  progress: ((fraction: number) => void) | undefined,
): Promise<{ written: WrittenOutput[]; processes: number }> {
  const { units, members } = planPool(outputs, options.processes, options.hardwareConcurrency);
  const written =
    members > 1
      ? await writeOnPool(outputs, units, options.runUnits(members), options.openFile, options.signal, progress)
      : await writeSequentially(outputs, options.openFile, options.signal, progress);
  progress?.(1);
  return { written, processes: Math.max(1, members) };
}
