/**
 * The fuzz targets: every parser Ckpt Lens runs on untrusted input. `generate` runs on the main
 * thread (seeds + mutations, deterministic from the PRNG); `run` runs in the worker.
 */
import { DEFAULT_WINDOW_BYTES } from '../../base/limits';
import type { CheckpointIndex, CipherMode, TensorEntry } from '../../base/types';
import { LensError } from '../../base/errors';
import { describeError } from '../../core/messages';
import { openCheckpoint } from '../../core/open';
import { computeAllStats } from '../../core/stats/tensor-stats';
import { buildTree, summarize } from '../../core/summary';
import { verifyIntegrity } from '../../integrity/verify';
import { openManifest } from '../../core/load-rules/open-manifest';
import { openShardedCheckpoint } from '../../core/sharded';
import {
  compileNameMap,
  exportNameMapJson,
  NAME_MAP_PRESETS,
  parseNameMapJson,
  previewNameMap,
} from '../../core/name-map';
import { compileFilter, filterEntries, parseFilter, type FilterSubject } from '../../core/selection/filter';
import { compileSafeRegex } from '../../core/selection/regex';
import { parseSlice, readFirstValues, readTensorSlice, resolveSlice } from '../../core/stats/slice';
// Loaded up front so its first use is not timed (openCheckpoint imports it lazily).
import '../../crypto/decrypted-source';
import { detectEncryption, readFrameTable } from '../../crypto/frames';
import { scanCheckpoint } from '../../formats/ckpt/scan';
import { parseGraphMeta } from '../../formats/manifest/graph-meta';
import { scanSafetensors } from '../../formats/safetensors/scan';
import { scanPytorch } from '../../formats/pytorch/scan';
import { combineStageStrategies, parseStrategy } from '../../formats/strategy/parse';
import {
  bitFlips,
  byteSets,
  duplicateRegion,
  encode,
  insertOrDelete,
  mutateJson,
  mutateText,
  setFixedInt,
  setVarintLength,
  splice,
  truncateAtBoundary,
  truncateRandom,
  varintOverflow,
  type Mutated,
} from './mutate';
import type { Prng } from './prng';
import {
  craftCheckpoint,
  craftHugeCipherBlock,
  craftHugeHeader,
  craftManyRecords,
  craftSafetensors,
  flatten,
  seedsOf,
  type CraftedFile,
  type Seed,
} from './seeds';
import { MemorySource, type ByteSource } from '../../io/byte-source';
import { pipelineTargets } from './pipeline-targets';
import type { FuzzCase, FuzzSource, FuzzTarget, GeneratedCase } from './types';

const decoder = new TextDecoder('utf-8', { fatal: false });
const text = (bytes: Uint8Array): string => decoder.decode(bytes);

/** One to three byte-level/structural mutations of a seed (or a splice with another seed). */
function mutateSeed(prng: Prng, seed: Seed, others: readonly Seed[]): Mutated {
  let bytes = seed.bytes;
  const labels: string[] = [];
  const rounds = prng.weighted([
    [1, 6],
    [2, 3],
    [3, 1],
  ] as const);
  for (let round = 0; round < rounds; round += 1) {
    // Structure is the seed's; after a first size-changing edit it is only approximate, which is fine.
    const structure = seed.structure;
    const mutation = prng.weighted([
      ['bitflip', 5],
      ['byteset', 3],
      ['truncate-boundary', 4],
      ['truncate', 1],
      ['length', seed.kind === 'safetensors' || seed.kind === 'encrypted' ? 0 : 4],
      ['fixed-int', seed.kind === 'safetensors' || seed.kind === 'encrypted' ? 4 : 1],
      ['varint-overflow', seed.kind === 'ckpt' || seed.kind === 'strategy-pb' || seed.kind === 'meta' ? 2 : 0],
      ['insert-delete', 2],
      ['duplicate', 2],
      ['splice', others.length > 1 ? 1 : 0],
      ['json', seed.kind === 'safetensors' ? 4 : 0],
      ['json-text', seed.kind === 'json' || seed.kind === 'strategy-json' ? 8 : 0],
      ['text', seed.kind === 'text' ? 6 : 0],
    ] as const);
    let result: Mutated;
    switch (mutation) {
      case 'bitflip':
        result = bitFlips(prng, bytes);
        break;
      case 'byteset':
        result = byteSets(prng, bytes);
        break;
      case 'truncate-boundary':
        result = truncateAtBoundary(prng, bytes, structure);
        break;
      case 'truncate':
        result = truncateRandom(prng, bytes);
        break;
      case 'length':
        result = setVarintLength(prng, bytes, structure);
        break;
      case 'fixed-int':
        result = setFixedInt(prng, bytes, structure);
        break;
      case 'varint-overflow':
        result = varintOverflow(prng, bytes, structure);
        break;
      case 'insert-delete':
        result = insertOrDelete(prng, bytes);
        break;
      case 'duplicate':
        result = duplicateRegion(prng, bytes, structure);
        break;
      case 'splice': {
        const other = prng.pick(others);
        result = splice(prng, bytes, structure, other.bytes, other.structure);
        result.label = `${result.label} with ${other.name}`;
        break;
      }
      case 'json':
        result = mutateSafetensorsHeader(prng, bytes);
        break;
      case 'json-text':
        result = mutateJson(prng, text(bytes));
        break;
      case 'text':
        result = mutateText(prng, text(bytes), MANIFEST_TOKENS);
        break;
    }
    bytes = result.bytes;
    labels.push(result.label);
  }
  return { bytes, label: `${seed.name}: ${labels.join(' | ')}` };
}

