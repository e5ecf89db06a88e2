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
import { grown } from './arrays';
import { collapseRepeatedNames, hashName, mayRepeatNames } from './duplicates';
import { Interner } from './intern';
import type { ByteRange, CheckpointIndex, TensorEntry, TensorKind, TensorProblem, TensorView } from './types';

const KINDS: readonly TensorKind[] = ['tensor', 'string', 'random_op', 'map'];
/** Names a builder joins at a time. */
const NAME_CHUNK = 4096;
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
  /** The format's own dtype name where it differs (safetensors `F32`). */
  rawDtype(i: number): string | undefined;
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

/**
 * Every name in one string and where each ends: the columns' own (nothing is copied), or the
 * names of other rows joined. Readers that walk the names character by character (the tree)
 * read this flat string instead of a slice per name.
 */
export function nameTextOf(rows: TensorRows): { text: string; ends: Uint32Array } {
  if (rows instanceof TensorColumns) return { text: rows.data.names, ends: rows.data.nameEnds };
  const ends = new Uint32Array(rows.length);
  const names: string[] = [];
  let end = 0;
  for (let i = 0; i < rows.length; i += 1) {
    const name = rows.name(i);
    names.push(name);
    end += name.length;
    ends[i] = end;
  }
  return { text: names.join(''), ends };
}

/** A whole number from a Float64Array as a small integer where it fits (stored in the object, not boxed). */
function compact(value: number): number {
  return value >= 0 && value <= 0x3fffffff ? value | 0 : value;
}

/**
 * Where a scan puts the tensors it finds, one at a time, and what it asks of them afterwards (a
 * value read later, a problem found later, a repeated name): `TensorColumnsBuilder` for the
 * readers that go by position (the page, `inspect`), `TensorEntryList` for those that take an
 * array of entries (the rest of the CLI's commands, for now).
 */
export interface TensorSink {
  readonly length: number;
  /**
   * Add `tensor` as the next row; returns its position. `nameHash`, when given, is
   * `hashName(tensor.name)`, made by a reader as it read the name.
   */
  push(tensor: TensorEntry, nameHash?: number): number;
  /** Room for `count` tensors in all (a scan that can estimate its count). */
  reserve(count: number): void;
  name(i: number): string;
  dtypeOf(i: number): string;
  shapeOf(i: number): readonly number[];
  kindOf(i: number): TensorKind;
  /** How many byte ranges tensor i has. */
  rangesOf(i: number): number;
  /** Tensor i's first range's offset and length (only when it has one). */
  firstOffset(i: number): number;
  firstLength(i: number): number;
  problems(i: number): readonly TensorProblem[] | undefined;
  addProblem(i: number, problem: TensorProblem): void;
  value(i: number): string | number | boolean | undefined;
  setValue(i: number, value: string | number | boolean): void;
  /**
   * Repeated names collapsed as a Python dict does (base/duplicates `collapseRepeatedNames`):
   * `replace(later, position)` makes the row kept at a name's first position from its later
   * appearance. Null, touching nothing, when every name is distinct; otherwise the sink that
   * holds the rows now (this one is spent).
   */
  collapseRepeatedNames(replace: (later: TensorEntry, position: number) => TensorEntry): TensorSink | null;
  /** The index of `facts` and these tensors (the sink is spent). */
  index(facts: Omit<CheckpointIndex, 'tensors'>): CheckpointIndex;
}

/** A sink of the kind `options.columns` asks for: columns, or (by default) an array of entries. */
export function tensorSink(options: { columns?: boolean }, expected?: number): TensorSink {
  return options.columns ? new TensorColumnsBuilder(expected) : new TensorEntryList();
}

/** Tensors as an array of entries, as the scans made them (what most of the CLI reads). */
export class TensorEntryList implements TensorSink {
  /** `list`: entries already made (a PyTorch scan's), to go on with. */
  constructor(private readonly list: TensorEntry[] = []) {}

