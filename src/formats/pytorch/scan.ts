import { mapConcurrently } from '../../base/arrays';
import { TensorEntryList } from '../../base/tensor-columns';
import { decodeSmallValues } from '../scalars';
import { LensError } from '../../base/errors';
import {
  MAX_PICKLE_BYTES,
  MAX_READ_BYTES,
  MAX_VIEW_GATHERED_BYTES,
  MAX_VIEW_RANGES,
  MAX_VIEW_SPAN_BYTES,
} from '../../base/limits';
import type {
  ByteRange,
  CheckpointIndex,
  FileProblem,
  TensorEntry,
  TensorProblem,
  TensorView,
  ZipUncheckedEntry,
} from '../../base/types';
import type { ByteSource } from '../../io/byte-source';
import { torchDtype } from './dtypes';
import { flattenPickle } from './flatten';
import { readPickle, type PickleResult, type PyStorage, type PyTensor } from './pickle';
import { ZipCheckedSource } from './checked-source';
import { entryDataRange, inferDataOffsets, looksLikeZip, readZipArchive, type ZipEntry } from './zip';

export interface PytorchScanOptions {
  signal?: AbortSignal;
  /** First window for a legacy file's pickles; doubled while a pickle runs past it. Tests shrink it. */
  legacyWindowBytes?: number;
}

/** torch/serialization.py MAGIC_NUMBER, as pickled at the start of a legacy file (LONG1, 10 bytes). */
const LEGACY_MAGIC = 0x1950a86a20f9469cfc6cn;
const LEGACY_PROTOCOL = 1001;
const LEGACY_HEAD = Uint8Array.of(0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19);
const DEFAULT_LEGACY_WINDOW = 1024 * 1024;

/** The first bytes of a pre-1.6 torch.save file: protocol 2, then the magic number as a LONG1. */
function looksLikeLegacyTorch(head: Uint8Array): boolean {
  if (head.length < LEGACY_HEAD.length) return false;
  return LEGACY_HEAD.every((byte, i) => head[i] === byte);
}

export function looksLikeTorch(head: Uint8Array): boolean {
  return looksLikeZip(head) || looksLikeLegacyTorch(head);
}

/**
 * A file shorter than the legacy head that begins like it (protocol 2, then a 10-byte LONG1:
 * the magic number's own instruction) is a legacy torch.save file cut inside its magic number.
 */
export function explainTorchHead(head: Uint8Array, size: number): LensError | null {
  const start = LEGACY_HEAD.subarray(0, 4);
  if (size >= LEGACY_HEAD.length || head.length < start.length) return null;
  if (!LEGACY_HEAD.subarray(0, head.length).every((byte, i) => head[i] === byte)) return null;
  return new LensError('pickle-truncated', {
    offset: size,
    expected: LEGACY_HEAD.length,
    actual: size,
    hint: 'the magic number a legacy (pre-1.6) torch.save file begins with',
  });
}

/** Bytes [offset, offset + length) in reads of at most MAX_READ_BYTES. */
async function readWhole(
  source: ByteSource,
  offset: number,
  length: number,
  signal?: AbortSignal,
): Promise<Uint8Array> {
  const out = new Uint8Array(length);
  for (let at = 0; at < length; at += MAX_READ_BYTES) {
    const chunk = await source.read(offset + at, Math.min(MAX_READ_BYTES, length - at), signal);
    out.set(chunk, at);
    if (chunk.length < Math.min(MAX_READ_BYTES, length - at)) {
      throw new LensError('read-failed', { offset: offset + at + chunk.length, hint: 'the source ended early' });
    }
  }
  return out;
}

function checkPickleSize(length: number, offset: number): void {
  if (length > MAX_PICKLE_BYTES) {
    throw new LensError('pt-limit', { hint: 'The pickle size', actual: length, limit: MAX_PICKLE_BYTES, offset });
  }
}

/** Where each storage's bytes lie in the file, by key. */
type StorageBytes = Map<string, ByteRange>;

/** Every storage the tensors use, once. */
function storagesOf(tensors: { tensor: PyTensor }[]): Map<string, PyStorage> {
  const out = new Map<string, PyStorage>();
  for (const { tensor } of tensors) if (!out.has(tensor.storage.key)) out.set(tensor.storage.key, tensor.storage);
  return out;
}