/** Pieces of text manifests (name, dtype, shape columns) and of the values that break them. */
const MANIFEST_TOKENS = [
  '\n',
  '\r\n',
  '\t',
  ' ',
  ':',
  ',',
  '(',
  ')',
  '[',
  ']',
  'Float32',
  'float16',
  '-1',
  '2147483648',
  '1e308',
  'NaN',
  '\uFEFF',
  '#',
  '\u0000',
];

/** Rewrite the JSON header structurally and fix up the length prefix. */
function mutateSafetensorsHeader(prng: Prng, bytes: Uint8Array): Mutated {
  if (bytes.length < 8) return byteSets(prng, bytes);
  const declared = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  const headerEnd = Math.min(bytes.length, 8 + declared);
  const mutated = mutateJson(prng, text(bytes.subarray(8, headerEnd)));
  const out = new Uint8Array(8 + mutated.bytes.length + (bytes.length - headerEnd));
  new DataView(out.buffer).setBigUint64(0, BigInt(mutated.bytes.length), true);
  out.set(mutated.bytes, 8);
  out.set(bytes.subarray(headerEnd), 8 + mutated.bytes.length);
  return { bytes: out, label: mutated.label };
}

/** Timeout for crafted inputs: generous, since they are meant to be big (10^6 records, 100 MB headers). */
function crafted(file: CraftedFile, knob: number, timeoutMs?: number, heavy = false): GeneratedCase {
  const flat = flatten(file.parts);
  return {
    ...(heavy ? { heavy } : {}),
    bytes: flat ?? new Uint8Array(0),
    ...(flat ? {} : { parts: file.parts }),
    knob,
    label: file.label,
    ...(timeoutMs ? { timeoutMs } : {}),
  };
}

/** Key choice for a seed: mostly the right one, sometimes none, a wrong one, or a wrong length. */
function chooseKey(prng: Prng, seed: Seed): { key?: Uint8Array; label: string } {
  if (!seed.key) return prng.chance(0.03) ? { key: new Uint8Array(16), label: 'key=unexpected' } : { label: '' };
  const roll = prng.below(20);
  if (roll < 12) return { key: seed.key, label: 'key=right' };
  if (roll < 15) return { label: 'key=none' };
  if (roll < 18) {
    const wrong = seed.key.slice();
    const at = prng.below(wrong.length);
    wrong[at] = (wrong[at] as number) ^ (1 << prng.below(8));
    return { key: wrong, label: 'key=wrong' };
  }
  return { key: new Uint8Array(prng.pick([0, 1, 15, 17, 31, 64])), label: 'key=wrong-length' };
}

let manyRecordsCache: Map<boolean, CraftedFile> | null = null;
function manyRecords(distinct: boolean): CraftedFile {
  manyRecordsCache ??= new Map();
  let file = manyRecordsCache.get(distinct);
  if (!file) {
    file = craftManyRecords(distinct);
    manyRecordsCache.set(distinct, file);
  }
  return file;
}

