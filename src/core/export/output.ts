import { pushAll } from '../../base/arrays';
import { BufferPool, keepable } from '../../base/bytes';
import { compareCodePoints } from '../../base/code-points';
import { LensError } from '../../base/errors';
import {
  CIPHER_BLOCK_PLAINTEXT_BYTES,
  DEFAULT_WINDOW_BYTES,
  MAX_BUFFER_BYTES,
  MAX_READ_BYTES,
} from '../../base/limits';
import { tensorRowsOf } from '../../base/tensor-columns';
import type { CheckpointIndex, TensorEntry } from '../../base/types';
import { encryptCheckpoint, encryptedSize, sealBlocks, type BlockSealer } from '../../crypto/encrypt';
import { encodeCrcTrailer, CRC_TRAILER_BYTES } from '../../base/crc-trailer';
import { checkpointParts, type CkptRecordEntry } from '../../formats/ckpt/write';
import { isGatheredView, viewContent } from '../../formats/pytorch/gather';
import {
  bytesPart,
  joinAdjacentCopies,
  readParts,
  readPartsRange,
  sliceParts,
  totalLength,
  type OutputPart,
} from '../../formats/parts';
import {
  crcZeroRunOf,
  isCrcQuirkDtype,
  safetensorsParts,
  type SafetensorsWriteEntry,
} from '../../formats/safetensors/write';
import type { OpenedCheckpoint } from '../open';
import { Crc32Stream } from '../../integrity/crc';
import { isSliceable, type ByteSource, type SliceableSource } from '../../io/byte-source';
import { releaseBuffer } from '../../io/release';
import { loadCast16Kernel } from './cast-kernel';
import { castElementBytes, convertElements, emptyCastStats, type CastStats } from './casts';
import { encodeAppendValue, type ExportPlan, type PlannedTensor } from './plan';

/** zlib CRC-32 (the integrity layer's WASM kernel), as a number. */
export interface Crc32 {
  update(bytes: Uint8Array): void;
  digest(): number;
}

export async function createCrc32(): Promise<Crc32> {
  const crc = await Crc32Stream.create();
  return {
    update: (bytes) => crc.update(bytes),
    digest: () => crc.current(),
  };
}

/** Produced bytes are folded into one Blob part per this many bytes. */
const EXPORT_BLOB_BATCH_BYTES = 64 * 1024 * 1024;
/** Below this, produced bytes go into the output as arrays rather than a Blob of their own. */
const EXPORT_INLINE_BYTES = 1024 * 1024;

export interface CastReportEntry extends CastStats {
  name: string;
  from: string;
  to: string;
}

export interface BuildOptions {
  /** Required when the plan encrypts; the same length and mode the plan was made with. */
  encryptionKey?: Uint8Array;
  /** Injected IVs reproduce known vectors; default fresh random bytes per block. */
  ivFor?: (blockIndex: number) => Uint8Array;
  /** Plaintext bytes per cipher block; MindSpore's 64 MiB by default. */
  encryptionBlockBytes?: number;
  /** Cipher blocks encrypting at once while the next one is read (default 1: ~4 blocks of memory). */
  encryptionInFlight?: number;
  /** Where cipher blocks are sealed (the app: a pool worker); default this thread. */
  sealer?: BlockSealer;
  /** Largest read from the source and the window transformed tensors are converted in. */
  windowBytes?: number;
  signal?: AbortSignal;
  /** Called as the safetensors CRC pre-pass reads (bytes done, bytes total). */
  onProgress?: (done: number, total: number) => void;
}

/** A planned export bound to its source: parts to write, the final size, and the cast report. */
export interface ExportJob {
  plan: ExportPlan;
  /** The plaintext file body: ckpt records or the whole safetensors file. No CRC trailer. */
  parts: OutputPart[];
  /** The ckpt `crc_num` trailer follows the parts (computed while streaming). */
  crcTrailer: boolean;
  /** Bytes of the finished file. */
  size: number;
  /** Content parts of the planned tensor at `position` in `plan.tensors` (for verification). */
  contentAt(position: number): OutputPart[] | undefined;
  /** What the casts did so far; complete once the output has been streamed once. */
  castReport(): CastReportEntry[];
  options: BuildOptions;
}

