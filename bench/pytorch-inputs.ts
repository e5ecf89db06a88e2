// The PyTorch rows' inputs (issue I): a `torch.save` zip-layout `pytorch_model.bin` and an
// 8-shard safetensors set with its `model.safetensors.index.json`, the same float32 tensors in
// both, written here in plain Node (no torch installed) the way torch 2.x and Hugging Face write them:
// - the .bin is a stored zip whose `archive/data.pkl` is a protocol-2 pickle of an OrderedDict of
//   `torch._utils._rebuild_tensor_v2` calls with persistent-id storages
//   `('storage', torch.FloatStorage, '<key>', 'cpu', numel)` (memoised as Python's pickler does,
//   items in batches of 1000); every entry's data 64-byte aligned through an "FB" extra field,
//   flag bit 3 with a data descriptor holding its CRC-32, a central directory (zip64 only when an
//   offset or the entry count needs it);
// - the shards split the tensors in order into 8 parts of about equal bytes.
// Each is written afresh, measured and deleted by bench/run.ts, one at a time (/dev/shm is memory).
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import { patternBlock, tensorSizes } from './generate';

const MiB = 1024 * 1024;
export const PYTORCH_SHARDS = 8;

export interface TorchBinInput {
  file: string;
  tensors: number;
  /** Bytes of tensor data. */
  tensorBytes: number;
}

export interface ShardedSetInput {
  dir: string;
  /** The index JSON, and the shard files in shard order. */
  index: string;
  shards: string[];
  tensors: number;
  tensorBytes: number;
}

interface BenchTensor {
  name: string;
  shape: number[];
  bytes: number;
}

/** The tensors of both inputs: sizes as the other bench files', cut to whole rows of 64 where there are two or more. */
export function pytorchBenchTensors(totalBytes: number, count: number): BenchTensor[] {
  return tensorSizes(totalBytes, count).map((sized, i) => {
    const rows = Math.floor(sized / 4 / 64);
    const shape = rows >= 2 ? [rows, 64] : [sized / 4];
    return {
      name: `model.layers.${Math.floor(i / 10)}.block.param_${i}.weight`,
      shape,
      bytes: shape.reduce((a, b) => a * b, 4),
    };
  });
}

/** A pickle written opcode by opcode, with Python's memo (BINPUT/LONG_BINPUT, BINGET/LONG_BINGET). */
class PickleWriter {
  private chunks: Buffer[] = [];
  private memo = new Map<string, number>();

