import { pushAll } from '../../base/arrays';
import { LensError } from '../../base/errors';
import {
  MAX_PICKLE_CONTAINER_ITEMS,
  MAX_PICKLE_INT_BYTES,
  MAX_PICKLE_MARKS,
  MAX_PICKLE_MEMO,
  MAX_PICKLE_OPS,
  MAX_PICKLE_STACK,
  MAX_PICKLE_STRING_BYTES,
} from '../../base/limits';

/**
 * A bounded pickle machine that never calls anything. Python's pickle is a stack machine whose
 * GLOBAL + REDUCE can run any function; here a global is only a name. The names torch.load
 * (weights_only=True) accepts (torch/_weights_only_unpickler.py `_get_allowed_globals`) build
 * tensors and containers as plain data; every other name becomes an inert placeholder that records
 * its name and arguments — so `torch.save(model)` still yields its parameters, and a pickle that
 * would run `posix.system(…)` is reported by name, never run.
 */

export type PyValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | PyBytes
  | PyList
  | PyTuple
  | PyDict
  | PySet
  | PyGlobal
  | PyObject
  | PyStorage
  | PyTensor;

export interface PyBytes {
  kind: 'bytes';
  bytes: Uint8Array;
}
export interface PyList {
  kind: 'list';
  items: PyValue[];
}
export interface PyTuple {
  kind: 'tuple';
  items: PyValue[];
}
export interface PyDict {
  kind: 'dict';
  entries: [PyValue, PyValue][];
}
export interface PySet {
  kind: 'set';
  items: PyValue[];
}
/** A name from GLOBAL / STACK_GLOBAL / INST: `module.name`, never looked up. */
export interface PyGlobal {
  kind: 'global';
  name: string;
}
/**
 * What calling or instantiating a global would have produced: the callee's name, its arguments,
 * and what BUILD / SETITEM / APPEND put into it. `called` marks a REDUCE (a function call in
 * Python); `allowed` marks names torch.load(weights_only=True) accepts but we do not model.
 */
export interface PyObject {
  kind: 'object';
  callee: string;
  args: PyValue[];
  called: boolean;
  allowed: boolean;
  state?: PyValue;
  entries?: [PyValue, PyValue][];
  items?: PyValue[];
}
/** A storage named by a persistent id: ('storage', storage type, key, location, numel[, view]). */
export interface PyStorage {
  kind: 'storage';
  /** torch dtype name of the storage type (`float32`; `uint8` for UntypedStorage). */
  dtype: string;
  key: string;
  /** Elements of `dtype` the storage holds. */
  numel: number;
  /** Legacy (pre-1.6) storage views: the element offset into the storage named by `key`. */
  elementOffset: number;
}
export interface PyTensor {
  kind: 'tensor';
  storage: PyStorage;
  dtype: string;
  storageOffset: number;
  shape: number[];
  strides: number[];
}

export interface PickleCall {
  /** `module.name` of the callable. */
  callee: string;
  /** The arguments as Python would print them (shortened). */
  args: string;
  /** Pickle byte offset of the REDUCE / INST / OBJ. */
  offset: number;
}

export interface PickleResult {
  value: PyValue;
  /** Calls a real torch.load would make to names outside its allowlist, in order. */
  calls: PickleCall[];
  /** Names outside the allowlist the pickle uses without calling (classes a real torch.load must import). */
  classes: string[];
  /** Bytes the pickle took, up to and including its STOP. */
  length: number;
  /** Items the pickle put into containers: a walk of its result that meets many more has met shared containers. */
  containerItems: number;
}

/** torch dtype of each legacy typed storage class (torch/storage.py `_dtype_to_storage_type_map`). */
const STORAGE_DTYPES: Readonly<Record<string, string>> = {
  DoubleStorage: 'float64',
  FloatStorage: 'float32',
  HalfStorage: 'float16',
  LongStorage: 'int64',
  IntStorage: 'int32',
  ShortStorage: 'int16',
  CharStorage: 'int8',
  ByteStorage: 'uint8',
  BoolStorage: 'bool',
  BFloat16Storage: 'bfloat16',
  ComplexDoubleStorage: 'complex128',
  ComplexFloatStorage: 'complex64',
  QUInt8Storage: 'quint8',
  QInt8Storage: 'qint8',
  QInt32Storage: 'qint32',
  QUInt4x2Storage: 'quint4x2',
  QUInt2x4Storage: 'quint2x4',
  UntypedStorage: 'uint8',
};