function sourceContent(opened: OpenedCheckpoint, stored: TensorEntry): OutputPart[] {
  // A gathered view is one copy of a source of its values (not sliceable: no Blob slice of the
  // file can stand for it); its span is read when the output reaches it, and let go after.
  if (isGatheredView(stored)) {
    const { source, entry } = viewContent(opened.plaintext, stored);
    return [{ kind: 'copy', source, offset: 0, length: entry.bytes }];
  }
  const entry = stored;
  const composed = opened.contentRanges?.(entry);
  if (composed) return composed.map((range) => ({ kind: 'copy' as const, ...range }));
  return entry.ranges.map((range) => ({
    kind: 'copy' as const,
    source: opened.plaintext,
    offset: range.offset,
    length: range.length,
  }));
}

async function readExactly(source: ByteSource, offset: number, length: number, signal?: AbortSignal) {
  const bytes = await source.read(offset, length, signal);
  if (bytes.length !== length) {
    throw new LensError('read-failed', { offset: offset + bytes.length, hint: 'the source ended early' });
  }
  return bytes;
}

/**
 * Output windows of the casts of one export, handed out again: each cast part has at most one
 * chunk out (lent until its consumer asks for the next), and readParts makes the first chunk of
 * GENERATED_AHEAD (2) parts ahead, so four are enough.
 */
const CAST_POOL_BUFFERS = 4;

/**
 * A cast tensor as a generated part: source windows of whole elements are read (the next one
 * while converting the current), converted into a window from `pool` (lent: taken back when the
 * consumer asks for the next chunk), and trimmed to the requested range. A window read for this
 * alone (`freshReads`) is freed as soon as it is converted.
 */
function castPart(
  content: OutputPart[],
  from: string,
  to: string,
  stats: CastStats,
  windowBytes: number,
  pool: BufferPool,
): OutputPart {
  const inSize = castElementBytes(from) as number;
  const outSize = castElementBytes(to) as number;
  const elements = totalLength(content) / inSize;
  const windowElements = Math.max(1, Math.floor(Math.min(windowBytes, MAX_READ_BYTES) / Math.max(inSize, outSize)));
  const counted = new Set<string>();
  return {
    kind: 'generated',
    length: elements * outSize,
    async *generate(start, end, signal) {
      if (from === 'Float32' && to === 'Float16') await loadCast16Kernel();
      const first = Math.floor(start / outSize);
      const last = Math.ceil(end / outSize);
      // One stored range (the usual case): read the source directly, without joining into a copy.
      const single = content.length === 1 && content[0]?.kind === 'copy' ? content[0] : null;
      const freshReads = single?.source.freshReads === true;
      const allocate = (length: number): Uint8Array => pool.take(length);
      const read = (from: number): Promise<Uint8Array> => {
        const begin = from * inSize;
        const stop = Math.min(last, from + windowElements) * inSize;
        return single
          ? readExactly(single.source, single.offset + begin, stop - begin, signal)
          : readPartsRange(content, begin, stop, signal);
      };
      let at = first;
      let pending: Promise<Uint8Array> | null = at < last ? read(at) : null;
      while (pending) {
        const input = await pending;
        const next = Math.min(last, at + windowElements);
        pending = next < last ? read(next) : null;
        // Statistics count each window once, however often the output is streamed.
        const key = `${at}:${next}`;
        const windowStats = counted.has(key) ? emptyCastStats() : stats;
        counted.add(key);
        const output = convertElements(from, to, input, windowStats, allocate);
        if (freshReads && output.buffer !== input.buffer) releaseBuffer(input.buffer);
        const windowStart = at * outSize;
        yield output.subarray(Math.max(0, start - windowStart), Math.min(output.length, end - windowStart));
        // The consumer asked for the next chunk: it is done with this one.
        pool.give(output);
        at = next;
      }
    },
  };
}

/**
 * bf16 that MindSpore ≤ 2.2 stored as float32, as 2.3+ loads it (`CopyFromBuffer`): bytes 2–3
 * of every little-endian float32, i.e. truncation, not rounding (ckpt-format.md §3.1).
 */
