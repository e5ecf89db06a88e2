/**
 * torch.save zip archives built byte by byte for tests: a protocol-2 pickle of a dict of tensors
 * (`torch._utils._rebuild_tensor_v2` over persistent-id storages, as torch ≥ 1.6 writes it), the
 * `byteorder` and `version` records, one `data/<key>` record per storage, every record's data on
 * a 64-byte boundary (torch's kFieldAlignment, padded in the local header's extra field), with
 * real CRC-32s. A storage may be given without bytes: it is that many zero bytes, never in
 * memory, and the archive is then a ByteSource (a file of gigabytes at no cost; such a record's
 * CRC is left 0, which only Verify integrity checks).
 */
import type { ByteSource } from '../io/byte-source';
import { ConcatSource } from '../io/concat-source';
import { MemorySource } from '../io/byte-source';

/** torch storage classes and element sizes by the dtype torch names them with. */
const STORAGES = {
  float32: ['FloatStorage', 4],
  float64: ['DoubleStorage', 8],
  float16: ['HalfStorage', 2],
  bfloat16: ['BFloat16Storage', 2],
  int64: ['LongStorage', 8],
  int32: ['IntStorage', 4],
  int16: ['ShortStorage', 2],
  int8: ['CharStorage', 1],
  uint8: ['ByteStorage', 1],
  bool: ['BoolStorage', 1],
} as const;

export interface TorchStorage {
  key: string;
  dtype: keyof typeof STORAGES;
  /** Elements in the storage. */
  numel: number;
  /** The storage's bytes (numel × itemsize); absent: that many zero bytes, never allocated. */
  bytes?: Uint8Array;
}

export interface TorchTensor {
  name: string;
  storage: string;
  /** In elements. */
  offset: number;
  shape: number[];
  strides: number[];
}

class PickleWriter {
  readonly out: number[] = [];
  op(...bytes: number[]): this {
    for (const byte of bytes) this.out.push(byte);
    return this;
  }
  global(module: string, name: string): this {
    return this.op(0x63, ...Buffer.from(`${module}\n${name}\n`, 'latin1'));
  }
  unicode(text: string): this {
    const raw = Buffer.from(text, 'utf8');
    return this.op(0x58, ...le(raw.length, 4), ...raw);
  }
  int(value: number): this {
    if (value >= 0 && value < 256) return this.op(0x4b, value);
    if (value >= 0 && value < 65536) return this.op(0x4d, ...le(value, 2));
    if (value >= 0 && value < 2 ** 31) return this.op(0x4a, ...le(value, 4));
    // LONG1: little-endian two's complement, here always non-negative.
    const bytes: number[] = [];
    let rest = BigInt(value);
    while (rest > 0n) {
      bytes.push(Number(rest & 0xffn));
      rest >>= 8n;
    }
    if (((bytes[bytes.length - 1] as number) & 0x80) !== 0) bytes.push(0);
    return this.op(0x8a, bytes.length, ...bytes);
  }
  tuple(values: number[]): this {
    this.op(0x28);
    for (const value of values) this.int(value);
    return this.op(0x74);
  }
}

function le(value: number, bytes: number): number[] {
  const out: number[] = [];
  let rest = value;
  for (let i = 0; i < bytes; i += 1) {
    out.push(rest % 256);
    rest = Math.floor(rest / 256);
  }
  return out;
}

