/**
 * Byte-level and structure-aware mutations. Every mutation returns new bytes and a short label
 * ("bitflip@123", "ckpt-len@40=2^53"), so a failure names exactly what was done to the seed.
 */
import { varintBytes } from '../../formats/ckpt/write';
import type { Prng } from './prng';
import { concatBytes } from '../../base/bytes';

export interface Mutated {
  bytes: Uint8Array;
  label: string;
}

/** Where a structure-aware mutation may cut or rewrite: found by walking the seed once. */
export interface Structure {
  /** Offsets where a record, field or frame starts (truncation points). */
  boundaries: number[];
  /** Varint length or key fields: offset and encoded length. */
  varints: { offset: number; length: number }[];
  /** Fixed-width little-endian integer fields: offset and byte width (4 or 8). */
  fixedInts: { offset: number; width: 4 | 8 }[];
}

/** Values every length field is set to: nothing, the int32 max, 2^31, 2^32, 2^53, past the end. */
export function interestingLengths(size: number): [number | bigint, string][] {
  return [
    [0, '0'],
    [1, '1'],
    [0x7fffffff, '0x7fffffff'],
    [0x80000000, '2^31'],
    [0xffffffff, '2^32-1'],
    [2 ** 53, '2^53'],
    [2n ** 63n, '2^63'],
    [2n ** 64n - 1n, '2^64-1'],
    [size + 1, 'size+1'],
    [size * 2 + 7, 'past-eof'],
  ];
}

export function replaceRange(bytes: Uint8Array, offset: number, length: number, insert: Uint8Array): Uint8Array {
  return concatBytes([bytes.subarray(0, offset), insert, bytes.subarray(Math.min(bytes.length, offset + length))]);
}

// ---- generic mutations ----

export function bitFlips(prng: Prng, bytes: Uint8Array): Mutated {
  const out = bytes.slice();
  if (out.length === 0) return { bytes: out, label: 'bitflip(empty)' };
  const count = prng.between(1, 8);
  const at: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const offset = prng.below(out.length);
    out[offset] = (out[offset] as number) ^ (1 << prng.below(8));
    at.push(offset);
  }
  return { bytes: out, label: `bitflip@${at.join(',')}` };
}

const INTERESTING_BYTES = [0x00, 0x01, 0x7f, 0x80, 0xff, 0x0a, 0x12, 0x1a, 0x22, 0x7b, 0x7d, 0x22, 0x5b];

export function byteSets(prng: Prng, bytes: Uint8Array): Mutated {
  const out = bytes.slice();
  if (out.length === 0) return { bytes: out, label: 'byteset(empty)' };
  const count = prng.between(1, 4);
  const at: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const offset = prng.below(out.length);
    const value = prng.chance(0.5) ? prng.pick(INTERESTING_BYTES) : prng.below(256);
    out[offset] = value;
    at.push(`${offset}=${value.toString(16)}`);
  }
  return { bytes: out, label: `byteset@${at.join(',')}` };
}

export function truncateRandom(prng: Prng, bytes: Uint8Array): Mutated {
  const length = prng.below(bytes.length + 1);
  return { bytes: bytes.slice(0, length), label: `truncate@${length}` };
}

export function insertOrDelete(prng: Prng, bytes: Uint8Array): Mutated {
  const offset = prng.below(bytes.length + 1);
  if (prng.chance(0.5) && bytes.length > 0) {
    const length = prng.between(1, Math.min(64, bytes.length - Math.min(offset, bytes.length - 1)));
    return { bytes: replaceRange(bytes, offset, length, new Uint8Array(0)), label: `delete@${offset}+${length}` };
  }
  const insert = new Uint8Array(prng.between(1, 32));
  for (let i = 0; i < insert.length; i += 1) insert[i] = prng.below(256);
  return { bytes: replaceRange(bytes, offset, 0, insert), label: `insert@${offset}+${insert.length}` };
}