function legacyBfloat16Part(content: OutputPart[], windowBytes: number): OutputPart {
  const windowElements = Math.max(1, Math.floor(Math.min(windowBytes, MAX_READ_BYTES) / 4));
  return {
    kind: 'generated',
    length: totalLength(content) / 2,
    async *generate(start, end, signal) {
      const first = Math.floor(start / 2);
      const last = Math.ceil(end / 2);
      for (let at = first; at < last; at += windowElements) {
        const next = Math.min(last, at + windowElements);
        const input = await readPartsRange(content, at * 4, next * 4, signal);
        const output = new Uint8Array((next - at) * 2);
        for (let i = 0; i < next - at; i += 1) {
          output[i * 2] = input[i * 4 + 2] as number;
          output[i * 2 + 1] = input[i * 4 + 3] as number;
        }
        const windowStart = at * 2;
        yield output.subarray(Math.max(0, start - windowStart), Math.min(output.length, end - windowStart));
      }
    },
  };
}

/** The safetensors `crc_num` over names and data in sorted name order, with the 0-d int quirk (§5.2). */
export async function safetensorsCrc(
  entries: readonly SafetensorsWriteEntry[],
  options: { signal?: AbortSignal; windowBytes?: number; onBytes?: (bytes: number) => void } = {},
): Promise<number> {
  const crc = await createCrc32();
  const encoder = new TextEncoder();
  const sorted = [...entries].sort((a, b) => compareCodePoints(a.name, b.name));
  for (const entry of sorted) {
    crc.update(encoder.encode(entry.name));
    const length = totalLength(entry.content);
    if (isCrcQuirkDtype(entry.dtype, entry.shape) && length > 0) {
      const value = crcZeroRunOf(
        entry.dtype,
        entry.shape,
        await readPartsRange(entry.content, 0, length, options.signal),
      );
      if (value === null) continue;
      if (value < 0n || value > BigInt(MAX_BUFFER_BYTES)) {
        throw new LensError('export-crc-negative-scalar', { tensor: entry.name, actual: value.toString() });
      }
      const zeros = new Uint8Array(Math.min(Number(value), 1 << 20));
      for (let left = Number(value); left > 0; left -= zeros.length)
        crc.update(zeros.subarray(0, Math.min(left, zeros.length)));
      options.onBytes?.(length);
      continue;
    }
    for await (const chunk of readParts(entry.content, { signal: options.signal, windowBytes: options.windowBytes })) {
      crc.update(chunk);
      options.onBytes?.(chunk.length);
    }
  }
  return crc.digest();
}

/**
 * The source entry of a planned tensor: at the position the plan recorded (an entry made for the
 * call when the index is columns), or by name when the plan was made from another index of the
 * same tensors (a merged view reordered for streaming). The map of every name is made only then.
 */
function sourceEntries(index: CheckpointIndex): (tensor: PlannedTensor) => TensorEntry | undefined {
  const rows = tensorRowsOf(index);
  let byName: Map<string, number> | null = null;
  return (tensor) => {
    const name = tensor.sourceName as string;
    const at = tensor.source;
    if (at >= 0 && at < rows.length && rows.name(at) === name) return rows.entry(at);
    if (!byName) {
      byName = new Map();
      for (let i = 0; i < rows.length; i += 1) byName.set(rows.name(i), i);
    }
    const found = byName.get(name);
    return found === undefined ? undefined : rows.entry(found);
  };
}

/**
 * Each planned tensor's content as parts, in plan order. A function of its own, so that no
 * closure of the job keeps the source index alive once the parts are made.
 */
function tensorContents(
  opened: OpenedCheckpoint,
  plan: ExportPlan,
  report: CastReportEntry[],
  windowBytes: number,
): OutputPart[][] {
  const sourceEntry = sourceEntries(opened.index);
  const castWindows = new BufferPool(CAST_POOL_BUFFERS);
  const contentFor = (tensor: PlannedTensor): OutputPart[] => {
    if (tensor.appended) return [bytesPart(encodeAppendValue(tensor.name, tensor.appended).bytes)];
    const entry = sourceEntry(tensor);
    if (!entry) throw new LensError('export-unknown-tensor', { tensor: String(tensor.sourceName), hint: 'the plan' });
    const stored = sourceContent(opened, entry);
    const content = tensor.legacyBfloat16 ? [legacyBfloat16Part(stored, windowBytes)] : stored;
    if (!tensor.cast) return content;
    const stats: CastReportEntry = { name: tensor.name, ...tensor.cast, ...emptyCastStats() };
    report.push(stats);
    return [castPart(content, tensor.cast.from, tensor.cast.to, stats, windowBytes, castWindows)];
  };
  return plan.tensors.map(contentFor);
}

