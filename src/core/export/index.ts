/** Export: re-save a checkpoint as MindSpore's save_checkpoint writes it (plan → job → bytes). */
export {
  FLOAT_CAST_DTYPES,
  INT_CAST_DTYPES,
  isAllowedCast,
  numberToBfloat16Bits,
  numberToFloat16Bits,
  type CastStats,
} from './casts';
export {
  checkEncryptionOptions,
  contentReadOrder,
  encodeAppendValue,
  planExport,
  type AppendDictEdits,
  type AppendValue,
  type CastRule,
  type EncryptionMode,
  type ExportFormat,
  type ExportOptions,
  type ExportPlan,
  type PlannedTensor,
  type RenameRule,
  type RenameRules,
  type TensorSelection,
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
  type StreamOptions,
} from './output';
export { parseAppendValue } from './parse';
export { verifyExport, type VerifyMismatch, type VerifyReport } from './verify';
