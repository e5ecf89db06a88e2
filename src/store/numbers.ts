import type { HeatMapGrid, HeatMapReduce } from '../core/stats/heatmap';
import type { AllStatsResult, NonFiniteAudit, TensorStats } from '../core/stats/tensor-stats';
import type { CompareResult } from '../core/compare/compare';
import type { CompareRequest, NumbersFound, ValuePreview } from '../workers/wire';
import { callback, callWorker, NEVER_ABORTED, progressOf, type JobOptions } from './bridge';

/**
 * Numbers actions: stats, heat maps, previews, the scan of every tensor, compare. The results
 * are plain data the panels show; the worker keeps what it found per file (numbersFoundFor).
 */
export function statsOfTensor(fileId: string, tensor: string, options: JobOptions): Promise<TensorStats> {
  return callWorker(options.signal, (api, jobId) => api.statsOfTensor(fileId, tensor, jobId, progressOf(options)));
}

export function heatMapOf(
  fileId: string,
  tensor: string,
  leading: number[],
  reduce: HeatMapReduce,
  options: JobOptions,
): Promise<HeatMapGrid> {
  return callWorker(options.signal, (api, jobId) =>
    api.heatMapOf(fileId, tensor, leading, reduce, jobId, progressOf(options)),
  );
}

export function previewValues(
  fileId: string,
  tensor: string,
  expression: string | null,
  count: number,
  signal: AbortSignal,
): Promise<ValuePreview> {
  return callWorker(signal, (api) => api.previewValues(fileId, tensor, expression, count));
}

/** Stats of every tensor; rows stream to `onTensors` in batches while the scan runs. */
export function statsOfAll(
  fileId: string,
  options: JobOptions & { onTensors: (batch: TensorStats[]) => void },
): Promise<{ stats: AllStatsResult; nonFinite: NonFiniteAudit }> {
  return callWorker(options.signal, (api, jobId) =>
    api.statsOfAll(fileId, jobId, progressOf(options), callback(options.onTensors)),
  );
}

export function auditNonFinite(fileId: string, options: JobOptions): Promise<NonFiniteAudit> {
  return callWorker(options.signal, (api, jobId) => api.auditNonFiniteOf(fileId, jobId, progressOf(options)));
}

export function compareFiles(request: Omit<CompareRequest, 'jobId'>, options: JobOptions): Promise<CompareResult> {
  return callWorker(options.signal, (api, jobId) => api.compareOpenFiles({ ...request, jobId }, progressOf(options)));
}

/** What was computed for this file earlier in the session (the worker keeps it). */
export function numbersFoundFor(fileId: string, signal: AbortSignal): Promise<NumbersFound> {
  return callWorker(signal, (api) => api.numbersFoundFor(fileId));
}

export function auditReportFor(fileId: string, fileName: string): Promise<{ json: string; markdown: string }> {
  return callWorker(NEVER_ABORTED, (api) => api.auditReportFor(fileId, fileName, new Date().toISOString()));
}