/**
 * Bind a plan to its source: the output as parts (untouched tensors as zero-copy slices of the
 * source, casts as generated windows), its exact size, and — for safetensors with CRC — the
 * `crc_num`, which needs one read of the data before the header can be written.
 */
export async function buildExport(
  opened: OpenedCheckpoint,
  plan: ExportPlan,
  options: BuildOptions = {},
): Promise<ExportJob> {
  const windowBytes = Math.min(options.windowBytes ?? DEFAULT_WINDOW_BYTES, MAX_READ_BYTES);
  if (plan.encryption) {
    const key = options.encryptionKey;
    if (!key || key.length !== plan.encryption.keyLength) {
      throw new LensError('crypto-key-length', {
        expected: plan.encryption.mode,
        actual: key?.length ?? 0,
        hint: `${plan.encryption.keyLength} bytes, as planned`,
      });
    }
  }
  const report: CastReportEntry[] = [];
  const contents = tensorContents(opened, plan, report, windowBytes);
  const content = (position: number): OutputPart[] => contents[position] as OutputPart[];

  let parts: OutputPart[];
  let crcTrailer = false;
  if (plan.format === 'ckpt') {
    // Made one at a time as the writer asks (a million of them were ~70 MB at the build's peak).
    const records = function* (): Generator<CkptRecordEntry> {
      for (let position = 0; position < plan.tensors.length; position += 1) {
        const tensor = plan.tensors[position] as PlannedTensor;
        yield {
          name: tensor.name,
          dims: tensor.dims,
          tensorType: tensor.dtype,
          content: content(position),
          map: tensor.kind === 'map',
        };
      }
    };
    parts = checkpointParts(records(), plan.sliceBytes ? { sliceBytes: plan.sliceBytes } : {});
    crcTrailer = plan.crc;
  } else {
    const entries: SafetensorsWriteEntry[] = plan.tensors.map((tensor, position) => ({
      name: tensor.name,
      dtype: tensor.dtype,
      shape: tensor.shape,
      content: content(position),
    }));
    const metadata: Record<string, string> = { ...plan.metadata };
    // A carried-over crc_num would be stale: it is only ever written freshly computed.
    delete metadata.crc_num;
    if (plan.metadataFormat) metadata.format = plan.metadataFormat;
    if (plan.crc) {
      const total = entries.reduce((sum, entry) => sum + totalLength(entry.content), 0);
      let done = 0;
      metadata.crc_num = String(
        await safetensorsCrc(entries, {
          signal: options.signal,
          windowBytes,
          onBytes: (bytes) => {
            done += bytes;
            options.onProgress?.(done, total);
          },
        }),
      );
    }
    parts = safetensorsParts(entries, Object.keys(metadata).length > 0 ? metadata : null);
  }
  // Tensors back to back in the source and in the output become one part: one Blob slice, one
  // read window, one write (the bytes and their order are the writer's, untouched).
  parts = joinAdjacentCopies(parts);
  const plaintextSize = totalLength(parts) + (crcTrailer ? CRC_TRAILER_BYTES : 0);
  const size = plan.encryption
    ? encryptedSize(plaintextSize, plan.encryption.mode, options.encryptionBlockBytes)
    : plaintextSize;
  return {
    plan,
    parts,
    crcTrailer,
    size,
    contentAt: (position) => contents[position],
    castReport: () => report.map((entry) => ({ ...entry })),
    options: { ...options, windowBytes },
  };
}

export interface StreamOptions {
  signal?: AbortSignal;
  /** Bytes of the finished file written so far, and the total. */
  onProgress?: (done: number, total: number) => void;
}

async function* plaintextChunks(job: ExportJob, signal?: AbortSignal): AsyncGenerator<Uint8Array> {
  const crc = job.crcTrailer ? await createCrc32() : null;
  for await (const chunk of readParts(job.parts, { signal, windowBytes: job.options.windowBytes })) {
    crc?.update(chunk);
    yield chunk;
  }
  if (crc) yield encodeCrcTrailer(crc.digest());
}

