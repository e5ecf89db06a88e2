import { LensError } from '../base/errors';
import { DEFAULT_WINDOW_BYTES, MAX_READ_BYTES } from '../base/limits';
import type { ByteSource } from '../io/byte-source';

/**
 * Writers describe their output as a list of parts of known length instead of bytes, so an
 * export can be composed from slices of the source (zero-copy: Blob slices in the browser) and
 * transformed content is produced window by window only when the output is actually consumed.
 */
export type OutputPart =
  /** Bytes the writer made (record headers, the safetensors header, small scalars). */
  | { kind: 'bytes'; bytes: Uint8Array }
  /** A range copied verbatim from a source. */
  | { kind: 'copy'; source: ByteSource; offset: number; length: number }
  /** Content produced on demand: `generate(start, end)` yields exactly bytes [start, end) of it. */
  | {
      kind: 'generated';
      length: number;
      generate(start: number, end: number, signal?: AbortSignal): AsyncIterable<Uint8Array>;
    };

/** A source that can hand out a Blob of a range without reading it (BlobSource). */
export interface SliceableSource extends ByteSource {
  slice(offset: number, end: number): Blob;
}

export function isSliceable(source: ByteSource): source is SliceableSource {
  return typeof (source as Partial<SliceableSource>).slice === 'function';
}

export function bytesPart(bytes: Uint8Array): OutputPart {
  return { kind: 'bytes', bytes };
}

export function partLength(part: OutputPart): number {
  return part.kind === 'bytes' ? part.bytes.length : part.length;
}

export function totalLength(parts: readonly OutputPart[]): number {
  return parts.reduce((sum, part) => sum + partLength(part), 0);
}

/** Bytes [start, end) of one part, as a part; no bytes are read. */
export function slicePart(part: OutputPart, start: number, end: number): OutputPart {
  switch (part.kind) {
    case 'bytes':
      return { kind: 'bytes', bytes: part.bytes.subarray(start, end) };
    case 'copy':
      return { kind: 'copy', source: part.source, offset: part.offset + start, length: end - start };
    case 'generated': {
      const inner = part;
      return {
        kind: 'generated',
        length: end - start,
        generate: (from, to, signal) => inner.generate(start + from, start + to, signal),
      };
    }
  }
}

/** Bytes [start, end) of a list of parts taken as one stream, as parts. */
export function sliceParts(parts: readonly OutputPart[], start: number, end: number): OutputPart[] {
  const out: OutputPart[] = [];
  let at = 0;
  for (const part of parts) {
    const length = partLength(part);
    const from = Math.max(start, at);
    const to = Math.min(end, at + length);
    if (from < to) out.push(slicePart(part, from - at, to - at));
    at += length;
    if (at >= end) break;
  }
  return out;
}

export interface ReadPartsOptions {
  /** Largest read from a source, and the size copies are cut into. */
  windowBytes?: number;
  signal?: AbortSignal;
}

/**
 * The bytes of the parts in order, in windows of at most `windowBytes` for copies. The next
 * window of a copy is requested before the current one is handed out (two reads in flight).
 */
export async function* readParts(
  parts: readonly OutputPart[],
  options: ReadPartsOptions = {},
): AsyncGenerator<Uint8Array> {
  const windowBytes = Math.min(options.windowBytes ?? DEFAULT_WINDOW_BYTES, MAX_READ_BYTES);
  const { signal } = options;
  for (const part of parts) {
    signal?.throwIfAborted();
    if (part.kind === 'bytes') {
      if (part.bytes.length > 0) yield part.bytes;
    } else if (part.kind === 'generated') {
      if (part.length > 0) yield* part.generate(0, part.length, signal);
    } else {
      const end = part.offset + part.length;
      const fetch = async (offset: number): Promise<Uint8Array> => {
        const length = Math.min(windowBytes, end - offset);
        const bytes = await part.source.read(offset, length, signal);
        if (bytes.length !== length) {
          throw new LensError('read-failed', { offset: offset + bytes.length, hint: 'the source ended early' });
        }
        return bytes;
      };
      let offset = part.offset;
      let pending = offset < end ? fetch(offset) : null;
      while (pending) {
        const bytes = await pending;
        signal?.throwIfAborted();
        offset += bytes.length;
        pending = offset < end ? fetch(offset) : null;
        yield bytes;
      }
    }
  }
}

/** Bytes [start, end) of a list of parts joined into one buffer (callers bound the length). */
export async function readPartsRange(
  parts: readonly OutputPart[],
  start: number,
  end: number,
  signal?: AbortSignal,
): Promise<Uint8Array> {
  const out = new Uint8Array(end - start);
  let at = 0;
  for await (const chunk of readParts(sliceParts(parts, start, end), { signal, windowBytes: MAX_READ_BYTES })) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}
