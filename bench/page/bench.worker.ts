import * as Comlink from 'comlink';
import { DEFAULT_WINDOW_BYTES } from '../../src/base/limits';
import { scanCheckpoint } from '../../src/formats/ckpt/scan';
import { scanSafetensors } from '../../src/formats/safetensors/scan';
import { BlobSource, CountingSource } from '../../src/io/byte-source';
import type { TensorEntry } from '../../src/base/types';
import { compareCheckpoints } from '../../src/core/compare/compare';
import { buildExport, exportBlobParts, exportChunks, planExport } from '../../src/core/export';
import { diffAgainstNetwork } from '../../src/core/load-rules';
import { openCheckpoint } from '../../src/core/open';
import { compileFilter, parseFilter } from '../../src/core/selection';
import { computeAllStats } from '../../src/core/stats/tensor-stats';
import type { NetworkParam } from '../../src/formats/manifest';
import { verifyIntegrity } from '../../src/integrity/verify';
import { decryptionFor, poolWindowCrc, sealerFor, sealingInFlight } from '../../src/workers/decrypt-pool';
import { mergeOps } from './merge-ops';
import { pytorchOps } from './pytorch-ops';

export interface Measurement {
  ms: number;
  bytes: number;
  reads?: number;
  items?: number;
}

/** Baseline: read the whole file sequentially in windows, `inFlight` reads at a time. */
async function rawRead(file: File, options: { windowBytes?: number; inFlight?: number }): Promise<Measurement> {
  const windowBytes = options.windowBytes ?? DEFAULT_WINDOW_BYTES;
  const inFlight = options.inFlight ?? 2;
  const start = performance.now();
  let next = 0;
  let bytes = 0;
  let checksum = 0;
  const readNext = async (): Promise<void> => {
    while (next < file.size) {
      const offset = next;
      next += windowBytes;
      const buffer = new Uint8Array(await file.slice(offset, offset + windowBytes).arrayBuffer());
      bytes += buffer.length;
      checksum ^= buffer[0] ?? 0; // touch the bytes so the read cannot be elided
    }
  };
  await Promise.all(Array.from({ length: inFlight }, readNext));
  return { ms: performance.now() - start, bytes, items: checksum };
}

async function indexCkpt(file: File): Promise<Measurement> {
  const source = new CountingSource(new BlobSource(file));
  const start = performance.now();
  const index = await scanCheckpoint(source);
  return { ms: performance.now() - start, bytes: source.bytesRead, reads: source.reads, items: index.tensors.length };
}

async function indexSafetensors(file: File): Promise<Measurement> {
  const source = new CountingSource(new BlobSource(file));
  const start = performance.now();
  const index = await scanSafetensors(source);
  return { ms: performance.now() - start, bytes: source.bytesRead, reads: source.reads, items: index.tensors.length };
}

/** Latency probe: many small reads, by several read paths. */
async function readLatency(
  file: File,
  options: { mode?: string; count?: number; parallel?: number },
): Promise<Measurement> {
  const count = options.count ?? 500;
  const step = Math.floor(file.size / count);
  const start = performance.now();
  if (options.mode === 'sync') {
    const reader = new FileReaderSync();
    for (let i = 0; i < count; i += 1) reader.readAsArrayBuffer(file.slice(i * step, i * step + 1024));
  } else {
    const parallel = options.parallel ?? 1;
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < count) {
        const i = next++;
        await file.slice(i * step, i * step + 1024).arrayBuffer();
      }
    };
    await Promise.all(Array.from({ length: parallel }, lane));
  }
  return { ms: performance.now() - start, bytes: count * 1024, items: count };
}

/** Baseline: WebCrypto AES-GCM decrypt of 64 MiB blocks from memory (no file I/O, no framing). */
async function rawWebCrypto(_file: File, options: { mib?: number }): Promise<Measurement> {
  const blockBytes = 64 * 1024 * 1024;
  const blocks = Math.max(1, Math.round((options.mib ?? 512) / 64));
  const key = await crypto.subtle.importKey('raw', new Uint8Array(16), 'AES-GCM', false, ['encrypt', 'decrypt']);
  const iv = new Uint8Array(12);
  const sealed = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, new Uint8Array(blockBytes));
  const start = performance.now();
  // Two in flight, as the app decrypts.
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < blocks) {
      next += 1;
      await crypto.subtle.decrypt({ name: 'AES-GCM', iv }, key, sealed);
    }
  };
  await Promise.all([lane(), lane()]);
  return { ms: performance.now() - start, bytes: blocks * blockBytes };
}