async function scanZip(source: ByteSource, options: PytorchScanOptions) {
  const { signal } = options;
  const { entries, directoryOffset, trailingBytes } = await readZipArchive(source, signal);
  const byName = new Map(entries.map((entry) => [entry.name, entry]));
  // `<archive name>/data.pkl`; the archive name is the file's stem at save time, anything really.
  const pickleEntry = entries
    .filter((entry) => /^(?:[^/]*\/)?data\.pkl$/.test(entry.name))
    .sort((a, b) => a.name.length - b.name.length)[0];
  if (!pickleEntry) throw new LensError('pt-missing-record', { hint: 'The pickle', actual: 'data.pkl' });
  const prefix = pickleEntry.name.slice(0, -'data.pkl'.length);
  const placed = inferDataOffsets(entries, directoryOffset);
  // An entry's bytes: where the layout places it, read with its local header (one read) and
  // checked against it; otherwise its header is read first.
  const entryBytes = async (entry: ZipEntry): Promise<{ offset: number; bytes: Uint8Array }> => {
    const offset = placed.get(entry);
    if (offset === undefined) {
      const range = await entryDataRange(source, entry, signal);
      return { offset: range.offset, bytes: await readWhole(source, range.offset, range.length, signal) };
    }
    const checked = new ZipCheckedSource(source, [
      { name: entry.name, localHeaderOffset: entry.localHeaderOffset, dataOffset: offset, size: entry.size },
    ]);
    return { offset, bytes: await readWhole(checked, offset, entry.size, signal) };
  };
  const byteorder = byName.get(`${prefix}byteorder`);
  if (byteorder && byteorder.size <= 16) {
    const { offset, bytes } = await entryBytes(byteorder);
    const text = new TextDecoder().decode(bytes).trim();
    if (text !== 'little') throw new LensError('pt-big-endian', { actual: text, offset });
  }
  checkPickleSize(pickleEntry.size, pickleEntry.localHeaderOffset);
  const pickle = await entryBytes(pickleEntry);
  const result = readPickle(pickle.bytes, pickle.offset);
  const flat = flattenPickle(result);
  const keys = [...storagesOf(flat.tensors).keys()];
  const storageEntries = keys.map((key) => {
    const entry = byName.get(`${prefix}data/${key}`);
    if (!entry) throw new LensError('pt-missing-record', { hint: 'The storage', actual: `${prefix}data/${key}` });
    return entry;
  });
  // Each storage's local header says where its bytes begin (torch pads the extra field to 64-byte
  // alignment, which the central directory does not record). A header is a read of its own, and
  // 10,000 took 13–60 s in Chromium (32 in flight): where the central directory's layout places
  // a storage unambiguously (inferDataOffsets), its header is left to be checked when its bytes
  // are first read (checked-source.ts); the others are read now.
  const unchecked: ZipUncheckedEntry[] = [];
  const storages: StorageBytes = new Map();
  const unplaced: number[] = [];
  storageEntries.forEach((entry, i) => {
    const dataOffset = placed.get(entry);
    if (dataOffset === undefined) {
      unplaced.push(i);
      return;
    }
    if (entry.size > 0)
      unchecked.push({ name: entry.name, localHeaderOffset: entry.localHeaderOffset, dataOffset, size: entry.size });
    storages.set(keys[i] as string, { offset: dataOffset, length: entry.size });
  });
  const ranges = await mapConcurrently(unplaced, LOCAL_HEADER_READS_IN_FLIGHT, (i) =>
    entryDataRange(source, storageEntries[i] as ZipEntry, signal),
  );
  unplaced.forEach((i, at) => storages.set(keys[i] as string, ranges[at] as ByteRange));
  return { result, flat, storages, zipEntries: entries.length, unchecked, trailingBytes };
}

/** Local header reads in flight while storages the layout cannot place are located. */
const LOCAL_HEADER_READS_IN_FLIGHT = 32;

/**
 * One pickle of the legacy layout starting at `offset`: its length is only known once read, so the
 * window grows (doubling) while the pickle runs past it, up to MAX_PICKLE_BYTES.
 */
