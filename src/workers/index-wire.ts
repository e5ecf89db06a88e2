/**
 * A checkpoint index as columns for the trip from the worker to the page: typed arrays that are
 * transferred (not copied), one text holding every name, and tables of the shapes, dtypes and
 * shards the tensors share. Posting a million TensorEntry objects made the browser serialise a
 * million objects and several million strings (each dtype again, per tensor), and the page then
 * held about 760 bytes per tensor; decoded from columns, repeated values are one shared copy.
 *
 * `decodeIndex(encodeIndex(index))` deep-equals `index` (tested on every real fixture).
 */
import { Interner } from '../base/intern';
import type { CheckpointIndex, TensorEntry, TensorKind, TensorProblem, TensorView } from '../base/types';

const KINDS: readonly TensorKind[] = ['tensor', 'string', 'random_op', 'map'];
/** "Absent" in an id column. */
const NONE = 0xffffffff;

/**
 * A whole number read from a Float64Array as a small integer where it fits (V8 then stores it
 * in the object, not as a separate 12-byte heap number: three per tensor).
 */
function compact(value: number): number {
  return value >= 0 && value <= 0x3fffffff ? value | 0 : value;
}

/** What a tensor rarely has: sent as a sparse list. */
interface Rare {
  at: number;
  problems?: TensorProblem[];
  view?: TensorView;
  /** Values other than finite-or-not numbers (strings, booleans). */
  value?: string | boolean;
}

export interface IndexColumns {
  /** The index without its tensors. */
  rest: Omit<CheckpointIndex, 'tensors'>;
  count: number;
  names: string;
  /** Where each name ends in `names` (UTF-16 units). */
  nameEnds: Uint32Array;
  strings: string[];
  dtype: Uint32Array;
  rawDtype: Uint32Array;
  shard: Uint32Array;
  kind: Uint8Array;
  shapes: number[][];
  shape: Uint32Array;
  storedDims: Uint32Array;
  bytes: Float64Array;
  /** Tensor i's ranges are rangeOffset/rangeLength[rangeStart[i], rangeStart[i + 1]). */
  rangeStart: Uint32Array;
  rangeOffset: Float64Array;
  rangeLength: Float64Array;
  /** 1 where `numberValue` holds the tensor's value. */
  hasNumber: Uint8Array;
  numberValue: Float64Array;
  rare: Rare[];
}

/** The columns of an index and the buffers to transfer with them. */
export function encodeIndex(index: CheckpointIndex): { columns: IndexColumns; transfer: ArrayBuffer[] } {
  const { tensors, ...rest } = index;
  const count = tensors.length;
  const stringIds = new Map<string, number>();
  const strings: string[] = [];
  const stringId = (text: string | undefined): number => {
    if (text === undefined) return NONE;
    let id = stringIds.get(text);
    if (id === undefined) {
      id = strings.length;
      strings.push(text);
      stringIds.set(text, id);
    }
    return id;
  };
  const shapeIds = new Map<string, number>();
  const shapes: number[][] = [];
  const shapeId = (dims: number[] | undefined): number => {
    if (dims === undefined) return NONE;
    const key = dims.join(',');
    let id = shapeIds.get(key);
    if (id === undefined) {
      id = shapes.length;
      shapes.push([...dims]);
      shapeIds.set(key, id);
    }
    return id;
  };
  const nameEnds = new Uint32Array(count);
  const dtype = new Uint32Array(count);
  const rawDtype = new Uint32Array(count);
  const shard = new Uint32Array(count);
  const kind = new Uint8Array(count);
  const shape = new Uint32Array(count);
  const storedDims = new Uint32Array(count);
  const bytes = new Float64Array(count);
  const rangeStart = new Uint32Array(count + 1);
  const hasNumber = new Uint8Array(count);
  const numberValue = new Float64Array(count);
  const rare: Rare[] = [];
  const names: string[] = [];
  let nameEnd = 0;
  let rangeCount = 0;
  for (const tensor of tensors) rangeCount += tensor.ranges.length;
  const rangeOffset = new Float64Array(rangeCount);
  const rangeLength = new Float64Array(rangeCount);
  let range = 0;
  for (let i = 0; i < count; i += 1) {
    const tensor = tensors[i] as TensorEntry;
    names.push(tensor.name);
    nameEnd += tensor.name.length;
    nameEnds[i] = nameEnd;
    dtype[i] = stringId(tensor.dtype);
    rawDtype[i] = stringId(tensor.rawDtype);
    shard[i] = stringId(tensor.shard);
    kind[i] = KINDS.indexOf(tensor.kind);
    shape[i] = shapeId(tensor.shape);
    storedDims[i] = shapeId(tensor.storedDims);
    bytes[i] = tensor.bytes;
    rangeStart[i] = range;
    for (const { offset, length } of tensor.ranges) {
      rangeOffset[range] = offset;
      rangeLength[range] = length;
      range += 1;
    }
    const entry: Rare = { at: i };
    if (typeof tensor.value === 'number') {
      hasNumber[i] = 1;
      numberValue[i] = tensor.value;
    } else if (tensor.value !== undefined) entry.value = tensor.value;
    if (tensor.problems) entry.problems = tensor.problems;
    if (tensor.view) entry.view = tensor.view;
    if (entry.value !== undefined || entry.problems || entry.view) rare.push(entry);
  }
  rangeStart[count] = range;
  const columns: IndexColumns = {
    rest,
    count,
    names: names.join(''),
    nameEnds,
    strings,
    dtype,
    rawDtype,
    shard,
    kind,
    shapes,
    shape,
    storedDims,
    bytes,
    rangeStart,
    rangeOffset,
    rangeLength,
    hasNumber,
    numberValue,
    rare,
  };
  // Every typed-array column moves with the message.
  const transfer = Object.values(columns).flatMap((column) =>
    ArrayBuffer.isView(column) ? [column.buffer as ArrayBuffer] : [],
  );
  return { columns, transfer };
}