/** A region copied elsewhere: duplicate records, duplicate names, repeated frames. */
export function duplicateRegion(prng: Prng, bytes: Uint8Array, structure: Structure): Mutated {
  const points = [...structure.boundaries, bytes.length].filter((point) => point <= bytes.length).sort((a, b) => a - b);
  if (points.length >= 2) {
    const i = prng.below(points.length - 1);
    const start = points[i] as number;
    const end = points[i + 1 + prng.below(Math.min(3, points.length - i - 1))] as number;
    const to = prng.pick(points);
    return {
      bytes: replaceRange(bytes, to, 0, bytes.slice(start, end)),
      label: `duplicate[${start},${end})@${to}`,
    };
  }
  const start = prng.below(bytes.length + 1);
  const end = Math.min(bytes.length, start + prng.between(1, 256));
  return { bytes: replaceRange(bytes, start, 0, bytes.slice(start, end)), label: `duplicate[${start},${end})` };
}

/** The head of one seed joined to the tail of another, cut at their boundaries when known. */
export function splice(
  prng: Prng,
  a: Uint8Array,
  aStructure: Structure,
  b: Uint8Array,
  bStructure: Structure,
): Mutated {
  const cutA = aStructure.boundaries.length > 0 ? prng.pick(aStructure.boundaries) : prng.below(a.length + 1);
  const cutB = bStructure.boundaries.length > 0 ? prng.pick(bStructure.boundaries) : prng.below(b.length + 1);
  return { bytes: concatBytes([a.subarray(0, cutA), b.subarray(cutB)]), label: `splice(a[0,${cutA}) + b[${cutB},))` };
}

// ---- structure-aware mutations ----

export function truncateAtBoundary(prng: Prng, bytes: Uint8Array, structure: Structure): Mutated {
  if (structure.boundaries.length === 0) return truncateRandom(prng, bytes);
  const boundary = prng.pick(structure.boundaries);
  // At the boundary, or one byte either side of it (half a header, a lone key byte).
  const cut = Math.max(0, Math.min(bytes.length, boundary + prng.pick([0, 0, 1, -1])));
  return { bytes: bytes.slice(0, cut), label: `truncate-at-boundary@${cut}` };
}

export function setVarintLength(prng: Prng, bytes: Uint8Array, structure: Structure): Mutated {
  if (structure.varints.length === 0) return byteSets(prng, bytes);
  const field = prng.pick(structure.varints);
  const [value, name] = prng.pick(interestingLengths(bytes.length));
  const encoded = new Uint8Array(varintBytes(value));
  return {
    bytes: replaceRange(bytes, field.offset, field.length, encoded),
    label: `varint@${field.offset}=${name}`,
  };
}

/** An 11-byte varint (continuation bits never end within protobuf's 10-byte maximum). */
export function varintOverflow(prng: Prng, bytes: Uint8Array, structure: Structure): Mutated {
  const overlong = new Uint8Array(11).fill(0xff);
  overlong[10] = 0x01;
  if (structure.varints.length === 0) {
    const at = prng.below(bytes.length + 1);
    return { bytes: replaceRange(bytes, at, 0, overlong), label: `varint-overflow-insert@${at}` };
  }
  const field = prng.pick(structure.varints);
  return {
    bytes: replaceRange(bytes, field.offset, field.length, overlong),
    label: `varint-overflow@${field.offset}`,
  };
}

export function setFixedInt(prng: Prng, bytes: Uint8Array, structure: Structure): Mutated {
  if (structure.fixedInts.length === 0) return byteSets(prng, bytes);
  const field = prng.pick(structure.fixedInts);
  const out = bytes.slice();
  const [value, name] = prng.pick([...interestingLengths(bytes.length), [-1, '-1'], [-0x80000000, '-2^31']] as [
    number | bigint,
    string,
  ][]);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  if (field.offset + field.width > out.length) return { bytes: out, label: 'fixed-int(out of range)' };
  if (field.width === 4) view.setUint32(field.offset, Number(BigInt.asUintN(32, BigInt(value))), true);
  else view.setBigUint64(field.offset, BigInt.asUintN(64, BigInt(value)), true);
  return { bytes: out, label: `int${field.width * 8}@${field.offset}=${name}` };
}

