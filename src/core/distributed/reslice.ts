import { dtypeInfo, elementCount } from '../../base/dtypes';
import { LensError } from '../../base/errors';
import { plural } from '../../base/plural';
import { MAX_DISTRIBUTED_RANKS } from '../../base/limits';
import type { CheckpointIndex, TensorEntry } from '../../base/types';
import type { ParallelStrategy, ParameterLayout } from '../../formats/strategy/types';
import { describeLayoutProblem } from '../messages';
import type { OpenedCheckpoint } from '../open';
import { BoxedTensorsSource, type BoxedTensor } from './boxes';
import { boxOf, layoutErrors, sliceGeometry, strategyDeviceCount } from './layout';
import type { Box } from './types';
import { viewContent } from '../../formats/pytorch/gather';

/** One tensor of a rank's re-sliced checkpoint. */
export interface ReslicedTensor {
  name: string;
  /** Where the slice lies in the full tensor; null for tensors copied whole (not in the strategy). */
  box: Box | null;
}

/** A rank's checkpoint cut from a full (unified or merged) one, as a virtual opened checkpoint. */
export interface ReslicedView extends OpenedCheckpoint {
  rank: number;
  /** Pipeline stage of the rank (from the strategy's device count). */
  stage: number;
  /** Same order as `index.tensors`. */
  tensors: ReslicedTensor[];
  /** Parameters of the strategy that belong to other stages and are left out. */
  otherStages: string[];
}

export interface ResliceOptions {
  /** Keep tensors the strategy does not list (global_step, …) whole, as MindSpore's hyper params. Default true. */
  includeUnlisted?: boolean;
}

function unsliceable(name: string, hint: string): LensError {
  return new LensError('distributed-tensor-unsliceable', { tensor: name, hint });
}

const shapeText = (shape: readonly number[]): string => `[${shape.join(', ')}]`;

function boxedSlice(
  full: OpenedCheckpoint,
  entry: TensorEntry,
  layout: ParameterLayout,
  localRank: number,
): { boxed: BoxedTensor; box: Box } {
  const errors = layoutErrors(layout);
  const geometry = sliceGeometry(layout);
  const fatal = [...errors, ...geometry.problems].find((problem) => problem.severity === 'error');
  if (fatal) {
    const sentence = describeLayoutProblem(fatal.code, fatal.detail, fatal.ranks).replace(/\.$/, '');
    throw unsliceable(entry.name, sentence.charAt(0).toLowerCase() + sentence.slice(1));
  }
  const shape = entry.shape;
  // A JSON strategy names the full shape (tensor_shape); a protobuf one does not, so only the split is checked then.
  if (layout.fullShape && !sameShape(layout.fullShape, shape)) {
    throw unsliceable(
      entry.name,
      `the strategy gives its full shape as ${shapeText(layout.fullShape)}, the input holds ${shapeText(shape)}`,
    );
  }
  if (shape.length !== layout.tensorMap.length) {
    throw unsliceable(entry.name, `tensor_map has ${layout.tensorMap.length} dimensions, the tensor ${shape.length}`);
  }
  // MindSpore's _chunk_tensor: "np_tensor can not be split by strategy!"
  shape.forEach((size, d) => {
    const pieces = (geometry.modelSplit[d] ?? 1) * (d === 0 ? geometry.optShards : 1);
    if (size % pieces !== 0)
      throw unsliceable(entry.name, `dimension ${d} (${size}) cannot be split into ${pieces} equal pieces`);
  });
  const info = dtypeInfo(entry.dtype);
  if (!info || info.bits % 8 !== 0)
    throw unsliceable(entry.name, `dtype ${entry.dtype} is not whole bytes per element`);
  const box = boxOf(
    shape,
    geometry.modelSplit,
    geometry.optShards,
    geometry.blocks[localRank] ?? [],
    geometry.optPieces[localRank] ?? 0,
  );
  const extent = box.map(([start, stop]) => stop - start);
  return {
    box,
    boxed: {
      shape: extent,
      itemBytes: info.bits / 8,
      pieces: [
        {
          outStart: extent.map(() => 0),
          extent,
          // A gathered PyTorch view is read through a source of its values in C order.
          ...viewContent(full.plaintext, entry),
          sourceShape: shape,
          sourceStart: box.map(([start]) => start),
        },
      ],
    },
  };
}

function wholeCopy(full: OpenedCheckpoint, entry: TensorEntry): BoxedTensor {
  return {
    shape: [entry.bytes],
    itemBytes: 1,
    pieces: [
      {
        outStart: [0],
        extent: [entry.bytes],
        // A gathered PyTorch view is read through a source of its values in C order.
        ...viewContent(full.plaintext, entry),
        sourceShape: [entry.bytes],
        sourceStart: [0],
      },
    ],
  };
}

/**
 * `load_distributed_checkpoint`'s save mode for one rank: cut each full tensor to the slice
 * (and optimizer piece) the strategy gives `rank`. Only metadata is used until bytes are read;
 * the inverse of the merge, so re-slicing a merged set for its own strategy reproduces every
 * rank's slices.
 */