  get length(): number {
    return this.list.length;
  }
  private at(i: number): TensorEntry {
    return this.list[i] as TensorEntry;
  }
  push(tensor: TensorEntry): number {
    return this.list.push(tensor) - 1;
  }
  reserve(): void {}
  name(i: number): string {
    return this.at(i).name;
  }
  dtypeOf(i: number): string {
    return this.at(i).dtype;
  }
  shapeOf(i: number): readonly number[] {
    return this.at(i).shape;
  }
  kindOf(i: number): TensorKind {
    return this.at(i).kind;
  }
  rangesOf(i: number): number {
    return this.at(i).ranges.length;
  }
  firstOffset(i: number): number {
    return (this.at(i).ranges[0] as ByteRange).offset;
  }
  firstLength(i: number): number {
    return (this.at(i).ranges[0] as ByteRange).length;
  }
  problems(i: number): readonly TensorProblem[] | undefined {
    return this.at(i).problems;
  }
  addProblem(i: number, problem: TensorProblem): void {
    const entry = this.at(i);
    entry.problems = [...(entry.problems ?? []), problem];
  }
  value(i: number): string | number | boolean | undefined {
    return this.at(i).value;
  }
  setValue(i: number, value: string | number | boolean): void {
    this.at(i).value = value;
  }
  collapseRepeatedNames(replace: (later: TensorEntry, position: number) => TensorEntry): TensorSink | null {
    return collapseRepeatedNames(this.list, (entry) => entry.name, replace) ? this : null;
  }
  index(facts: Omit<CheckpointIndex, 'tensors'>): CheckpointIndex {
    return { ...facts, tensors: this.list };
  }
}

/**
 * Columns made one tensor at a time, as a scanner finds them: the scanners push each entry here
 * the moment it is made, so a million entries never live at once (they die young, which costs the
 * garbage collector next to nothing; kept, they were a second of its time). What a scan learns
 * after a tensor is pushed (its value, a problem) is set by position.
 */
export class TensorColumnsBuilder implements TensorSink {
  private count = 0;
  private capacity: number;
  /** Names joined a chunk at a time as they come (one join of a million names is slower, and keeps them all alive). */
  private readonly nameChunks: string[] = [];
  /** The names not yet in a chunk: those from position `pendingFrom` on. */
  private pendingNames: string[] = [];
  private pendingFrom = 0;
  private nameEnd = 0;
  private readonly strings: string[] = [];
  private readonly stringIds = new Map<string, number>();
  private readonly shapes: number[][] = [];
  private readonly shapeIds = new Map<readonly number[] | string, number>();
  // Neighbours mostly share their dtype and shape: a run of equal ones (by identity) makes no lookup.
  // Written out five times in `push` on purpose: a small class doing the same measured 5–10%
  // slower over a million pushes.
  private lastDtype: string | undefined = undefined;
  private lastDtypeId = NONE;
  private lastRawDtype: string | undefined = undefined;
  private lastRawDtypeId = NONE;
  private lastShard: string | undefined = undefined;
  private lastShardId = NONE;
  private lastShape: readonly number[] | undefined = undefined;
  private lastShapeId = NONE;
  private lastStoredDims: readonly number[] | undefined = undefined;
  private lastStoredDimsId = NONE;
  private nameEnds: Uint32Array;
  /** Each name's `hashName`, for finding repeated names at the end (not a column of the index). */
  private nameHash: Uint32Array;
  private dtype: Uint32Array;
  private rawDtype: Uint32Array;
  private shard: Uint32Array;
  private kind: Uint8Array;
  private shape: Uint32Array;
  private storedDims: Uint32Array;
  private bytes: Float64Array;
  private rangeStart: Uint32Array;
  private rangeOffset: Float64Array;
  private rangeLength: Float64Array;
  private rangeCount = 0;
  private hasNumber: Uint8Array;
  private numberValue: Float64Array;
  private readonly rare = new Map<number, RareFields>();

  /** `expected`: how many tensors are likely (the columns grow past it when there are more). */
  constructor(expected = 1024) {
    const capacity = Math.max(16, expected);
    this.capacity = capacity;
    this.nameEnds = new Uint32Array(capacity);
    this.nameHash = new Uint32Array(capacity);
    this.dtype = new Uint32Array(capacity);
    this.rawDtype = new Uint32Array(capacity);
    this.shard = new Uint32Array(capacity);
    this.kind = new Uint8Array(capacity);
    this.shape = new Uint32Array(capacity);
    this.storedDims = new Uint32Array(capacity);
    this.bytes = new Float64Array(capacity);
    this.rangeStart = new Uint32Array(capacity + 1);
    this.rangeOffset = new Float64Array(capacity);
    this.rangeLength = new Float64Array(capacity);
    this.hasNumber = new Uint8Array(capacity);
    this.numberValue = new Float64Array(capacity);
  }