// ---- structure walkers ----

function readVarintAt(bytes: Uint8Array, offset: number): { value: number; length: number } | null {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 10 && offset + i < bytes.length; i += 1) {
    const byte = bytes[offset + i] as number;
    value += (byte & 0x7f) * scale;
    if ((byte & 0x80) === 0) return { value, length: i + 1 };
    scale *= 128;
  }
  return null;
}

/**
 * Walk protobuf messages (records, and one level of nested messages inside them) to find every
 * field boundary and varint. Tolerant: stops quietly where the bytes stop making sense.
 */
export function protobufStructure(bytes: Uint8Array, nestedDepth = 2): Structure {
  const structure: Structure = { boundaries: [], varints: [], fixedInts: [] };
  const walk = (start: number, end: number, depth: number): void => {
    let at = start;
    let fields = 0;
    while (at < end && fields < 100_000) {
      fields += 1;
      structure.boundaries.push(at);
      const key = readVarintAt(bytes, at);
      if (!key) return;
      structure.varints.push({ offset: at, length: key.length });
      at += key.length;
      const wireType = key.value % 8;
      if (wireType === 0) {
        const value = readVarintAt(bytes, at);
        if (!value) return;
        structure.varints.push({ offset: at, length: value.length });
        at += value.length;
      } else if (wireType === 2) {
        const length = readVarintAt(bytes, at);
        if (!length) return;
        structure.varints.push({ offset: at, length: length.length });
        at += length.length;
        const payloadEnd = at + length.value;
        if (payloadEnd > end) return;
        structure.boundaries.push(at);
        if (depth > 0) walk(at, payloadEnd, depth - 1);
        at = payloadEnd;
      } else if (wireType === 1) {
        structure.fixedInts.push({ offset: at, width: 8 });
        at += 8;
      } else if (wireType === 5) {
        structure.fixedInts.push({ offset: at, width: 4 });
        at += 4;
      } else {
        return;
      }
    }
    if (at === end) structure.boundaries.push(at);
  };
  walk(0, bytes.length, nestedDepth);
  return structure;
}

/** safetensors: the u64 header length, the header's end, every tensor's data boundaries. */
export function safetensorsStructure(bytes: Uint8Array): Structure {
  const structure: Structure = { boundaries: [0, 8], varints: [], fixedInts: [{ offset: 0, width: 8 }] };
  if (bytes.length < 8) return structure;
  const headerLength = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  if (headerLength + 8 > bytes.length) return structure;
  structure.boundaries.push(8 + headerLength);
  try {
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength))) as Record<string, unknown>;
    for (const value of Object.values(header)) {
      const offsets = (value as { data_offsets?: unknown } | null)?.data_offsets;
      if (Array.isArray(offsets)) {
        for (const offset of offsets)
          if (typeof offset === 'number') structure.boundaries.push(8 + headerLength + offset);
      }
    }
  } catch {
    // A seed that is already damaged has only the outer boundaries.
  }
  return structure;
}

/** Cipher blocks: magic, tag, block_len, iv_len, iv, cipher_len, ciphertext (ckpt-crypto.md §1). */
export function cipherStructure(bytes: Uint8Array): Structure {
  const structure: Structure = { boundaries: [], varints: [], fixedInts: [] };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  while (at + 4 <= bytes.length && structure.boundaries.length < 10_000) {
    const magic = view.getUint32(at, true);
    if (magic < 0x7f3a5ed8 || magic > 0x7f3a5eda) break;
    // Current GCM blocks carry a 16-byte tag before block_len; legacy and CBC blocks do not.
    const lengthAt =
      magic === 0x7f3a5ed8 && at + 24 <= bytes.length && view.getInt32(at + 24, true) === 16 ? at + 20 : at + 4;
    if (lengthAt + 28 > bytes.length) break;
    structure.boundaries.push(at, lengthAt, lengthAt + 4, lengthAt + 8, lengthAt + 24, lengthAt + 28);
    structure.fixedInts.push(
      { offset: at, width: 4 },
      { offset: lengthAt, width: 4 },
      { offset: lengthAt + 4, width: 4 },
      { offset: lengthAt + 24, width: 4 },
    );
    const blockLength = view.getInt32(lengthAt, true);
    if (blockLength <= 0) break;
    at = lengthAt + 4 + blockLength;
  }
  structure.boundaries.push(Math.min(at, bytes.length));
  return structure;
}

