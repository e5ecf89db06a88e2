/**
 * A checkpoint's tensors as columns: typed arrays, one text holding every name, and tables of
 * the shapes and dtypes the tensors share. This is how the page holds an index (the worker
 * makes it once and transfers its buffers; nothing is cloned tensor by tensor): a tensor costs
 * about 65 bytes here against about 220 as a `TensorEntry` object, and a million tensors arrive
 * as a dozen buffers instead of a million objects for the page's garbage collector to walk.
 *
 * Readers go through `TensorRows`, which a plain entry array also offers (`rowsOf`), so the same
 * core function serves the CLI's arrays and the page's columns; `entry(i)` makes one
 * `TensorEntry` for what wants an object (a selected tensor's panel, a test).
 *
 * `new TensorColumns(TensorColumns.fromEntries(entries).data).entries()` deep-equals `entries`.
 */
import { Interner } from './intern';
import type { ByteRange, CheckpointIndex, TensorEntry, TensorKind, TensorProblem, TensorView } from './types';

const KINDS: readonly TensorKind[] = ['tensor', 'string', 'random_op', 'map'];
/** "Absent" in an id column. */
const NONE = 0xffffffff;

/** What a tensor rarely has: kept as a sparse list. */
export interface RareFields {
  at: number;
  problems?: TensorProblem[];
  view?: TensorView;
  /** Values other than numbers (strings, booleans). */
  value?: string | boolean;
}

/** The columns as plain data: what crosses between worker and page (its typed arrays transferred). */
export interface TensorColumnData {
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
  rare: RareFields[];
}

/** Read access to a list of tensors by position, whichever way it is held. */
export interface TensorRows {
  readonly length: number;
  name(i: number): string;
  dtype(i: number): string;
  shape(i: number): readonly number[];
  kind(i: number): TensorKind;
  bytes(i: number): number;
  shard(i: number): string | undefined;
  value(i: number): string | number | boolean | undefined;
  problems(i: number): readonly TensorProblem[] | undefined;
  /** The positions of the tensors that have problems, in order. */
  withProblems(): readonly number[];
  /** Tensor i as one object (made on demand by the columns). */
  entry(i: number): TensorEntry;
}

/** `lookup` with its last answer remembered: the same value (by identity) again needs no lookup. */
function lastOf<T>(lookup: (value: T) => number): (value: T) => number {
  let last: T | undefined;
  let lastId = -1;
  return (value) => {
    if (lastId >= 0 && value === last) return lastId;
    last = value;
    lastId = lookup(value);
    return lastId;
  };
}

/** A whole number from a Float64Array as a small integer where it fits (stored in the object, not boxed). */
function compact(value: number): number {
  return value >= 0 && value <= 0x3fffffff ? value | 0 : value;
}

export class TensorColumns implements TensorRows {
  readonly length: number;
  private readonly shapeTable: readonly number[][];
  private readonly rareAt = new Map<number, RareFields>();
  private problemPositions: number[] | null = null;

  constructor(readonly data: TensorColumnData) {
    this.length = data.count;
    const intern = new Interner();
    this.shapeTable = data.shapes.map((dims) => intern.shape(dims));
    for (const rare of data.rare) this.rareAt.set(rare.at, rare);
  }