  get length(): number {
    return this.count;
  }

  private stringId(text: string | undefined): number {
    if (text === undefined) return NONE;
    let id = this.stringIds.get(text);
    if (id === undefined) {
      id = this.strings.length;
      this.strings.push(text);
      this.stringIds.set(text, id);
    }
    return id;
  }

  private shapeId(dims: readonly number[] | undefined): number {
    if (dims === undefined) return NONE;
    // Interned shapes repeat as one array: found without making a key.
    let id = this.shapeIds.get(dims);
    if (id !== undefined) return id;
    const key = dims.join(',');
    id = this.shapeIds.get(key);
    if (id === undefined) {
      id = this.shapes.length;
      this.shapes.push([...dims]);
      this.shapeIds.set(key, id);
    }
    if (Object.isFrozen(dims)) this.shapeIds.set(dims, id);
    return id;
  }

  /** Room for `count` tensors in all, made at once (a scan that can estimate its count saves the doublings). */
  reserve(count: number): void {
    if (count > this.capacity) this.grow(count);
    if (count > this.rangeOffset.length) {
      this.rangeOffset = grown(this.rangeOffset, count);
      this.rangeLength = grown(this.rangeLength, count);
    }
  }

  private grow(least = this.count + 1): void {
    this.nameEnds = grown(this.nameEnds, least);
    this.nameHash = grown(this.nameHash, least);
    this.dtype = grown(this.dtype, least);
    this.rawDtype = grown(this.rawDtype, least);
    this.shard = grown(this.shard, least);
    this.kind = grown(this.kind, least);
    this.shape = grown(this.shape, least);
    this.storedDims = grown(this.storedDims, least);
    this.bytes = grown(this.bytes, least);
    this.rangeStart = grown(this.rangeStart, least + 1);
    this.hasNumber = grown(this.hasNumber, least);
    this.numberValue = grown(this.numberValue, least);
    this.capacity = this.nameEnds.length;
  }

  /** Add `tensor` as the next row; returns its position. */
  push(tensor: TensorEntry, nameHash?: number): number {
    const i = this.count;
    if (i === this.capacity) this.grow();
    this.pendingNames.push(tensor.name);
    if (this.pendingNames.length === NAME_CHUNK) {
      this.nameChunks.push(this.pendingNames.join(''));
      this.pendingNames = [];
      this.pendingFrom = i + 1;
    }
    this.nameEnd += tensor.name.length;
    this.nameEnds[i] = this.nameEnd;
    // A name made by slicing a longer text is read a call per character: a reader that hashed it
    // as it read its bytes saves that second pass.
    this.nameHash[i] = nameHash ?? hashName(tensor.name);
    const { dtype, rawDtype, shard, shape, storedDims, kind } = tensor;
    if (dtype !== this.lastDtype || this.lastDtypeId === NONE) {
      this.lastDtype = dtype;
      this.lastDtypeId = this.stringId(dtype);
    }
    this.dtype[i] = this.lastDtypeId;
    if (rawDtype !== this.lastRawDtype || i === 0) {
      this.lastRawDtype = rawDtype;
      this.lastRawDtypeId = this.stringId(rawDtype);
    }
    this.rawDtype[i] = this.lastRawDtypeId;
    if (shard !== this.lastShard || i === 0) {
      this.lastShard = shard;
      this.lastShardId = this.stringId(shard);
    }
    this.shard[i] = this.lastShardId;
    this.kind[i] = kind === 'tensor' ? 0 : KINDS.indexOf(kind);
    if (shape !== this.lastShape || this.lastShapeId === NONE) {
      this.lastShape = shape;
      this.lastShapeId = this.shapeId(shape);
    }
    this.shape[i] = this.lastShapeId;
    if (storedDims !== this.lastStoredDims || i === 0) {
      this.lastStoredDims = storedDims;
      this.lastStoredDimsId = this.shapeId(storedDims);
    }
    this.storedDims[i] = this.lastStoredDimsId;
    this.bytes[i] = tensor.bytes;
    this.rangeStart[i] = this.rangeCount;
    const ranges = tensor.ranges;
    if (this.rangeCount + ranges.length > this.rangeOffset.length) {
      this.rangeOffset = grown(this.rangeOffset, this.rangeCount + ranges.length);
      this.rangeLength = grown(this.rangeLength, this.rangeCount + ranges.length);
    }
    for (let r = 0; r < ranges.length; r += 1) {
      const { offset, length } = ranges[r] as ByteRange;
      this.rangeOffset[this.rangeCount] = offset;
      this.rangeLength[this.rangeCount] = length;
      this.rangeCount += 1;
    }
    this.count = i + 1;
    if (tensor.value !== undefined) this.setValue(i, tensor.value);
    // Most tensors have none of these: no object is made for them.
    if (tensor.problems || tensor.view) {
      const fields = this.rareOf(i);
      if (tensor.problems) fields.problems = tensor.problems;
      if (tensor.view) fields.view = tensor.view;
    }
    return i;
  }

