import { LensError } from '../../base/errors';
import { MAX_DIMS, MAX_MANIFEST_ENTRIES } from '../../base/limits';
import { mindspore } from '../../generated/anf_ir.js';
import type { NetworkManifest, NetworkParam } from './types';

const { DataType, ModelProto } = mindspore.irpb;

/** anf_ir DataType → MindSpore tensor_type names (only the tensor element types). */
const ELEMENT_TYPES: Partial<Record<number, string>> = {
  [DataType.DT_BOOL]: 'Bool',
  [DataType.DT_INT8]: 'Int8',
  [DataType.DT_INT16]: 'Int16',
  [DataType.DT_INT32]: 'Int32',
  [DataType.DT_INT64]: 'Int64',
  [DataType.DT_UINT8]: 'UInt8',
  [DataType.DT_UINT16]: 'UInt16',
  [DataType.DT_UINT32]: 'UInt32',
  [DataType.DT_UINT64]: 'UInt64',
  [DataType.DT_FLOAT16]: 'Float16',
  [DataType.DT_FLOAT32]: 'Float32',
  [DataType.DT_FLOAT64]: 'Float64',
  [DataType.DT_COMPLEX64]: 'Complex64',
  [DataType.DT_COMPLEX128]: 'Complex128',
};

export function mindsporeNameOfAnfDataType(code: number): string | null {
  return ELEMENT_TYPES[code] ?? null;
}

/** int64 fields decode as Long-like objects; dims must be plain, safe numbers. */
function toSafeNumber(value: number | { low: number; high: number } | null | undefined): number {
  if (value === null || value === undefined) return NaN;
  if (typeof value === 'number') return value;
  const result = value.high * 2 ** 32 + (value.low >>> 0);
  return Number.isSafeInteger(result) ? result : NaN;
}

/** True if the bytes look like a serialized ModelProto (ir_version, domain or graph field first). */
export function looksLikeGraphMeta(head: Uint8Array): boolean {
  return head.length > 2 && (head[0] === 0x08 || head[0] === 0x12 || head[0] === 0x22);
}

/**
 * MindSpore `*-graph.meta` (anf_ir.proto ModelProto, written by ModelCheckpoint beside the
 * checkpoint): the top graph's parameters with their types. A tensor parameter has
 * `type.tensor_type {elem_type, shape}` (no shape = scalar); old files (2020) write scalars as
 * a bare `type.data_type`. Graph inputs come first and carry nothing that marks them, so the
 * leading parameters without a dot, followed by dotted ones, are flagged as inputs.
 */
export function parseGraphMeta(bytes: Uint8Array, file?: string): NetworkManifest {
  let model: mindspore.irpb.ModelProto;
  try {
    model = ModelProto.decode(bytes);
  } catch (error) {
    throw new LensError('manifest-bad-meta', {
      hint: `It does not decode as a MindSpore ModelProto (${error instanceof Error ? error.message : String(error)})`,
      ...(file ? { file } : {}),
    });
  }
  const parameters = model.graph?.parameters ?? [];
  if (parameters.length === 0) {
    throw new LensError('manifest-bad-meta', { hint: 'The graph has no parameters', ...(file ? { file } : {}) });
  }
  if (parameters.length > MAX_MANIFEST_ENTRIES) {
    throw new LensError('manifest-too-large', {
      actual: `${parameters.length} parameters`,
      limit: MAX_MANIFEST_ENTRIES,
    });
  }
  const params: NetworkParam[] = parameters.map((parameter, index) => {
    const name = parameter.name ?? '';
    if (name === '')
      throw new LensError('manifest-bad-meta', {
        hint: `Parameter ${index + 1} has no name`,
        ...(file ? { file } : {}),
      });
    const type = parameter.type;
    const tensor = type?.tensorType;
    if (tensor) {
      const code = tensor.elemType ?? DataType.DT_UNDEFINED;
      const dims = tensor.shape?.dim ?? [];
      if (dims.length > MAX_DIMS)
        throw new LensError('manifest-bad-meta', {
          hint: `"${name}" has too many dimensions`,
          ...(file ? { file } : {}),
        });
      const shape = dims.map((dim) => toSafeNumber(dim.size));
      // -1 marks a dynamic dimension: the shape is then unknown for loading purposes.
      const known = shape.every((dim) => Number.isSafeInteger(dim) && dim >= 0);
      return {
        name,
        dtype: mindsporeNameOfAnfDataType(code),
        shape: known ? shape : null,
        rawDtype: DataType[code] ?? String(code),
      };
    }
    const code = type?.dataType ?? DataType.DT_UNDEFINED;
    // Scalar parameter written as a bare data type (MindSpore ≤ 0.x).
    return {
      name,
      dtype: mindsporeNameOfAnfDataType(code),
      shape: [],
      rawDtype: `scalar ${DataType[code] ?? String(code)}`,
    };
  });
  const notes: string[] = [];
  const firstDotted = params.findIndex((param) => param.name.includes('.'));
  if (firstDotted > 0) {
    for (let i = 0; i < firstDotted; i += 1) params[i]!.graphInput = true;
    notes.push(
      `${firstDotted} leading graph input(s) (${params
        .slice(0, firstDotted)
        .map((param) => param.name)
        .join(', ')}) are the network's call arguments, not weights; they are not compared.`,
    );
  }
  return { kind: 'graph-meta', layout: 'anf_ir ModelProto', params, notes };
}