  /** Columns of `entries`, each distinct shape and dtype stored once. */
  static fromEntries(entries: readonly TensorEntry[]): TensorColumns {
    const count = entries.length;
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
    const shapeIds = new Map<readonly number[] | string, number>();
    const shapes: number[][] = [];
    const shapeId = (dims: readonly number[] | undefined): number => {
      if (dims === undefined) return NONE;
      // Interned shapes repeat as one array: found without making a key.
      let id = shapeIds.get(dims);
      if (id !== undefined) return id;
      const key = dims.join(',');
      id = shapeIds.get(key);
      if (id === undefined) {
        id = shapes.length;
        shapes.push([...dims]);
        shapeIds.set(key, id);
      }
      if (Object.isFrozen(dims)) shapeIds.set(dims, id);
      return id;
    };
    // Neighbours mostly share their dtype and shape: a run of equal ones makes no lookup.
    const dtypeId = lastOf(stringId);
    const rawDtypeId = lastOf(stringId);
    const shardId = lastOf(stringId);
    const shapeIdOf = lastOf(shapeId);
    const storedDimsId = lastOf(shapeId);
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
    const rare: RareFields[] = [];
    const names: string[] = [];
    let nameEnd = 0;
    let rangeCount = 0;
    for (const tensor of entries) rangeCount += tensor.ranges.length;
    const rangeOffset = new Float64Array(rangeCount);
    const rangeLength = new Float64Array(rangeCount);
    let range = 0;
    for (let i = 0; i < count; i += 1) {
      const tensor = entries[i] as TensorEntry;
      names.push(tensor.name);
      nameEnd += tensor.name.length;
      nameEnds[i] = nameEnd;
      dtype[i] = dtypeId(tensor.dtype);
      rawDtype[i] = rawDtypeId(tensor.rawDtype);
      shard[i] = shardId(tensor.shard);
      kind[i] = KINDS.indexOf(tensor.kind);
      shape[i] = shapeIdOf(tensor.shape);
      storedDims[i] = storedDimsId(tensor.storedDims);
      bytes[i] = tensor.bytes;
      rangeStart[i] = range;
      const ranges = tensor.ranges;
      for (let r = 0; r < ranges.length; r += 1) {
        const { offset, length } = ranges[r] as ByteRange;
        rangeOffset[range] = offset;
        rangeLength[range] = length;
        range += 1;
      }
      if (typeof tensor.value === 'number') {
        hasNumber[i] = 1;
        numberValue[i] = tensor.value;
      }
      const value = typeof tensor.value === 'number' ? undefined : tensor.value;
      // Most tensors have none of these: no object is made for them.
      if (value !== undefined || tensor.problems || tensor.view) {
        const fields: RareFields = { at: i };
        if (value !== undefined) fields.value = value;
        if (tensor.problems) fields.problems = tensor.problems;
        if (tensor.view) fields.view = tensor.view;
        rare.push(fields);
      }
    }
    rangeStart[count] = range;
    return new TensorColumns({
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
    });
  }

  /** The buffers to transfer with `data`. */
  transferables(): ArrayBuffer[] {
    return Object.values(this.data).flatMap((column) =>
      ArrayBuffer.isView(column) ? [column.buffer as ArrayBuffer] : [],
    );
  }

  private nameStart(i: number): number {
    return i === 0 ? 0 : (this.data.nameEnds[i - 1] as number);
  }

  name(i: number): string {
    return this.data.names.slice(this.nameStart(i), this.data.nameEnds[i]);
  }

  /** Two names compared by UTF-16 code units (as `<` compares strings), without making either. */
  compareNames(a: number, b: number): number {
    const { names, nameEnds } = this.data;
    let pa = this.nameStart(a);
    let pb = this.nameStart(b);
    const ea = nameEnds[a] as number;
    const eb = nameEnds[b] as number;
    while (pa < ea && pb < eb) {
      const diff = names.charCodeAt(pa) - names.charCodeAt(pb);
      if (diff !== 0) return diff;
      pa += 1;
      pb += 1;
    }
    return ea - pa - (eb - pb);
  }

