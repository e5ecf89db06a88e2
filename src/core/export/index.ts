/** Export: re-save a checkpoint as MindSpore's save_checkpoint writes it (plan → job → bytes). */
export { numberToFloat16Bits } from './casts';
export {
  contentReadOrder,
  planExport,
  type AppendValue,
  type CastRule,
  type ExportFormat,
  type ExportOptions,
} from './plan';
export {
  buildExport,
  createCrc32,
  exportBlob,
  exportBlobParts,
  exportChunks,
  safetensorsCrc,
  writeExportTo,
  type BuildOptions,
  type CastReportEntry,
  type ExportJob,
  type ExportSink,
} from './output';
export { parseAppendValue } from './parse';
export { verifyExport, type VerifyReport } from './verify';