async function readLegacyPickle(
  source: ByteSource,
  offset: number,
  options: PytorchScanOptions,
): Promise<{ result: PickleResult; end: number }> {
  let window = options.legacyWindowBytes ?? DEFAULT_LEGACY_WINDOW;
  for (;;) {
    const length = Math.min(window, source.size - offset, MAX_PICKLE_BYTES);
    const bytes = await readWhole(source, offset, length, options.signal);
    try {
      const result = readPickle(bytes, offset);
      return { result, end: offset + result.length };
    } catch (error) {
      const more = offset + length < source.size;
      if (!(error instanceof LensError && error.code === 'pickle-truncated') || !more) throw error;
      if (length >= MAX_PICKLE_BYTES) checkPickleSize(length + 1, offset);
      window *= 2;
    }
  }
}

async function scanLegacy(source: ByteSource, options: PytorchScanOptions) {
  const bad = (hint: string, offset: number) => new LensError('pt-bad-legacy', { hint, offset });
  const magic = await readLegacyPickle(source, 0, options);
  if (magic.result.value !== LEGACY_MAGIC) throw bad('The file does not start with torch’s magic number', 0);
  const protocol = await readLegacyPickle(source, magic.end, options);
  if (protocol.result.value !== LEGACY_PROTOCOL) {
    throw bad(`The legacy protocol version is ${String(protocol.result.value)}, not ${LEGACY_PROTOCOL}`, magic.end);
  }
  const sysInfo = await readLegacyPickle(source, protocol.end, options);
  const info = sysInfo.result.value;
  if (typeof info === 'object' && info !== null && info.kind === 'dict') {
    const little = info.entries.find(([key]) => key === 'little_endian')?.[1];
    if (little === false) throw new LensError('pt-big-endian', { actual: 'little_endian=False', offset: protocol.end });
  }
  const main = await readLegacyPickle(source, sysInfo.end, options);
  const flat = flattenPickle(main.result);
  const keysPickle = await readLegacyPickle(source, main.end, options);
  const keys = keysPickle.result.value;
  if (typeof keys !== 'object' || keys === null || keys.kind !== 'list')
    throw bad('The storage key list is missing', main.end);
  const used = storagesOf(flat.tensors);
  const storages: StorageBytes = new Map();
  let at = keysPickle.end;
  for (const key of keys.items) {
    if (typeof key !== 'string' && typeof key !== 'number') throw bad('A storage key is not a string', main.end);
    const name = String(key);
    const storage = used.get(name);
    const itemsize = storage ? torchDtype(storage.dtype)?.itemsize : undefined;
    if (itemsize === undefined) throw bad(`Storage "${name}" is used by no tensor, so its size is unknown`, at);
    const header = await readWhole(source, at, 8, options.signal).catch(() => {
      throw bad(`The file ends before storage "${name}"`, at);
    });
    const count = new DataView(header.buffer, header.byteOffset, 8).getBigInt64(0, true);
    const length = count * BigInt(itemsize);
    if (count < 0n || BigInt(at + 8) + length > BigInt(source.size)) {
      throw bad(`Storage "${name}" declares ${count} elements, past the end of the file`, at);
    }
    storages.set(name, { offset: at + 8, length: Number(length) });
    at += 8 + Number(length);
  }
  for (const key of used.keys()) {
    if (!storages.has(key))
      throw new LensError('pt-missing-record', { hint: 'The storage', actual: key, offset: main.end });
  }
  return {
    result: main.result,
    flat,
    storages,
    zipEntries: null,
    unchecked: [] as ZipUncheckedEntry[],
    trailingBytes: 0,
  };
}

function isContiguous(shape: readonly number[], strides: readonly number[]): boolean {
  let expected = 1;
  for (let d = shape.length - 1; d >= 0; d -= 1) {
    const size = shape[d] as number;
    if (size !== 1 && strides[d] !== expected) return false;
    expected *= size;
  }
  return true;
}