/** torch dtypes that may appear as globals (`torch.float32`) in `_rebuild_tensor_v3`. */
const TORCH_DTYPES = new Set([
  'float64',
  'float32',
  'float16',
  'bfloat16',
  'int64',
  'int32',
  'int16',
  'int8',
  'uint8',
  'uint16',
  'uint32',
  'uint64',
  'bool',
  'complex32',
  'complex64',
  'complex128',
  'float8_e4m3fn',
  'float8_e5m2',
  'float8_e4m3fnuz',
  'float8_e5m2fnuz',
  'float8_e8m0fnu',
  'float4_e2m1fn_x2',
  'qint8',
  'quint8',
  'qint32',
  'quint4x2',
  'quint2x4',
  'bits8',
  'bits16',
  'bits1x8',
  'bits2x4',
  'bits4x2',
  'int1',
  'int2',
  'int3',
  'int4',
  'int5',
  'int6',
  'int7',
  'uint1',
  'uint2',
  'uint3',
  'uint4',
  'uint5',
  'uint6',
  'uint7',
]);

/** Tensor rebuild functions whose result we cannot describe as a dense tensor view. */
const UNMODELLED_REBUILDS = new Set([
  'torch._utils._rebuild_qtensor',
  'torch._utils._rebuild_sparse_tensor',
  'torch._utils._rebuild_meta_tensor_no_storage',
  'torch._utils._rebuild_wrapper_subclass',
  'torch._utils._rebuild_device_tensor_from_numpy',
  'torch._utils._rebuild_nested_tensor',
]);

const ALLOWED = new Set([
  'collections.OrderedDict',
  'collections.Counter',
  'torch.nn.parameter.Parameter',
  'torch.serialization._get_layout',
  'torch.Size',
  'torch.Tensor',
  'torch.device',
  '_codecs.encode',
  'builtins.bytearray',
  'builtins.set',
  'builtins.frozenset',
  'builtins.complex',
  'torch._tensor._rebuild_from_type_v2',
  'torch._utils._rebuild_tensor',
  'torch._utils._rebuild_tensor_v2',
  'torch._utils._rebuild_tensor_v3',
  'torch._utils._rebuild_parameter',
  'torch._utils._rebuild_parameter_with_state',
  'torch._utils._rebuild_device_tensor_from_cpu_tensor',
  'torch.storage.UntypedStorage',
  'torch.storage.TypedStorage',
  'torch.per_tensor_affine',
  'torch.per_tensor_symmetric',
  'torch.per_channel_affine',
  'torch.per_channel_symmetric',
  'torch.per_channel_affine_float_qparams',
  ...UNMODELLED_REBUILDS,
]);

/** Whether torch.load(weights_only=True) accepts this global (by name; nothing is imported). */
export function isAllowedGlobal(name: string): boolean {
  if (ALLOWED.has(name)) return true;
  const match = /^torch\.(?:cuda\.)?([A-Za-z0-9_]+)$/.exec(name);
  if (!match) return false;
  const short = match[1] as string;
  return short in STORAGE_DTYPES || TORCH_DTYPES.has(short) || /^[A-Z][A-Za-z0-9]*Tensor$/.test(short);
}

/** Python 2 names that pickle protocol ≤ 2 writes (torch.save's default) and Python 3 maps. */
function mapModule(module: string): string {
  if (module === '__builtin__') return 'builtins';
  if (module === 'copy_reg') return 'copyreg';
  return module;
}

const MARK = Symbol('mark');
type StackItem = PyValue | typeof MARK;

const latin1 = new TextDecoder('latin1');
const utf8 = new TextDecoder('utf-8', { fatal: true });

function isSequence(value: PyValue): value is PyList | PyTuple | PySet {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value.kind === 'list' || value.kind === 'tuple' || value.kind === 'set')
  );
}

/** A short Python-like rendering of a value, for reports (`'echo pwned'`, `(1, 2)`). */
export function pyRepr(value: PyValue, budget = 200): string {
  const out = reprInto(value, { left: budget, depth: 0 });
  return out.length > budget ? `${out.slice(0, budget - 1)}…` : out;
}