/**
 * Before parts are sliced unread: a source that checks bytes as they are read (a torch zip's
 * local headers, formats/pytorch/checked-source) checks the ranges that will be sliced.
 */
export async function prepareSlices(parts: readonly OutputPart[], signal?: AbortSignal): Promise<void> {
  const bySource = new Map<SliceableSource, { offset: number; length: number }[]>();
  for (const part of parts) {
    if (part.kind !== 'copy' || !isSliceable(part.source) || !part.source.prepare) continue;
    const ranges = bySource.get(part.source) ?? [];
    ranges.push({ offset: part.offset, length: part.length });
    bySource.set(part.source, ranges);
  }
  for (const [source, ranges] of bySource) await source.prepare?.(ranges, signal);
}

/**
 * The plaintext cut into cipher blocks, each in a buffer of its own. A block made only of written
 * bytes and slices of Blob-backed sources is one Blob read: the browser assembles it and nothing
 * is copied in JS. Otherwise its parts are read (and converted) into the buffer.
 */
async function* plaintextBlocks(job: ExportJob, blockBytes: number, signal?: AbortSignal): AsyncGenerator<Uint8Array> {
  const total = totalLength(job.parts);
  for (let start = 0; start < total; start += blockBytes) {
    signal?.throwIfAborted();
    const end = Math.min(total, start + blockBytes);
    const parts = sliceParts(job.parts, start, end);
    await prepareSlices(parts, signal);
    const blobParts: BlobPart[] = [];
    for (const part of parts) {
      if (part.kind === 'bytes') blobParts.push(part.bytes as Uint8Array<ArrayBuffer>);
      else if (part.kind === 'copy' && isSliceable(part.source))
        blobParts.push(part.source.slice(part.offset, part.offset + part.length));
      else break;
    }
    if (blobParts.length < parts.length) {
      yield await readPartsRange(job.parts, start, end, signal);
      continue;
    }
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await new Blob(blobParts).arrayBuffer());
    } catch (error) {
      throw new LensError('read-failed', { offset: start, hint: String(error) }, error);
    }
    if (bytes.length !== end - start)
      throw new LensError('read-failed', { offset: start, hint: 'the source ended early' });
    yield bytes;
  }
}

/**
 * The finished file as a stream of chunks (≤ the window size each; when encrypted, each cipher
 * block as its header and its ciphertext): for a file, a File System Access writable or a
 * download stream. Only one window is held at a time, or, encrypted, one block being read while
 * the one before encrypts. A chunk is the consumer's until it asks for the next one (see
 * readParts; `keepable` copies one to keep).
 */
export async function* exportChunks(job: ExportJob, options: StreamOptions = {}): AsyncGenerator<Uint8Array> {
  const { signal, onProgress } = options;
  const encryption = job.plan.encryption;
  let done = 0;
  if (encryption && !job.crcTrailer) {
    const blockBytes = job.options.encryptionBlockBytes ?? CIPHER_BLOCK_PLAINTEXT_BYTES;
    const blocks = sealBlocks(plaintextBlocks(job, blockBytes, signal), {
      mode: encryption.mode,
      key: job.options.encryptionKey as Uint8Array,
      blockBytes,
      ivFor: job.options.ivFor,
      signal,
      inFlight: job.options.encryptionInFlight ?? 1,
      consume: true,
      lend: true,
      ...(job.options.sealer ? { sealer: job.options.sealer } : {}),
    });
    for await (const block of blocks) {
      for (const chunk of [block.header, block.ciphertext]) {
        done += chunk.length;
        yield chunk;
        onProgress?.(done, job.size);
      }
    }
    return;
  }
  const source = plaintextChunks(job, signal);
  const chunks = encryption
    ? encryptCheckpoint(source, {
        mode: encryption.mode,
        key: job.options.encryptionKey as Uint8Array,
        blockBytes: job.options.encryptionBlockBytes,
        ivFor: job.options.ivFor,
        signal,
      })
    : source;
  for await (const chunk of chunks) {
    done += chunk.length;
    yield chunk;
    onProgress?.(done, job.size);
  }
}

/**
 * Collects an export's Blob parts. Produced bytes (casts, ciphertext) are folded into a Blob
 * every 64 MiB, so the browser can move them to its blob store instead of the JS heap holding
 * the whole output; small runs (headers) stay arrays, because each Blob costs Chromium a round
 * trip to the browser process. `onProduced` hears the bytes so far after produced bytes only.
 */
