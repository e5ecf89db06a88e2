import * as Comlink from 'comlink';
import { LensError } from '../../base/errors';
import { PREVIEW_MAX_ELEMENTS } from '../../base/limits';
import type { TensorEntry } from '../../base/types';
import { compareCheckpoints, type CompareResult } from '../../core/compare/compare';
import { compileNameMap, type NameMapSpec } from '../../core/name-map';
import { buildAuditReport } from '../../core/report/audit-report';
import { computeHeatMap, type HeatMapGrid, type HeatMapReduce } from '../../core/stats/heatmap';
import {
  readFirstValues,
  readTensorSlice,
  tensorValuesJson,
  tensorValuesNumpy,
  type TensorValues,
} from '../../core/stats/slice';
import {
  computeAllStats,
  computeTensorStats,
  auditNonFinite,
  nonFiniteAuditFrom,
  type AllStatsResult,
  type NonFiniteAudit,
  type TensorStats,
} from '../../core/stats/tensor-stats';
import { requireOpen, runJob, throttle, type OpenFileEntry, type ProgressCallback } from '../registry';

/**
 * The "Numbers" feature: stats, histograms, heat maps, value previews, the NaN/Inf audit and
 * compare, all computed here from the open files; the page gets small plain results. What was
 * computed is remembered per file so the audit report (and a re-mounted panel) can use it.
 */

export interface CompareFound {
  fileA: string;
  fileB: string;
  fileIdB: string;
  result: CompareResult;
}

/** What this worker has computed for a file so far (plain data). */
export interface NumbersFound {
  stats: AllStatsResult | null;
  nonFinite: NonFiniteAudit | null;
  compare: CompareFound | null;
}

export interface ValuePreview {
  values: TensorValues;
  json: string;
  numpy: string;
}

export interface CompareRequest {
  fileIdA: string;
  fileIdB: string;
  /** Names as the user knows them (for the report). */
  nameA: string;
  nameB: string;
  /** Rules from the store's name-map text (specFromText), compiled here. */
  nameMap: NameMapSpec | null;
  jobId: string;
}

const found = new Map<string, NumbersFound>();

function foundFor(fileId: string): NumbersFound {
  let entry = found.get(fileId);
  if (!entry) {
    entry = { stats: null, nonFinite: null, compare: null };
    found.set(fileId, entry);
  }
  return entry;
}

function tensorOf(opened: OpenFileEntry, name: string): TensorEntry {
  const entry = opened.index.tensors.find((tensor) => tensor.name === name);
  if (!entry) throw new LensError('tensor-not-found', { tensor: name });
  return entry;
}

/** Batches streamed rows so the page is called at most every 250 ms. */
function batcher<T>(send: ((items: T[]) => unknown) | undefined): { add(item: T): void; flush(): Promise<void> } {
  let pending: T[] = [];
  let last = 0;
  let sent: Promise<unknown> = Promise.resolve();
  const flush = async (): Promise<void> => {
    if (send && pending.length > 0) {
      const items = pending;
      pending = [];
      last = performance.now();
      sent = Promise.resolve(send(items));
    }
    // The last batch reaches the page before the result does.
    await sent;
  };
  return {
    add(item) {
      if (!send) return;
      pending.push(item);
      if (performance.now() - last > 250) void flush();
    },
    flush,
  };
}

