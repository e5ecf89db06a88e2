import * as Comlink from 'comlink';
import { DEFAULT_WINDOW_BYTES } from '../../src/base/limits';
import { scanCheckpoint } from '../../src/formats/ckpt/scan';
import { scanSafetensors } from '../../src/formats/safetensors/scan';
import { BlobSource, CountingSource } from '../../src/io/byte-source';

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

const api = { rawRead, indexCkpt, indexSafetensors, readLatency };
export type BenchWorkerApi = typeof api;
Comlink.expose(api);