  private op(...bytes: number[]): void {
    this.chunks.push(Buffer.from(bytes));
  }
  private u32(value: number): number[] {
    return [value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff];
  }
  /** Memoise what was just pushed under `id` (when given), as the pickler does for every str/tuple/object. */
  private put(id?: string): void {
    const index = this.memo.size;
    this.memo.set(id ?? `#${index}`, index);
    if (index < 256) this.op(0x71, index);
    else this.op(0x72, ...this.u32(index));
  }
  /** A memoised object again: BINGET/LONG_BINGET; false when it was never pushed. */
  private get(id: string): boolean {
    const index = this.memo.get(id);
    if (index === undefined) return false;
    if (index < 256) this.op(0x68, index);
    else this.op(0x6a, ...this.u32(index));
    return true;
  }
  proto(): void {
    this.op(0x80, 2);
  }
  global(module: string, name: string): void {
    if (this.get(`global:${module}.${name}`)) return;
    this.chunks.push(Buffer.from(`c${module}\n${name}\n`, 'latin1'));
    this.put(`global:${module}.${name}`);
  }
  /** A str; `shared` strings are one object in the pickled data (so the memo holds them once). */
  str(text: string, shared = false): void {
    if (shared && this.get(`str:${text}`)) return;
    const raw = Buffer.from(text, 'utf8');
    this.op(0x58, ...this.u32(raw.length));
    this.chunks.push(raw);
    this.put(shared ? `str:${text}` : undefined);
  }
  int(value: number): void {
    if (value < 256) this.op(0x4b, value);
    else if (value < 65536) this.op(0x4d, value & 0xff, value >>> 8);
    else if (value < 2 ** 31) this.op(0x4a, ...this.u32(value));
    else throw new Error(`int ${value} needs LONG1`);
  }
  /** A tuple of ints, as the pickler writes it (TUPLE1/2/3 or MARK … TUPLE), memoised. */
  intTuple(values: number[]): void {
    if (values.length === 0) {
      this.op(0x29);
      return;
    }
    if (values.length > 3) this.op(0x28);
    for (const value of values) this.int(value);
    this.op(values.length > 3 ? 0x74 : ([0x85, 0x86, 0x87][values.length - 1] as number));
    this.put();
  }
  raw(...bytes: number[]): void {
    this.op(...bytes);
  }
  memoise(): void {
    this.put();
  }
  bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

/**
 * `torch.save(OrderedDict(...))`'s data.pkl: every tensor `_rebuild_tensor_v2((storage…), 0,
 * shape, stride, False, OrderedDict())`, storage key = its position.
 */
function statePickle(tensors: BenchTensor[]): Buffer {
  const p = new PickleWriter();
  p.proto();
  p.global('collections', 'OrderedDict');
  p.raw(0x29, 0x52); // EMPTY_TUPLE, REDUCE
  p.memoise();
  for (let at = 0; at < tensors.length; at += 1000) {
    const batch = tensors.slice(at, at + 1000);
    if (batch.length > 1) p.raw(0x28); // MARK
    batch.forEach((tensor, i) => {
      p.str(tensor.name);
      p.global('torch._utils', '_rebuild_tensor_v2');
      p.raw(0x28); // MARK (the args tuple)
      p.raw(0x28); // MARK (the persistent id)
      p.str('storage', true);
      p.global('torch', 'FloatStorage');
      p.str(String(at + i));
      p.str('cpu', true);
      p.int(tensor.bytes / 4);
      p.raw(0x74); // TUPLE
      p.memoise();
      p.raw(0x51); // BINPERSID
      p.int(0); // storage offset
      p.intTuple(tensor.shape);
      p.intTuple(tensor.shape.map((_, d) => tensor.shape.slice(d + 1).reduce((a, b) => a * b, 1)));
      p.raw(0x89); // NEWFALSE: requires_grad
      p.global('collections', 'OrderedDict');
      p.raw(0x29, 0x52); // EMPTY_TUPLE, REDUCE: backward_hooks
      p.memoise();
      p.raw(0x74); // TUPLE
      p.memoise();
      p.raw(0x52); // REDUCE
      p.memoise();
    });
    p.raw(batch.length > 1 ? 0x75 : 0x73); // SETITEMS / SETITEM
  }
  p.raw(0x2e); // STOP
  return p.bytes();
}

/** Writes a stored zip the way torch's PyTorchStreamWriter (miniz) does, entry by entry, to a file. */
class TorchZipWriter {
  private readonly fd: number;
  private at = 0;
  private readonly entries: { name: Buffer; crc: number; size: number; offset: number }[] = [];

  constructor(file: string) {
    this.fd = openSync(file, 'w');
  }

  private write(bytes: Uint8Array): void {
    writeSync(this.fd, bytes);
    this.at += bytes.length;
  }

  /** One stored entry whose bytes are `pieces` (written as they come; CRC-32 computed on the way). */
  entry(name: string, pieces: Iterable<Uint8Array>): void {
    const nameBytes = Buffer.from(name, 'utf8');
    // The "FB" extra field pads the local header so the data starts on a 64-byte boundary.
    const padding = (64 - ((this.at + 30 + nameBytes.length + 4) % 64)) % 64;
    const header = Buffer.alloc(30 + nameBytes.length + 4 + padding, 'Z'.charCodeAt(0));
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(0, 4); // version needed (torch writes 0)
    header.writeUInt16LE(0x0808, 6); // bit 3: data descriptor; bit 11: UTF-8 names
    header.writeUInt16LE(0, 8); // stored
    header.writeUInt32LE(0, 10); // time, date
    header.writeUInt32LE(0, 14); // CRC: in the data descriptor
    header.writeUInt32LE(0, 18);
    header.writeUInt32LE(0, 22);
    header.writeUInt16LE(nameBytes.length, 26);
    header.writeUInt16LE(4 + padding, 28);
    nameBytes.copy(header, 30);
    header.writeUInt16LE(0x4246, 30 + nameBytes.length); // "FB"
    header.writeUInt16LE(padding, 32 + nameBytes.length);
    const offset = this.at;
    this.write(header);
    let crc = 0;
    let size = 0;
    for (const piece of pieces) {
      crc = crc32(piece, crc);
      size += piece.length;
      this.write(piece);
    }
    if (size >= 0xffffffff) throw new Error(`${name}: entries of 4 GiB or more are not written here`);
    const descriptor = Buffer.alloc(16);
    descriptor.writeUInt32LE(0x08074b50, 0);
    descriptor.writeUInt32LE(crc, 4);
    descriptor.writeUInt32LE(size, 8);
    descriptor.writeUInt32LE(size, 12);
    this.write(descriptor);
    this.entries.push({ name: nameBytes, crc, size, offset });
  }

