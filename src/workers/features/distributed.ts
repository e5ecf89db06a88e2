import { LensError, withFile } from '../../base/errors';
import { MAX_STRATEGY_FILE_BYTES } from '../../base/limits';
import type { FormatId } from '../../base/types';
import {
  checkReplicas,
  openMergedView,
  openRankFiles,
  rankFromPath,
  strategyRanks,
  withReplicaReports,
  type MergedView,
  type ParameterPlan,
  type RankFile,
  type RankSource,
  type ReplicaReport,
  type SetLayout,
} from '../../core/distributed';
import { exportBlob, writeExportTo, type CastReportEntry, type ExportJob } from '../../core/export';
import {
  composeRanges,
  mergeCastReports,
  planUnits,
  resolveProcessCount,
  type WorkUnit,
} from '../../core/export/parallel';
import { DecryptedSource, openDecryptedSource } from '../../crypto/decrypted-source';
import { detectEncryption } from '../../crypto/frames';
import { encodeCrcTrailer } from '../../formats/ckpt/trailer';
import {
  combineStageStrategies,
  looksLikeJsonStrategyHead,
  looksLikeProtobufStrategy,
  readStrategy,
  type ParallelStrategy,
  type StrategyProblem,
} from '../../formats/strategy';
import { crc32Combine } from '../../integrity/crc';
import { BlobSource, type ByteSource } from '../../io/byte-source';
import { runOnPool } from '../export-pool';
import type { MemberResult } from '../export-member-api';
import { runJob, throttle, type ProgressCallback } from '../registry';
import {
  buildOutput,
  fileHandleFor,
  mergedGroups,
  type MergedExportSpec,
  type OutputSpec,
  type RankFormat,
  type SetData,
} from '../set-jobs';
import { writableSink } from '../file-sink';

/**
 * A distributed set in the worker: many rank files (a dropped or picked folder) plus a strategy
 * file. The page sends File blobs with their relative paths; everything returned is plain data
 * (layout plans, problems, sizes). Rank files stay here by set id for the merged export and the
 * replica check; keys never leave this worker.
 */

export type { RankFormat };

export interface SetFileInput {
  /** `webkitRelativePath` for folder picks/drops, else the file name. */
  path: string;
  file: Blob;
}

export interface OpenSetRequest {
  setId: string;
  jobId: string;
  /** Everything the user gave: rank files, strategy files, anything else (ignored with a reason). */
  files: SetFileInput[];
  /** Paths (among `files`) to use as the strategy; empty = detect from content. */
  strategyPaths?: string[];
  /** One key for every encrypted rank file (MindSpore's dec_key). */
  key?: Uint8Array;
  /** Which file of a rank folder to read when it holds both formats (null = decide). */
  inputFormat?: RankFormat | null;
  /** Ranks the user assigned: path → rank (overrides the name). */
  ranks?: Record<string, number>;
}

export interface SetRankInfo {
  rank: number;
  path: string;
  format: FormatId;
  encrypted: boolean;
  size: number;
  tensorCount: number;
  /** Other checkpoint files of the same rank that were not used (other format, older name). */
  alternatives: string[];
}

export interface SetIgnoredFile {
  path: string;
  size: number;
  reason: 'no-rank' | 'not-a-checkpoint' | 'unused-strategy';
}

export interface SetStrategyInfo {
  files: string[];
  encoding: ParallelStrategy['encoding'];
  stages: number[];
  operatorCount: number;
  layoutCount: number;
  pipelineMerged: boolean;
  problems: StrategyProblem[];
}

export interface OpenSetResult {
  setId: string;
  /** `ready`: layout computed; otherwise what the user must still give. */
  status: 'ready' | 'needs-strategy' | 'needs-ranks';
  strategy: SetStrategyInfo | null;
  /** Every file whose content is a strategy, in path order. */
  strategyCandidates: string[];
  /** Formats found among the rank files; two means the user may switch. */
  formats: RankFormat[];
  inputFormat: RankFormat | null;
  ranks: SetRankInfo[];
  /** Checkpoint files whose rank is unknown (assign one to use them), and others not used. */
  ignored: SetIgnoredFile[];
  layout: SetLayout | null;
  /** Tensors of the merged view (mergeable strategy parameters + extras) and their bytes. */
  mergedCount: number;
  mergedBytes: number;
}