/** Contiguous runs a view's values in C order fall into: the innermost dims whose elements follow each other form one. */
function runLayout(tensor: PyTensor): { outer: number; runs: number; runElements: number } {
  const { shape, strides } = tensor;
  let runElements = 1;
  let outer = shape.length;
  while (outer > 0) {
    const d = outer - 1;
    if (shape[d] !== 1 && strides[d] !== runElements) break;
    runElements *= shape[d] as number;
    outer = d;
  }
  let runs = 1;
  for (let d = 0; d < outer; d += 1) runs *= shape[d] as number;
  return { outer, runs, runElements };
}

/**
 * The byte ranges of a view's values in C order: runs of contiguous elements, one range each
 * (adjacent runs joined). The caller has checked that there are at most MAX_VIEW_RANGES runs.
 */
function gatherRanges(tensor: PyTensor, base: number, itemsize: number): ByteRange[] {
  const { shape, strides } = tensor;
  const { outer, runs, runElements } = runLayout(tensor);
  const ranges: ByteRange[] = [];
  const index = new Array<number>(outer).fill(0);
  const runBytes = runElements * itemsize;
  for (let run = 0; run < runs; run += 1) {
    let element = tensor.storageOffset;
    for (let d = 0; d < outer; d += 1) element += (index[d] as number) * (strides[d] as number);
    const offset = base + element * itemsize;
    const last = ranges[ranges.length - 1];
    if (last && last.offset + last.length === offset) last.length += runBytes;
    else ranges.push({ offset, length: runBytes });
    for (let d = outer - 1; d >= 0; d -= 1) {
      index[d] = (index[d] as number) + 1;
      if ((index[d] as number) < (shape[d] as number)) break;
      index[d] = 0;
    }
  }
  return ranges;
}

const count = (value: number): string => value.toLocaleString('en-US');

function tensorEntry(name: string, tensor: PyTensor, storages: StorageBytes): TensorEntry {
  const dtype = torchDtype(tensor.dtype);
  const problems: TensorProblem[] = [];
  const numel = tensor.shape.reduce((product, dim) => product * dim, 1);
  const contiguous = isContiguous(tensor.shape, tensor.strides);
  const entry: TensorEntry = {
    name,
    dtype: dtype?.mindspore ?? tensor.dtype,
    rawDtype: tensor.dtype,
    shape: tensor.shape,
    kind: 'tensor',
    bytes: 0,
    ranges: [],
    view: { storage: tensor.storage.key, storageOffset: tensor.storageOffset, strides: tensor.strides, contiguous },
  };
  if (!dtype?.mindspore) problems.push({ code: 'no-mindspore-dtype', detail: `torch.${tensor.dtype}` });
  if (!dtype) {
    entry.problems = problems;
    return entry;
  }
  entry.bytes = numel * dtype.itemsize;
  const storage = storages.get(tensor.storage.key) as ByteRange;
  const storageItemsize = torchDtype(tensor.storage.dtype)?.itemsize ?? 1;
  const base = storage.offset + tensor.storage.elementOffset * storageItemsize;
  if (numel > 0) {
    let last = tensor.storageOffset;
    for (let d = 0; d < tensor.shape.length; d += 1)
      last += ((tensor.shape[d] as number) - 1) * (tensor.strides[d] as number);
    const needed = base - storage.offset + (last + 1) * dtype.itemsize;
    if (!Number.isSafeInteger(needed) || needed > storage.length) {
      problems.push({
        code: 'view-outside-storage',
        detail: `needs ${needed} bytes, storage "${tensor.storage.key}" has ${storage.length}`,
      });
    } else {
      const { runs } = runLayout(tensor);
      if (runs <= MAX_VIEW_RANGES) entry.ranges = gatherRanges(tensor, base, dtype.itemsize);
      else {
        // Too many runs to list: the values are gathered in memory from the span the view
        // touches (formats/pytorch/gather.ts), when that span and the values are not too large.
        const span = (last - tensor.storageOffset + 1) * dtype.itemsize;
        const tooLarge =
          span > MAX_VIEW_SPAN_BYTES
            ? `${count(runs)} runs over ${count(span)} bytes of storage "${tensor.storage.key}"`
            : !Number.isSafeInteger(entry.bytes) || entry.bytes > MAX_VIEW_GATHERED_BYTES
              ? `${count(runs)} runs making ${count(entry.bytes)} bytes of values`
              : null;
        if (tooLarge) problems.push({ code: 'view-too-fragmented', detail: tooLarge });
        else {
          entry.ranges = [{ offset: base + tensor.storageOffset * dtype.itemsize, length: span }];
          entry.view = { ...(entry.view as TensorView), gathered: true };
        }
      }
    }
  }
  if (problems.length > 0) entry.problems = problems;
  return entry;
}

