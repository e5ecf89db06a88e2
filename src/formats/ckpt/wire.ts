import { LensError } from '../../base/errors';
import type { ByteCursor } from '../../io/cursor';

/** Protobuf wire types (https://protobuf.dev/programming-guides/encoding/). */
export const WIRE_VARINT = 0;
export const WIRE_I64 = 1;
export const WIRE_LEN = 2;
export const WIRE_I32 = 5;

const MAX_VARINT_BYTES = 10;

/** The region ends after `read` bytes of a varint that needs at least one more. */
function varintCutShort(offset: number, read: number): LensError {
  return new LensError('ckpt-truncated', { offset, expected: read + 1, actual: read });
}

/** Require a whole varint buffered (it may be shorter than 10 bytes at the end of a region). */
export function needVarint(cursor: ByteCursor): void {
  cursor.need(Math.min(MAX_VARINT_BYTES, cursor.remaining));
}

/**
 * A varint as a bigint (int64 fields such as dims may be negative: 10-byte two's complement).
 * The caller must have buffered it (needVarint).
 */
export function readVarintBig(cursor: ByteCursor): bigint {
  const start = cursor.position;
  let result = 0n;
  for (let i = 0; i < MAX_VARINT_BYTES; i += 1) {
    if (cursor.remaining <= 0) throw varintCutShort(start, i);
    const byte = cursor.byte();
    result |= BigInt(byte & 0x7f) << BigInt(7 * i);
    if ((byte & 0x80) === 0) return result;
  }
  throw new LensError('ckpt-varint-overflow', { offset: start });
}

/**
 * A non-negative varint that must fit a JS number exactly (lengths, keys). A valid varint past
 * 2^53 (9 or 10 bytes: 2^62, or a negative int64) is no overflow: it is a length or key no file
 * can hold, and is said so with its exact value.
 */
export function readVarint(cursor: ByteCursor, what: 'length' | 'key' = 'length'): number {
  const start = cursor.position;
  let result = 0;
  let scale = 1;
  for (let i = 0; i < MAX_VARINT_BYTES; i += 1) {
    if (cursor.remaining <= 0) throw varintCutShort(start, i);
    const byte = cursor.byte();
    result += (byte & 0x7f) * scale;
    if ((byte & 0x80) === 0) {
      if (!Number.isSafeInteger(result)) {
        cursor.position = start;
        const exact = readVarintBig(cursor);
        throw new LensError('ckpt-length-impossible', {
          offset: start,
          expected: what,
          actual: exact.toString(),
          limit: cursor.end,
          ...(exact >= 1n << 63n ? { hint: toInt64(exact).toString() } : {}),
        });
      }
      return result;
    }
    scale *= 128;
  }
  throw new LensError('ckpt-varint-overflow', { offset: start });
}

/**
 * An int64 varint (dims) as a number, as `Number(toInt64(readVarintBig(cursor)))` gives it: up to
 * 7 bytes (below 2^49) without a BigInt, longer ones (large or negative) through one.
 * The caller must have buffered it (needVarint).
 */
export function readInt64(cursor: ByteCursor): number {
  const start = cursor.position;
  let result = 0;
  let scale = 1;
  for (let i = 0; i < 7; i += 1) {
    if (cursor.remaining <= 0) throw varintCutShort(start, i);
    const byte = cursor.byte();
    result += (byte & 0x7f) * scale;
    if ((byte & 0x80) === 0) return result;
    scale *= 128;
  }
  cursor.position = start;
  return Number(toInt64(readVarintBig(cursor)));
}

/** int64 two's complement from the unsigned varint value. */
export function toInt64(value: bigint): bigint {
  return BigInt.asIntN(64, value);
}

/** Skip one field's payload by wire type; groups (3, 4) and 6, 7 are not valid here. */
export function skipField(cursor: ByteCursor, wireType: number, keyOffset: number): void {
  switch (wireType) {
    case WIRE_VARINT:
      needVarint(cursor);
      readVarintBig(cursor);
      return;
    case WIRE_I64:
      cursor.skip(8);
      return;
    case WIRE_LEN: {
      needVarint(cursor);
      const length = readVarint(cursor);
      cursor.skip(length);
      return;
    }
    case WIRE_I32:
      cursor.skip(4);
      return;
    default:
      throw new LensError('ckpt-bad-wire-type', { offset: keyOffset, actual: wireType });
  }
}

/** Bytes `beginsWithRecord` needs at most: two keys and two 10-byte varints. */
export const RECORD_START_BYTES = 22;

/** A varint in `bytes` at `at`, or null when it does not end inside them (or passes 2^53). */
function varintIn(bytes: Uint8Array, at: number): { value: number; next: number } | null {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < MAX_VARINT_BYTES && at + i < bytes.length; i += 1) {
    const byte = bytes[at + i] as number;
    value += (byte & 0x7f) * scale;
    if ((byte & 0x80) === 0) return Number.isSafeInteger(value) ? { value, next: at + i + 1 } : null;
    scale *= 128;
  }
  return null;
}

/** Where the record `head` begins ends (its 0x0a key, then its length), or null when the length is not in `head`. */
export function recordEndIn(head: Uint8Array): number | null {
  const length = varintIn(head, 1);
  return length ? length.next + length.value : null;
}

/**
 * Whether `head` (the first bytes of a source of `size` bytes) begins a `Checkpoint.value`
 * record as every save_checkpoint writes one: field 1 (LEN) whose length fits the source, whose
 * first field is field 1 (the `tag` string, LEN) fitting the record. One byte (0x0a) is what a
 * sniff can afford; decrypted bytes need more, since random ones start with 0x0a once in 256.
 */
export function beginsWithRecord(head: Uint8Array, size: number): boolean {
  if (head[0] !== 0x0a) return false;
  const record = varintIn(head, 1);
  if (!record || record.value > size - record.next) return false;
  if (head[record.next] !== 0x0a) return false;
  const tag = varintIn(head, record.next + 1);
  return tag !== null && tag.value + (tag.next - record.next) <= record.value;
}

/** Fields before the first record that a sniff looks past (none in a file save_checkpoint wrote). */
const MAX_LEADING_FIELDS = 4;

/**
 * Where the first `Checkpoint.value` record begins in `head` when the file starts with a few
 * other protobuf fields (a varint, fixed-size or short length-delimited field protobuf skips and
 * MindSpore therefore loads past), or null. Each field must be whole inside `head` and be followed,
 * at last, by a record `beginsWithRecord` accepts.
 */
export function recordAfterLeadingFields(head: Uint8Array, size: number): number | null {
  let at = 0;
  for (let fields = 0; fields < MAX_LEADING_FIELDS; fields += 1) {
    const key = varintIn(head, at);
    if (!key || key.value < 8) return null;
    const wireType = key.value % 8;
    let next: number;
    if (wireType === WIRE_VARINT) {
      const value = varintIn(head, key.next);
      if (!value) return null;
      next = value.next;
    } else if (wireType === WIRE_I64) next = key.next + 8;
    else if (wireType === WIRE_I32) next = key.next + 4;
    else if (wireType === WIRE_LEN) {
      // Field 1 as a length-delimited field is a record, not a field to skip.
      if (key.value === 0x0a) return null;
      const length = varintIn(head, key.next);
      if (!length) return null;
      next = length.next + length.value;
    } else return null;
    if (next > head.length) return null;
    at = next;
    if (beginsWithRecord(head.subarray(at), size - at)) return at;
  }
  return null;
}
