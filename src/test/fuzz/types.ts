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
 * A case may read at most this multiple of the bytes of every file it reads (the input and its
 * companions), plus READ_SLACK_BYTES: opening, inspecting, verifying and exporting each read a
 * file about once, so more means a parser re-reads the same bytes (read amplification).
 */
export const READ_AMPLIFICATION = 8;
export const READ_SLACK_BYTES = 1024 * 1024;

/** What every source of one case has read, together. */
export class ReadLedger {
  largestRequest = 0;
  bytesRead = 0;
  reads = 0;
  /** Bytes of every file of the case (the input and its companions). */
  fileBytes = 0;
  /** Set when a read would pass the limit; that read (and every later one) is refused. */
  overRead = false;

  get limit(): number {
    return READ_AMPLIFICATION * this.fileBytes + READ_SLACK_BYTES;
  }
}

/**
 * The ByteSource every parser reads in the fuzzer: it serves real and virtual parts, applies
 * the same range rules as MemorySource, and records the largest read asked for, so a read
 * above MAX_READ_BYTES is caught even when a limit check elsewhere turned it into an error.
 * Reads are counted in a ledger shared with the case's companion files (rank files, the
 * checkpoint a manifest is compared with, an export read back), and refused once they pass the
 * ledger's limit, so read amplification ends the case at once instead of running for minutes.
 */
export class FuzzSource implements ByteSource {
  readonly size: number;
  private readonly parts: { start: number; part: FilePart }[] = [];

  constructor(
    input: Pick<FuzzCase, 'bytes' | 'parts'>,
    readonly ledger: ReadLedger = new ReadLedger(),
  ) {
    let at = 0;
    for (const part of input.parts ?? [{ bytes: input.bytes }]) {
      this.parts.push({ start: at, part });
      at += 'bytes' in part ? part.bytes.length : part.length;
    }
    this.size = at;
    ledger.fileBytes += at;
  }

  /** Another file of the same case, read through the same ledger. */
  companion(bytes: Uint8Array): FuzzSource {
    return new FuzzSource({ bytes }, this.ledger);
  }

  get largestRequest(): number {
    return this.ledger.largestRequest;
  }

  get bytesRead(): number {
    return this.ledger.bytesRead;
  }

  get reads(): number {
    return this.ledger.reads;
  }

  read(offset: number, length: number, signal?: AbortSignal): Promise<Uint8Array> {
    const ledger = this.ledger;
    ledger.largestRequest = Math.max(ledger.largestRequest, Number.isFinite(length) ? length : Infinity);
    ledger.reads += 1;
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0) {
      return Promise.reject(new LensError('read-failed', { offset, hint: `invalid read of ${length} bytes` }));
    }
    if (length > MAX_READ_BYTES) {
      return Promise.reject(new LensError('read-too-large', { offset, actual: length, limit: MAX_READ_BYTES }));
    }
    if (signal?.aborted) return Promise.reject(signal.reason);
    const available = Math.max(0, Math.min(length, this.size - offset));
    if (ledger.overRead || ledger.bytesRead + available > ledger.limit) {
      ledger.overRead = true;
      return Promise.reject(
        new Error(`read amplification: ${ledger.bytesRead + available} bytes asked of ${ledger.fileBytes} in files`),
      );
    }
    const out = new Uint8Array(available);
    for (const { start, part } of this.parts) {
      const partLength = 'bytes' in part ? part.bytes.length : part.length;
      const from = Math.max(offset, start);
      const to = Math.min(offset + available, start + partLength);
      if (from >= to) continue;
      if ('bytes' in part) out.set(part.bytes.subarray(from - start, to - start), from - offset);
      else out.fill(part.fill, from - offset, to - offset);
    }
    ledger.bytesRead += available;
    return Promise.resolve(out);
  }
}