export interface SetExportRequest extends MergedExportSpec {
  setId: string;
  jobId: string;
  /** Stream into a chosen file (one output) or folder (parts); without one, Blobs come back. */
  target?: FileSystemFileHandle | FileSystemDirectoryHandle;
  /** Workers to write with (MindSpore's max_process_num); null/absent = auto, 1 = this worker alone. */
  processes?: number | null;
}

export interface SetExportOutput {
  fileName: string;
  size: number;
  tensors: number;
  blob?: Blob;
}

export interface SetExportResult {
  outputs: SetExportOutput[];
  parameterCount: number;
  /** Strategy parameters present in the files that could not be merged (left out). */
  skipped: string[];
  castReport: CastReportEntry[];
  /** Workers that wrote it (1: the app worker alone). */
  processes: number;
}

export interface ResliceStrategyInfo {
  /** Every rank the target strategy has (all pipeline stages). */
  ranks: number[];
  encoding: ParallelStrategy['encoding'];
  layoutCount: number;
}

export interface SetResliceRequest {
  setId: string;
  jobId: string;
  /** The predict (target) strategy file. */
  strategyFile: Blob;
  strategyName: string;
  /** One target rank, or null for every rank of the target strategy. */
  rank: number | null;
  format: RankFormat;
  /** Write `rank_<r>/net.<format>` into this folder; without one, Blobs come back. */
  target?: FileSystemDirectoryHandle;
  /** Workers to write with (MindSpore's max_process_num); null/absent = auto, 1 = this worker alone. */
  processes?: number | null;
}

export interface SetResliceOutput {
  rank: number;
  /** `rank_<r>/net.<format>`, the layout load_distributed_checkpoint's save mode writes. */
  fileName: string;
  size: number;
  tensors: number;
  blob?: Blob;
}

export interface SetResliceResult {
  outputs: SetResliceOutput[];
  /** Workers that wrote them (1: the app worker alone). */
  processes: number;
}

export interface ReplicaCheckResult {
  reports: ReplicaReport[];
  /** The layout with `replicas-differ` warnings added. */
  layout: SetLayout;
}

interface OpenSet {
  files: RankFile[];
  view: MergedView;
  layout: SetLayout;
  baseName: string;
  /** What export-pool members get to rebuild the same view (Blobs, indexes, strategy, key). */
  data: SetData;
}

const sets = new Map<string, OpenSet>();
const HEAD_BYTES = 4096;

function extensionOf(path: string): string {
  const match = /\.([a-z0-9]+)$/i.exec(path);
  return match ? (match[1] ?? '').toLowerCase() : '';
}

function byPath(a: { path: string }, b: { path: string }): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

async function headOf(file: Blob, bytes = HEAD_BYTES): Promise<Uint8Array> {
  return new Uint8Array(await file.slice(0, Math.min(bytes, file.size)).arrayBuffer());
}

function isStrategyHead(head: Uint8Array, size: number): boolean {
  return looksLikeProtobufStrategy(head, size) || looksLikeJsonStrategyHead(head);
}

/**
 * The default strategy among several candidates: a merged pipeline file if there is one, else
 * one file per distinct stage (per-stage files are combined), protobuf before JSON.
 */
export function chooseStrategies(candidates: readonly { path: string; strategy: ParallelStrategy }[]): string[] {
  const ordered = [...candidates].sort(
    (a, b) =>
      Number(a.strategy.encoding === 'json') - Number(b.strategy.encoding === 'json') ||
      (a.path < b.path ? -1 : a.path > b.path ? 1 : 0),
  );
  const merged = ordered.find((candidate) => candidate.strategy.pipelineMerged);
  if (merged) return [merged.path];
  const byStage = new Map<number, string>();
  for (const candidate of ordered) {
    const stage = candidate.strategy.fileStage ?? 0;
    if (!byStage.has(stage)) byStage.set(stage, candidate.path);
  }
  return [...byStage.entries()].sort((a, b) => a[0] - b[0]).map(([, path]) => path);
}