export function openReslicedView(
  full: OpenedCheckpoint,
  strategy: ParallelStrategy,
  rank: number,
  options: ResliceOptions = {},
): ReslicedView {
  const layouts = new Map(strategy.layouts.map((layout) => [layout.name, layout]));
  const deviceCount = strategyDeviceCount(strategy.layouts);
  const stage = Math.floor(rank / deviceCount);
  const localRank = rank - stage * deviceCount;
  const boxed: BoxedTensor[] = [];
  const kept: { entry: TensorEntry; box: Box | null }[] = [];
  const otherStages: string[] = [];
  for (const entry of full.index.tensors) {
    if (entry.kind === 'map') continue;
    const layout = layouts.get(entry.name);
    if (!layout) {
      if (options.includeUnlisted === false) continue;
      boxed.push(wholeCopy(full, entry));
      kept.push({ entry, box: null });
      continue;
    }
    if (!layout.stages.includes(stage)) {
      otherStages.push(entry.name);
      continue;
    }
    const slice = boxedSlice(full, entry, layout, localRank);
    boxed.push(slice.boxed);
    kept.push({ entry, box: slice.box });
  }
  const plaintext = new BoxedTensorsSource(boxed);
  const tensors = kept.map(({ entry, box }, i): TensorEntry => {
    const tensor = boxed[i];
    const length = tensor ? elementCount(tensor.shape) * tensor.itemBytes : 0;
    const out: TensorEntry = {
      name: entry.name,
      dtype: entry.dtype,
      shape: box ? box.map(([start, stop]) => stop - start) : entry.shape,
      kind: entry.kind,
      bytes: length,
      ranges: [{ offset: plaintext.offsetOf(i), length }],
    };
    if (entry.rawDtype !== undefined) out.rawDtype = entry.rawDtype;
    if (!box && entry.storedDims !== undefined) out.storedDims = entry.storedDims;
    if (!box && entry.value !== undefined) out.value = entry.value;
    return out;
  });
  const index: CheckpointIndex = {
    format: full.index.format,
    size: plaintext.size,
    plaintextSize: plaintext.size,
    encryption: null,
    crc: { present: false, ok: null, expected: null, actual: null },
    metadata: {},
    tensors,
    problems: [],
  };
  return {
    index,
    plaintext,
    rank,
    stage,
    tensors: kept.map(({ entry, box }) => ({ name: entry.name, box })),
    otherStages,
  };
}

const sameShape = (a: readonly number[], b: readonly number[]): boolean =>
  a.length === b.length && a.every((size, i) => size === b[i]);

/** The target strategy's parameters the full checkpoint does not hold (re-slicing would leave them out). */
export function strategyParamsMissing(full: OpenedCheckpoint, strategy: ParallelStrategy): string[] {
  const held = new Set(full.index.tensors.filter((entry) => entry.kind !== 'map').map((entry) => entry.name));
  return strategy.layouts.filter((layout) => !held.has(layout.name)).map((layout) => layout.name);
}

/**
 * Refuse a re-slice whose input holds none of the target strategy's parameters (bad input), or
 * only some of them unless `allowIncomplete` (a finding: rank files without them would load
 * into the network with parameters missing). `allowHint` says how to allow it where it can be.
 */
export function checkResliceCoverage(
  full: OpenedCheckpoint,
  target: ParallelStrategy,
  input: string,
  options: { allowIncomplete: boolean; allowHint?: string },
): void {
  const missing = strategyParamsMissing(full, target);
  if (missing.length === 0) return;
  const total = target.layouts.length;
  const listed = (names: readonly string[], most: number): string =>
    `${names.slice(0, most).join(', ')}${names.length > most ? ', …' : ''}`;
  if (missing.length === total) {
    const held = full.index.tensors.filter((entry) => entry.kind !== 'map').map((entry) => entry.name);
    throw new LensError('distributed-input-unmatched', {
      file: input,
      expected: total,
      hint: held.length === 0 ? 'no tensors' : `${plural(held.length, 'tensor')}: ${listed(held, 3)}`,
    });
  }
  if (options.allowIncomplete) return;
  throw new LensError('distributed-tensor-unsliceable', {
    tensor: missing[0],
    hint:
      `the target strategy lists it but the input does not hold it (${missing.length} of ${plural(total, 'strategy parameter')} ` +
      `are missing: ${listed(missing, 5)})${options.allowHint ? `; ${options.allowHint}` : ''}`,
  });
}

/** Every rank a strategy describes: devices per stage × stages. */
export function strategyRanks(strategy: ParallelStrategy): number[] {
  const deviceCount = strategyDeviceCount(strategy.layouts);
  const stages = strategy.stages.length > 0 ? strategy.stages : [0];
  if (stages.length * deviceCount > MAX_DISTRIBUTED_RANKS) {
    throw new LensError('strategy-bad-layout', {
      actual: stages.length * deviceCount,
      limit: MAX_DISTRIBUTED_RANKS,
      hint: 'number of ranks',
    });
  }
  return stages.flatMap((stage) => Array.from({ length: deviceCount }, (_, local) => stage * deviceCount + local));
}