  /** The central directory and its end records; zip64 ones only when needed. */
  close(): void {
    const start = this.at;
    for (const entry of this.entries) {
      const zip64Offset = entry.offset >= 0xffffffff;
      const central = Buffer.alloc(46 + entry.name.length + (zip64Offset ? 12 : 0));
      central.writeUInt32LE(0x02014b50, 0);
      central.writeUInt16LE(zip64Offset ? 45 : 0, 4); // made by
      central.writeUInt16LE(zip64Offset ? 45 : 0, 6); // needed
      central.writeUInt16LE(0x0808, 8);
      central.writeUInt16LE(0, 10);
      central.writeUInt32LE(0, 12);
      central.writeUInt32LE(entry.crc, 16);
      central.writeUInt32LE(entry.size, 20);
      central.writeUInt32LE(entry.size, 24);
      central.writeUInt16LE(entry.name.length, 28);
      central.writeUInt16LE(zip64Offset ? 12 : 0, 30);
      // comment length, disk, attributes: 0
      central.writeUInt32LE(zip64Offset ? 0xffffffff : entry.offset, 42);
      entry.name.copy(central, 46);
      if (zip64Offset) {
        central.writeUInt16LE(0x0001, 46 + entry.name.length);
        central.writeUInt16LE(8, 48 + entry.name.length);
        central.writeBigUInt64LE(BigInt(entry.offset), 50 + entry.name.length);
      }
      this.write(central);
    }
    const size = this.at - start;
    const count = this.entries.length;
    const zip64 = start >= 0xffffffff || count >= 0xffff;
    if (zip64) {
      const record = Buffer.alloc(56 + 20);
      record.writeUInt32LE(0x06064b50, 0);
      record.writeBigUInt64LE(44n, 4);
      record.writeUInt16LE(45, 12);
      record.writeUInt16LE(45, 14);
      record.writeBigUInt64LE(BigInt(count), 24);
      record.writeBigUInt64LE(BigInt(count), 32);
      record.writeBigUInt64LE(BigInt(size), 40);
      record.writeBigUInt64LE(BigInt(start), 48);
      record.writeUInt32LE(0x07064b50, 56);
      record.writeBigUInt64LE(BigInt(this.at), 64);
      record.writeUInt32LE(1, 72);
      this.write(record);
    }
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(zip64 ? 0xffff : count, 8);
    end.writeUInt16LE(zip64 ? 0xffff : count, 10);
    end.writeUInt32LE(zip64 ? 0xffffffff : size, 12);
    end.writeUInt32LE(zip64 ? 0xffffffff : start, 16);
    this.write(end);
    closeSync(this.fd);
  }
}

/** A tensor's content: the pattern block from a per-tensor start, repeated as needed. */
function* tensorContent(block: Uint8Array, index: number, bytes: number): Generator<Uint8Array> {
  let from = (index * 4096) % block.length;
  let left = bytes;
  while (left > 0) {
    const n = Math.min(left, block.length - from);
    yield block.subarray(from, from + n);
    left -= n;
    from = 0;
  }
}

function writeTorchBin(file: string, tensors: BenchTensor[], block: Uint8Array): void {
  const zip = new TorchZipWriter(file);
  zip.entry('archive/data.pkl', [statePickle(tensors)]);
  zip.entry('archive/.format_version', [Buffer.from('1')]);
  zip.entry('archive/.storage_alignment', [Buffer.from('64')]);
  zip.entry('archive/byteorder', [Buffer.from('little')]);
  tensors.forEach((tensor, i) => zip.entry(`archive/data/${i}`, tensorContent(block, i, tensor.bytes)));
  zip.entry('archive/version', [Buffer.from('3\n')]);
  zip.close();
}

/** Tensors split in order into `count` runs of about equal bytes. */
function shardRuns(tensors: BenchTensor[], count: number): BenchTensor[][] {
  const total = tensors.reduce((sum, t) => sum + t.bytes, 0);
  const runs: BenchTensor[][] = Array.from({ length: count }, () => []);
  let done = 0;
  for (const tensor of tensors) {
    const shard = Math.min(count - 1, Math.floor((done / total) * count));
    (runs[shard] as BenchTensor[]).push(tensor);
    done += tensor.bytes;
  }
  return runs;
}

function writeShardedSafetensors(
  dir: string,
  tensors: BenchTensor[],
  block: Uint8Array,
): { index: string; shards: string[] } {
  mkdirSync(dir, { recursive: true });
  const runs = shardRuns(tensors, PYTORCH_SHARDS);
  const weightMap: Record<string, string> = {};
  const shards: string[] = [];
  let position = 0;
  runs.forEach((run, s) => {
    const name = `model-${String(s + 1).padStart(5, '0')}-of-${String(PYTORCH_SHARDS).padStart(5, '0')}.safetensors`;
    const header: Record<string, unknown> = { __metadata__: { format: 'pt' } };
    let offset = 0;
    for (const tensor of run) {
      header[tensor.name] = { dtype: 'F32', shape: tensor.shape, data_offsets: [offset, offset + tensor.bytes] };
      weightMap[tensor.name] = name;
      offset += tensor.bytes;
    }
    let json = JSON.stringify(header);
    json += ' '.repeat((8 - (json.length % 8)) % 8);
    const headerBytes = Buffer.from(json, 'utf8');
    const length = Buffer.alloc(8);
    length.writeBigUInt64LE(BigInt(headerBytes.length));
    const file = path.join(dir, name);
    const fd = openSync(file, 'w');
    writeSync(fd, length);
    writeSync(fd, headerBytes);
    for (const tensor of run) {
      for (const piece of tensorContent(block, position, tensor.bytes)) writeSync(fd, piece);
      position += 1;
    }
    closeSync(fd);
    shards.push(file);
  });
  const index = path.join(dir, 'model.safetensors.index.json');
  const totalSize = tensors.reduce((sum, t) => sum + t.bytes, 0);
  writeFileSync(index, `${JSON.stringify({ metadata: { total_size: totalSize }, weight_map: weightMap }, null, 2)}\n`);
  return { index, shards };
}

/** Delete what an earlier run left under `dir` (a crash between writing and measuring). */
export function removePytorchInputs(dir: string): void {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) {
    if (name.startsWith('pytorch-')) rmSync(path.join(dir, name), { recursive: true, force: true });
  }
}

