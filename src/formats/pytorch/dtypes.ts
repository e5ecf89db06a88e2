/** torch dtypes: element size, and the MindSpore name where MindSpore has the same type. */

interface TorchDtype {
  /** Bytes per element as torch stores it (sub-byte packed types count their storage byte). */
  itemsize: number;
  mindspore?: string;
}

const TORCH_DTYPES: Readonly<Record<string, TorchDtype>> = {
  float32: { itemsize: 4, mindspore: 'Float32' },
  float16: { itemsize: 2, mindspore: 'Float16' },
  float64: { itemsize: 8, mindspore: 'Float64' },
  bfloat16: { itemsize: 2, mindspore: 'BFloat16' },
  int8: { itemsize: 1, mindspore: 'Int8' },
  int16: { itemsize: 2, mindspore: 'Int16' },
  int32: { itemsize: 4, mindspore: 'Int32' },
  int64: { itemsize: 8, mindspore: 'Int64' },
  uint8: { itemsize: 1, mindspore: 'UInt8' },
  uint16: { itemsize: 2, mindspore: 'UInt16' },
  uint32: { itemsize: 4, mindspore: 'UInt32' },
  uint64: { itemsize: 8, mindspore: 'UInt64' },
  bool: { itemsize: 1, mindspore: 'Bool' },
  complex64: { itemsize: 8 },
  complex128: { itemsize: 16 },
  complex32: { itemsize: 4 },
  float8_e4m3fn: { itemsize: 1 },
  float8_e5m2: { itemsize: 1 },
  float8_e4m3fnuz: { itemsize: 1 },
  float8_e5m2fnuz: { itemsize: 1 },
  float8_e8m0fnu: { itemsize: 1 },
  float4_e2m1fn_x2: { itemsize: 1 },
  qint8: { itemsize: 1 },
  quint8: { itemsize: 1 },
  qint32: { itemsize: 4 },
  quint4x2: { itemsize: 1 },
  quint2x4: { itemsize: 1 },
};

const byName = new Map(Object.entries(TORCH_DTYPES));

export function torchDtype(name: string): TorchDtype | undefined {
  return byName.get(name);
}