interface Classified {
  strategies: { path: string; file: Blob; strategy: ParallelStrategy }[];
  /** Checkpoint files with a rank, grouped. */
  byRank: Map<number, { path: string; file: Blob; format: RankFormat }[]>;
  ignored: SetIgnoredFile[];
}

async function classify(request: OpenSetRequest, signal: AbortSignal): Promise<Classified> {
  const strategies: Classified['strategies'] = [];
  const byRank: Classified['byRank'] = new Map();
  const ignored: SetIgnoredFile[] = [];
  const chosen = new Set(request.strategyPaths ?? []);
  for (const { path, file } of [...request.files].sort(byPath)) {
    signal.throwIfAborted();
    const head = await headOf(file);
    const extension = extensionOf(path);
    if (chosen.has(path) || (file.size <= MAX_STRATEGY_FILE_BYTES && isStrategyHead(head, file.size))) {
      try {
        strategies.push({
          path,
          file,
          strategy: await readStrategy(new BlobSource(file), { fileName: path, signal }),
        });
        continue;
      } catch (error) {
        if (chosen.has(path)) throw withFile(error, path);
      }
    }
    if (extension !== 'ckpt' && extension !== 'safetensors') {
      ignored.push({ path, size: file.size, reason: 'not-a-checkpoint' });
      continue;
    }
    const rank = request.ranks?.[path] ?? rankFromPath(path);
    if (rank === undefined) {
      ignored.push({ path, size: file.size, reason: 'no-rank' });
      continue;
    }
    byRank.set(rank, [...(byRank.get(rank) ?? []), { path, file, format: extension }]);
  }
  return { strategies, byRank, ignored };
}

/** The format read from rank folders holding both: the one every rank has, else the commoner (ckpt on a tie). */
function defaultFormat(byRank: Classified['byRank']): RankFormat | null {
  let ckpt = 0;
  let safetensors = 0;
  for (const files of byRank.values()) {
    if (files.some((f) => f.format === 'ckpt')) ckpt += 1;
    if (files.some((f) => f.format === 'safetensors')) safetensors += 1;
  }
  if (ckpt === 0 && safetensors === 0) return null;
  return safetensors > ckpt ? 'safetensors' : 'ckpt';
}

async function rankSource(file: Blob, path: string, key: Uint8Array | undefined, signal: AbortSignal) {
  let source: ByteSource = new BlobSource(file);
  const encrypted = detectEncryption(await headOf(file, 48)).encrypted;
  if (encrypted && key) {
    source = await openDecryptedSource(source, key, { signal }).catch((error: unknown) => {
      throw withFile(error, path);
    });
  }
  return { source, encrypted };
}

function strategyInfo(strategy: ParallelStrategy): SetStrategyInfo {
  return {
    files: strategy.files,
    encoding: strategy.encoding,
    stages: strategy.stages,
    operatorCount: strategy.operatorCount,
    layoutCount: strategy.layouts.length,
    pipelineMerged: strategy.pipelineMerged,
    problems: strategy.problems,
  };
}

/** Strategy parameters that are in the files but cannot be merged (the export leaves them out). */
function unmergeableInFiles(layout: SetLayout): ParameterPlan[] {
  return layout.parameters.filter(
    (plan) => !plan.mergeable && plan.kind === 'sharded' && plan.holdings.some((holding) => holding.present),
  );
}