export const statsApi = {
  /** Stats and a histogram of one tensor. */
  async statsOfTensor(
    fileId: string,
    tensor: string,
    jobId: string,
    onProgress?: ProgressCallback,
  ): Promise<TensorStats> {
    return runJob(jobId, async (signal) => {
      const opened = requireOpen(fileId);
      const progress = throttle(onProgress);
      return computeTensorStats(opened.plaintext, tensorOf(opened, tensor), {
        signal,
        ...(progress ? { onProgress: (p) => progress(p.totalBytes === 0 ? 1 : p.doneBytes / p.totalBytes) } : {}),
      });
    });
  },

  /** Stats of every numeric tensor in one streaming pass; also yields the NaN/Inf audit. */
  async statsOfAll(
    fileId: string,
    jobId: string,
    onProgress?: ProgressCallback,
    onTensors?: (batch: TensorStats[]) => void,
  ): Promise<{ stats: AllStatsResult; nonFinite: NonFiniteAudit }> {
    return runJob(jobId, async (signal) => {
      const opened = requireOpen(fileId);
      const progress = throttle(onProgress);
      const rows = batcher(onTensors);
      const stats = await computeAllStats(opened.plaintext, opened.index, {
        signal,
        onTensor: (row) => rows.add(row),
        ...(progress ? { onProgress: (p) => progress(p.totalBytes === 0 ? 1 : p.doneBytes / p.totalBytes) } : {}),
      });
      await rows.flush();
      const nonFinite = nonFiniteAuditFrom(stats);
      const entry = foundFor(fileId);
      entry.stats = stats;
      entry.nonFinite = nonFinite;
      return { stats, nonFinite };
    });
  },

  /** Every tensor with NaN or ±Inf (float tensors only are read). */
  async auditNonFiniteOf(fileId: string, jobId: string, onProgress?: ProgressCallback): Promise<NonFiniteAudit> {
    return runJob(jobId, async (signal) => {
      const opened = requireOpen(fileId);
      const progress = throttle(onProgress);
      const audit = await auditNonFinite(opened.plaintext, opened.index, {
        signal,
        ...(progress ? { onProgress: (p) => progress(p.totalBytes === 0 ? 1 : p.doneBytes / p.totalBytes) } : {}),
      });
      foundFor(fileId).nonFinite = audit;
      return audit;
    });
  },

  /** The first `count` values, or a slice like `[0, :8, 3]` when `expression` is given. */
  async previewValues(fileId: string, tensor: string, expression: string | null, count: number): Promise<ValuePreview> {
    const opened = requireOpen(fileId);
    const entry = tensorOf(opened, tensor);
    const options = { maxElements: PREVIEW_MAX_ELEMENTS };
    const values =
      expression !== null && expression.trim() !== ''
        ? await readTensorSlice(opened.plaintext, entry, expression, options)
        : await readFirstValues(opened.plaintext, entry, count, options);
    return { values, json: tensorValuesJson(values), numpy: tensorValuesNumpy(values) };
  },

  /** A ≤256×256 grid of one 2-D slice (leading indices fix the other axes); cells are transferred. */
  async heatMapOf(
    fileId: string,
    tensor: string,
    leading: number[],
    reduce: HeatMapReduce,
    jobId: string,
    onProgress?: ProgressCallback,
  ): Promise<HeatMapGrid> {
    const grid = await runJob(jobId, async (signal) => {
      const opened = requireOpen(fileId);
      const progress = throttle(onProgress);
      return computeHeatMap(opened.plaintext, tensorOf(opened, tensor), leading, {
        signal,
        reduce,
        ...(progress ? { onProgress: progress } : {}),
      });
    });
    return Comlink.transfer(grid, [grid.cells.buffer]);
  },

  /** Compare two open files tensor by tensor (pairs through the name map when given). */
  async compareOpenFiles(request: CompareRequest, onProgress?: ProgressCallback): Promise<CompareResult> {
    return runJob(request.jobId, async (signal) => {
      const a = requireOpen(request.fileIdA);
      const b = requireOpen(request.fileIdB);
      const nameMap = request.nameMap ? compileNameMap(request.nameMap) : null;
      const progress = throttle(onProgress);
      const result = await compareCheckpoints(a, b, {
        signal,
        ...(nameMap ? { rename: (name: string) => nameMap.apply(name) } : {}),
        ...(progress ? { onProgress: (p) => progress(p.totalPairs === 0 ? 1 : p.donePairs / p.totalPairs) } : {}),
      });
      foundFor(request.fileIdA).compare = {
        fileA: request.nameA,
        fileB: request.nameB,
        fileIdB: request.fileIdB,
        result,
      };
      return result;
    });
  },

  /** What was computed for this file so far (for a panel that mounts again). */
  numbersFoundFor(fileId: string): NumbersFound {
    return found.get(fileId) ?? { stats: null, nonFinite: null, compare: null };
  },

  /** The audit report (JSON + Markdown) from the index and whatever was computed. */
  auditReportFor(fileId: string, fileName: string, generatedAt: string): { json: string; markdown: string } {
    const opened = requireOpen(fileId);
    const entry = found.get(fileId);
    const report = buildAuditReport({
      fileName,
      index: opened.index,
      generatedAt,
      ...(entry?.stats ? { stats: entry.stats } : {}),
      ...(entry?.nonFinite ? { nonFinite: entry.nonFinite } : {}),
      ...(entry?.compare
        ? { compare: { fileA: entry.compare.fileA, fileB: entry.compare.fileB, result: entry.compare.result } }
        : {}),
    });
    return { json: JSON.stringify(report.json, null, 2), markdown: report.markdown };
  },

  /** Drop what was computed for a file (when it is closed). */
  forgetNumbers(fileId: string): void {
    found.delete(fileId);
  },
};