  private rareOf(i: number): RareFields {
    let fields = this.rare.get(i);
    if (!fields) {
      fields = { at: i };
      this.rare.set(i, fields);
    }
    return fields;
  }

  name(i: number): string {
    if (i >= this.pendingFrom) return this.pendingNames[i - this.pendingFrom] as string;
    const chunk = Math.floor(i / NAME_CHUNK);
    const chunkStart = chunk === 0 ? 0 : (this.nameEnds[chunk * NAME_CHUNK - 1] as number);
    const start = i === 0 ? 0 : (this.nameEnds[i - 1] as number);
    return (this.nameChunks[chunk] as string).slice(start - chunkStart, (this.nameEnds[i] as number) - chunkStart);
  }

  dtypeOf(i: number): string {
    return this.strings[this.dtype[i] as number] as string;
  }

  shapeOf(i: number): readonly number[] {
    return this.shapes[this.shape[i] as number] as number[];
  }

  /** How many byte ranges tensor i has. */
  rangesOf(i: number): number {
    return (i + 1 < this.count ? (this.rangeStart[i + 1] as number) : this.rangeCount) - (this.rangeStart[i] as number);
  }

  /** Tensor i's first range's offset and length (call only when it has one). */
  firstOffset(i: number): number {
    return this.rangeOffset[this.rangeStart[i] as number] as number;
  }

  firstLength(i: number): number {
    return this.rangeLength[this.rangeStart[i] as number] as number;
  }

  problems(i: number): readonly TensorProblem[] | undefined {
    return this.rare.size === 0 ? undefined : this.rare.get(i)?.problems;
  }

  addProblem(i: number, problem: TensorProblem): void {
    const fields = this.rareOf(i);
    fields.problems = [...(fields.problems ?? []), problem];
  }

  setValue(i: number, value: string | number | boolean): void {
    if (typeof value === 'number') {
      this.hasNumber[i] = 1;
      this.numberValue[i] = value;
    } else this.rareOf(i).value = value;
  }

  value(i: number): string | number | boolean | undefined {
    return this.hasNumber[i] === 1 ? this.numberValue[i] : this.rare.get(i)?.value;
  }

  kindOf(i: number): TensorKind {
    return KINDS[this.kind[i] as number] as TensorKind;
  }

  /** Repeats come from damaged or crafted files: collapsed through entries, into new columns. */
  collapseRepeatedNames(replace: (later: TensorEntry, position: number) => TensorEntry): TensorSink | null {
    if (!mayRepeatNames(this.count, this.nameHash, (i) => this.name(i))) return null;
    const entries = this.build().entries();
    collapseRepeatedNames(entries, (entry) => entry.name, replace);
    const collapsed = new TensorColumnsBuilder(entries.length);
    for (const entry of entries) collapsed.push(entry);
    return collapsed;
  }

  index(facts: Omit<CheckpointIndex, 'tensors'>): CheckpointIndex {
    return indexOfColumns(facts, this.build());
  }