/** Scan options from the knob: windows of 1 and 7 bytes cross every boundary (as the scan tests do). */
function scanOptions(
  knob: number,
  size: number,
): { windowBytes?: number; headerReadBytes?: number; seekCostBytes?: number } {
  // Big inputs are read with the defaults: a 1-byte window over 20 MB measures the option, not the parser.
  if (size > 1024 * 1024) return {};
  const windowBytes = [1, 7, 64, 4096, 65536, DEFAULT_WINDOW_BYTES][knob % 6] as number;
  const headerReadBytes = [1, 16, 1024][(knob >>> 3) % 3] as number;
  const seekCostBytes = (knob >>> 5) % 2 === 0 ? 1 : undefined;
  return { windowBytes, headerReadBytes, ...(seekCostBytes ? { seekCostBytes } : {}) };
}

const MODES: (CipherMode | undefined)[] = [undefined, undefined, 'AES-GCM', 'AES-CBC', 'SM4-CBC'];

function fileTarget(
  name: string,
  kinds: Seed['kind'][],
  craft: { ckpt?: boolean; safetensors?: boolean; cipher?: 'heavy' | 'light' },
  run: FuzzTarget['run'],
): FuzzTarget {
  return {
    name,
    generate(prng) {
      const knob = prng.u32();
      const roll = prng.float();
      if (craft.ckpt && roll < 0.002) return crafted(manyRecords(prng.chance(0.5)), knob, 120_000, true);
      if (craft.safetensors && roll < 0.004) return crafted(craftHugeHeader(prng), knob, 60_000, true);
      if (craft.cipher && roll > 0.995) {
        const file = craftHugeCipherBlock(prng);
        return { ...crafted(file, knob, 120_000, craft.cipher === 'heavy'), key: file.key };
      }
      if (craft.ckpt && roll < 0.12) {
        const file = craftCheckpoint(prng);
        const flat = flatten(file.parts);
        if (flat && prng.chance(0.3)) {
          const mutated = bitFlips(prng, flat);
          return { bytes: mutated.bytes, knob, label: `${file.label}: ${mutated.label}` };
        }
        return crafted(file, knob);
      }
      if (craft.safetensors && roll < 0.22) return crafted(craftSafetensors(prng), knob, 30_000);
      const seeds = seedsOf(...kinds);
      const chosen = prng.pick(seeds);
      const mutated = prng.chance(0.03)
        ? { bytes: chosen.bytes, label: `${chosen.name}: unmodified` }
        : mutateSeed(prng, chosen, seeds);
      const key = chooseKey(prng, chosen);
      return {
        bytes: mutated.bytes,
        ...(key.key ? { key: key.key } : {}),
        knob,
        label: key.label ? `${mutated.label} [${key.label}]` : mutated.label,
      };
    },
    run,
  };
}

/** Read the first bytes of a few tensors: decrypts blocks, checks GCM tags, crosses units. */
async function touchTensors(
  plaintext: { read(offset: number, length: number): Promise<Uint8Array> },
  tensors: readonly TensorEntry[],
): Promise<void> {
  for (const tensor of tensors.slice(0, 3)) {
    const range = tensor.ranges[0];
    if (range) await plaintext.read(range.offset, Math.min(range.length, 1024 * 1024));
  }
}

/**
 * A differential check of the columnar scan: the scan as entries (reading the counted source),
 * then the same scan holding columns over a copy of the bytes (not counted against the read
 * budget); they must end alike, with the same error code or an equal index. Cases built of parts
 * (huge crafted files) are scanned once.
 */
async function sameAsColumns(
  input: FuzzCase,
  source: FuzzSource,
  scan: (from: ByteSource, columns: boolean) => Promise<CheckpointIndex>,
): Promise<CheckpointIndex> {
  type Outcome = { index: CheckpointIndex; text: string; error?: undefined } | { error: LensError };
  const outcome = async (from: ByteSource, columns: boolean): Promise<Outcome> => {
    try {
      const index = await scan(from, columns);
      return { index, text: JSON.stringify(index) };
    } catch (error) {
      if (!(error instanceof LensError)) throw error;
      return { error };
    }
  };
  const entries = await outcome(source, false);
  if (!input.parts) {
    const columns = await outcome(new MemorySource(input.bytes), true);
    const said = (result: Outcome) => (result.error ? `error ${result.error.code}` : 'an index');
    if (said(entries) !== said(columns))
      throw new Error(`the scan as entries gave ${said(entries)}, as columns ${said(columns)}`);
    if (!entries.error && !columns.error && entries.text !== columns.text)
      throw new Error('the scan as columns gave another index than the scan as entries');
  }
  if (entries.error) throw entries.error;
  return entries.index;
}