/** One output file as both paths need it: the job (built here) and how a member rebuilds it. */
interface PlannedOutput {
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

type Target = FileSystemFileHandle | FileSystemDirectoryHandle;

async function writeJob(
  job: ExportJob,
  fileName: string,
  target: Target | undefined,
  signal: AbortSignal,
  onProgress: (done: number) => void,
): Promise<Blob | undefined> {
  const report = (done: number): void => onProgress(done);
  if (!target) return exportBlob(job, { signal, onProgress: report });
  const writable = await (await fileHandleFor(target, fileName)).createWritable();
  await writeExportTo(job, writableSink(writable), { signal, onProgress: report });
  return undefined;
}

/** Today's path: every output in turn on this worker. */
async function writeSequentially(
  outputs: readonly PlannedOutput[],
  target: Target | undefined,
  signal: AbortSignal,
  progress: ProgressCallback | undefined,
): Promise<WrittenOutput[]> {
  const totalBytes = outputs.reduce((sum, item) => sum + item.job.size, 0);
  let before = 0;
  const written: WrittenOutput[] = [];
  for (const { fileName, job, tensors } of outputs) {
    const blob = await writeJob(job, fileName, target, signal, (done) =>
      progress?.(totalBytes > 0 ? (before + done) / totalBytes : 1),
    );
    before += job.size;
    written.push({ fileName, size: job.size, tensors, castReport: job.castReport(), ...(blob ? { blob } : {}) });
  }
  return written;
}

/**
 * Streams one output's ranges into its file in order as members finish them (range 2 waits for
 * range 1 only), then the ckpt crc_num trailer from the ranges' CRCs combined. On failure the
 * writable is aborted, so nothing half-written is committed.
 */
class OrderedRangeWriter {
  private next = 0;
  private readonly ready = new Map<number, MemberResult>();
  private chain: Promise<void> = Promise.resolve();
  private writable: Promise<FileSystemWritableFileStream> | null = null;
  private crc = 0;
  private written = 0;

  constructor(
    private readonly target: Target,
    private readonly output: PlannedOutput,
    private readonly onWritten: (bytes: number) => void,
    private readonly onError: (error: unknown) => void,
  ) {}

  private open(): Promise<FileSystemWritableFileStream> {
    this.writable ??= fileHandleFor(this.target, this.output.fileName).then((handle) => handle.createWritable());
    return this.writable;
  }

  add(ordinal: number, result: MemberResult): void {
    this.ready.set(ordinal, result);
    this.chain = this.chain.then(() => this.drain());
    this.chain.catch(this.onError);
  }

  private async drain(): Promise<void> {
    for (let result = this.ready.get(this.next); result; result = this.ready.get(this.next)) {
      this.ready.delete(this.next);
      const writable = await this.open();
      await writable.write(result.blob ?? new Blob([]));
      if (this.output.job.crcTrailer) this.crc = crc32Combine(this.crc, result.crc ?? 0, result.size);
      this.written += result.size;
      this.onWritten(result.size);
      this.next += 1;
    }
  }

  async finish(): Promise<void> {
    await this.chain;
    const writable = await this.open();
    if (this.output.job.crcTrailer) {
      const trailer = encodeCrcTrailer(this.crc);
      await writable.write(trailer as Uint8Array<ArrayBuffer>);
      this.written += trailer.length;
      this.onWritten(trailer.length);
    }
    if (this.written !== this.output.job.size) {
      throw new LensError('internal', {
        hint: `${this.output.fileName}: ranges gave ${this.written} of ${this.output.job.size} bytes`,
      });
    }
    await writable.close();
  }