function reprInto(value: PyValue, state: { left: number; depth: number }): string {
  if (state.left <= 0 || state.depth > 8) return '…';
  if (value === null) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'string') {
    const text = `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
    state.left -= text.length;
    return text;
  }
  state.depth += 1;
  const join = (items: PyValue[]): string => {
    const parts: string[] = [];
    for (const item of items) {
      if (state.left <= 0) {
        parts.push('…');
        break;
      }
      parts.push(reprInto(item, state));
    }
    return parts.join(', ');
  };
  let text: string;
  switch (value.kind) {
    case 'bytes':
      text = `b<${value.bytes.length} bytes>`;
      break;
    case 'list':
      text = `[${join(value.items)}]`;
      break;
    case 'tuple':
      text = value.items.length === 1 ? `(${join(value.items)},)` : `(${join(value.items)})`;
      break;
    case 'set':
      text = `{${join(value.items)}}`;
      break;
    case 'dict':
      text = `{${value.entries
        .slice(0, 8)
        .map(([k, v]) => `${reprInto(k, state)}: ${reprInto(v, state)}`)
        .join(', ')}${value.entries.length > 8 ? ', …' : ''}}`;
      break;
    case 'global':
      text = value.name;
      break;
    case 'object':
      text = `${value.callee}(${join(value.args)})`;
      break;
    case 'storage':
      text = `<storage ${value.key} ${value.dtype}>`;
      break;
    case 'tensor':
      text = `tensor(${value.dtype}, [${value.shape.join(', ')}])`;
      break;
  }
  state.depth -= 1;
  state.left -= text.length;
  return text;
}

/** Read a pickle as data. Throws a typed LensError for anything malformed, truncated, or past a limit. */
export function readPickle(bytes: Uint8Array, baseOffset = 0): PickleResult {
  return new PickleMachine(bytes, baseOffset).run();
}

class PickleMachine {
  private pos = 0;
  private readonly view: DataView;
  private stack: StackItem[] = [];
  private readonly marks: number[] = [];
  /** Memo slots by index (an array: a Map of 100k+ entries cost a 10,000-tensor pickle most of its time in rehashing and GC). */
  private readonly memo: (PyValue | undefined)[] = [];
  /** Slots written, Python's len(memo) for MEMOIZE. */
  private memoSize = 0;
  private containerItems = 0;
  private readonly calls: PickleCall[] = [];
  private readonly calledNames = new Set<string>();
  private readonly otherNames = new Set<string>();
  /** Offset of the opcode being executed, for errors. */
  private opOffset = 0;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly baseOffset: number,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  private where(): { offset: number } {
    return { offset: this.baseOffset + this.opOffset };
  }

  private malformed(hint: string): LensError {
    return new LensError('pickle-malformed', { hint, ...this.where() });
  }

  private limit(hint: string, actual: number, limit: number): LensError {
    return new LensError('pt-limit', { hint, actual, limit, ...this.where() });
  }

  private need(length: number): void {
    if (this.pos + length > this.bytes.length) {
      throw new LensError('pickle-truncated', { offset: this.baseOffset + this.bytes.length });
    }
  }

  private u8(): number {
    this.need(1);
    return this.bytes[this.pos++] as number;
  }

  private u16(): number {
    this.need(2);
    const value = this.view.getUint16(this.pos, true);
    this.pos += 2;
    return value;
  }

  private u32(): number {
    this.need(4);
    const value = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return value;
  }

  private i32(): number {
    this.need(4);
    const value = this.view.getInt32(this.pos, true);
    this.pos += 4;
    return value;
  }

  private u64(): number {
    this.need(8);
    const value = this.view.getBigUint64(this.pos, true);
    this.pos += 8;
    // Any length this large is past every limit; keep it a number the checks can compare.
    return value > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(value);
  }

  private take(length: number, what: string): Uint8Array {
    if (length > MAX_PICKLE_STRING_BYTES) throw this.limit(`The length of a ${what}`, length, MAX_PICKLE_STRING_BYTES);
    this.need(length);
    const out = this.bytes.subarray(this.pos, this.pos + length);
    this.pos += length;
    return out;
  }

  /** A protocol-0 text argument: the bytes up to the next newline. */
  private line(): string {
    const end = this.bytes.indexOf(0x0a, this.pos);
    if (end < 0) throw new LensError('pickle-truncated', { offset: this.baseOffset + this.bytes.length });
    if (end - this.pos > MAX_PICKLE_STRING_BYTES) {
      throw this.limit('The length of a text argument', end - this.pos, MAX_PICKLE_STRING_BYTES);
    }
    const text = latin1.decode(this.bytes.subarray(this.pos, end));
    this.pos = end + 1;
    return text;
  }

  private text(raw: Uint8Array): string {
    try {
      return utf8.decode(raw);
    } catch (error) {
      throw new LensError('pickle-malformed', { hint: 'A string is not valid UTF-8', ...this.where() }, error);
    }
  }

  private push(value: StackItem): void {
    if (this.stack.length >= MAX_PICKLE_STACK)
      throw this.limit('The pickle stack depth', this.stack.length + 1, MAX_PICKLE_STACK);
    this.stack.push(value);
  }

  private pop(): PyValue {
    const value = this.stack.pop();
    if (value === undefined) throw this.malformed('An instruction needs a value and the stack is empty');
    if (value === MARK) throw this.malformed('An instruction found a MARK where it needs a value');
    return value;
  }

  private top(): PyValue {
    const value = this.stack[this.stack.length - 1];
    if (value === undefined) throw this.malformed('An instruction needs a value and the stack is empty');
    if (value === MARK) throw this.malformed('An instruction found a MARK where it needs a value');
    return value;
  }

  private popMark(): PyValue[] {
    const at = this.marks.pop();
    if (at === undefined) throw this.malformed('An instruction needs a MARK and there is none');
    const items = this.stack.splice(at) as StackItem[];
    items.shift(); // the MARK itself
    for (const item of items) if (item === MARK) throw this.malformed('A MARK is inside another MARK’s items');
    return items as PyValue[];
  }

  private count(items: number): void {
    this.containerItems += items;
    if (this.containerItems > MAX_PICKLE_CONTAINER_ITEMS) {
      throw this.limit('The number of container items', this.containerItems, MAX_PICKLE_CONTAINER_ITEMS);
    }
  }

  private put(index: number, value: PyValue): void {
    if (index > MAX_PICKLE_MEMO) throw this.limit('A memo index', index, MAX_PICKLE_MEMO);
    if (this.memo[index] === undefined) this.memoSize += 1;
    this.memo[index] = value;
  }

  private get(index: number): PyValue {
    const value = this.memo[index];
    if (value === undefined) throw this.malformed(`Memo slot ${index} is read before it is written`);
    return value;
  }

  private tuple(items: PyValue[]): PyTuple {
    this.count(items.length);
    return { kind: 'tuple', items };
  }

  private global(module: string, name: string): PyGlobal {
    const full = `${mapModule(module)}.${name}`;
    if (!isAllowedGlobal(full)) this.otherNames.add(full);
    return { kind: 'global', name: full };
  }

  run(): PickleResult {
    let ops = 0;
    for (;;) {
      ops += 1;
      if (ops > MAX_PICKLE_OPS) throw this.limit('The number of pickle instructions', ops, MAX_PICKLE_OPS);
      this.opOffset = this.pos;
      const op = this.u8();
      switch (op) {
        case 0x80: // PROTO
          if (this.u8() > 5) throw this.malformed('The pickle protocol is above 5');
          break;
        case 0x95: // FRAME: a length hint only
          this.u64();
          break;
        case 0x2e: {
          // STOP
          const value = this.pop();
          const classes = [...this.otherNames].filter((name) => !this.calledNames.has(name));
          return { value, calls: this.calls, classes, length: this.pos, containerItems: this.containerItems };
        }
        case 0x28: // MARK
          if (this.marks.length >= MAX_PICKLE_MARKS)
            throw this.limit('Open MARKs', this.marks.length + 1, MAX_PICKLE_MARKS);
          this.marks.push(this.stack.length);
          this.push(MARK);
          break;
        case 0x30: // POP
          if (this.stack[this.stack.length - 1] === MARK) this.popMark();
          else this.pop();
          break;
        case 0x31: // POP_MARK
          this.popMark();
          break;
        case 0x32: // DUP
          this.push(this.top());
          break;
        // Constants and numbers.
        case 0x4e: // NONE
          this.push(null);
          break;
        case 0x88: // NEWTRUE
          this.push(true);
          break;
        case 0x89: // NEWFALSE
          this.push(false);
          break;
        case 0x4b: // BININT1
          this.push(this.u8());
          break;
        case 0x4d: // BININT2
          this.push(this.u16());
          break;
        case 0x4a: // BININT
          this.push(this.i32());
          break;
        case 0x8a: // LONG1
          this.push(this.long(this.u8()));
          break;
        case 0x8b: // LONG4
          this.push(this.long(this.u32()));
          break;
        case 0x47: {
          // BINFLOAT, big-endian
          this.need(8);
          this.push(this.view.getFloat64(this.pos, false));
          this.pos += 8;
          break;
        }
        case 0x49: // INT (text): also "00"/"01" for False/True
          this.push(this.textInt(this.line(), false));
          break;
        case 0x4c: // LONG (text, trailing L)
          this.push(this.textInt(this.line(), true));
          break;
        case 0x46: {
          // FLOAT (text)
          const text = this.line();
          const value = Number(text);
          if (text.trim() === '' || Number.isNaN(value)) {
            if (!/^\s*[+-]?nan\s*$/i.test(text)) throw this.malformed(`"${text.slice(0, 40)}" is not a float`);
          }
          this.push(value);
          break;
        }
        // Strings and bytes.
        case 0x58: // BINUNICODE
          this.push(this.text(this.take(this.u32(), 'string')));
          break;
        case 0x8c: // SHORT_BINUNICODE
          this.push(this.text(this.take(this.u8(), 'string')));
          break;
        case 0x8d: // BINUNICODE8
          this.push(this.text(this.take(this.u64(), 'string')));
          break;
        case 0x56: // UNICODE (text, raw-unicode-escape)
          this.push(rawUnicodeEscape(this.line()));
          break;
        case 0x55: // SHORT_BINSTRING (py2 str: latin-1, as torch.load's default encoding reads it)
          this.push(latin1.decode(this.take(this.u8(), 'string')));
          break;
        case 0x54: {
          // BINSTRING
          const length = this.i32();
          if (length < 0) throw this.malformed('A BINSTRING has a negative length');
          this.push(latin1.decode(this.take(length, 'string')));
          break;
        }
        case 0x53: // STRING (text, quoted)
          this.push(this.quoted(this.line()));
          break;
        case 0x43: // SHORT_BINBYTES
          this.push({ kind: 'bytes', bytes: this.take(this.u8(), 'bytes value') });
          break;
        case 0x42: // BINBYTES
          this.push({ kind: 'bytes', bytes: this.take(this.u32(), 'bytes value') });
          break;
        case 0x8e: // BINBYTES8
          this.push({ kind: 'bytes', bytes: this.take(this.u64(), 'bytes value') });
          break;
        case 0x96: // BYTEARRAY8
          this.push({ kind: 'bytes', bytes: this.take(this.u64(), 'bytearray') });
          break;
        // Containers.
        case 0x29: // EMPTY_TUPLE
          this.push(this.tuple([]));
          break;
        case 0x85: // TUPLE1
          this.push(this.tuple([this.pop()]));
          break;
        case 0x86: {
          // TUPLE2
          const b = this.pop();
          this.push(this.tuple([this.pop(), b]));
          break;
        }
        case 0x87: {
          // TUPLE3
          const c = this.pop();
          const b = this.pop();
          this.push(this.tuple([this.pop(), b, c]));
          break;
        }
        case 0x74: // TUPLE
          this.push(this.tuple(this.popMark()));
          break;
        case 0x5d: // EMPTY_LIST
          this.push({ kind: 'list', items: [] });
          break;
        case 0x6c: {
          // LIST
          const items = this.popMark();
          this.count(items.length);
          this.push({ kind: 'list', items });
          break;
        }
        case 0x7d: // EMPTY_DICT
          this.push({ kind: 'dict', entries: [] });
          break;
        case 0x64: {
          // DICT
          const dict: PyDict = { kind: 'dict', entries: [] };
          this.setItems(dict, this.popMark());
          this.push(dict);
          break;
        }
        case 0x8f: // EMPTY_SET
          this.push({ kind: 'set', items: [] });
          break;
        case 0x91: {
          // FROZENSET
          const items = this.popMark();
          this.count(items.length);
          this.push({ kind: 'set', items });
          break;
        }
        case 0x61: {
          // APPEND
          const item = this.pop();
          this.append(this.top(), [item]);
          break;
        }
        case 0x65: {
          // APPENDS
          const items = this.popMark();
          this.append(this.top(), items);
          break;
        }
        case 0x90: {
          // ADDITEMS
          const items = this.popMark();
          const target = this.top();
          if (typeof target !== 'object' || target === null || target.kind !== 'set')
            throw this.malformed('ADDITEMS needs a set');
          this.count(items.length);
          pushAll(target.items, items);
          break;
        }
        case 0x73: {
          // SETITEM
          const value = this.pop();
          const key = this.pop();
          this.setItems(this.top(), [key, value]);
          break;
        }
        case 0x75: {
          // SETITEMS
          const items = this.popMark();
          this.setItems(this.top(), items);
          break;
        }
        // The memo.
        case 0x70: // PUT
          this.put(this.textIndex(this.line()), this.top());
          break;
        case 0x71: // BINPUT
          this.put(this.u8(), this.top());
          break;
        case 0x72: // LONG_BINPUT
          this.put(this.u32(), this.top());
          break;
        case 0x94: // MEMOIZE
          this.put(this.memoSize, this.top());
          break;
        case 0x67: // GET
          this.push(this.get(this.textIndex(this.line())));
          break;
        case 0x68: // BINGET
          this.push(this.get(this.u8()));
          break;
        case 0x6a: // LONG_BINGET
          this.push(this.get(this.u32()));
          break;
        // Names, calls, objects: never looked up, never called.
        case 0x63: {
          // GLOBAL
          const module = this.line();
          this.push(this.global(module, this.line()));
          break;
        }
        case 0x93: {
          // STACK_GLOBAL
          const name = this.pop();
          const module = this.pop();
          if (typeof module !== 'string' || typeof name !== 'string')
            throw this.malformed('STACK_GLOBAL needs two strings');
          this.push(this.global(module, name));
          break;
        }
        case 0x52: {
          // REDUCE
          const args = this.pop();
          const callee = this.pop();
          this.push(this.call(callee, args));
          break;
        }
        case 0x81: {
          // NEWOBJ
          const args = this.pop();
          const cls = this.pop();
          this.push(this.instantiate(cls, args));
          break;
        }
        case 0x92: {
          // NEWOBJ_EX (kwargs are kept out: torch never writes them for what it builds)
          this.pop();
          const args = this.pop();
          const cls = this.pop();
          this.push(this.instantiate(cls, args));
          break;
        }
        case 0x69: {
          // INST: module and name on lines, arguments since the MARK; Python calls the class
          const module = this.line();
          const cls = this.global(module, this.line());
          this.push(this.call(cls, this.tuple(this.popMark())));
          break;
        }
        case 0x6f: {
          // OBJ: class and arguments since the MARK; Python calls the class
          const items = this.popMark();
          const cls = items.shift();
          if (cls === undefined) throw this.malformed('OBJ needs a class');
          this.push(this.call(cls, this.tuple(items)));
          break;
        }
        case 0x62: {
          // BUILD
          const state = this.pop();
          this.build(this.top(), state);
          break;
        }
        case 0x51: // BINPERSID
          this.push(this.persistent(this.pop()));
          break;
        case 0x50: // PERSID
          this.push(this.persistent(this.line()));
          break;
        case 0x82:
        case 0x83:
        case 0x84:
          throw new LensError('pickle-unsupported-opcode', {
            actual: `EXT${op === 0x82 ? 1 : op === 0x83 ? 2 : 4}`,
            hint: 'it names an object through copyreg’s extension registry, which torch.save never uses',
            ...this.where(),
          });
        case 0x97:
        case 0x98:
          throw new LensError('pickle-unsupported-opcode', {
            actual: op === 0x97 ? 'NEXT_BUFFER' : 'READONLY_BUFFER',
            hint: 'out-of-band buffers are never in a torch.save file',
            ...this.where(),
          });
        default:
          throw new LensError('pickle-bad-opcode', { actual: op, ...this.where() });
      }
    }
  }

  private long(length: number): number | bigint {
    if (length > MAX_PICKLE_INT_BYTES) throw this.limit('The length of an integer', length, MAX_PICKLE_INT_BYTES);
    const raw = this.take(length, 'integer');
    if (length === 0) return 0;
    let value = 0n;
    for (let i = length - 1; i >= 0; i -= 1) value = (value << 8n) | BigInt(raw[i] as number);
    if ((raw[length - 1] as number) & 0x80) value -= 1n << BigInt(8 * length);
    return narrow(value);
  }

  private textInt(text: string, long: boolean): number | bigint | boolean {
    if (!long && text === '00') return false;
    if (!long && text === '01') return true;
    const digits = long && text.endsWith('L') ? text.slice(0, -1) : text;
    if (digits.length > MAX_PICKLE_INT_BYTES)
      throw this.limit('The digits of an integer', digits.length, MAX_PICKLE_INT_BYTES);
    if (!/^\s*[+-]?\d+\s*$/.test(digits)) throw this.malformed(`"${digits.slice(0, 40)}" is not an integer`);
    return narrow(BigInt(digits.trim()));
  }

  private textIndex(text: string): number {
    if (!/^\d{1,15}$/.test(text)) throw this.malformed(`"${text.slice(0, 40)}" is not a memo index`);
    return Number(text);
  }

  private quoted(text: string): string {
    const quote = text[0];
    if (text.length < 2 || (quote !== "'" && quote !== '"') || text[text.length - 1] !== quote) {
      throw this.malformed('A STRING argument is not quoted');
    }
    return pythonStringEscape(text.slice(1, -1));
  }

  private append(target: PyValue, items: PyValue[]): void {
    this.count(items.length);
    if (typeof target === 'object' && target !== null) {
      if (target.kind === 'list' || target.kind === 'set') {
        pushAll(target.items, items);
        return;
      }
      if (target.kind === 'object') {
        pushAll((target.items ??= []), items);
        return;
      }
    }
    throw this.malformed('APPEND needs a list');
  }

  private setItems(target: PyValue, items: PyValue[]): void {
    if (items.length % 2 !== 0) throw this.malformed('SETITEMS needs key, value pairs');
    this.count(items.length / 2);
    let entries: [PyValue, PyValue][];
    if (typeof target === 'object' && target !== null && target.kind === 'dict') entries = target.entries;
    else if (typeof target === 'object' && target !== null && target.kind === 'object') entries = target.entries ??= [];
    else throw this.malformed('SETITEM needs a dict');
    for (let i = 0; i < items.length; i += 2) entries.push([items[i] as PyValue, items[i + 1] as PyValue]);
  }

  private build(target: PyValue, state: PyValue): void {
    if (typeof target !== 'object' || target === null) throw this.malformed('BUILD needs an object');
    // A dict's state (OrderedDict `_metadata`) and a tensor's (legacy `set_`, hooks) carry no tensors we list.
    if (target.kind === 'object') target.state = state;
  }

  private persistent(pid: PyValue): PyStorage {
    if (typeof pid !== 'object' || pid === null || pid.kind !== 'tuple') {
      throw new LensError('pt-bad-tensor', { hint: 'A persistent id is not a tuple', ...this.where() });
    }
    const [tag, type, key, , numel, view] = pid.items;
    if (tag !== 'storage' || typeof type !== 'object' || type === null || type.kind !== 'global') {
      throw new LensError('pt-bad-tensor', {
        hint: `The persistent id ${pyRepr(pid, 80)} is not a storage`,
        ...this.where(),
      });
    }
    const dtype = STORAGE_DTYPES[type.name.replace(/^torch\.(?:cuda\.|storage\.)?/, '')];
    if (!dtype || !/^torch\./.test(type.name)) {
      throw new LensError('pt-bad-tensor', { hint: `${type.name} is not a torch storage type`, ...this.where() });
    }
    if (typeof key !== 'string' && typeof key !== 'number') {
      throw new LensError('pt-bad-tensor', { hint: 'A storage key is not a string', ...this.where() });
    }
    if (typeof numel !== 'number' || !Number.isSafeInteger(numel) || numel < 0) {
      throw new LensError('pt-bad-tensor', { hint: `Storage "${key}" has an invalid size`, ...this.where() });
    }
    // Legacy storage views: (view key, element offset, view size) into the storage named by `key`.
    if (typeof view === 'object' && view !== null && view.kind === 'tuple') {
      const [, offset, size] = view.items;
      if (typeof offset !== 'number' || typeof size !== 'number' || offset < 0 || size < 0) {
        throw new LensError('pt-bad-tensor', { hint: `Storage view of "${key}" is invalid`, ...this.where() });
      }
      return { kind: 'storage', dtype, key: String(key), numel: size, elementOffset: offset };
    }
    return { kind: 'storage', dtype, key: String(key), numel, elementOffset: 0 };
  }

  /** REDUCE / INST / OBJ: what calling `callee(*args)` would give, built as data for allowlisted names. */
  private call(callee: PyValue, argsValue: PyValue): PyValue {
    if (typeof callee !== 'object' || callee === null || callee.kind !== 'global') {
      if (typeof callee === 'object' && callee !== null && callee.kind === 'object') {
        // Calling the result of another call (e.g. a placeholder's method): inert like its maker.
        return this.placeholder(callee.callee, argsValue, true);
      }
      throw this.malformed('REDUCE needs a callable');
    }
    if (typeof argsValue !== 'object' || argsValue === null || argsValue.kind !== 'tuple') {
      throw this.malformed(`The arguments of ${callee.name} are not a tuple`);
    }
    const args = argsValue.items;
    const name = callee.name;
    switch (name) {
      case 'collections.OrderedDict':
      case 'collections.Counter': {
        const dict: PyDict = { kind: 'dict', entries: [] };
        const first = args[0];
        if (first !== undefined && first !== null && isSequence(first)) {
          for (const pair of first.items) {
            if (typeof pair === 'object' && pair !== null && isSequence(pair) && pair.items.length === 2) {
              dict.entries.push([pair.items[0] as PyValue, pair.items[1] as PyValue]);
            }
          }
        }
        return dict;
      }
      case 'builtins.set':
      case 'builtins.frozenset': {
        const first = args[0];
        const items = first !== undefined && first !== null && isSequence(first) ? [...first.items] : [];
        this.count(items.length);
        return { kind: 'set', items };
      }
      case 'builtins.bytearray': {
        const first = args[0];
        if (typeof first === 'object' && first !== null && first.kind === 'bytes') return first;
        return { kind: 'bytes', bytes: new Uint8Array(0) };
      }
      case '_codecs.encode': {
        // protocol ≤ 2 writes bytes as _codecs.encode(text, 'latin1')
        const [text] = args;
        if (typeof text !== 'string') throw this.malformed('_codecs.encode needs a string');
        return { kind: 'bytes', bytes: Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff) };
      }
      case 'torch.Size': {
        const first = args[0];
        return this.tuple(first !== undefined && first !== null && isSequence(first) ? [...first.items] : []);
      }
      case 'torch.device':
        return args.map((a) => String(a)).join(':');
      case 'torch.serialization._get_layout':
        return typeof args[0] === 'string' ? args[0] : null;
      case 'torch._utils._rebuild_tensor':
      case 'torch._utils._rebuild_tensor_v2':
        return this.tensor(args[0], args[1], args[2], args[3], undefined);
      case 'torch._utils._rebuild_tensor_v3':
        return this.tensor(args[0], args[1], args[2], args[3], args[6]);
      case 'torch._utils._rebuild_parameter':
      case 'torch._utils._rebuild_parameter_with_state':
      case 'torch._utils._rebuild_device_tensor_from_cpu_tensor':
      case 'torch.nn.parameter.Parameter':
        return args[0] ?? null;
      case 'torch._tensor._rebuild_from_type_v2': {
        // (func, new_type, args, state): the tensor is what func(*args) gives
        const [func, , inner] = args;
        return this.call(func ?? null, inner ?? this.tuple([]));
      }
      case 'copyreg._reconstructor': {
        // copyreg._reconstructor(cls, base, state): how protocol < 2 pickles an object of `cls`
        const [cls] = args;
        if (typeof cls === 'object' && cls !== null && cls.kind === 'global')
          return this.placeholder(cls.name, this.tuple([]), false);
        break;
      }
    }
    return this.placeholder(name, argsValue, true);
  }

  /** NEWOBJ: `cls.__new__(cls, *args)`; allowlisted classes are modelled, others stay placeholders. */
  private instantiate(cls: PyValue, args: PyValue): PyValue {
    if (typeof cls !== 'object' || cls === null || cls.kind !== 'global') throw this.malformed('NEWOBJ needs a class');
    if (typeof args !== 'object' || args === null || args.kind !== 'tuple') {
      throw this.malformed(`The arguments of ${cls.name} are not a tuple`);
    }
    if (isAllowedGlobal(cls.name)) return this.call(cls, args);
    return this.placeholder(cls.name, args, false);
  }

  private placeholder(callee: string, argsValue: PyValue, called: boolean): PyObject {
    const args =
      typeof argsValue === 'object' && argsValue !== null && argsValue.kind === 'tuple' ? argsValue.items : [argsValue];
    const allowed = isAllowedGlobal(callee);
    if (called && !allowed) {
      this.calledNames.add(callee);
      this.calls.push({
        callee,
        args: args.map((a) => pyRepr(a, 200)).join(', '),
        offset: this.baseOffset + this.opOffset,
      });
    }
    return { kind: 'object', callee, args, called, allowed };
  }

  private tensor(
    storage: PyValue | undefined,
    offset: PyValue | undefined,
    size: PyValue | undefined,
    stride: PyValue | undefined,
    dtype: PyValue | undefined,
  ): PyTensor {
    const bad = (hint: string): LensError => new LensError('pt-bad-tensor', { hint, ...this.where() });
    if (typeof storage !== 'object' || storage === null || storage.kind !== 'storage')
      throw bad('A tensor has no storage');
    if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0)
      throw bad('A tensor has an invalid storage offset');
    const dims = (value: PyValue | undefined, what: string): number[] => {
      if (typeof value !== 'object' || value === null || !isSequence(value))
        throw bad(`A tensor's ${what} is not a tuple`);
      return value.items.map((item) => {
        if (typeof item !== 'number' || !Number.isSafeInteger(item) || item < 0)
          throw bad(`A tensor's ${what} holds ${pyRepr(item, 40)}`);
        return item;
      });
    };
    const shape = dims(size, 'size');
    const strides = dims(stride, 'stride');
    if (strides.length !== shape.length) throw bad(`A tensor has ${shape.length} dims and ${strides.length} strides`);
    let elementType = storage.dtype;
    if (dtype !== undefined) {
      if (typeof dtype !== 'object' || dtype === null || dtype.kind !== 'global' || !dtype.name.startsWith('torch.')) {
        throw bad('A tensor names no dtype');
      }
      elementType = dtype.name.slice('torch.'.length);
    }
    return { kind: 'tensor', storage, dtype: elementType, storageOffset: offset, shape, strides };
  }
}

function narrow(value: bigint): number | bigint {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
}

/** Python's raw-unicode-escape: only \uXXXX and \UXXXXXXXX are escapes. */
function rawUnicodeEscape(text: string): string {
  return text.replace(/\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})/g, (_, four?: string, eight?: string) => {
    const code = parseInt((four ?? eight) as string, 16);
    return code <= 0x10ffff ? String.fromCodePoint(code) : '\ufffd';
  });
}

/** The escapes of a Python 2 `repr(str)` (protocol 0 STRING). */
function pythonStringEscape(text: string): string {
  const simple: Record<string, string> = {
    n: '\n',
    r: '\r',
    t: '\t',
    '\\': '\\',
    "'": "'",
    '"': '"',
    a: '\x07',
    b: '\b',
    f: '\f',
    v: '\v',
    '0': '\0',
  };
  return text.replace(/\\(x[0-9a-fA-F]{2}|[0-7]{1,3}|.)/g, (_, escape: string) => {
    if (escape[0] === 'x') return String.fromCharCode(parseInt(escape.slice(1), 16));
    if (/^[0-7]+$/.test(escape)) return String.fromCharCode(parseInt(escape, 8) & 0xff);
    return simple[escape] ?? `\\${escape}`;
  });
}