export class BlobPartsBuilder {
  private readonly parts: BlobPart[] = [];
  private produced: Uint8Array[] = [];
  private producedBytes = 0;
  /** Bytes added so far (slices and produced). */
  bytes = 0;

  constructor(private readonly onProduced?: (bytes: number) => void) {}

  add(part: Blob | Uint8Array): void {
    if (part instanceof Blob) {
      this.flush();
      this.parts.push(part);
      this.bytes += part.size;
      return;
    }
    // Kept until the batch is flushed: a lent chunk (see readParts) is copied first.
    this.produced.push(keepable(part));
    this.producedBytes += part.length;
    this.bytes += part.length;
    if (this.producedBytes >= EXPORT_BLOB_BATCH_BYTES) this.flush();
    this.onProduced?.(this.bytes);
  }

  finish(): BlobPart[] {
    this.flush();
    return this.parts;
  }

  private flush(): void {
    if (this.produced.length === 0) return;
    if (this.producedBytes >= EXPORT_INLINE_BYTES) this.parts.push(new Blob(this.produced as BlobPart[]));
    else pushAll(this.parts, this.produced as BlobPart[]);
    this.produced = [];
    this.producedBytes = 0;
  }
}

/**
 * The finished file as Blob parts: untouched tensors stay slices of the source Blob (zero-copy,
 * nothing read) unless a CRC or encryption needs every byte; headers and converted windows are
 * small arrays. `new Blob(parts)` is the download.
 */
export async function exportBlobParts(job: ExportJob, options: StreamOptions = {}): Promise<BlobPart[]> {
  const { signal, onProgress } = options;
  // Only produced bytes take time; slices are instant.
  const out = new BlobPartsBuilder((done) => onProgress?.(done, job.size));
  const push = (part: Blob | Uint8Array): void => out.add(part);
  if (job.plan.encryption) {
    for await (const chunk of exportChunks(job, { signal })) push(chunk);
    return out.finish();
  }
  let crcValue: number | null = null;
  if (job.crcTrailer) {
    // The trailer depends on every byte: one read pass first, then compose zero-copy.
    const crc = await createCrc32();
    for await (const chunk of readParts(job.parts, { signal, windowBytes: job.options.windowBytes })) crc.update(chunk);
    crcValue = crc.digest();
  }
  await prepareSlices(job.parts, signal);
  // One slice per part: tensors back to back in the source and the output are one part already
  // (buildExport), as each Blob part costs Chromium about 0.2 ms (the bench's "where the time goes").
  for (const part of job.parts) {
    signal?.throwIfAborted();
    if (part.kind === 'bytes') push(part.bytes);
    else if (part.kind === 'copy' && isSliceable(part.source))
      push(part.source.slice(part.offset, part.offset + part.length));
    else for await (const chunk of readParts([part], { signal, windowBytes: job.options.windowBytes })) push(chunk);
  }
  if (crcValue !== null) push(encodeCrcTrailer(crcValue));
  const parts = out.finish();
  onProgress?.(out.bytes, job.size);
  return parts;
}

export async function exportBlob(job: ExportJob, options: StreamOptions = {}): Promise<Blob> {
  return new Blob(await exportBlobParts(job, options));
}

/**
 * Where a streamed export goes: a File System Access `FileSystemWritableFileStream` fits as is
 * (it writes to a swap file and commits on close(), so abort() leaves no partial file), and so
 * does a small adapter over a Node file handle or a WritableStream writer.
 */
export interface ExportSink {
  /** Done with `chunk` when the promise settles: its memory may be reused for a later chunk. */
  write(chunk: Uint8Array): Promise<void>;
  close(): Promise<void>;
  abort?(reason?: unknown): Promise<void>;
}

/** Stream the finished file into `sink`; on failure or cancel the sink is aborted, not closed. */
export async function writeExportTo(job: ExportJob, sink: ExportSink, options: StreamOptions = {}): Promise<void> {
  try {
    for await (const chunk of exportChunks(job, options)) await sink.write(chunk);
  } catch (error) {
    await sink.abort?.(error).catch(() => undefined);
    throw error;
  }
  await sink.close();
}
