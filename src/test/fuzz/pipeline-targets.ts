/**
 * Fuzz targets for what runs AFTER a hostile file was opened: export (re-save), the load diff,
 * and the distributed merge / re-slice. The parsers have their own targets (targets.ts); here a
 * damaged input must still end every pipeline in a result or a LensError with a sentence.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { TensorEntry } from '../../base/types';
import {
  checkReplicas,
  openMergedView,
  openRankFiles,
  openReslicedView,
  planUnifiedParts,
  readTensor,
  streamingView,
  type MergedView,
} from '../../core/distributed';
import { composeRanges, planRanges, rangeBlobParts } from '../../core/export/parallel';
import {
  buildExport,
  contentReadOrder,
  exportChunks,
  planExport,
  type BuildOptions,
  type ExportJob,
  type ExportOptions,
} from '../../core/export';
import { isLensError } from '../../base/errors';
import { diffAgainstNetwork } from '../../core/load-rules';
import { openManifest } from '../../core/load-rules/open-manifest';
import { compileNameMap, NAME_MAP_PRESETS } from '../../core/name-map';
import { openCheckpoint } from '../../core/open';
import { parseStrategy } from '../../formats/strategy/parse';
import type { ByteSource } from '../../io/byte-source';
import { fixturePath } from '../fixtures';
import type { Mutated } from './mutate';
import type { Prng } from './prng';
import { seed, seedsOf, type Seed } from './seeds';
import type { FuzzSource, FuzzTarget, GeneratedCase } from './types';
import { concatBytes } from '../../base/bytes';

type MutateSeed = (prng: Prng, seed: Seed, others: readonly Seed[]) => Mutated;
type Step = (run: () => Promise<unknown> | unknown) => Promise<void>;

/** Exports bigger than this are planned but not streamed (the harness's memory limit). */
const STREAM_LIMIT_BYTES = 32 * 1024 * 1024;

async function drain(chunks: AsyncGenerator<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const chunk of chunks) parts.push(chunk.slice());
  return concatBytes(parts);
}

/** The key every fuzzed encrypted export uses (16 bytes: every mode accepts it). */
const EXPORT_KEY = new Uint8Array(16).map((_, i) => i * 7 + 1);
const ENCRYPTION_MODES = [null, 'AES-GCM', 'AES-CBC', 'SM4-CBC'] as const;

/**
 * Export options from the knob — every mode the core has: format, CRC, subset, cast, rename,
 * append_dict edits (set every value type, remove), safetensors `format` metadata, MindSpore's
 * scalar dims, small ckpt record slices, and encryption in each mode (refusals such as CRC with
 * encryption or encrypted safetensors are LensErrors, as in MindSpore).
 */
function exportOptions(knob: number): ExportOptions {
  const bit = (n: number): boolean => ((knob >>> n) & 1) === 1;
  const format = bit(0) ? 'safetensors' : 'ckpt';
  const options: ExportOptions = { format, crc: bit(1) };
  if (bit(2)) options.select = (entry: TensorEntry) => entry.name.length % 2 === 0;
  if (bit(3)) options.casts = [{ from: 'Float32', to: 'Float16' }];
  if (bit(4)) options.renames = (name: string) => `fuzz.${name}`;
  if (bit(5)) {
    options.appendDict = {
      set: [
        ['epoch_num', { type: 'int', value: 2n ** 62n }],
        ['learning_rate', { type: 'float', value: 1e-3 }],
        ['fuzz_flag', { type: 'bool', value: true }],
        ['fuzz_note', { type: 'str', value: 'fuzz ✓' }],
      ],
      remove: ['global_step'],
    };
  }
  if (bit(6)) options.metadataFormat = 'ms';
  if (bit(7)) options.scalarDims = 'mindspore';
  if (bit(8)) options.sliceBytes = 4096 << ((knob >>> 12) & 7);
  const mode = ENCRYPTION_MODES[(knob >>> 9) & 3];
  if (mode) options.encryption = { mode, keyLength: EXPORT_KEY.length };
  return options;
}

/** Build options to match: the key for encrypted plans, small cipher blocks and read windows. */
function buildOptions(knob: number): BuildOptions {
  return {
    encryptionKey: EXPORT_KEY,
    encryptionBlockBytes: 1024 << ((knob >>> 13) & 7),
    windowBytes: 256 << ((knob >>> 14) & 7),
  };
}

/** The finished file again, from byte ranges cut as a worker pool would write them. */
async function composedFromRanges(job: ExportJob, count: number): Promise<Uint8Array> {
  const pieces = [];
  for (const range of planRanges(job.parts, count)) {
    const out = await rangeBlobParts(job, range);
    pieces.push({ blob: new Blob(out.parts), length: out.length, crc: out.crc });
  }
  return new Uint8Array(await composeRanges(job, pieces).arrayBuffer());
}