/**
 * Open (index) an encrypted file. Record headers are spread over every block, so the index
 * decrypts (and authenticates) the whole file once.
 */
async function decryptAndIndex(file: File, options: { key: number[] }): Promise<Measurement> {
  const start = performance.now();
  const key = Uint8Array.from(options.key);
  const opened = await openCheckpoint(new BlobSource(file), { key, decryption: decryptionFor(key) });
  const decrypted = opened.plaintext as unknown as { unitsDecrypted?: number; units?: unknown[] };
  return {
    ms: performance.now() - start,
    bytes: opened.index.plaintextSize,
    items: decrypted.unitsDecrypted ?? 0,
    reads: decrypted.units?.length ?? 0,
  };
}

async function crcVerify(file: File): Promise<Measurement> {
  const start = performance.now();
  const opened = await openCheckpoint(new BlobSource(file));
  // As the app's integrity job (src/workers/features/integrity.ts) verifies.
  const report = await verifyIntegrity(opened, { windowCrc: poolWindowCrc });
  if (report.crcStatus !== 'ok') throw new Error(`CRC ${report.crcStatus} in the benchmark`);
  return { ms: performance.now() - start, bytes: report.bytesCovered };
}

/** Export without transforms: a filtered safetensors subset composed of source slices. */
async function exportSubset(
  file: File,
  options: { filter: string; format: 'ckpt' | 'safetensors' },
): Promise<Measurement> {
  const start = performance.now();
  const opened = await openCheckpoint(new BlobSource(file));
  const predicate = compileFilter(parseFilter(options.filter));
  const plan = planExport(opened.index, { format: options.format, select: (entry) => predicate(entry) });
  const job = await buildExport(opened, plan);
  const parts = await exportBlobParts(job);
  const blob = new Blob(parts);
  const slices = parts.filter((part) => part instanceof Blob).length;
  return { ms: performance.now() - start, bytes: blob.size, items: plan.tensors.length, reads: slices };
}

/**
 * Where the subset export's time goes: each step once, then the Blob primitives alone on as many
 * parts (N empty Blobs, N File.slice, one Blob of N slices) and a postMessage of the result.
 */
async function exportSubsetSteps(
  file: File,
  options: { filter: string; format: 'ckpt' | 'safetensors' },
): Promise<Measurement & { steps: Record<string, number> }> {
  const steps: Record<string, number> = {};
  let last = performance.now();
  const lap = (name: string): void => {
    const now = performance.now();
    steps[name] = now - last;
    last = now;
  };
  const start = last;
  const opened = await openCheckpoint(new BlobSource(file));
  lap('open');
  const predicate = compileFilter(parseFilter(options.filter));
  const plan = planExport(opened.index, { format: options.format, select: (entry) => predicate(entry) });
  lap('plan');
  const job = await buildExport(opened, plan);
  lap('build');
  const parts = await exportBlobParts(job);
  lap('slices');
  const blob = new Blob(parts);
  lap('blob');
  const total = performance.now() - start;
  const channel = new MessageChannel();
  const received = new Promise((resolve) => (channel.port2.onmessage = resolve));
  channel.port1.postMessage(blob);
  await received;
  channel.port1.close();
  channel.port2.close();
  lap('postMessage');
  const count = parts.length;
  for (let i = 0; i < count; i += 1) new Blob([]);
  lap('emptyBlobs');
  const step = Math.floor(file.size / count);
  const slices: Blob[] = [];
  for (let i = 0; i < count; i += 1) slices.push(file.slice(i * step, i * step + (step >> 1)));
  lap('fileSlices');
  void new Blob(slices).size;
  lap('blobOfSlices');
  return { ms: total, bytes: blob.size, items: count, steps };
}

