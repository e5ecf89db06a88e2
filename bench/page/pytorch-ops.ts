// The PyTorch rows of the benchmark (issue I): a torch.save `.bin`, then an 8-shard safetensors
// set, picked into #torch-files and measured in the bench worker through the entry
// points the app's worker uses (core/open for a file, core/sharded for a set, core/export).
import { DEFAULT_WINDOW_BYTES } from '../../src/base/limits';
import { buildExport, exportBlob, exportChunks, planExport } from '../../src/core/export';
import { openCheckpoint } from '../../src/core/open';
import { openShardedCheckpoint } from '../../src/core/sharded';
import { BlobSource, CountingSource } from '../../src/io/byte-source';
import { readWindows } from './merge-ops';

interface Measurement {
  ms: number;
  bytes: number;
  reads?: number;
  items?: number;
}

/** Baseline: every byte of `files`, one after another, in 16 MiB windows with 2 reads in flight. */
async function rawReadFiles(files: File[]): Promise<Measurement> {
  const windows: { file: File; offset: number; length: number }[] = [];
  for (const file of files) {
    for (let at = 0; at < file.size; at += DEFAULT_WINDOW_BYTES)
      windows.push({ file, offset: at, length: Math.min(DEFAULT_WINDOW_BYTES, file.size - at) });
  }
  return readWindows(windows);
}

/** Open a `.bin` as the app's worker does (workers/api.ts openFile): sniff, zip directory, pickle. */
async function indexPytorch(file: File): Promise<Measurement> {
  const source = new CountingSource(new BlobSource(file));
  const start = performance.now();
  const opened = await openCheckpoint(source);
  if (opened.index.format !== 'pytorch') throw new Error(`${file.name} opened as ${opened.index.format}`);
  return {
    ms: performance.now() - start,
    bytes: source.bytesRead,
    reads: source.reads,
    items: opened.index.tensors.length,
  };
}

/**
 * Open the set as the app's worker does (workers/features/sharded.ts): the index JSON names the
 * shards, each is opened through core/open and the whole is one checkpoint. Findings fail the row.
 */
async function indexShardedSet(files: File[]): Promise<Measurement> {
  const indexFile = files.find((file) => file.name.endsWith('.index.json'));
  if (!indexFile) throw new Error('no *.index.json among the set files');
  const sources = new Map(files.map((file) => [file.name, new CountingSource(new BlobSource(file))]));
  const start = performance.now();
  const opened = await openShardedCheckpoint({
    indexName: indexFile.name,
    indexSource: sources.get(indexFile.name) as CountingSource,
    shard: async (name) => sources.get(name) ?? null,
  });
  const ms = performance.now() - start;
  if (opened.index.problems.length > 0)
    throw new Error(`the set has findings: ${opened.index.problems.map((p) => p.detail).join('; ')}`);
  const counted = [...sources.values()];
  return {
    ms,
    bytes: counted.reduce((sum, source) => sum + source.bytesRead, 0),
    reads: counted.reduce((sum, source) => sum + source.reads, 0),
    items: opened.index.tensors.length,
  };
}

/**
 * `.bin` → `.ckpt`, timed from the open: streamed with `exportChunks` and discarded, as the app
 * writes into a File System Access file and the CLI into a file (every tensor byte read and
 * copied). `bytes` is the `.bin`'s size, so MiB/s compare with a raw read of the same file.
 */
async function convertToCkpt(file: File, options: { blob?: boolean }): Promise<Measurement> {
  const start = performance.now();
  const opened = await openCheckpoint(new BlobSource(file));
  const plan = planExport(opened.index, { format: 'ckpt' });
  if (plan.omitted.length > 0) throw new Error(`${plan.omitted.length} tensors omitted from the .ckpt`);
  const job = await buildExport(opened, plan);
  let written = 0;
  let chunks = 0;
  if (options.blob) {
    // Without a target file the app composes a Blob of header bytes and source slices instead.
    written = (await exportBlob(job)).size;
  } else {
    for await (const chunk of exportChunks(job)) {
      written += chunk.length;
      chunks += 1;
    }
  }
  return { ms: performance.now() - start, bytes: file.size, reads: chunks, items: written };
}

export const pytorchOps = { rawReadFiles, indexPytorch, indexShardedSet, convertToCkpt };