// ---- text targets ----

const FILTER_SEEDS = [
  'startsWith("conv") and not startsWith("conv1")',
  'name ~ /\\.bias$/',
  'dtype == Float16 and numel > 1e6',
  'endsWith(".weight") and rank == 2',
  'shape[0] > 100',
  'dtype in [Float16, BFloat16]',
  'dtype not in [Float32, Float16, BFloat16]',
  '(startsWith("fc") || startsWith("conv1")) && !endsWith("bias")',
  'bytes >= 1MiB',
  'numel > 1_000_000 and numel < 0x10000000',
  'shape == [16, 6, 5, 5]',
  'name !~ /^(conv|fc|blocks|embed)/i',
  'name in ["fc1.bias", "note"]',
  'startsWith(["glob", "lear"])',
  'kind == "string"',
  'matches(/qkv/)',
  'name ~ /^(a+)+$/',
  'name ~ /(x{1,1000}){1,2}y/',
  'name ~ /[^\\W\\d_]+\\.(?:weight|bias)$/',
];
const FILTER_TOKENS = [
  ' and ',
  ' or ',
  ' not ',
  '(',
  ')',
  '[',
  ']',
  '"',
  '/',
  '~',
  '!~',
  '==',
  '!=',
  '<',
  '>=',
  ' in ',
  ',',
  '1e308',
  '-1',
  '0x',
  '1_',
  'KiB',
  'GiB',
  'name',
  'dtype',
  'shape',
  'rank',
  'numel',
  'bytes',
  'kind',
  'startsWith(',
  'matches(',
  '/(a|a)*$/',
  '/a{1000}/',
  '/[/',
  '\\',
  '*',
  '+',
  '?',
  '{',
  '}',
  '{2,1}',
  '(?:',
  '(?=',
  '\\1',
  '^',
  '$',
  '.*',
  '|',
  'shape[9007199254740993]',
  'Float16',
  '"\\u0000"',
  'NaN',
  'Infinity',
];

const SAMPLE_SUBJECTS: FilterSubject[] = [
  { name: 'conv1.weight', dtype: 'Float32', shape: [6, 1, 5, 5], bytes: 600, kind: 'tensor' },
  { name: 'fc1.bias', dtype: 'Float16', shape: [120], bytes: 240, kind: 'tensor' },
  { name: 'global_step', dtype: 'Int32', shape: [], bytes: 4, kind: 'tensor' },
  { name: '', dtype: '', shape: [], bytes: 0, kind: 'tensor' },
  { name: 'huge', dtype: 'BFloat16', shape: [2 ** 31, 2 ** 31, 2 ** 31], bytes: 2 ** 53, kind: 'tensor' },
  { name: 'a'.repeat(30) + 'b', dtype: 'Float32', shape: [0], bytes: 0, kind: 'tensor' },
  { name: 'x'.repeat(65_536), dtype: 'str', shape: [], bytes: 16, kind: 'string' },
  { name: '漢字.𝔘\u0000\uFEFF', dtype: 'Bogus', shape: new Array<number>(64).fill(1), kind: 'map' },
  { name: 'model.layers.0.self_attn.q_proj.weight', dtype: 'Float16', shape: [4096, 4096], bytes: 2 ** 25 },
];
const SAMPLE_NAMES = [
  ...SAMPLE_SUBJECTS.map((subject) => subject.name),
  'bn.running_mean',
  'layer.0.LayerNorm.gamma',
  'embeddings.word_embeddings.weight',
  '$1$&$$',
];

function textTarget(
  name: string,
  seeds: () => string[],
  tokens: readonly string[],
  run: FuzzTarget['run'],
  grammar?: (prng: Prng) => string,
): FuzzTarget {
  return {
    name,
    generate(prng) {
      const knob = prng.u32();
      if (grammar && prng.chance(0.3)) {
        const generated = grammar(prng);
        return { bytes: encode(generated), knob, label: `grammar` };
      }
      const seed = prng.pick(seeds());
      let current = seed;
      const labels: string[] = [];
      for (let round = prng.between(1, 3); round > 0; round -= 1) {
        const mutated = mutateText(prng, current, tokens);
        current = text(mutated.bytes);
        labels.push(mutated.label);
      }
      return { bytes: encode(current), knob, label: `${JSON.stringify(seed.slice(0, 60))}: ${labels.join(' | ')}` };
    },
    run,
  };
}