/**
 * Export what was opened and open the result again (read through `track`, so its reads count):
 * a file the app wrote must open, with the key for an encrypted one (a failure to reopen is a
 * bug, not a LensError); an unencrypted one cut into worker ranges must compose to the same bytes.
 */
async function exportAndReopen(
  opened: Awaited<ReturnType<typeof openCheckpoint>>,
  knob: number,
  step: Step,
  track: (bytes: Uint8Array) => ByteSource,
): Promise<void> {
  const options = exportOptions(knob);
  await step(async () => {
    const plan = planExport(opened.index, options);
    const job = await buildExport(opened, plan, buildOptions(knob));
    if (job.size > STREAM_LIMIT_BYTES) return;
    const bytes = await drain(exportChunks(job));
    if (bytes.length !== job.size) throw new Error(`export wrote ${bytes.length} bytes, planned ${job.size}`);
    const reopened = await openCheckpoint(track(bytes), plan.encryption ? { key: EXPORT_KEY } : {});
    if (reopened.index.tensors.length !== plan.tensors.length) {
      throw new Error(`export of ${plan.tensors.length} tensors reopened with ${reopened.index.tensors.length}`);
    }
    if (!plan.encryption && ((knob >>> 11) & 1) === 1) {
      const composed = await composedFromRanges(job, 2 + ((knob >>> 12) % 3));
      if (!Buffer.from(composed).equals(bytes)) throw new Error('an export composed from ranges differs');
    }
  });
}

/**
 * The merged export streamed from rank files read ahead in windows (the app's and CLI's path)
 * must give the bytes the plain view gives, or fail with the same LensError code.
 */
async function streamedMatchesPlain(view: MergedView, knob: number, step: Step): Promise<void> {
  await step(async () => {
    const plan = planExport(view.index, exportOptions(knob));
    const outcome = async (source: MergedView): Promise<{ bytes?: Uint8Array; code?: string }> => {
      try {
        const job = await buildExport(source, plan);
        return job.size > STREAM_LIMIT_BYTES ? {} : { bytes: await drain(exportChunks(job)) };
      } catch (error) {
        if (!isLensError(error)) throw error;
        return { code: error.code };
      }
    };
    const plain = await outcome(view);
    const streamed = await outcome(streamingView(view, contentReadOrder(plan), { windowBytes: 1 + (knob % 4096) }));
    if (plain.code !== streamed.code) throw new Error(`streamed export: ${streamed.code}, plain: ${plain.code}`);
    if (plain.bytes && !(streamed.bytes && Buffer.from(plain.bytes).equals(streamed.bytes)))
      throw new Error('streamed merged export differs from the plain view');
  });
}

// ---- distributed sets: one file of a fixture case mutated, the rest as MindSpore wrote them ----

interface SetFile {
  path: string;
  bytes: Uint8Array;
  role: 'strategy' | 'rank';
}

const CASES = ['case1_tp_dp', 'case2_opt_shard', 'case3_pipeline'];
let caseCache: Map<string, SetFile[]> | null = null;

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? listFiles(path.join(dir, entry.name)) : [path.join(dir, entry.name)]))
    .sort();
}