/** The data.pkl of a dict {name: tensor}. */
export function tensorDictPickle(tensors: readonly TorchTensor[], storages: readonly TorchStorage[]): Uint8Array {
  const byKey = new Map(storages.map((storage) => [storage.key, storage]));
  const p = new PickleWriter().op(0x80, 2).op(0x7d).op(0x28);
  for (const tensor of tensors) {
    const storage = byKey.get(tensor.storage);
    if (!storage) throw new Error(`no storage ${tensor.storage}`);
    p.unicode(tensor.name);
    p.global('torch._utils', '_rebuild_tensor_v2').op(0x28);
    p.op(0x28)
      .unicode('storage')
      .global('torch', STORAGES[storage.dtype][0])
      .unicode(storage.key)
      .unicode('cpu')
      .int(storage.numel)
      .op(0x74)
      .op(0x51); // BINPERSID
    p.int(tensor.offset).tuple(tensor.shape).tuple(tensor.strides);
    p.op(0x89).global('collections', 'OrderedDict').op(0x29).op(0x52); // False, OrderedDict()
    p.op(0x74).op(0x52); // TUPLE, REDUCE
  }
  p.op(0x75).op(0x2e); // SETITEMS, STOP
  return Uint8Array.from(p.out);
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n += 1) {
    let c = n;
    for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** zlib CRC-32. */
function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = (CRC_TABLE[(c ^ byte) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

class ZerosSource implements ByteSource {
  constructor(readonly size: number) {}
  read(offset: number, length: number): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(Math.max(0, Math.min(length, this.size - offset))));
  }
}

interface ZipRecord {
  name: string;
  bytes: Uint8Array | null;
  size: number;
}

/**
 * A torch zip archive of these tensors as pieces: written bytes, and the sizes of zero storages
 * that are not in memory. `torchZipBytes` / `torchZipSource` put them together.
 */
function torchZipPieces(
  tensors: readonly TorchTensor[],
  storages: readonly TorchStorage[],
  archive: string,
): (Uint8Array | number)[] {
  const records: ZipRecord[] = [
    { name: `${archive}/data.pkl`, bytes: tensorDictPickle(tensors, storages), size: 0 },
    { name: `${archive}/byteorder`, bytes: new TextEncoder().encode('little'), size: 0 },
    ...storages.map((storage) => ({ name: `${archive}/data/${storage.key}`, bytes: storage.bytes ?? null, size: 0 })),
    { name: `${archive}/version`, bytes: new TextEncoder().encode('3\n'), size: 0 },
  ];
  storages.forEach((storage, i) => {
    const record = records[2 + i] as ZipRecord;
    record.size = storage.numel * STORAGES[storage.dtype][1];
    if (record.bytes && record.bytes.length !== record.size) throw new Error(`storage ${storage.key}: wrong size`);
  });
  for (const record of records) if (record.bytes) record.size = record.bytes.length;

  const pieces: (Uint8Array | number)[] = [];
  let at = 0;
  const push = (piece: Uint8Array | number): void => {
    pieces.push(piece);
    at += typeof piece === 'number' ? piece : piece.length;
  };
  const offsets: number[] = [];
  const crcs: number[] = [];
  for (const record of records) {
    offsets.push(at);
    const name = Buffer.from(record.name);
    const crc = record.bytes ? crc32(record.bytes) : 0;
    crcs.push(crc);
    // The extra field pads the data to a 64-byte boundary ("FB" padding, as torch writes).
    const fixed = 30 + name.length;
    const pad = (64 - ((at + fixed + 4) % 64)) % 64;
    const extra = [0x46, 0x42, ...le(pad, 2), ...new Array<number>(pad).fill(0x5a)];
    push(
      Uint8Array.from([
        ...le(0x04034b50, 4),
        ...le(20, 2),
        ...le(0, 2),
        ...le(0, 2),
        ...le(0, 4),
        ...le(crc, 4),
        ...le(record.size, 4),
        ...le(record.size, 4),
        ...le(name.length, 2),
        ...le(extra.length, 2),
        ...name,
        ...extra,
      ]),
    );
    push(record.bytes ?? record.size);
  }
  const directoryStart = at;
  const directory: number[] = [];
  records.forEach((record, i) => {
    const name = Buffer.from(record.name);
    directory.push(
      ...le(0x02014b50, 4),
      ...le(20, 2),
      ...le(20, 2),
      ...le(0, 2),
      ...le(0, 2),
      ...le(0, 4),
      ...le(crcs[i] as number, 4),
      ...le(record.size, 4),
      ...le(record.size, 4),
      ...le(name.length, 2),
      ...le(0, 2),
      ...le(0, 2),
      ...le(0, 2),
      ...le(0, 2),
      ...le(0, 4),
      ...le(offsets[i] as number, 4),
      ...name,
    );
  });
  directory.push(
    ...le(0x06054b50, 4),
    ...le(0, 2),
    ...le(0, 2),
    ...le(records.length, 2),
    ...le(records.length, 2),
    ...le(directory.length, 4),
    ...le(directoryStart, 4),
    ...le(0, 2),
  );
  push(Uint8Array.from(directory));
  return pieces;
}

/** The archive as bytes (every storage given). */
export function torchZipBytes(
  tensors: readonly TorchTensor[],
  storages: readonly TorchStorage[],
  archive = 'archive',
): Uint8Array {
  const pieces = torchZipPieces(tensors, storages, archive);
  return new Uint8Array(
    Buffer.concat(pieces.map((piece) => (typeof piece === 'number' ? new Uint8Array(piece) : piece))),
  );
}

/** The archive as a source: storages without bytes read as zeros and are never allocated. */
export function torchZipSource(
  tensors: readonly TorchTensor[],
  storages: readonly TorchStorage[],
  archive = 'archive',
): ByteSource {
  const pieces = torchZipPieces(tensors, storages, archive);
  return new ConcatSource(
    pieces.map((piece) => (typeof piece === 'number' ? new ZerosSource(piece) : new MemorySource(piece))),
  );
}
