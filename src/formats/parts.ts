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

/**
 * The same bytes in fewer parts: consecutive copies of one source, each starting where the one
 * before ends (nothing written between them), become one copy; empty parts are dropped. A run of
 * tensors that lie back to back in the source and in the output is then one Blob slice, one read
 * window and one write instead of one per tensor.
 */
export function joinAdjacentCopies(parts: readonly OutputPart[]): OutputPart[] {
  const out: OutputPart[] = [];
  let last: CopyPart | null = null;
  // Parts are shared with the caller: a copy that grows is made a copy of its own first (only
  // then: a million separate tensors were a million copied objects).
  let owned = false;
  for (const part of parts) {
    if (partLength(part) === 0) continue;
    if (part.kind === 'copy' && last && last.source === part.source && last.offset + last.length === part.offset) {
      let grown: CopyPart = last;
      if (!owned) {
        grown = { ...last };
        out[out.length - 1] = grown;
        last = grown;
        owned = true;
      }
      grown.length += part.length;
      continue;
    }
    last = part.kind === 'copy' ? part : null;
    owned = false;
    out.push(part);
  }
  return out;
}

export interface ReadPartsOptions {
  /** Largest read from a source, and the size copies are cut into. */
  windowBytes?: number;
  signal?: AbortSignal;
}

/** Copy windows requested ahead of the one being handed out. */
const READS_AHEAD = 2;
/** Generated parts (casts) that start making their first chunk while an earlier one is used. */
const GENERATED_AHEAD = 2;

/** A generated part whose first chunk is being made ahead of its turn. */
interface StartedPart {
  chunks: AsyncIterator<Uint8Array>;
  first: Promise<IteratorResult<Uint8Array>>;
}

type ReadStep =
  | { kind: 'bytes'; bytes: Uint8Array }
  | { kind: 'generated'; part: Extract<OutputPart, { kind: 'generated' }>; started?: StartedPart }
  | { kind: 'read'; bytes: Promise<Uint8Array>; source: ByteSource }
  /** Copies close together in one source (and the bytes written between them), read as one window. */
  | {
      kind: 'group';
      bytes: Promise<Uint8Array>;
      source: ByteSource;
      start: number;
      pieces: GroupPiece[];
      /** The pieces' bytes together. */
      outputBytes: number;
    };

type GroupPiece = Uint8Array | { offset: number; length: number };

/**
 * Parts one group spans at most: a million 4-byte tensors lie in one window of the source, and
 * as one group their pieces (and the chunk joining them) were the whole output at once.
 */
const MAX_GROUP_PARTS = 16_384;

/** A group whose pieces average fewer bytes than this is handed out joined, as one chunk. */
const SMALL_PIECE_BYTES = 16 * 1024;

/** Copies of one source at most this far apart are read as one window, with the bytes between them. */
const READ_GAP_BYTES = 64 * 1024;

type CopyPart = Extract<OutputPart, { kind: 'copy' }>;

/**
 * From `parts[first]` (a copy shorter than a window): the parts that can share its read: more
 * copies of the same source, each after the last and at most READ_GAP_BYTES past it, within one
 * window, with the byte parts (record headers) between them. Returns the index after the group.
 * Small tensors in a row were one read each (a million were a million reads); so were the
 * tensors of a torch zip, each behind its entry's local header.
 */
function gatherGroup(parts: readonly OutputPart[], first: number, windowBytes: number): number {
  const head = parts[first] as CopyPart;
  let end = head.offset + head.length;
  let after = first + 1;
  const last = Math.min(parts.length, first + MAX_GROUP_PARTS);
  for (let at = first + 1; at < last; at += 1) {
    const part = parts[at] as OutputPart;
    if (part.kind === 'bytes') continue;
    if (
      part.kind !== 'copy' ||
      part.source !== head.source ||
      part.offset < end ||
      part.offset - end > READ_GAP_BYTES ||
      part.offset + part.length - head.offset > windowBytes
    )
      break;
    end = part.offset + part.length;
    after = at + 1;
  }
  return after;
}

function startPart(step: Extract<ReadStep, { kind: 'generated' }>, signal?: AbortSignal): StartedPart {
  if (!step.started) {
    const chunks = step.part.generate(0, step.part.length, signal)[Symbol.asyncIterator]();
    const first = chunks.next();
    // Made ahead: if the consumer stops first, its failure must not surface unhandled.
    first.catch(() => undefined);
    step.started = { chunks, first };
  }
  return step.started;
}

/**
 * The bytes of the parts in order, in windows of at most `windowBytes` for copies. Copy windows
 * are requested READS_AHEAD ahead of the consumer and across part boundaries: with one read at a
 * time, a list of small tensors (one window each) would wait for every read in turn. Likewise
 * the next GENERATED_AHEAD generated parts (cast tensors) make their first chunk while the
 * current one is used, so a run of one-window tensors does not read and convert each in turn.
 *
 * A chunk is the consumer's until it asks for the next one; then a recycling source may reuse
 * its memory (keep a copy, `keepable`, to hold on to it longer).
 */