  /** The position of the first tensor named `name`, or -1. */
  find(name: string): number {
    const { names, nameEnds } = this.data;
    for (let from = 0; from <= names.length;) {
      const at = names.indexOf(name, from);
      // indexOf clamps a start past the end: an empty name would be found there forever.
      if (at < from) return -1;
      // The tensors that end where this occurrence ends; one of them may start where it starts.
      const end = at + name.length;
      let lo = 0;
      let hi = this.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if ((nameEnds[mid] as number) < end) lo = mid + 1;
        else hi = mid;
      }
      for (let i = lo; i < this.length && nameEnds[i] === end; i += 1) if (this.nameStart(i) === at) return i;
      from = at + 1;
    }
    return -1;
  }

  dtype(i: number): string {
    return this.data.strings[this.data.dtype[i] as number] as string;
  }

  shape(i: number): readonly number[] {
    return this.shapeTable[this.data.shape[i] as number] as number[];
  }

  kind(i: number): TensorKind {
    return KINDS[this.data.kind[i] as number] as TensorKind;
  }

  bytes(i: number): number {
    return compact(this.data.bytes[i] as number);
  }

  shard(i: number): string | undefined {
    const id = this.data.shard[i] as number;
    return id === NONE ? undefined : this.data.strings[id];
  }

  value(i: number): string | number | boolean | undefined {
    if (this.data.hasNumber[i] === 1) return this.data.numberValue[i];
    return this.rareAt.get(i)?.value;
  }

  problems(i: number): readonly TensorProblem[] | undefined {
    return this.rareAt.get(i)?.problems;
  }

  withProblems(): readonly number[] {
    this.problemPositions ??= this.data.rare.filter((rare) => rare.problems).map((rare) => rare.at);
    return this.problemPositions;
  }

  ranges(i: number): ByteRange[] {
    const { rangeStart, rangeOffset, rangeLength } = this.data;
    const first = rangeStart[i] as number;
    const end = rangeStart[i + 1] as number;
    const ranges = new Array<ByteRange>(end - first);
    for (let r = first; r < end; r += 1)
      ranges[r - first] = { offset: compact(rangeOffset[r] as number), length: compact(rangeLength[r] as number) };
    return ranges;
  }

  entry(i: number): TensorEntry {
    const { data } = this;
    const rawId = data.rawDtype[i] as number;
    const storedId = data.storedDims[i] as number;
    // One literal per common layout (safetensors has rawDtype, .ckpt storedDims): properties
    // added afterwards live in a separate backing store.
    const name = this.name(i);
    const dtype = this.dtype(i);
    const shape = this.shape(i) as number[];
    const kind = this.kind(i);
    const bytes = this.bytes(i);
    const ranges = this.ranges(i);
    const storedDims = storedId === NONE ? undefined : (this.shapeTable[storedId] as number[]);
    const tensor: TensorEntry =
      rawId !== NONE
        ? { name, dtype, rawDtype: data.strings[rawId] as string, shape, kind, bytes, ranges }
        : storedDims
          ? { name, dtype, shape, storedDims, kind, bytes, ranges }
          : { name, dtype, shape, kind, bytes, ranges };
    if (storedDims && rawId !== NONE) tensor.storedDims = storedDims;
    const value = this.value(i);
    if (value !== undefined) tensor.value = value;
    const rare = this.rareAt.get(i);
    if (rare?.problems) tensor.problems = rare.problems;
    if (rare?.view) tensor.view = rare.view;
    const shard = this.shard(i);
    if (shard !== undefined) tensor.shard = shard;
    return tensor;
  }

  /** Every tensor as an object (tests, and small indexes only). */
  entries(): TensorEntry[] {
    return Array.from({ length: this.length }, (_, i) => this.entry(i));
  }
}

/** `TensorRows` over an array of entries (the CLI's and the worker's indexes). */
class EntryRows implements TensorRows {
  readonly length: number;
  private problemPositions: number[] | null = null;

  constructor(private readonly list: readonly TensorEntry[]) {
    this.length = list.length;
  }

  private at(i: number): TensorEntry {
    return this.list[i] as TensorEntry;
  }

  name(i: number): string {
    return this.at(i).name;
  }
  dtype(i: number): string {
    return this.at(i).dtype;
  }
  shape(i: number): readonly number[] {
    return this.at(i).shape;
  }
  kind(i: number): TensorKind {
    return this.at(i).kind;
  }
  bytes(i: number): number {
    return this.at(i).bytes;
  }
  shard(i: number): string | undefined {
    return this.at(i).shard;
  }
  value(i: number): string | number | boolean | undefined {
    return this.at(i).value;
  }
  problems(i: number): readonly TensorProblem[] | undefined {
    return this.at(i).problems;
  }
  withProblems(): readonly number[] {
    if (!this.problemPositions) {
      this.problemPositions = [];
      for (let i = 0; i < this.length; i += 1) if (this.at(i).problems) this.problemPositions.push(i);
    }
    return this.problemPositions;
  }
  entry(i: number): TensorEntry {
    return this.at(i);
  }
}

/** Rows over either way of holding tensors. */
export function rowsOf(tensors: TensorRows | readonly TensorEntry[]): TensorRows {
  return Array.isArray(tensors) ? new EntryRows(tensors as readonly TensorEntry[]) : (tensors as TensorRows);
}

/** An index as the page holds it: its facts as they are, its tensors as columns. */
export interface ColumnarIndex extends Omit<CheckpointIndex, 'tensors'> {
  tensors: TensorColumns;
}

/** The page's form of an index (made in the worker, once per open). */
export function toColumnar(index: CheckpointIndex): ColumnarIndex {
  return { ...index, tensors: TensorColumns.fromEntries(index.tensors) };
}
