import type { FileProblemCode, TensorProblemCode } from './types';

/**
 * Problems that say how a file was saved or what Ckpt Lens does not do, not that its bytes are
 * damaged, contradictory or dangerous: the file's verdict (core/summary) counts them as notes, and
 * Verify integrity (integrity/verify) does not fail on them.
 */
const NOTE_CODES: ReadonlySet<TensorProblemCode | FileProblemCode> = new Set<TensorProblemCode | FileProblemCode>([
  'legacy-bfloat16-as-float32',
  'legacy-scalar-dims',
  'map-tensor-unsupported',
  'duplicate-name',
  'ckpt-duplicate-tag',
  // Bytes protobuf skips: MindSpore loads the file as if they were not there.
  'ckpt-unknown-field',
  'safetensors-duplicate-key',
  // How a PyTorch file was saved, not damage.
  'pickle-needs-classes',
  'pickle-unsupported-object',
  'ddp-prefix',
  // A torch dtype MindSpore lacks (complex, float8), a view too large to gather in memory: the
  // values are listed and not converted, the file is fine.
  'no-mindspore-dtype',
  'view-too-fragmented',
  // A str value above the decode limit: listed, its text not read; the file is fine.
  'string-too-large',
]);

export function isNoteProblem(code: TensorProblemCode | FileProblemCode): boolean {
  return NOTE_CODES.has(code);
}
