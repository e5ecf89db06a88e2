/**
 * Seed inputs: every real fixture (plaintext .ckpt, .safetensors, encrypted files and vectors
 * with their keys, distributed ranks, strategy files, manifests) plus crafted generators for
 * what no fixture has (huge declared sizes, 2^31+ dims, 10^6 entries, hostile JSON).
 * Loaded lazily on the main thread only; workers never read fixtures.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { CipherMode } from '../../base/types';
import { encodeRecord, encodeRecordHeader } from '../../formats/ckpt/write';
import { fixturePath, hexToBytes } from '../fixtures';
import {
  cipherStructure,
  deepNesting,
  encode,
  protobufStructure,
  randomUnicode,
  safetensorsStructure,
  type Structure,
} from './mutate';
import type { Prng } from './prng';
import type { FilePart } from './types';

export type SeedKind =
  'ckpt' | 'safetensors' | 'pytorch' | 'encrypted' | 'strategy-pb' | 'strategy-json' | 'meta' | 'json' | 'text';

export interface Seed {
  name: string;
  kind: SeedKind;
  bytes: Uint8Array;
  key?: Uint8Array;
  mode?: CipherMode;
  structure: Structure;
}

function structureOf(kind: SeedKind, bytes: Uint8Array): Structure {
  switch (kind) {
    case 'ckpt':
    case 'strategy-pb':
    case 'meta':
      return protobufStructure(bytes);
    case 'safetensors':
      return safetensorsStructure(bytes);
    case 'encrypted':
      return cipherStructure(bytes);
    default:
      return { boundaries: [], varints: [], fixedInts: [] };
  }
}

export function seed(name: string, kind: SeedKind, bytes: Uint8Array, extra: Partial<Seed> = {}): Seed {
  return { name, kind, bytes, structure: structureOf(kind, bytes), ...extra };
}

function walkFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? walkFiles(full) : [full];
  });
}

/** Real files are fuzzed up to this size (bigger ones only slow every iteration down). */
const MAX_SEED_BYTES = 4 * 1024 * 1024;

let cache: Seed[] | null = null;

