import { dtypeInfo, mindsporeNameOfSafetensors } from '../../base/dtypes';

/** torch / numpy / lower-case MindSpore spellings → MindSpore `tensor_type` names. */
const ALIASES: Record<string, string> = {
  bool: 'Bool',
  bool_: 'Bool',
  int8: 'Int8',
  int16: 'Int16',
  short: 'Int16',
  int32: 'Int32',
  int: 'Int32',
  int64: 'Int64',
  long: 'Int64',
  uint8: 'UInt8',
  uint16: 'UInt16',
  uint32: 'UInt32',
  uint64: 'UInt64',
  float16: 'Float16',
  half: 'Float16',
  float32: 'Float32',
  float: 'Float32',
  float64: 'Float64',
  double: 'Float64',
  bfloat16: 'BFloat16',
  complex64: 'Complex64',
  cfloat: 'Complex64',
  complex128: 'Complex128',
  cdouble: 'Complex128',
  qint4x2: 'Int4',
  int4: 'Int4',
};

/**
 * The MindSpore name of a dtype as written by MindSpore (`Float32`, `mindspore.float32`),
 * PyTorch (`torch.float32`, `torch.half`), numpy (`float32`, `<f4` is not supported) or
 * safetensors (`F32`). Unknown spellings give null.
 */
export function normalizeDtypeName(raw: string): string | null {
  const trimmed = raw.trim();
  if (dtypeInfo(trimmed)) return trimmed;
  const fromSafetensors = mindsporeNameOfSafetensors(trimmed);
  if (fromSafetensors) return fromSafetensors;
  const bare = trimmed.replace(/^(torch|mindspore|mstype|ms|numpy|np)\./i, '').toLowerCase();
  if (bare === 'uint8' || bare === 'uint16' || bare === 'uint32' || bare === 'uint64') return ALIASES[bare]!;
  return ALIASES[bare] ?? (dtypeInfo(capitalize(bare)) ? capitalize(bare) : null);
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