/**
 * `<dir>/pytorch-<MiB>MiB-<N>.bin`, written afresh. /dev/shm is memory: the bench writes this,
 * measures it, deletes it, and only then writes the sharded set, so only one of them is held at a time.
 */
export function generateTorchBin(dir: string, sizeBytes: number, tensorCount: number): TorchBinInput {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `pytorch-${Math.round((sizeBytes / MiB) * 1000) / 1000}MiB-${tensorCount}.bin`);
  const tensors = pytorchBenchTensors(sizeBytes, tensorCount);
  writeTorchBin(file, tensors, patternBlock(4 * MiB));
  return { file, tensors: tensors.length, tensorBytes: tensors.reduce((sum, t) => sum + t.bytes, 0) };
}

/** `<dir>/pytorch-<MiB>MiB-<N>-shards/`: the same tensors as `generateTorchBin`'s, in 8 shards and an index. */
export function generateShardedSet(dir: string, sizeBytes: number, tensorCount: number): ShardedSetInput {
  const root = path.join(dir, `pytorch-${Math.round((sizeBytes / MiB) * 1000) / 1000}MiB-${tensorCount}-shards`);
  rmSync(root, { recursive: true, force: true });
  const tensors = pytorchBenchTensors(sizeBytes, tensorCount);
  const written = writeShardedSafetensors(root, tensors, patternBlock(4 * MiB));
  return {
    dir: root,
    index: written.index,
    shards: written.shards,
    tensors: tensors.length,
    tensorBytes: tensors.reduce((sum, t) => sum + t.bytes, 0),
  };
}
