/**
 * The wire: every type that crosses between the page and the parsing worker, in one module.
 * The store and the UI import these with `import type` only (dependency-cruiser holds the line);
 * the worker's API and its feature modules define them beside the code that fills them.
 */
export type { WorkerApi } from './api';
export type { ExportRequest, ExportResult } from './features/export';
export type { LoadDiffRequest } from './features/load-check';
export type { CompareRequest, NumbersFound, ValuePreview } from './features/stats';
export type { TreeShapeData } from './features/tree';
export type {
  OpenSetResult,
  RankFormat,
  ReplicaCheckResult,
  ResliceStrategyInfo,
  SetExportRequest,
  SetExportResult,
  SetFileInput,
  SetIgnoredFile,
  SetResliceRequest,
  SetResliceResult,
} from './features/distributed';