// ---- text and JSON ----

const UNICODE_SAMPLES = [
  '\u0000',
  '\uFEFF',
  '\u202E',
  'é',
  '𝔘',
  '\uD800',
  '\uDFFF',
  '漢字',
  '\u0301',
  '\r\n',
  '\t',
  '"',
  '\\',
  '/',
  '$1',
  '$&',
  '$$',
  ']',
  '[',
  '{',
  '}',
  '(',
  ')',
  '*',
  '+',
  '?',
  '|',
  '^',
  '\u2028',
];

export function randomUnicode(prng: Prng, maxLength = 16): string {
  let out = '';
  const length = prng.below(maxLength + 1);
  for (let i = 0; i < length; i += 1) {
    const roll = prng.below(4);
    if (roll === 0) out += prng.pick(UNICODE_SAMPLES);
    else if (roll === 1) out += String.fromCodePoint(prng.below(0x110000 - 0x800) + (prng.chance(0.5) ? 0 : 0x800));
    else out += String.fromCharCode(0x20 + prng.below(0x5f));
  }
  // Lone surrogates from fromCodePoint are fine: they become U+FFFD when encoded.
  return out;
}

/** Text edits for text inputs (filters, slices, manifests): splice in unicode, tokens, repeats. */
export function mutateText(prng: Prng, text: string, tokens: readonly string[]): Mutated {
  const at = prng.below(text.length + 1);
  switch (prng.below(5)) {
    case 0: {
      const insert = randomUnicode(prng);
      return { bytes: encode(text.slice(0, at) + insert + text.slice(at)), label: `unicode@${at}` };
    }
    case 1: {
      const token = prng.pick(tokens);
      return { bytes: encode(text.slice(0, at) + token + text.slice(at)), label: `token@${at}:${token}` };
    }
    case 2: {
      const end = Math.min(text.length, at + prng.between(1, 8));
      return { bytes: encode(text.slice(0, at) + text.slice(end)), label: `cut[${at},${end})` };
    }
    case 3: {
      const end = Math.min(text.length, at + prng.between(1, 16));
      const times = prng.pick([2, 10, 100, 1000]);
      return {
        bytes: encode(text.slice(0, end) + text.slice(at, end).repeat(times) + text.slice(end)),
        label: `repeat[${at},${end})x${times}`,
      };
    }
    default:
      return { bytes: encode(text.slice(0, at)), label: `text-truncate@${at}` };
  }
}