  /** The columns; the builder is spent. */
  build(): TensorColumns {
    const count = this.count;
    this.rangeStart[count] = this.rangeCount;
    const rare = [...this.rare.values()].sort((a, b) => a.at - b.at);
    // Views of the columns as grown, not copies: at most the room the last growth added is spare.
    return new TensorColumns({
      count,
      names: this.nameChunks.join('') + this.pendingNames.join(''),
      nameEnds: this.nameEnds.subarray(0, count),
      strings: this.strings,
      dtype: this.dtype.subarray(0, count),
      rawDtype: this.rawDtype.subarray(0, count),
      shard: this.shard.subarray(0, count),
      kind: this.kind.subarray(0, count),
      shapes: this.shapes,
      shape: this.shape.subarray(0, count),
      storedDims: this.storedDims.subarray(0, count),
      bytes: this.bytes.subarray(0, count),
      rangeStart: this.rangeStart.subarray(0, count + 1),
      rangeOffset: this.rangeOffset.subarray(0, this.rangeCount),
      rangeLength: this.rangeLength.subarray(0, this.rangeCount),
      hasNumber: this.hasNumber.subarray(0, count),
      numberValue: this.numberValue.subarray(0, count),
      rare,
    });
  }
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
    const builder = new TensorColumnsBuilder(entries.length);
    for (let i = 0; i < entries.length; i += 1) builder.push(entries[i] as TensorEntry);
    return builder.build();
  }

  /** A copy with buffers of its own (to transfer while keeping these). */
  copy(): TensorColumns {
    const data = { ...this.data };
    for (const key of Object.keys(data) as (keyof TensorColumnData)[]) {
      const column = data[key];
      if (ArrayBuffer.isView(column)) (data as Record<string, unknown>)[key] = (column as Uint8Array).slice();
    }
    return new TensorColumns(data);
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

  rawDtype(i: number): string | undefined {
    const id = this.data.rawDtype[i] as number;
    return id === NONE ? undefined : this.data.strings[id];
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
    const offset = (r: number) => compact(rangeOffset[r] as number);
    const length = (r: number) => compact(rangeLength[r] as number);
    if (end - first === 1) return [{ offset: offset(first), length: length(first) }];
    const ranges = new Array<ByteRange>(end - first);
    for (let r = first; r < end; r += 1) ranges[r - first] = { offset: offset(r), length: length(r) };
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
    const value = this.value(i);
    // The value is in the literal too: added afterwards, it took a backing store of its own
    // (~40 bytes more per tensor; a .ckpt's small tensors all have values).
    let tensor: TensorEntry;
    if (rawId !== NONE) {
      const rawDtype = this.rawDtype(i) as string;
      tensor =
        value === undefined
          ? { name, dtype, rawDtype, shape, kind, bytes, ranges }
          : { name, dtype, rawDtype, shape, kind, bytes, ranges, value };
      if (storedDims) tensor.storedDims = storedDims;
    } else if (storedDims) {
      tensor =
        value === undefined
          ? { name, dtype, shape, storedDims, kind, bytes, ranges }
          : { name, dtype, shape, storedDims, kind, bytes, ranges, value };
    } else {
      tensor =
        value === undefined
          ? { name, dtype, shape, kind, bytes, ranges }
          : { name, dtype, shape, kind, bytes, ranges, value };
    }
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

/** The positions of the tensors in `rows` that have problems, each asked in turn. */
function positionsWithProblems(rows: TensorRows): number[] {
  const positions: number[] = [];
  for (let i = 0; i < rows.length; i += 1) if (rows.problems(i)) positions.push(i);
  return positions;
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
  rawDtype(i: number): string | undefined {
    return this.at(i).rawDtype;
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
    this.problemPositions ??= positionsWithProblems(this);
    return this.problemPositions;
  }
  entry(i: number): TensorEntry {
    return this.at(i);
  }
}

/** Some of another list's rows, by their positions there (a filter's matches). */
class PickedRows implements TensorRows {
  readonly length: number;
  private problemPositions: number[] | null = null;

  constructor(
    private readonly rows: TensorRows,
    private readonly positions: readonly number[],
  ) {
    this.length = positions.length;
  }

  private at(i: number): number {
    return this.positions[i] as number;
  }

  name(i: number): string {
    return this.rows.name(this.at(i));
  }
  dtype(i: number): string {
    return this.rows.dtype(this.at(i));
  }
  rawDtype(i: number): string | undefined {
    return this.rows.rawDtype(this.at(i));
  }
  shape(i: number): readonly number[] {
    return this.rows.shape(this.at(i));
  }
  kind(i: number): TensorKind {
    return this.rows.kind(this.at(i));
  }
  bytes(i: number): number {
    return this.rows.bytes(this.at(i));
  }
  shard(i: number): string | undefined {
    return this.rows.shard(this.at(i));
  }
  value(i: number): string | number | boolean | undefined {
    return this.rows.value(this.at(i));
  }
  problems(i: number): readonly TensorProblem[] | undefined {
    return this.rows.problems(this.at(i));
  }
  withProblems(): readonly number[] {
    this.problemPositions ??= positionsWithProblems(this);
    return this.problemPositions;
  }
  entry(i: number): TensorEntry {
    return this.rows.entry(this.at(i));
  }
}

/** The rows of `rows` at `positions` (ascending), as a list of their own. */
export function pickRows(rows: TensorRows, positions: readonly number[]): TensorRows {
  return new PickedRows(rows, positions);
}

/** Rows over either way of holding tensors. */
export function rowsOf(tensors: TensorRows | readonly TensorEntry[]): TensorRows {
  return Array.isArray(tensors) ? new EntryRows(tensors as readonly TensorEntry[]) : (tensors as TensorRows);
}

/** An index as the page holds it: its facts as they are, its tensors as columns. */
export interface ColumnarIndex extends Omit<CheckpointIndex, 'tensors'> {
  tensors: TensorColumns;
}

/** The columns an index was made from (see `indexOfColumns`), while its `tensors` are not replaced. */
const columnsOfIndex = new WeakMap<CheckpointIndex, TensorColumns>();

/**
 * An index whose tensors are held as columns (what the scanners make). Readers that go by
 * position (`tensorRowsOf`, `toColumnar`) use the columns; `index.tensors` makes the entry objects
 * the first time it is read, for the readers that still take an array, and from then on holds
 * them instead (a million tensors are not held twice). Giving `tensors` a new array drops the
 * columns too.
 */
export function indexOfColumns(facts: Omit<CheckpointIndex, 'tensors'>, columns: TensorColumns): CheckpointIndex {
  const index = facts as CheckpointIndex;
  let entries: TensorEntry[] | undefined;
  let held: TensorColumns | null = columns;
  Object.defineProperty(index, 'tensors', {
    enumerable: true,
    configurable: true,
    get: () => {
      if (!entries) {
        entries = (held as TensorColumns).entries();
        // The entries are the tensors from now on: the columns go, not held twice.
        held = null;
        columnsOfIndex.delete(index);
      }
      return entries;
    },
    set: (value: TensorEntry[]) => {
      columnsOfIndex.delete(index);
      Object.defineProperty(index, 'tensors', { value, enumerable: true, configurable: true, writable: true });
    },
  });
  columnsOfIndex.set(index, columns);
  return index;
}

/** An index's tensors by position: the columns it was made from when it has them, else its tensors. */
export function tensorRowsOf(index: { tensors: TensorRows | readonly TensorEntry[] }): TensorRows {
  return columnsOfIndex.get(index as CheckpointIndex) ?? rowsOf(index.tensors);
}

/** The index's facts, without reading `tensors` (which would make its entries). */
export function factsOf(index: CheckpointIndex): Omit<CheckpointIndex, 'tensors'> {
  const facts: Record<string, unknown> = {};
  for (const key of Object.keys(index)) if (key !== 'tensors') facts[key] = index[key as keyof CheckpointIndex];
  return facts as unknown as Omit<CheckpointIndex, 'tensors'>;
}

/**
 * The page's form of an index (made in the worker, once per open). Columns the scan made are
 * copied, as the worker keeps its own and the page's are transferred.
 */
export function toColumnar(index: CheckpointIndex): ColumnarIndex {
  const columns = columnsOfIndex.get(index);
  return { ...factsOf(index), tensors: columns ? columns.copy() : TensorColumns.fromEntries(index.tensors) };
}
