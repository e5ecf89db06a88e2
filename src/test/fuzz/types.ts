/**
 * What crosses from the generator (main thread) to the runner (a worker thread): plain,
 * structured-cloneable data, so a case can be saved to disk and replayed exactly.
 */
import { LensError } from '../../base/errors';
import { MAX_READ_BYTES } from '../../base/limits';
import type { ByteSource } from '../../io/byte-source';
import type { Prng } from './prng';

/** A piece of a virtual file: real bytes, or `length` copies of one byte (never allocated whole). */
export type FilePart = { bytes: Uint8Array } | { fill: number; length: number };

export interface FuzzCase {
  target: string;
  /** The input: a file's bytes, or UTF-8 text for text targets. */
  bytes: Uint8Array;
  /** When set, the file is these parts instead of `bytes` (huge declared sizes, sparse files). */
  parts?: FilePart[];
  /** Key for encrypted inputs (right, wrong, wrong length, or none). */
  key?: Uint8Array;
  /** A random number the target turns into options (window sizes, modes). */
  knob: number;
  /** What was done to which seed. */
  label: string;
  /** Overrides the harness's timeout for this case (large crafted inputs). */
  timeoutMs?: number;
  /** Seconds of work by design (10^6 records, a 100 MB header): capped per run by the harness. */
  heavy?: boolean;
}

export type GeneratedCase = Omit<FuzzCase, 'target'>;

export interface FuzzTarget {
  name: string;
  /** Main thread: one input from the PRNG (seeds are loaded lazily and cached). */
  generate(prng: Prng): GeneratedCase;
  /** Worker thread: run the parser. Must end in a value or a LensError. */
  run(input: FuzzCase, source: FuzzSource): Promise<unknown>;
}

/** Total size of a case's file. */
export function caseSize(input: Pick<FuzzCase, 'bytes' | 'parts'>): number {
  if (!input.parts) return input.bytes.length;
  return input.parts.reduce((sum, part) => sum + ('bytes' in part ? part.bytes.length : part.length), 0);
}

/**
 * The ByteSource every parser reads in the fuzzer: it serves real and virtual parts, applies
 * the same range rules as MemorySource, and records the largest read asked for, so a read
 * above MAX_READ_BYTES is caught even when a limit check elsewhere turned it into an error.
 */
export class FuzzSource implements ByteSource {
  readonly size: number;
  largestRequest = 0;
  bytesRead = 0;
  reads = 0;
  private readonly parts: { start: number; part: FilePart }[] = [];

  constructor(input: Pick<FuzzCase, 'bytes' | 'parts'>) {
    let at = 0;
    for (const part of input.parts ?? [{ bytes: input.bytes }]) {
      this.parts.push({ start: at, part });
      at += 'bytes' in part ? part.bytes.length : part.length;
    }
    this.size = at;
  }

  read(offset: number, length: number, signal?: AbortSignal): Promise<Uint8Array> {
    this.largestRequest = Math.max(this.largestRequest, Number.isFinite(length) ? length : Infinity);
    this.reads += 1;
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0) {
      return Promise.reject(new LensError('read-failed', { offset, hint: `invalid read of ${length} bytes` }));
    }
    if (length > MAX_READ_BYTES) {
      return Promise.reject(new LensError('read-too-large', { offset, actual: length, limit: MAX_READ_BYTES }));
    }
    if (signal?.aborted) return Promise.reject(signal.reason);
    const available = Math.max(0, Math.min(length, this.size - offset));
    const out = new Uint8Array(available);
    for (const { start, part } of this.parts) {
      const partLength = 'bytes' in part ? part.bytes.length : part.length;
      const from = Math.max(offset, start);
      const to = Math.min(offset + available, start + partLength);
      if (from >= to) continue;
      if ('bytes' in part) out.set(part.bytes.subarray(from - start, to - start), from - offset);
      else out.fill(part.fill, from - offset, to - offset);
    }
    this.bytesRead += available;
    return Promise.resolve(out);
  }
}
