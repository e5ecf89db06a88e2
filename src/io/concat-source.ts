import { checkRange, type ByteSource } from './byte-source';

/**
 * Several sources laid end to end as one virtual byte stream (a sharded checkpoint's shards).
 * Nothing is copied up front; a read that spans a boundary reads each part and joins them.
 */
export class ConcatSource implements ByteSource {
  readonly size: number;
  /** Where each part starts in the virtual stream. */
  readonly bases: readonly number[];

  constructor(private readonly parts: readonly ByteSource[]) {
    const bases: number[] = [];
    let size = 0;
    for (const part of parts) {
      bases.push(size);
      size += part.size;
    }
    this.bases = bases;
    this.size = size;
  }

  /** The part holding byte `offset` (the last part whose base is ≤ offset). */
  private partAt(offset: number): number {
    let low = 0;
    let high = this.parts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((this.bases[mid] as number) <= offset) low = mid;
      else high = mid - 1;
    }
    return low;
  }

  async read(offset: number, length: number, signal?: AbortSignal): Promise<Uint8Array> {
    const end = offset + checkRange(this.size, offset, length);
    if (offset >= end || this.parts.length === 0) return new Uint8Array(0);
    const pieces: Uint8Array[] = [];
    let at = offset;
    for (let i = this.partAt(offset); at < end && i < this.parts.length; i += 1) {
      const part = this.parts[i] as ByteSource;
      const base = this.bases[i] as number;
      const want = Math.min(end, base + part.size) - at;
      if (want <= 0) continue;
      const bytes = await part.read(at - base, want, signal);
      pieces.push(bytes);
      at += bytes.length;
      if (bytes.length < want) break;
    }
    if (pieces.length === 1) return pieces[0] as Uint8Array;
    const out = new Uint8Array(at - offset);
    let written = 0;
    for (const piece of pieces) {
      out.set(piece, written);
      written += piece.length;
    }
    return out;
  }
}
