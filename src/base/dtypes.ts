/**
 * The dtype table: MindSpore `tensor_type` names (ckpt-format.md §3.1) and safetensors dtype
 * strings (§10.1), with element sizes and the mapping between them.
 */

export type DtypeFamily = 'float' | 'int' | 'uint' | 'bool' | 'complex' | 'other';

export interface DtypeInfo {
  /** MindSpore name as written in `tensor_type`, e.g. `Float32`. */
  name: string;
  /** Bits per element (sub-byte types such as F4 have fewer than 8). */
  bits: number;
  family: DtypeFamily;
  /** Listed in MindSpore's `tensor_to_ms_type`, i.e. `load_checkpoint` accepts it. */
  loadable: boolean;
}

const table: DtypeInfo[] = [
  { name: 'Bool', bits: 8, family: 'bool', loadable: true },
  { name: 'Int8', bits: 8, family: 'int', loadable: true },
  { name: 'UInt8', bits: 8, family: 'uint', loadable: true },
  { name: 'Int16', bits: 16, family: 'int', loadable: true },
  { name: 'UInt16', bits: 16, family: 'uint', loadable: true },
  { name: 'Int32', bits: 32, family: 'int', loadable: true },
  { name: 'UInt32', bits: 32, family: 'uint', loadable: true },
  { name: 'Int64', bits: 64, family: 'int', loadable: true },
  { name: 'UInt64', bits: 64, family: 'uint', loadable: true },
  { name: 'Float16', bits: 16, family: 'float', loadable: true },
  { name: 'Float32', bits: 32, family: 'float', loadable: true },
  { name: 'Float64', bits: 64, family: 'float', loadable: true },
  { name: 'BFloat16', bits: 16, family: 'float', loadable: true },
  // qint4x2: one stored byte per element per MindSpore's size table (misc.cc).
  { name: 'Int4', bits: 8, family: 'int', loadable: true },
  // Written by save_checkpoint but not loadable (missing from tensor_to_ms_type).
  { name: 'Complex64', bits: 64, family: 'complex', loadable: false },
  { name: 'Complex128', bits: 128, family: 'complex', loadable: false },
  // Names used for safetensors-only dtypes (no MindSpore equivalent).
  { name: 'Float8E4M3', bits: 8, family: 'float', loadable: false },
  { name: 'Float8E5M2', bits: 8, family: 'float', loadable: false },
  { name: 'Float8E8M0', bits: 8, family: 'float', loadable: false },
  { name: 'Float6E2M3', bits: 6, family: 'float', loadable: false },
  { name: 'Float6E3M2', bits: 6, family: 'float', loadable: false },
  { name: 'Float4E2M1', bits: 4, family: 'float', loadable: false },
];

const byName = new Map(table.map((info) => [info.name, info]));

export function dtypeInfo(name: string): DtypeInfo | undefined {
  return byName.get(name);
}

/** safetensors dtype string → MindSpore name. */
const safetensorsToMindSpore: Record<string, string> = {
  BOOL: 'Bool',
  U8: 'UInt8',
  I8: 'Int8',
  U16: 'UInt16',
  I16: 'Int16',
  U32: 'UInt32',
  I32: 'Int32',
  U64: 'UInt64',
  I64: 'Int64',
  F16: 'Float16',
  BF16: 'BFloat16',
  F32: 'Float32',
  F64: 'Float64',
  C64: 'Complex64',
  F8_E4M3: 'Float8E4M3',
  F8_E5M2: 'Float8E5M2',
  F8_E8M0: 'Float8E8M0',
  F6_E2M3: 'Float6E2M3',
  F6_E3M2: 'Float6E3M2',
  F4: 'Float4E2M1',
};

// Maps, both ways: called per tensor when exporting, and no prototype keys ("constructor").
const mindsporeBySafetensors = new Map(Object.entries(safetensorsToMindSpore));
const safetensorsByMindSpore = new Map(Object.entries(safetensorsToMindSpore).map(([raw, name]) => [name, raw]));

export function mindsporeNameOfSafetensors(raw: string): string | undefined {
  return mindsporeBySafetensors.get(raw);
}

export function safetensorsNameOf(mindsporeName: string): string | undefined {
  return safetensorsByMindSpore.get(mindsporeName);
}

/** Product of dims as a number; callers check Number.isSafeInteger on the result. */
export function elementCount(shape: readonly number[]): number {
  let count = 1;
  // Indexed, not for-of: shapes are shared frozen arrays, whose iterator V8 does not make cheap.
  for (let i = 0; i < shape.length; i += 1) count *= shape[i] as number;
  return count;
}

/** Whether two shapes are the same dims in the same order. */
export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) return false;
  return true;
}

/** Bytes needed for `count` elements of a dtype, rounding sub-byte types up. */
export function byteLengthOf(info: DtypeInfo, count: number): number {
  return Math.ceil((count * info.bits) / 8);
}