/** "module." when every tensor name starts with it, or with "<one key>.module." (a DDP model inside a checkpoint dict). */
function ddpPrefix(names: readonly string[]): string | null {
  if (names.length === 0) return null;
  if (names.every((name) => name.startsWith('module.'))) return 'module.';
  const first = (names[0] as string).split('.')[0] as string;
  const nested = `${first}.module.`;
  const under = names.filter((name) => name.startsWith(`${first}.`));
  if (under.length > 0 && under.every((name) => name.startsWith(nested))) return nested;
  return null;
}

const MAX_LISTED_CALLS = 20;

function fileProblems(
  result: PickleResult,
  unsupported: { name: string; what: string }[],
  names: string[],
): FileProblem[] {
  const problems: FileProblem[] = [];
  const seen = new Set<string>();
  for (const call of result.calls) {
    const detail = `${call.callee}(${call.args})`;
    if (seen.has(detail) || seen.size >= MAX_LISTED_CALLS) continue;
    seen.add(detail);
    problems.push({ code: 'pickle-calls-function', detail, offset: call.offset });
  }
  if (result.classes.length > 0) {
    const shown = result.classes.slice(0, 10).join(', ');
    problems.push({
      code: 'pickle-needs-classes',
      detail: result.classes.length > 10 ? `${shown} and ${result.classes.length - 10} more` : shown,
    });
  }
  for (const item of unsupported.slice(0, 20))
    problems.push({ code: 'pickle-unsupported-object', detail: `"${item.name}" is ${item.what}` });
  const prefix = ddpPrefix(names);
  if (prefix) problems.push({ code: 'ddp-prefix', detail: prefix });
  return problems;
}

/**
 * Index a torch.save file without executing anything: the zip layout (torch ≥ 1.6) or the legacy
 * one. Tensors are named by key path; their ranges point into the storages, in C order.
 */
export async function scanPytorch(source: ByteSource, options: PytorchScanOptions = {}): Promise<CheckpointIndex> {
  if (source.size === 0) throw new LensError('empty-file');
  const head = await source.read(0, Math.min(source.size, LEGACY_HEAD.length), options.signal);
  const scanned = looksLikeZip(head) ? await scanZip(source, options) : await scanLegacy(source, options);
  const tensors: TensorEntry[] = [];
  const names = new Set<string>();
  for (const { name, tensor } of scanned.flat.tensors) {
    const entry = tensorEntry(name === '' ? 'tensor' : name, tensor, scanned.storages);
    if (names.has(entry.name)) entry.problems = [...(entry.problems ?? []), { code: 'duplicate-name' }];
    names.add(entry.name);
    tensors.push(entry);
  }
  // Small values are read through the checks: a storage's header is read with its bytes.
  const checked = scanned.unchecked.length > 0 ? new ZipCheckedSource(source, scanned.unchecked) : null;
  await decodeSmallValues(checked ?? source, new TensorEntryList(tensors), options.signal);
  const unchecked = checked?.stillUnchecked() ?? [];
  return {
    format: 'pytorch',
    size: source.size,
    plaintextSize: source.size,
    encryption: null,
    // A zip archive stores a CRC-32 per entry (integrity/zip-crc checks them); the legacy layout none.
    crc:
      scanned.zipEntries !== null
        ? { present: true, ok: null, expected: null, actual: null, zipEntries: scanned.zipEntries }
        : { present: false, ok: null, expected: null, actual: null },
    metadata: scanned.flat.metadata,
    tensors,
    problems: [
      ...fileProblems(scanned.result, scanned.flat.unsupported, [...names]),
      ...(scanned.trailingBytes > 0
        ? [
            {
              code: 'zip-trailing-bytes' as const,
              detail: String(scanned.trailingBytes),
              offset: source.size - scanned.trailingBytes,
            },
          ]
        : []),
    ],
    ...(unchecked.length > 0 ? { zipUnchecked: unchecked } : {}),
  };
}