function randomRegex(prng: Prng, depth = 0): string {
  const atoms = ['a', 'b', '.', '\\d', '\\w', '\\s', '[a-z]', '[^x]', '\\.', '漢', '(?:ab)', '\\b', '^', '$'];
  let out = '';
  for (let i = prng.between(1, 4); i > 0; i -= 1) {
    let atom = depth < 4 && prng.chance(0.3) ? `(${randomRegex(prng, depth + 1)})` : prng.pick(atoms);
    if (prng.chance(0.4)) atom += prng.pick(['*', '+', '?', '{2}', '{1,5}', '{0,}', '*?', '{100,1000}']);
    out += atom;
    if (prng.chance(0.15)) out += '|';
  }
  return out;
}

function randomFilter(prng: Prng, depth = 0): string {
  if (depth < 5 && prng.chance(0.35)) {
    return `(${randomFilter(prng, depth + 1)}) ${prng.pick(['and', 'or', '&&', '||'])} ${prng.pick(['', 'not '])}${randomFilter(prng, depth + 1)}`;
  }
  switch (prng.below(6)) {
    case 0:
      return `name ${prng.pick(['~', '!~'])} /${randomRegex(prng)}/${prng.pick(['', 'i'])}`;
    case 1:
      return `${prng.pick(['numel', 'bytes', 'rank', 'shape[0]', 'shape[63]'])} ${prng.pick(['<', '>=', '==', '!='])} ${prng.pick(['0', '1e6', '2GiB', '-1', '9007199254740993', '0x7fffffff'])}`;
    case 2:
      return `dtype ${prng.pick(['==', 'in', 'not in'])} ${prng.pick(['Float16', '[Float16, Int8]', '"bogus"', '[]'])}`;
    case 3:
      return `${prng.pick(['startsWith', 'endsWith', 'contains'])}(${JSON.stringify(prng.pick(SAMPLE_NAMES).slice(0, 20))})`;
    case 4:
      return `shape == [${new Array(prng.below(5))
        .fill(0)
        .map(() => prng.pick(['1', '5', '2147483648']))
        .join(', ')}]`;
    default:
      return `kind == ${prng.pick(['"tensor"', '"string"', '"map"', 'tensor'])}`;
  }
}

const SLICE_SHAPES: number[][] = [
  [],
  [5],
  [3, 4, 5],
  [2 ** 31, 2 ** 31],
  [0, 7],
  new Array<number>(64).fill(1),
  [1_000_001],
];
const SLICE_TENSOR: TensorEntry = {
  name: 'w',
  dtype: 'Float32',
  shape: [4, 5],
  kind: 'tensor',
  bytes: 80,
  ranges: [{ offset: 0, length: 80 }],
};

function nameMapSeeds(): string[] {
  const fromFixtures = seedsOf('json').map((seed) => text(seed.bytes));
  return [
    ...fromFixtures,
    ...NAME_MAP_PRESETS.map((preset) => exportNameMapJson(preset.spec)),
    '[{"pattern": "^(.*)\\\\.gamma$", "replacement": "$1.weight"}]',
    '{"exact": {"a": "b"}, "rules": [{"pattern": "(x+)+y", "replacement": "$1", "flags": "i"}]}',
  ];
}

/**
 * Run a follow-up step on an opened file: expected LensErrors (a tensor that is not numeric, a
 * slice out of range) are data here and the next step runs; a bug code, a missing sentence or
 * any other exception goes to the harness.
 */
async function step(run: () => Promise<unknown> | unknown): Promise<void> {
  try {
    await run();
  } catch (error) {
    if (!(error instanceof LensError) || error.code === 'internal' || error.code === 'read-too-large') throw error;
    const message = describeError(error.code, error.details);
    if (!message.title || !message.detail || !message.action) throw error;
  }
}

/** Bytes a follow-up step may read per tensor: virtual multi-GB tensors are listed, not streamed. */
const INSPECT_TENSOR_BYTES = 4 * 1024 * 1024;