const textEncoder = new TextEncoder();
export function encode(text: string): Uint8Array {
  return textEncoder.encode(text);
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Hostile JSON values: huge numbers, negative and fractional sizes, deep nesting, big arrays. */
function hostileJsonValue(prng: Prng): { value: Json; label: string } {
  switch (prng.below(14)) {
    case 0:
      return { value: 2 ** 31, label: '2^31' };
    case 1:
      return { value: 2 ** 53, label: '2^53' };
    case 2:
      return { value: -1, label: '-1' };
    case 3:
      return { value: 1.5, label: '1.5' };
    case 4:
      return { value: 1e308, label: '1e308' };
    case 5:
      return { value: [2 ** 31, 2 ** 31, 2 ** 31], label: '[2^31]x3' };
    case 6:
      return { value: [-1, 1.5, 1e300], label: '[-1,1.5,1e300]' };
    case 7:
      return { value: null, label: 'null' };
    case 8:
      return { value: randomUnicode(prng, 32), label: 'unicode' };
    case 9:
      return { value: {}, label: '{}' };
    case 10:
      return { value: new Array<number>(prng.pick([1000, 100_000])).fill(0), label: 'big-array' };
    case 11:
      return { value: 'x'.repeat(prng.pick([0, 65, 70_000])), label: 'long-string' };
    case 12:
      return { value: [], label: '[]' };
    default:
      return { value: true, label: 'true' };
  }
}

/** `[[[…]]]` nested `depth` deep, as text (no recursion when building it). */
export function deepNesting(depth: number, open = '[', close = ']'): string {
  return open.repeat(depth) + close.repeat(depth);
}

/**
 * Structural JSON mutation: replace a random node with a hostile value, duplicate a key, or
 * nest a value thousands deep. Falls back to text edits when the seed is not JSON.
 */
export function mutateJson(prng: Prng, text: string): Mutated {
  try {
    return mutateJsonTree(prng, text);
  } catch (error) {
    // An already deeply nested seed overflows JSON.stringify's recursion: edit it as text.
    if (!(error instanceof RangeError)) throw error;
    return mutateText(prng, text, ['{', '}', '[', ']', ',', '"']);
  }
}

function mutateJsonTree(prng: Prng, text: string): Mutated {
  let root: Json;
  try {
    root = JSON.parse(text) as Json;
  } catch {
    return mutateText(prng, text, ['{', '}', '[', ']', ',', ':', '"', '1e999', '-0', 'NaN']);
  }
  const choice = prng.below(4);
  if (choice === 0) {
    const depth = prng.pick([100, 10_000, 100_000]);
    const nested = deepNesting(depth, prng.chance(0.5) ? '[' : '{"a":', prng.chance(0.5) ? ']' : '}');
    const replaced = replaceRandomNode(prng, root, '\u0000NEST\u0000');
    return {
      bytes: encode(JSON.stringify(replaced.root).replace('"\\u0000NEST\\u0000"', nested)),
      label: `json-deep-nest(${depth})@${replaced.path}`,
    };
  }
  if (choice === 1) {
    // Duplicate keys: JSON.parse keeps the last, other readers the first.
    const serialized = JSON.stringify(root);
    const match = /\{"((?:[^"\\]|\\.)*)":/.exec(serialized.slice(prng.below(Math.max(1, serialized.length / 2))));
    if (match) {
      const dup = `"${match[1]}":${JSON.stringify(hostileJsonValue(prng).value)},`;
      const at = serialized.indexOf(match[0]) + 1;
      return { bytes: encode(serialized.slice(0, at) + dup + serialized.slice(at)), label: `json-dup-key:${match[1]}` };
    }
  }
  const hostile = hostileJsonValue(prng);
  const replaced = replaceRandomNode(prng, root, hostile.value);
  return { bytes: encode(JSON.stringify(replaced.root)), label: `json-set@${replaced.path}=${hostile.label}` };
}

function replaceRandomNode(prng: Prng, root: Json, value: Json): { root: Json; path: string } {
  if (root === null || typeof root !== 'object') return { root: value, path: '$' };
  const copy = structuredClone(root);
  let node: Json[] | { [key: string]: Json } = copy;
  let path = '$';
  for (let depth = 0; depth < 12; depth += 1) {
    const keys = Array.isArray(node) ? node.map((_, i) => String(i)) : Object.keys(node);
    if (keys.length === 0) break;
    const key = prng.pick(keys);
    const child: Json | undefined = Array.isArray(node) ? node[Number(key)] : node[key];
    const descend = child !== null && typeof child === 'object' && prng.chance(0.6);
    if (!descend || child === undefined || child === null || typeof child !== 'object') {
      if (Array.isArray(node)) node[Number(key)] = value;
      else node[key] = value;
      return { root: copy, path: `${path}.${key}` };
    }
    node = child;
    path += `.${key}`;
  }
  if (Array.isArray(node)) node.push(value);
  else node[`k${prng.below(1000)}`] = value;
  return { root: copy, path: `${path}.+` };
}