  async abort(reason: unknown): Promise<void> {
    if (this.writable) await (await this.writable.catch(() => null))?.abort(reason).catch(() => undefined);
  }
}

/**
 * The pool path: units (whole outputs, or byte ranges when there are fewer outputs than
 * members) run on export-pool members. Whole outputs are written by their member (into the
 * chosen file or folder, or as a Blob); ranges are appended to the chosen file in order as they
 * finish, or composed here into one Blob — the same bytes either way.
 */
async function writeOnPool(
  set: OpenSet,
  outputs: readonly PlannedOutput[],
  units: readonly WorkUnit[],
  members: number,
  target: Target | undefined,
  signal: AbortSignal,
  progress: ProgressCallback | undefined,
): Promise<WrittenOutput[]> {
  const sizes = units.map((unit) =>
    unit.range ? unit.range[1] - unit.range[0] : (outputs[unit.output] as PlannedOutput).job.size,
  );
  const poolBytes = sizes.reduce((sum, size) => sum + size, 0);
  const ordinals = units.map((unit, i) => units.slice(0, i).filter((other) => other.output === unit.output).length);
  const ranged = [...new Set(units.filter((unit) => unit.range).map((unit) => unit.output))];
  // Ranges streamed into a file are written by this worker after their member: count that too.
  const writeBytes = target ? ranged.reduce((sum, i) => sum + (outputs[i] as PlannedOutput).job.size, 0) : 0;
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
  if (target) {
    for (const index of ranged) {
      const onWritten = (bytes: number): void => {
        writtenBytes += bytes;
        report();
      };
      writers.set(
        index,
        new OrderedRangeWriter(target, outputs[index] as PlannedOutput, onWritten, (error) => local.abort(error)),
      );
    }
  }
  let results: MemberResult[];
  try {
    results = await runOnPool(
      set.data,
      units.map((unit) => ({
        output: (outputs[unit.output] as PlannedOutput).spec,
        range: unit.range,
        ...(unit.range === null && target ? { target } : {}),
      })),
      members,
      {
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
      },
    );
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
      .map((unit, i) => ({ unit, result: results[i] as MemberResult }))
      .filter(({ unit }) => unit.output === index);
    const castReport = mergeCastReports(mine.map(({ result }) => result.castReport));
    const whole = mine.length === 1 && mine[0]?.unit.range === null ? mine[0].result : null;
    const base = { fileName: output.fileName, size: output.job.size, tensors: output.tensors, castReport };
    if (whole || target) {
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

/** Write outputs on this worker (one process) or across the export pool. */
async function writeOutputs(
  set: OpenSet,
  outputs: readonly PlannedOutput[],
  options: { processes: number | null | undefined; target: Target | undefined; signal: AbortSignal },
  onProgress: ProgressCallback | undefined,
): Promise<{ written: WrittenOutput[]; processes: number }> {
  const progress = throttle(onProgress);
  const totalBytes = outputs.reduce((sum, item) => sum + item.job.size, 0);
  const hardware = globalThis.navigator?.hardwareConcurrency ?? 1;
  const wanted = resolveProcessCount(options.processes, { count: outputs.length, bytes: totalBytes }, hardware);
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
  const members = Math.min(wanted, units.length);
  const written =
    members > 1
      ? await writeOnPool(set, outputs, units, members, options.target, options.signal, progress)
      : await writeSequentially(outputs, options.target, options.signal, progress);
  progress?.(1);
  return { written, processes: Math.max(1, members) };
}

async function readTargetStrategy(file: Blob, name: string, signal: AbortSignal): Promise<ParallelStrategy> {
  return readStrategy(new BlobSource(file), { fileName: name, signal }).catch((error: unknown) => {
    throw withFile(error, name);
  });
}

function requireSet(setId: string): OpenSet {
  const set = sets.get(setId);
  if (!set) throw new LensError('internal', { hint: `distributed set ${setId} is not open in the worker` });
  return set;
}

function stemOf(path: string): string {
  const parts = path.split(/[\\/]+/).filter((part) => part.length > 0);
  return parts.length > 1 ? (parts[0] ?? 'merged') : 'merged';
}

export const distributedApi = {
  /** Classify the files, read the strategy, open every rank's index (no tensor bytes), lay out. */
  async openSet(request: OpenSetRequest, onProgress?: ProgressCallback): Promise<OpenSetResult> {
    return runJob(request.jobId, async (signal) => {
      sets.delete(request.setId);
      const progress = throttle(onProgress);
      const { strategies, byRank, ignored } = await classify(request, signal);
      const strategyCandidates = strategies.map((s) => s.path);
      const chosenPaths =
        request.strategyPaths && request.strategyPaths.length > 0
          ? request.strategyPaths
          : chooseStrategies(strategies);
      for (const candidate of strategies) {
        if (!chosenPaths.includes(candidate.path))
          ignored.push({ path: candidate.path, size: candidate.file.size, reason: 'unused-strategy' });
      }
      const used = strategies.filter((s) => chosenPaths.includes(s.path));
      const strategy = used.length > 0 ? combineStageStrategies(used.map((s) => s.strategy)) : null;

      const formats = (['ckpt', 'safetensors'] as const).filter((format) =>
        [...byRank.values()].some((files) => files.some((f) => f.format === format)),
      );
      const inputFormat =
        request.inputFormat && formats.includes(request.inputFormat) ? request.inputFormat : defaultFormat(byRank);
      const picked: { rank: number; path: string; file: Blob; alternatives: string[] }[] = [];
      for (const [rank, files] of [...byRank.entries()].sort((a, b) => a[0] - b[0])) {
        const preferred = files.filter((f) => f.format === inputFormat);
        const pool = preferred.length > 0 ? preferred : files;
        // Like transform_checkpoints: the last file after sorting when a rank folder holds several.
        const chosen = pool[pool.length - 1];
        if (!chosen) continue;
        picked.push({
          rank,
          path: chosen.path,
          file: chosen.file,
          alternatives: files.filter((f) => f !== chosen).map((f) => f.path),
        });
      }
      const base: Omit<OpenSetResult, 'status'> = {
        setId: request.setId,
        strategy: strategy ? strategyInfo(strategy) : null,
        strategyCandidates,
        formats: [...formats],
        inputFormat,
        ranks: [],
        ignored,
        layout: null,
        mergedCount: 0,
        mergedBytes: 0,
      };
      if (picked.length === 0) return { ...base, status: 'needs-ranks' };

      const inputs: RankSource[] = [];
      const encryptedPaths = new Set<string>();
      for (const item of picked) {
        const { source, encrypted } = await rankSource(item.file, item.path, request.key, signal);
        if (encrypted) encryptedPaths.add(item.path);
        inputs.push({ name: item.path, source, rank: item.rank });
        progress?.((inputs.length / picked.length) * 0.5);
      }
      const files = await openRankFiles(inputs, { signal });
      progress?.(1);
      const byName = new Map(picked.map((item) => [item.path, item]));
      const ranks: SetRankInfo[] = files.map((file) => ({
        rank: file.rank,
        path: file.name,
        format: file.opened.index.format,
        encrypted: encryptedPaths.has(file.name),
        size: byName.get(file.name)?.file.size ?? 0,
        tensorCount: file.opened.index.tensors.length,
        alternatives: byName.get(file.name)?.alternatives ?? [],
      }));
      if (!strategy) return { ...base, ranks, status: 'needs-strategy' };
      const view = openMergedView(strategy, files);
      const baseName = stemOf(picked[0]?.path ?? '');
      const data: SetData = {
        baseName,
        strategy,
        ranks: files.map((file) => ({
          rank: file.rank,
          path: file.name,
          file: byName.get(file.name)?.file ?? new Blob([]),
          index: file.opened.index,
          frames: file.opened.plaintext instanceof DecryptedSource ? file.opened.plaintext.table : null,
        })),
        ...(request.key && encryptedPaths.size > 0 ? { key: request.key } : {}),
      };
      sets.set(request.setId, { files, view, layout: view.layout, baseName, data });
      return {
        ...base,
        ranks,
        status: 'ready',
        layout: view.layout,
        mergedCount: view.index.tensors.length,
        mergedBytes: view.index.tensors.reduce((sum, entry) => sum + entry.bytes, 0),
      };
    });
  },

  closeSet(setId: string): void {
    sets.delete(setId);
  },

  /** Compare every replica with the slice the merge reads (MindSpore never does). */
  async checkSetReplicas(setId: string, jobId: string, onProgress?: ProgressCallback): Promise<ReplicaCheckResult> {
    return runJob(jobId, async (signal) => {
      const set = requireSet(setId);
      const progress = throttle(onProgress);
      const reports = await checkReplicas(set.files, set.view.layout, {
        signal,
        onProgress: (done, total) => progress?.(total > 0 ? done / total : 1),
      });
      progress?.(1);
      set.layout = withReplicaReports(set.view.layout, reports);
      return { reports: reports.filter((report) => report.differences.length > 0), layout: set.layout };
    });
  },

  /** Read a target strategy file for re-slicing: which ranks it has. */
  async readResliceStrategy(file: Blob, name: string, jobId: string): Promise<ResliceStrategyInfo> {
    return runJob(jobId, async (signal) => {
      const strategy = await readTargetStrategy(file, name, signal);
      return { ranks: strategyRanks(strategy), encoding: strategy.encoding, layoutCount: strategy.layouts.length };
    });
  },

  /**
   * load_distributed_checkpoint's save mode in the browser: cut the open set's merged tensors for
   * another strategy, one checkpoint per target rank, written lazily tensor by tensor — on this
   * worker, or across the export pool (one rank per member; one rank's bytes split otherwise).
   */
  async resliceSet(request: SetResliceRequest, onProgress?: ProgressCallback): Promise<SetResliceResult> {
    return runJob(request.jobId, async (signal) => {
      const set = requireSet(request.setId);
      const strategy = await readTargetStrategy(request.strategyFile, request.strategyName, signal);
      const all = strategyRanks(strategy);
      if (request.rank !== null && !all.includes(request.rank)) {
        throw new LensError('usage', {
          hint: `rank ${request.rank} is not one of the target strategy's ranks 0–${all.length - 1}`,
        });
      }
      const ranks = request.rank === null ? all : [request.rank];
      // Build every job first (cheap: indexes only) so progress covers the real byte total.
      const outputs: PlannedOutput[] = [];
      for (const rank of ranks) {
        signal.throwIfAborted();
        const spec: OutputSpec = { kind: 'reslice', strategy, rank, format: request.format };
        outputs.push({ ...(await buildOutput(set.view, set.baseName, spec, signal)), spec });
      }
      const { written, processes } = await writeOutputs(
        set,
        outputs,
        { processes: request.processes, target: request.target, signal },
        onProgress,
      );
      return {
        outputs: written.map((output, i) => ({
          rank: ranks[i] as number,
          fileName: output.fileName,
          size: output.size,
          tensors: output.tensors,
          ...(output.blob ? { blob: output.blob } : {}),
        })),
        processes,
      };
    });
  },

  /** Write the merged tensors as one unified file or as parts + param_name_map.json. */
  async exportSet(request: SetExportRequest, onProgress?: ProgressCallback): Promise<SetExportResult> {
    return runJob(request.jobId, async (signal) => {
      const set = requireSet(request.setId);
      const spec: MergedExportSpec = {
        format: request.format,
        filterText: request.filterText,
        nameMap: request.nameMap,
        cast: request.cast,
        includeExtras: request.includeExtras,
        partBytes: request.partBytes,
        metadataFormat: request.metadataFormat,
      };
      const { groups, nameMapJson } = mergedGroups(set.view, spec, set.baseName);
      const directory = request.target?.kind === 'directory';
      if (groups.length > 1 && request.target && !directory) {
        throw new LensError('usage', { hint: 'several parts need a folder, not a single file' });
      }
      const outputs: PlannedOutput[] = [];
      for (const [group] of groups.entries()) {
        const output: OutputSpec = { kind: 'merged', spec, group };
        outputs.push({ ...(await buildOutput(set.view, set.baseName, output, signal)), spec: output });
      }
      const { written, processes } = await writeOutputs(
        set,
        outputs,
        { processes: request.processes, target: request.target, signal },
        onProgress,
      );
      const result: SetExportOutput[] = written.map((output) => ({
        fileName: output.fileName,
        size: output.size,
        tensors: output.tensors,
        ...(output.blob ? { blob: output.blob } : {}),
      }));
      if (nameMapJson !== null) {
        const blob = new Blob([nameMapJson], { type: 'application/json' });
        if (request.target && directory) {
          const handle = await (request.target as FileSystemDirectoryHandle).getFileHandle('param_name_map.json', {
            create: true,
          });
          const writable = await handle.createWritable();
          await writable.write(nameMapJson);
          await writable.close();
          result.push({ fileName: 'param_name_map.json', size: blob.size, tensors: 0 });
        } else {
          result.push({ fileName: 'param_name_map.json', size: blob.size, tensors: 0, blob });
        }
      }
      return {
        outputs: result,
        parameterCount: written.reduce((sum, output) => sum + output.tensors, 0),
        skipped: unmergeableInFiles(set.view.layout).map((plan) => plan.name),
        castReport: written.flatMap((output) => output.castReport),
        processes,
      };
    });
  },
};