/** Export with a transform, streamed and discarded: cast Float32 → Float16, or encrypt. */
async function exportStream(
  file: File,
  options: { cast?: string; encryptMode?: string; key?: number[] },
): Promise<Measurement> {
  const opened = await openCheckpoint(new BlobSource(file));
  const plan = planExport(opened.index, {
    format: 'ckpt',
    casts: options.cast ? [{ to: options.cast }] : [],
    encryption: options.encryptMode ? { mode: options.encryptMode, keyLength: 16 } : null,
  });
  // As the app's export worker does (workers/features/export.ts).
  const key = options.key ? Uint8Array.from(options.key) : null;
  const job = await buildExport(
    opened,
    plan,
    key && plan.encryption
      ? {
          encryptionKey: key,
          sealer: sealerFor(plan.encryption.mode, key),
          encryptionInFlight: sealingInFlight(plan.encryption.mode, key),
        }
      : {},
  );
  const start = performance.now();
  let bytes = 0;
  for await (const chunk of exportChunks(job)) bytes += chunk.length;
  return { ms: performance.now() - start, bytes: opened.index.plaintextSize, items: bytes };
}

/** Synthetic 100k-parameter checkpoint index + network manifest: the load diff, and the filter. */
function syntheticModel(count: number): { entries: TensorEntry[]; manifest: NetworkParam[] } {
  const entries: TensorEntry[] = [];
  const manifest: NetworkParam[] = [];
  for (let i = 0; i < count; i += 1) {
    const name = `model.layers.${Math.floor(i / 50)}.block${i % 50}.${i % 2 ? 'bias' : 'weight'}`;
    const shape = i % 2 ? [128] : [128, 64];
    entries.push({
      name,
      dtype: 'Float32',
      shape,
      kind: 'tensor',
      bytes: shape.reduce((a, b) => a * b, 4),
      ranges: [],
    });
    // A few differences so every path of the diff runs: renames, casts, shape errors, extras.
    if (i % 1000 === 1) manifest.push({ name: `net.${name}`, dtype: 'Float32', shape });
    else if (i % 1000 === 2) manifest.push({ name, dtype: 'Float16', shape });
    else if (i % 5000 === 3) manifest.push({ name: `${name}_missing`, dtype: 'Float32', shape });
    else manifest.push({ name, dtype: 'Float32', shape });
  }
  return { entries, manifest };
}

async function loadDiff(_file: File, options: { count?: number }): Promise<Measurement> {
  const { entries, manifest } = syntheticModel(options.count ?? 100_000);
  const start = performance.now();
  const diff = diffAgainstNetwork(entries, manifest, {});
  return { ms: performance.now() - start, bytes: 0, items: diff.loaded.length };
}

async function filterEval(_file: File, options: { count?: number; expression: string }): Promise<Measurement> {
  const { entries } = syntheticModel(options.count ?? 100_000);
  const start = performance.now();
  const predicate = compileFilter(parseFilter(options.expression));
  let matched = 0;
  for (const entry of entries) if (predicate(entry)) matched += 1;
  return { ms: performance.now() - start, bytes: 0, items: matched };
}

/** Stats of every tensor in one streaming pass. */
async function statsAll(file: File): Promise<Measurement> {
  const start = performance.now();
  const opened = await openCheckpoint(new BlobSource(file));
  const result = await computeAllStats(opened.plaintext, opened.index, { bins: 64 });
  return { ms: performance.now() - start, bytes: result.bytesRead, items: result.tensors.length };
}

/** Compare a file with a second one (here: itself through a second handle, all pairs identical-checked). */
async function compareFiles(file: File, options: { otherIndex?: number }): Promise<Measurement> {
  void options;
  const start = performance.now();
  const a = await openCheckpoint(new BlobSource(file));
  const b = await openCheckpoint(new BlobSource(file.slice(0, file.size)));
  const result = await compareCheckpoints(a, b);
  return { ms: performance.now() - start, bytes: a.index.plaintextSize * 2, items: result.pairs.length };
}

const api = {
  rawRead,
  indexCkpt,
  indexSafetensors,
  readLatency,
  rawWebCrypto,
  decryptAndIndex,
  crcVerify,
  exportSubset,
  exportSubsetSteps,
  exportStream,
  loadDiff,
  filterEval,
  statsAll,
  compareFiles,
  ...mergeOps,
  ...pytorchOps,
};
export type BenchWorkerApi = typeof api;
Comlink.expose(api);