/** The index again, its tensors as plain entries sharing one copy of each shape and dtype. */
export function decodeIndex(columns: IndexColumns): CheckpointIndex {
  const { count, names, strings } = columns;
  const intern = new Interner();
  const shapes = columns.shapes.map((dims) => intern.shape(dims));
  const rare = new Map<number, Rare>();
  for (const entry of columns.rare) rare.set(entry.at, entry);
  const tensors: TensorEntry[] = new Array<TensorEntry>(count);
  let nameStart = 0;
  for (let i = 0; i < count; i += 1) {
    const nameEnd = columns.nameEnds[i] as number;
    const first = columns.rangeStart[i] as number;
    const end = columns.rangeStart[i + 1] as number;
    // Exactly sized (a push-grown array keeps room for 16 more).
    const ranges =
      end - first === 1
        ? [
            {
              offset: compact(columns.rangeOffset[first] as number),
              length: compact(columns.rangeLength[first] as number),
            },
          ]
        : Array.from({ length: end - first }, (_, r) => ({
            offset: compact(columns.rangeOffset[first + r] as number),
            length: compact(columns.rangeLength[first + r] as number),
          }));
    const name = names.slice(nameStart, nameEnd);
    nameStart = nameEnd;
    const dtype = strings[columns.dtype[i] as number] as string;
    const shape = shapes[columns.shape[i] as number] as number[];
    const kind = KINDS[columns.kind[i] as number] as TensorKind;
    const bytes = compact(columns.bytes[i] as number);
    const rawId = columns.rawDtype[i] as number;
    const storedId = columns.storedDims[i] as number;
    // One literal per common layout (safetensors has rawDtype, .ckpt storedDims): properties
    // added afterwards live in a separate backing store, tens of bytes per tensor.
    const storedDims = storedId === NONE ? undefined : (shapes[storedId] as number[]);
    const tensor: TensorEntry =
      rawId !== NONE
        ? { name, dtype, rawDtype: strings[rawId] as string, shape, kind, bytes, ranges }
        : storedDims
          ? { name, dtype, shape, storedDims, kind, bytes, ranges }
          : { name, dtype, shape, kind, bytes, ranges };
    if (storedDims && rawId !== NONE) tensor.storedDims = storedDims;
    if (columns.hasNumber[i] === 1) tensor.value = columns.numberValue[i] as number;
    const extra = rare.get(i);
    if (extra?.value !== undefined) tensor.value = extra.value;
    if (extra?.problems) tensor.problems = extra.problems;
    if (extra?.view) tensor.view = extra.view;
    const shard = columns.shard[i] as number;
    if (shard !== NONE) tensor.shard = strings[shard] as string;
    tensors[i] = tensor;
  }
  return { ...columns.rest, tensors } as CheckpointIndex;
}