export function allSeeds(): Seed[] {
  if (cache) return cache;
  const seeds: Seed[] = [];
  const add = (file: string, kind: SeedKind, extra: Partial<Seed> = {}): void => {
    if (statSync(file).size > MAX_SEED_BYTES) return;
    seeds.push(seed(path.relative(fixturePath(), file), kind, new Uint8Array(readFileSync(file)), extra));
  };
  for (const file of walkFiles(fixturePath('real'))) {
    const base = path.basename(file);
    if (base.endsWith('.safetensors')) add(file, 'safetensors');
    else if (base.endsWith('.meta')) add(file, 'meta');
    else if (base.endsWith('.json') && file.includes('manifests')) add(file, 'json');
    else if (base.endsWith('.txt')) add(file, 'text');
    else if (base.endsWith('.ckpt') && base.includes('strategy')) add(file, 'strategy-pb');
    else if (base.endsWith('.ckpt')) add(file, 'ckpt');
  }
  for (const file of walkFiles(fixturePath('distributed'))) {
    const base = path.basename(file);
    if (base.includes('strategy') && base.endsWith('.ckpt')) add(file, 'strategy-pb');
    else if (base === 'strategy.json') add(file, 'strategy-json');
    // Two ranks per case are enough: the others have the same structure.
    else if (/rank_[01]\//.test(file) && base.endsWith('.ckpt')) add(file, 'ckpt');
    else if (/rank_[01]\//.test(file) && base.endsWith('.safetensors')) add(file, 'safetensors');
    else if (base.endsWith('.safetensors')) add(file, 'safetensors');
  }
  for (const file of walkFiles(fixturePath('pytorch'))) {
    if (/\.(pt|pth|bin)$/.test(file)) add(file, 'pytorch');
  }
  add(fixturePath('crypto', 'tiny_plain.ckpt'), 'ckpt');
  const vectors = JSON.parse(readFileSync(fixturePath('crypto', 'vectors.json'), 'utf8')) as {
    vectors: { id: string; mode: CipherMode; key: string; plaintext_length: number; ciphertext_hex: string }[];
    checkpoint_fixtures: { files: { file: string; mode: CipherMode | null; key: string | null }[] };
  };
  for (const file of vectors.checkpoint_fixtures.files) {
    if (!file.mode || !file.key) continue;
    add(fixturePath('crypto', file.file), 'encrypted', { key: hexToBytes(file.key), mode: file.mode });
  }
  for (const vector of vectors.vectors) {
    if (vector.plaintext_length === 0 || vector.plaintext_length > 4096 || !vector.ciphertext_hex) continue;
    seeds.push(
      seed(`vectors.json#${vector.id}`, 'encrypted', hexToBytes(vector.ciphertext_hex), {
        key: hexToBytes(vector.key),
        mode: vector.mode,
      }),
    );
  }
  cache = seeds;
  return seeds;
}

export function seedsOf(...kinds: SeedKind[]): Seed[] {
  return allSeeds().filter((candidate) => kinds.includes(candidate.kind));
}

// ---- crafted inputs ----

const DTYPES = ['Float32', 'Float16', 'BFloat16', 'Int8', 'Int32', 'Int64', 'UInt64', 'Bool', 'Float64'];
const HOSTILE_DTYPES = ['str', 'random_op', 'Bogus', '', 'x'.repeat(65), 'MapTensor', 'Float32\u0000'];
const HOSTILE_DIMS = [0, 1, 2, 3, 2 ** 31, 2 ** 31 - 1, 2 ** 32 + 1, 2 ** 53, -1, -(2 ** 63)];

function craftedName(prng: Prng, previous: string[]): string {
  const roll = prng.below(10);
  if (roll === 0 && previous.length > 0) return prng.pick(previous); // duplicate name
  if (roll === 1) return randomUnicode(prng, 24);
  if (roll === 2) return '';
  if (roll === 3) return 'n'.repeat(prng.pick([1000, 65 * 1024]));
  return `layer${prng.below(100)}.weight`;
}

export interface CraftedFile {
  parts: FilePart[];
  label: string;
}

/**
 * A .ckpt from random records: hostile names, dims and dtypes; content either present, wrong
 * sized, or declared huge (up to many GB) and served virtually so nothing is allocated.
 */
export function craftCheckpoint(prng: Prng): CraftedFile {
  const parts: FilePart[] = [];
  const names: string[] = [];
  const count = prng.between(0, 12);
  const notes: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const name = craftedName(prng, names);
    names.push(name);
    const dtype = prng.chance(0.8) ? prng.pick(DTYPES) : prng.pick(HOSTILE_DTYPES);
    const rank = prng.chance(0.05) ? prng.pick([65, 70, 200]) : prng.below(5);
    const dims: number[] = [];
    for (let d = 0; d < rank; d += 1) dims.push(prng.chance(0.8) ? prng.between(0, 8) : prng.pick(HOSTILE_DIMS));
    const roll = prng.below(10);
    if (roll === 0) {
      // Declared huge, served as zeros: 2^31+ bytes, the reader must skip without reading.
      const length = prng.pick([2 ** 31 + 5, 5 * 2 ** 30, 2 ** 40]);
      parts.push({ bytes: encodeRecordHeader(name, dims, dtype, length) }, { fill: 0, length });
      notes.push(`huge-content(${length})`);
    } else {
      const elements = dims.reduce((product, dim) => product * Math.max(0, dim), 1);
      const natural = Number.isSafeInteger(elements) && elements <= 4096 ? elements * 4 : prng.below(64);
      const length = roll === 1 ? prng.below(64) : natural;
      parts.push({ bytes: encodeRecord(name, dims, dtype, new Uint8Array(length).fill(prng.below(256))) });
    }
  }
  if (prng.chance(0.1)) {
    // A crc_num trailer (ckpt-format.md §5.1) with a random value.
    parts.push({ bytes: encode(`crc_num${String(prng.u32()).padStart(10, '0')}`) });
    notes.push('crc-trailer');
  }
  return { parts, label: `crafted-ckpt(${count} records${notes.length > 0 ? `, ${notes.join(', ')}` : ''})` };
}

/** 10^6 records, generated by repeating one record (distinct names: a counter in a fixed-width tag). */
export function craftManyRecords(distinctNames: boolean, count = 1_000_000): CraftedFile {
  const template = encodeRecord('p0000000', [1], 'Float32', new Uint8Array(4));
  const out = new Uint8Array(template.length * count);
  out.set(template, 0);
  // Doubling copies: a 20 MB file in about twenty copyWithin calls.
  for (let filled = template.length; filled < out.length; filled *= 2) {
    out.copyWithin(filled, 0, Math.min(filled, out.length - filled));
  }
  if (distinctNames) {
    const nameAt = template.indexOf(0x70); // 'p'
    for (let i = 0; i < count; i += 1) {
      let value = i;
      for (let d = 7; d >= 1; d -= 1) {
        out[i * template.length + nameAt + d] = 0x30 + (value % 10);
        value = Math.floor(value / 10);
      }
    }
  }
  return { parts: [{ bytes: out }], label: `many-records(${count}, ${distinctNames ? 'distinct' : 'same'} names)` };
}

const ST_DTYPES = ['F32', 'F16', 'BF16', 'I64', 'I32', 'U8', 'BOOL', 'F64', 'F8_E4M3', 'X', ''];

function hostileShape(prng: Prng): string {
  return prng.pick([
    '[]',
    '[2147483648, 2147483648]',
    '[9007199254740993]',
    '[-1]',
    '[1.5]',
    '[1e308]',
    '["3"]',
    '[null]',
    '{}',
    '"shape"',
    `[${new Array(65).fill(1).join(',')}]`,
    deepNesting(prng.pick([100, 100_000])),
  ]);
}

/** A safetensors header written as text, so duplicate keys and hostile numbers survive. */
export function craftSafetensors(prng: Prng): CraftedFile {
  const count = prng.chance(0.02) ? 100_000 : prng.between(0, 10);
  const entries: string[] = [];
  const names: string[] = [];
  let offset = 0;
  for (let i = 0; i < count; i += 1) {
    const name = count > 1000 ? `t${i}` : craftedName(prng, names);
    names.push(name);
    const dtype = prng.chance(0.8) ? prng.pick(ST_DTYPES.slice(0, 7)) : prng.pick(ST_DTYPES);
    const hostile = count <= 1000 && prng.chance(0.3);
    const dims = hostile ? null : [prng.between(0, 4), prng.between(0, 4)];
    const shape = dims ? JSON.stringify(dims) : hostileShape(prng);
    const size = dims ? (dims[0] as number) * (dims[1] as number) * 4 : prng.below(16);
    const offsets = prng.chance(0.1)
      ? prng.pick(['[0, 9007199254740992]', '[5, 1]', '[-1, 3]', '[0]', '"x"', '[1e300, 1e301]'])
      : `[${offset}, ${offset + size}]`;
    offset += size;
    entries.push(
      `${JSON.stringify(name)}: {"dtype": ${JSON.stringify(dtype)}, "shape": ${shape}, "data_offsets": ${offsets}}`,
    );
  }
  if (prng.chance(0.2)) {
    entries.unshift(
      `"__metadata__": ${prng.pick(['{"format": "pt"}', '{"a": 1}', '[]', 'null', '{"crc_num": "99999999999999999999"}'])}`,
    );
  }
  const header = encode(`{${entries.join(', ')}}`);
  const length = new Uint8Array(8);
  new DataView(length.buffer).setBigUint64(0, BigInt(header.length), true);
  const parts: FilePart[] = [{ bytes: length }, { bytes: header }];
  if (offset > 0) parts.push(offset > 1024 * 1024 ? { fill: 0, length: offset } : { bytes: new Uint8Array(offset) });
  return { parts, label: `crafted-safetensors(${count} entries)` };
}

/**
 * A header that declares a size just under the 100 MB cap: 100 MB of spaces around one entry,
 * served virtually. Parsing it is legitimate work; the point is it must be read in allowed reads.
 */
export function craftHugeHeader(prng: Prng): CraftedFile {
  const headerLength = prng.pick([99_999_990, 100_000_000, 100_000_001, 67_108_865]);
  const head = encode('{"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}');
  const tail = encode('}');
  const length = new Uint8Array(8);
  new DataView(length.buffer).setBigUint64(0, BigInt(headerLength), true);
  const padding = Math.max(0, headerLength - head.length - tail.length);
  return {
    parts: [
      { bytes: length },
      { bytes: head },
      { fill: 0x20, length: padding },
      { bytes: tail },
      { bytes: new Uint8Array(4) },
    ],
    label: `huge-header(${headerLength})`,
  };
}

/** Flatten small crafted parts into bytes, so they can be mutated further. */
export function flatten(parts: FilePart[]): Uint8Array | null {
  let total = 0;
  for (const part of parts) {
    if (!('bytes' in part)) return null;
    total += part.bytes.length;
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    if ('bytes' in part) {
      out.set(part.bytes, at);
      at += part.bytes.length;
    }
  }
  return out;
}

const AES_KEY = hexToBytes('000102030405060708090a0b0c0d0e0f');
const SM4_KEY = hexToBytes('0123456789abcdeffedcba9876543210');

/**
 * One cipher block whose header declares a huge ciphertext (64 MiB + 16 up to the 512 MiB
 * legacy maximum, or past it), served virtually as zeros, with the mode's key. Reading the
 * frame table is cheap; decrypting it is the real cost a hostile file can impose.
 */
export function craftHugeCipherBlock(prng: Prng): CraftedFile & { key: Uint8Array } {
  const mode = prng.pick(['AES-GCM', 'AES-CBC', 'SM4-CBC'] as const);
  const magic = { 'AES-GCM': 0x7f3a5ed8, 'AES-CBC': 0x7f3a5ed9, 'SM4-CBC': 0x7f3a5eda }[mode];
  const cipherLength = prng.pick([64 * 1024 * 1024 + 16, 512 * 1024 * 1024 + 16, 0x7ffffff0]);
  const tag = mode === 'AES-GCM' ? 16 : 0;
  const header = new Uint8Array(4 + tag + 28);
  const view = new DataView(header.buffer);
  view.setUint32(0, magic, true);
  view.setInt32(4 + tag, 24 + cipherLength > 0x7fffffff ? -1 : 24 + cipherLength, true);
  view.setInt32(8 + tag, 16, true);
  for (let i = 0; i < 16; i += 1) header[12 + tag + i] = prng.below(256);
  view.setInt32(28 + tag, cipherLength, true);
  return {
    parts: [{ bytes: header }, { fill: 0, length: cipherLength }],
    key: mode === 'SM4-CBC' ? SM4_KEY : AES_KEY,
    label: `huge-cipher-block(${mode}, cipher_len ${cipherLength})`,
  };
}
