import { LensError } from '../../base/errors';
import {
  buildOutput,
  checkReplicas,
  checkResliceCoverage,
  mergedGroups,
  openDistributedSet,
  readNamedStrategy,
  strategyRanks,
  unmergeableInFiles,
  withReplicaReports,
  writeOutputs,
  type FileSink,
  type MergedExportSpec,
  type OpenSet,
  type OpenSetInput,
  type OutputSpec,
  type PlannedOutput,
  type RankFormat,
  type ReplicaReport,
  type SetLayout,
  type SetSummary,
} from '../../core/distributed';
import type { CastReportEntry } from '../../core/export';
import type { ParallelStrategy } from '../../formats/strategy';
import { BlobSource } from '../../io/byte-source';
import { runOnPool } from '../export-pool';
import type { MemberResult } from '../export-member-api';
import { fileHandleFor, writableSink } from '../file-sink';
import { runJob, throttle, type ProgressCallback } from '../registry';

/**
 * A distributed set in the worker: many rank files (a dropped or picked folder) plus a strategy
 * file. The page sends File blobs with their relative paths; everything returned is plain data
 * (layout plans, problems, sizes). Rank files stay here by set id for the merged export and the
 * replica check; keys never leave this worker. The domain (classifying the files, the layout,
 * the outputs and how the pool writes them) is core/distributed; this is its worker adapter.
 */

export type { RankFormat };
export type { SetFileInput, SetIgnoredFile } from '../../core/distributed';

export interface OpenSetRequest extends OpenSetInput {
  setId: string;
  jobId: string;
}

export interface OpenSetResult extends SetSummary {
  setId: string;
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
  /** Write the rank files even when the set lacks some of the target strategy's parameters. */
  allowIncomplete?: boolean;
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

const sets = new Map<string, OpenSet>();

type Target = FileSystemFileHandle | FileSystemDirectoryHandle;

/** Sinks for files under the chosen file or folder. */
function openFileIn(target: Target | undefined): ((fileName: string) => Promise<FileSink>) | undefined {
  if (!target) return undefined;
  return async (fileName) => writableSink(await (await fileHandleFor(target, fileName)).createWritable());
}

/** Write outputs on this worker (one process) or across the export pool. */
function writeSetOutputs(
  set: OpenSet,
  outputs: readonly PlannedOutput[],
  options: { processes: number | null | undefined; target: Target | undefined; signal: AbortSignal },
  onProgress: ProgressCallback | undefined,
) {
  const target = options.target;
  return writeOutputs<MemberResult>(
    outputs,
    {
      processes: options.processes,
      hardwareConcurrency: globalThis.navigator?.hardwareConcurrency ?? 1,
      runUnits: (members) => (units, pool) =>
        runOnPool(
          set.data,
          units.map((unit) => ({
            output: (outputs[unit.output] as PlannedOutput).spec,
            range: unit.range,
            ...(unit.range === null && target ? { target } : {}),
          })),
          members,
          pool,
        ),
      openFile: openFileIn(target),
      signal: options.signal,
    },
    throttle(onProgress),
  );
}

function readTargetStrategy(file: Blob, name: string, signal: AbortSignal): Promise<ParallelStrategy> {
  return readNamedStrategy(new BlobSource(file), name, signal);
}

function requireSet(setId: string): OpenSet {
  const set = sets.get(setId);
  if (!set) throw new LensError('internal', { hint: `distributed set ${setId} is not open in the worker` });
  return set;
}

export const distributedApi = {
  /** Classify the files, read the strategy, open every rank's index (no tensor bytes), lay out. */
  async openSet(request: OpenSetRequest, onProgress?: ProgressCallback): Promise<OpenSetResult> {
    return runJob(request.jobId, async (signal) => {
      sets.delete(request.setId);
      const { summary, set } = await openDistributedSet(request, { signal, onProgress: throttle(onProgress) });
      if (set) sets.set(request.setId, set);
      return { setId: request.setId, ...summary };
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
      // As the CLI: an input that holds none of the target's parameters is refused, and one that
      // lacks some of them only when asked to write without them.
      checkResliceCoverage(set.view, strategy, set.baseName, {
        allowIncomplete: request.allowIncomplete === true,
        allowHint: 'tick "write without them" to write the rank files anyway',
      });
      const ranks = request.rank === null ? all : [request.rank];
      // Build every job first (cheap: indexes only) so progress covers the real byte total.
      const outputs: PlannedOutput[] = [];
      for (const rank of ranks) {
        signal.throwIfAborted();
        const spec: OutputSpec = { kind: 'reslice', strategy, rank, format: request.format };
        outputs.push({ ...(await buildOutput(set.view, set.baseName, spec, signal)), spec });
      }
      const { written, processes } = await writeSetOutputs(
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
      const { written, processes } = await writeSetOutputs(
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