/** A case's strategy files and its `.ckpt` rank files (the merge reads those), in path order. */
function caseFiles(name: string): SetFile[] {
  caseCache ??= new Map();
  let files = caseCache.get(name);
  if (!files) {
    const root = fixturePath('distributed', name);
    files = listFiles(root).flatMap((file): SetFile[] => {
      const relative = path.relative(root, file);
      if (/strategy/.test(path.basename(file)) && /\.(json|ckpt)$/.test(file))
        return [{ path: relative, bytes: new Uint8Array(readFileSync(file)), role: 'strategy' }];
      if (/^rank_\d+\//.test(relative) && file.endsWith('.ckpt'))
        return [{ path: relative, bytes: new Uint8Array(readFileSync(file)), role: 'rank' }];
      return [];
    });
    caseCache.set(name, files);
  }
  return files;
}

function asSeed(file: SetFile): Seed {
  const kind = file.role === 'rank' ? 'ckpt' : file.path.endsWith('.json') ? 'strategy-json' : 'strategy-pb';
  return seed(file.path, kind, file.bytes);
}

/** The knob says which case and which of its files the bytes replace (the rest is random). */
function encodeSetKnob(prng: Prng, caseIndex: number, fileIndex: number): number {
  return ((prng.u32() << 12) | (fileIndex << 4) | caseIndex) >>> 0;
}

async function runSet(knob: number, input: FuzzSource, bytes: Uint8Array, step: Step): Promise<unknown> {
  const files = caseFiles(CASES[(knob & 0xf) % CASES.length] as string).map((file) => ({ ...file }));
  const replaced = files[((knob >>> 4) & 0xff) % files.length] as SetFile;
  replaced.bytes = bytes;
  const strategies = files.filter((file) => file.role === 'strategy');
  // Every case ships the same strategy as JSON and protobuf; the knob picks which one is used.
  const strategyFile = strategies[(knob >>> 12) % strategies.length] as SetFile;
  const strategy = parseStrategy(strategyFile.bytes, { fileName: strategyFile.path });
  const ranks = await openRankFiles(
    files
      .filter((file) => file.role === 'rank')
      // The mutated file is the case's input; the others are companions read through its ledger.
      .map((file) => ({ name: file.path, source: file === replaced ? input : input.companion(file.bytes) })),
  );
  const view = openMergedView(strategy, ranks);
  for (const entry of view.index.tensors.slice(0, 8)) await step(() => readTensor(view, entry.name));
  await step(() => checkReplicas(ranks, view.layout));
  await step(() => planUnifiedParts(view, { partBytes: 1 + (knob % 4096) }));
  await exportAndReopen(view, knob >>> 16, step, (written) => input.companion(written));
  await streamedMatchesPlain(view, knob >>> 8, step);
  for (const rank of [0, (knob >>> 20) % 16]) {
    await step(async () => {
      const resliced = openReslicedView(view, strategy, rank);
      for (const entry of resliced.index.tensors.slice(0, 4)) await readTensor(resliced, entry.name);
    });
  }
  return view.layout;
}

/** A seed of these kinds, mostly mutated (a tenth as it is). */
function seedCase(prng: Prng, mutateSeed: MutateSeed, kinds: Seed['kind'][]): GeneratedCase {
  const seeds = seedsOf(...kinds);
  const chosen = prng.pick(seeds);
  const mutated = prng.chance(0.1)
    ? { bytes: chosen.bytes, label: `${chosen.name}: unmodified` }
    : mutateSeed(prng, chosen, seeds);
  return { bytes: mutated.bytes, knob: prng.u32(), label: mutated.label };
}

export function pipelineTargets(mutateSeed: MutateSeed, step: Step): FuzzTarget[] {
  return [
    {
      name: 'export',
      generate: (prng) => seedCase(prng, mutateSeed, ['ckpt', 'safetensors']),
      async run(input, source) {
        const opened = await openCheckpoint(source);
        await exportAndReopen(opened, input.knob, step, (written) => source.companion(written));
        return opened.index;
      },
    },
    {
      name: 'diff',
      generate: (prng) => seedCase(prng, mutateSeed, ['json', 'text', 'meta']),
      async run(input, source) {
        const manifest = await openManifest(source, { file: 'fuzz' });
        // Against a real checkpoint's index, and against the manifest itself under a rename preset.
        const checkpoint = seedsOf('ckpt')[input.knob % seedsOf('ckpt').length] as Seed;
        const opened = await openCheckpoint(source.companion(checkpoint.bytes));
        const preset = NAME_MAP_PRESETS[(input.knob >>> 8) % NAME_MAP_PRESETS.length];
        const nameMap = preset && ((input.knob >>> 4) & 1) === 1 ? compileNameMap(preset.spec) : null;
        const strictLoad = ((input.knob >>> 5) & 1) === 1;
        diffAgainstNetwork(opened.index.tensors, manifest.params, { strictLoad, nameMap });
        // The manifest as a checkpoint too: every name collides with itself, every shape is odd.
        const asCheckpoint = manifest.params.map((param) => ({
          name: param.name,
          dtype: param.dtype ?? 'Float32',
          shape: param.shape ?? [],
          kind: 'tensor' as const,
        }));
        return diffAgainstNetwork(asCheckpoint, manifest.params, { strictLoad, nameMap, suggestions: true });
      },
    },
    {
      name: 'merge',
      generate(prng) {
        const caseIndex = prng.below(CASES.length);
        const files = caseFiles(CASES[caseIndex] as string);
        const fileIndex = prng.below(files.length);
        const file = files[fileIndex] as SetFile;
        const mutated = prng.chance(0.1)
          ? { bytes: file.bytes, label: `${file.path}: unmodified` }
          : mutateSeed(prng, asSeed(file), files.map(asSeed));
        return {
          bytes: mutated.bytes,
          knob: encodeSetKnob(prng, caseIndex, fileIndex),
          label: `${CASES[caseIndex]}/${mutated.label}`,
        };
      },
      run: (input, source) => runSet(input.knob, source, input.bytes, step),
    },
  ];
}