export async function* readParts(
  parts: readonly OutputPart[],
  options: ReadPartsOptions = {},
): AsyncGenerator<Uint8Array> {
  const windowBytes = Math.min(options.windowBytes ?? DEFAULT_WINDOW_BYTES, MAX_READ_BYTES);
  const { signal } = options;
  // Back-to-back copies are read across their boundaries, in whole windows.
  const list = joinAdjacentCopies(parts);
  const fetch = (source: ByteSource, offset: number, length: number): Promise<Uint8Array> => {
    const bytes = source.read(offset, length, signal).then((read) => {
      if (read.length !== length) {
        throw new LensError('read-failed', { offset: offset + read.length, hint: 'the source ended early' });
      }
      return read;
    });
    // A read the consumer never asks for (it stopped early) must not fail unhandled.
    bytes.catch(() => undefined);
    return bytes;
  };
  // Steps are made lazily, so a read starts only when it enters the look-ahead.
  const steps = (function* (): Generator<ReadStep> {
    for (let index = 0; index < list.length; index += 1) {
      const part = list[index] as OutputPart;
      if (part.kind === 'bytes') yield { kind: 'bytes', bytes: part.bytes };
      else if (part.kind === 'generated') yield { kind: 'generated', part };
      else if (part.length < windowBytes && gatherGroup(list, index, windowBytes) > index + 1) {
        const after = gatherGroup(list, index, windowBytes);
        const pieces: GroupPiece[] = [];
        let end = part.offset;
        let outputBytes = 0;
        for (let at = index; at < after; at += 1) {
          const member = list[at] as OutputPart;
          if (member.kind === 'bytes') {
            pieces.push(member.bytes);
            outputBytes += member.bytes.length;
          } else if (member.kind === 'copy') {
            pieces.push({ offset: member.offset, length: member.length });
            end = member.offset + member.length;
            outputBytes += member.length;
          }
        }
        yield {
          kind: 'group',
          bytes: fetch(part.source, part.offset, end - part.offset),
          source: part.source,
          start: part.offset,
          pieces,
          outputBytes,
        };
        index = after - 1;
      } else {
        const end = part.offset + part.length;
        for (let offset = part.offset; offset < end; offset += windowBytes) {
          yield {
            kind: 'read',
            bytes: fetch(part.source, offset, Math.min(windowBytes, end - offset)),
            source: part.source,
          };
        }
      }
    }
  })();
  const queue: ReadStep[] = [];
  let reads = 0;
  let exhausted = false;
  const fill = (): void => {
    while (!exhausted && reads < READS_AHEAD) {
      const next = steps.next();
      if (next.done) exhausted = true;
      else {
        queue.push(next.value);
        if (next.value.kind === 'read' || next.value.kind === 'group') reads += 1;
      }
    }
  };
  /** The generated part being handed out (closed if the consumer stops inside it). */
  let active: AsyncIterator<Uint8Array> | null = null;
  try {
    for (;;) {
      signal?.throwIfAborted();
      fill();
      const step = queue.shift();
      if (!step) return;
      if (step.kind === 'bytes') {
        if (step.bytes.length > 0) yield step.bytes;
      } else if (step.kind === 'generated') {
        if (step.part.length === 0) continue;
        const { chunks, first } = startPart(step, signal);
        let ahead = 0;
        for (const next of queue) {
          if (ahead >= GENERATED_AHEAD) break;
          if (next.kind !== 'generated' || next.part.length === 0) continue;
          startPart(next, signal);
          ahead += 1;
        }
        active = chunks;
        for (let result = await first; !result.done; result = await chunks.next()) yield result.value;
        active = null;
      } else if (step.kind === 'group') {
        reads -= 1;
        const window = await step.bytes;
        signal?.throwIfAborted();
        fill();
        if (step.outputBytes / step.pieces.length < SMALL_PIECE_BYTES) {
          // Many small pieces (record headers and tiny tensors) as one chunk: a chunk handed
          // through the consumer's async generators costs microseconds, and a million tensors
          // were two million of them.
          const joined = new Uint8Array(step.outputBytes);
          let at = 0;
          for (const piece of step.pieces) {
            const bytes =
              piece instanceof Uint8Array
                ? piece
                : window.subarray(piece.offset - step.start, piece.offset - step.start + piece.length);
            joined.set(bytes, at);
            at += bytes.length;
          }
          step.source.recycle?.(window);
          if (joined.length > 0) yield joined;
          continue;
        }
        for (const piece of step.pieces) {
          if (piece instanceof Uint8Array) {
            if (piece.length > 0) yield piece;
          } else if (piece.length > 0)
            yield window.subarray(piece.offset - step.start, piece.offset - step.start + piece.length);
        }
        step.source.recycle?.(window);
      } else {
        reads -= 1;
        const bytes = await step.bytes;
        signal?.throwIfAborted();
        fill();
        yield bytes;
        // The consumer asked for the next chunk: it is done with this one.
        step.source.recycle?.(bytes);
      }
    }
  } finally {
    // The part in use and those made ahead that the consumer never reached are closed (reads stop).
    active?.return?.().catch(() => undefined);
    for (const step of queue)
      if (step.kind === 'generated' && step.started) step.started.chunks.return?.().catch(() => undefined);
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