/** Open, then everything the app does next with an index from a hostile file. */
async function inspect(input: FuzzCase, source: FuzzSource): Promise<unknown> {
  const opened = await openCheckpoint(source, {
    ...scanOptions(input.knob, source.size),
    ...(input.key ? { key: input.key } : {}),
    tolerateCrcTrailer: true,
  });
  const { index, plaintext } = opened;
  await step(() => summarize(index));
  await step(() => buildTree(index.tensors));
  const small = (entry: TensorEntry): boolean => entry.bytes <= INSPECT_TENSOR_BYTES;
  await step(() => computeAllStats(plaintext, index, { include: small }));
  for (const entry of index.tensors.slice(0, 4)) {
    if (!small(entry)) continue;
    await step(() => readFirstValues(plaintext, entry, 8));
    await step(() =>
      readTensorSlice(plaintext, entry, ['[0]', '[..., -1]', '[::2]', '[-1, 0]'][input.knob % 4] as string),
    );
  }
  if (source.size <= 64 * 1024 * 1024) await step(() => verifyIntegrity(opened));
  return index;
}

/** Every built-in target, in a fixed order (the harness round-robins over them). */
/** A small real safetensors shard (two float32 tensors) for the shard-index target. */
const SHARD_BYTES = ((): Uint8Array => {
  const header = JSON.stringify({
    'w.weight': { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
    'w.bias': { dtype: 'F32', shape: [1], data_offsets: [8, 12] },
  });
  const padded = header.padEnd(Math.ceil(header.length / 8) * 8, ' ');
  const out = new Uint8Array(8 + padded.length + 12);
  new DataView(out.buffer).setBigUint64(0, BigInt(padded.length), true);
  out.set(encode(padded), 8);
  return out;
})();

function shardIndexSeeds(): string[] {
  return [
    JSON.stringify({
      metadata: { total_size: 12 },
      weight_map: { 'w.weight': 'a.safetensors', 'w.bias': 'a.safetensors' },
    }),
    JSON.stringify({
      metadata: { total_size: 4 },
      weight_map: { 'w.weight': 'b.safetensors', x: 'missing.safetensors' },
    }),
    JSON.stringify({ weight_map: { 'w.weight': 'a.safetensors', 'w.bias': 'c.bin' } }),
    JSON.stringify({ weight_map: { 'w.bias': 'a.safetensors' } }),
  ];
}

export function createTargets(): FuzzTarget[] {
  return [
    fileTarget(
      'open',
      ['ckpt', 'safetensors', 'encrypted'],
      { ckpt: true, safetensors: true, cipher: 'heavy' },
      async (input, source) => {
        const knob = input.knob;
        const mode = MODES[(knob >>> 7) % MODES.length];
        const opened = await openCheckpoint(source, {
          ...scanOptions(knob, source.size),
          ...(input.key ? { key: input.key } : {}),
          ...(mode ? { mode } : {}),
          tolerateCrcTrailer: ((knob >>> 10) & 1) === 1,
        });
        await touchTensors(opened.plaintext, opened.index.tensors);
        return opened.index;
      },
    ),
    fileTarget('inspect', ['ckpt', 'safetensors', 'pytorch', 'encrypted'], { ckpt: true, safetensors: true }, inspect),
    fileTarget('scan-pytorch', ['pytorch'], {}, (input, source) =>
      scanPytorch(source, { legacyWindowBytes: [1, 64, 4096][input.knob % 3] as number }),
    ),
    fileTarget('scan-ckpt', ['ckpt'], { ckpt: true }, (input, source) =>
      sameAsColumns(input, source, (from, columns) =>
        scanCheckpoint(from, { ...scanOptions(input.knob, source.size), columns }),
      ),
    ),
    fileTarget('scan-safetensors', ['safetensors'], { safetensors: true }, (input, source) =>
      sameAsColumns(input, source, (from, columns) =>
        scanSafetensors(from, { firstReadBytes: [1, 9, 64, 65536][input.knob % 4] as number, columns }),
      ),
    ),
    fileTarget('cipher-frames', ['encrypted'], { cipher: 'light' }, async (input, source) => {
      detectEncryption(await source.read(0, Math.min(48, source.size)));
      const mode = MODES[input.knob % MODES.length];
      return readFrameTable(source, { ...(mode ? { mode } : {}), tolerateCrcTrailer: ((input.knob >>> 4) & 1) === 1 });
    }),
    fileTarget('strategy', ['strategy-pb', 'strategy-json'], {}, async (input) => {
      const strategy = parseStrategy(input.bytes, { fileName: 'fuzz' });
      return combineStageStrategies([strategy, strategy]);
    }),
    fileTarget('manifest', ['meta', 'json', 'text'], {}, (_input, source) => openManifest(source, { file: 'fuzz' })),
    fileTarget('graph-meta', ['meta'], {}, async (input) => parseGraphMeta(input.bytes, 'fuzz.meta')),
    textTarget(
      'filter',
      () => FILTER_SEEDS,
      FILTER_TOKENS,
      async (input) => {
        const predicate = compileFilter(parseFilter(text(input.bytes)));
        return filterEntries(predicate, SAMPLE_SUBJECTS).length;
      },
      randomFilter,
    ),
    textTarget(
      'regex',
      () => ['^(a+)+$', '(x{1,1000}){1,2}y', '[^\\W\\d_]+\\.(?:weight|bias)$', '(a|ab)(c|bcd)(d*)', '\\bfoo\\b'],
      [
        '(',
        ')',
        '[',
        ']',
        '{',
        '}',
        '*',
        '+',
        '?',
        '|',
        '\\',
        '^',
        '$',
        '{1000}',
        '(?:',
        '(?=',
        '(?<n>',
        '\\k<n>',
        '\\1',
        '\\u{1F600}',
        '\\p{L}',
        '[z-a]',
      ],
      async (input) => {
        const regex = compileSafeRegex(text(input.bytes), (input.knob & 1) === 1 ? 'i' : '');
        return SAMPLE_NAMES.map((name) => [regex.test(name), regex.exec(name)]);
      },
      randomRegex,
    ),
    textTarget(
      'slice',
      () => ['[0]', '[:, 1]', '[..., -1]', '[2:10:2]', '0, :8, 3', '[::-1]', '[-1, ..., 0]', '[1:0]', '[]'],
      ['[', ']', ':', '::', ',', '...', '-', '9007199254740993', '2147483648', '-0', '+1', ' ', '1e3', '0x10'],
      async (input) => {
        const expression = text(input.bytes);
        const items = parseSlice(expression);
        const shape = SLICE_SHAPES[input.knob % SLICE_SHAPES.length] as number[];
        resolveSlice(items, shape, 'fuzz');
        return readTensorSlice(new MemorySource(new Uint8Array(80)), SLICE_TENSOR, expression);
      },
    ),
    textTarget(
      'name-map',
      nameMapSeeds,
      [
        '{',
        '}',
        '[',
        ']',
        '"pattern": "',
        '"replacement": "$9"',
        '"flags": "g"',
        '"exact": ',
        '"rules": ',
        '(a+)+',
        '\\\\',
        ',',
      ],
      async (input) => {
        const map = compileNameMap(parseNameMapJson(text(input.bytes), 'fuzz.json'));
        return previewNameMap(map, SAMPLE_NAMES);
      },
      (prng) => {
        if (prng.chance(0.5)) return text(mutateJson(prng, prng.pick(nameMapSeeds())).bytes);
        const rules = new Array(prng.between(1, 5)).fill(0).map(() => ({
          pattern: randomRegex(prng),
          replacement: prng.pick(['$1', '$&', '$$', 'x', '$2$1', '']),
          flags: prng.pick(['', 'i']),
        }));
        return JSON.stringify({ exact: {}, rules });
      },
    ),
    textTarget(
      'shard-index',
      shardIndexSeeds,
      ['{', '}', '"weight_map": ', '"total_size": ', '"../', '"/', '"a.safetensors"', '1e308', '-1', 'null', ','],
      async (input) => {
        // Shards the index may name: a real one, an empty file, a file that is not a checkpoint.
        const shards: Record<string, Uint8Array> = {
          'a.safetensors': SHARD_BYTES,
          'b.safetensors': new Uint8Array(0),
          'c.bin': new Uint8Array(16),
        };
        const opened = await openShardedCheckpoint({
          indexName: input.knob % 2 === 0 ? 'model.safetensors.index.json' : 'param_name_map.json',
          indexSource: new MemorySource(input.bytes),
          shard: async (name) => (Object.hasOwn(shards, name) ? new MemorySource(shards[name] as Uint8Array) : null),
        });
        await touchTensors(opened.plaintext, opened.index.tensors);
        return opened.index;
      },
    ),
    ...pipelineTargets(mutateSeed, step),
  ];
}

export const DEFAULT_TARGET_NAMES = createTargets().map((target) => target.name);

/** Re-export for the worker and the CLI: the module they load targets from. */
export type { FuzzSource };
