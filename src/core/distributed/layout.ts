import { dtypeInfo, elementCount } from '../../base/dtypes';
import { LensError } from '../../base/errors';
import { MAX_DISTRIBUTED_RANKS } from '../../base/limits';
import type { TensorEntry } from '../../base/types';
import type { ParallelStrategy, ParameterLayout, TensorMapEntry } from '../../formats/strategy/types';
import type { Box, LayoutProblem, ParameterPlan, RankHolding, RankInput, SetLayout, SetProblem } from './types';
import { plural } from '../../base/plural';

// ---- The slicing rules of distributed.md §2, as pure functions of a layout. ----

/** Device axes (numbered from the right of the device matrix) of one tensor dimension. */
export function axesOf(entry: TensorMapEntry): number[] {
  if (Array.isArray(entry)) return entry.filter((axis) => axis !== -1);
  return entry === -1 ? [] : [entry];
}

function deviceAxisSize(devMatrix: readonly number[], axis: number): number {
  return devMatrix[devMatrix.length - 1 - axis] ?? 1;
}

/** §2.1 step 3: split count per tensor dimension. */
export function splitCounts(devMatrix: readonly number[], tensorMap: readonly TensorMapEntry[]): number[] {
  return tensorMap.map((entry) =>
    axesOf(entry).reduce((product, axis) => product * deviceAxisSize(devMatrix, axis), 1),
  );
}

/** §2.1 step 2: coordinates of a stage-local rank, row-major, last axis fastest. */
export function rankCoordinates(devMatrix: readonly number[], localRank: number): number[] {
  const coordinates = new Array<number>(devMatrix.length).fill(0);
  let rest = localRank;
  for (let i = devMatrix.length - 1; i >= 0; i -= 1) {
    const size = devMatrix[i] ?? 1;
    coordinates[i] = rest % size;
    rest = Math.floor(rest / size);
  }
  return coordinates;
}

/** §2.1 step 4: block index per tensor dimension; nested entries combine row-major, outer first. */
export function blockIndex(
  devMatrix: readonly number[],
  tensorMap: readonly TensorMapEntry[],
  localRank: number,
): number[] {
  const coordinates = rankCoordinates(devMatrix, localRank);
  return tensorMap.map((entry) =>
    axesOf(entry).reduce((block, axis) => {
      const position = devMatrix.length - 1 - axis;
      return block * (devMatrix[position] ?? 1) + (coordinates[position] ?? 0);
    }, 0),
  );
}

/** Non-empty, no zero, and at most MAX_DISTRIBUTED_RANKS devices (a hostile file could claim 2^64). */
export function usableDeviceMatrix(devMatrix: readonly number[]): boolean {
  return (
    devMatrix.length > 0 &&
    devMatrix.every((size) => Number.isSafeInteger(size) && size >= 1) &&
    elementCount(devMatrix) <= MAX_DISTRIBUTED_RANKS
  );
}

/** Why a device matrix is not usable, in words (for the bad-device-matrix problem). */
function deviceMatrixDetail(devMatrix: readonly number[]): string {
  const text = JSON.stringify(devMatrix);
  if (devMatrix.length === 0) return `${text} is empty`;
  const bad = devMatrix.find((size) => !Number.isSafeInteger(size) || size < 1);
  if (bad !== undefined) return `${text} has the size ${bad}; every size must be 1 or more`;
  return `${text} describes ${elementCount(devMatrix).toLocaleString('en-US')} devices, out of range (at most ${MAX_DISTRIBUTED_RANKS.toLocaleString('en-US')} ranks)`;
}

/** Devices per stage of a strategy: the largest usable device matrix (1 when there is none). */
export function strategyDeviceCount(layouts: readonly ParameterLayout[]): number {
  return Math.max(
    1,
    ...layouts.filter((layout) => usableDeviceMatrix(layout.devMatrix)).map((layout) => elementCount(layout.devMatrix)),
  );
}

/** Why a tensor map does not fit its device matrix, in words; null when it fits. */
function tensorMapDetail(tensorMap: readonly TensorMapEntry[], devMatrix: readonly number[]): string | null {
  const used = tensorMap.flatMap(axesOf);
  const text = JSON.stringify(tensorMap);
  const outside = used.find((axis) => axis < 0 || axis >= devMatrix.length);
  if (outside !== undefined) {
    const axes = devMatrix.length === 1 ? 'only axis 0' : `axes 0–${devMatrix.length - 1}`;
    return `${text} names device axis ${outside}, but the device matrix ${JSON.stringify(devMatrix)} has ${axes}`;
  }
  const twice = used.find((axis, i) => used.indexOf(axis) !== i);
  if (twice !== undefined)
    return `${text} uses device axis ${twice} more than once; each axis can split only one dimension, once`;
  return null;
}

/** Problems with the layout itself, independent of any file. */
export function layoutErrors(layout: ParameterLayout): LayoutProblem[] {
  const problems: LayoutProblem[] = [];
  const { devMatrix, tensorMap } = layout;
  if (!usableDeviceMatrix(devMatrix)) {
    problems.push({ code: 'bad-device-matrix', severity: 'error', detail: deviceMatrixDetail(devMatrix) });
    return problems;
  }
  const detail = tensorMapDetail(tensorMap, devMatrix);
  if (detail) problems.push({ code: 'bad-tensor-map', severity: 'error', detail });
  if (layout.field > 0)
    problems.push({ code: 'field-split-unsupported', severity: 'error', detail: `field ${layout.field}` });
  if (layout.paramSplitShape.length > 0) {
    problems.push({
      code: 'uneven-split-unsupported',
      severity: 'error',
      detail: JSON.stringify(layout.paramSplitShape),
    });
  }
  return problems;
}

export interface SliceGeometry {
  deviceCount: number;
  modelSplit: number[];
  optShards: number;
  /** Per stage-local rank: block vector, optimizer piece. */
  blocks: number[][];
  optPieces: number[];
  /** Stage-local ranks with the same block vector, ascending. */
  blockGroups: number[][];
  problems: LayoutProblem[];
}

/** §2.1 + §2.4 for one stage: which block and which optimizer piece every stage-local rank holds. */
export function sliceGeometry(layout: ParameterLayout): SliceGeometry {
  if (!usableDeviceMatrix(layout.devMatrix)) {
    const problem: LayoutProblem = {
      code: 'bad-device-matrix',
      severity: 'error',
      detail: deviceMatrixDetail(layout.devMatrix),
    };
    return {
      deviceCount: 0,
      modelSplit: [],
      optShards: 1,
      blocks: [],
      optPieces: [],
      blockGroups: [],
      problems: [problem],
    };
  }
  const deviceCount = elementCount(layout.devMatrix);
  const modelSplit = splitCounts(layout.devMatrix, layout.tensorMap);
  const problems: LayoutProblem[] = [];
  const blocks: number[][] = [];
  const groups = new Map<string, number[]>();
  for (let local = 0; local < deviceCount; local += 1) {
    const block = blockIndex(layout.devMatrix, layout.tensorMap, local);
    blocks.push(block);
    const key = block.join(',');
    const group = groups.get(key);
    if (group) group.push(local);
    else groups.set(key, [local]);
  }
  const blockGroups = [...groups.values()];
  const optPieces = new Array<number>(deviceCount).fill(0);
  let optShards = 1;
  if (layout.optStep !== 0 && layout.optSize !== 0) {
    const groupSize = blockGroups[0]?.length ?? 1;
    optShards = layout.optSize === -1 ? groupSize : layout.optSize;
    if (optShards < 1 || groupSize % optShards !== 0 || layout.tensorMap.length === 0) {
      problems.push({
        code: 'opt-shard-inconsistent',
        severity: 'error',
        detail: `opt_weight_shard_size ${layout.optSize} does not divide the ${groupSize} replicas of each slice`,
      });
      optShards = 1;
    } else {
      // operator_info.cc: step = (last − first)/(n − 1) over the ranks holding the same slice.
      const first = blockGroups[0] ?? [0];
      const step = first.length > 1 ? ((first[first.length - 1] ?? 0) - (first[0] ?? 0)) / (first.length - 1) : 0;
      if (step !== layout.optStep) {
        problems.push({
          code: 'opt-step-mismatch',
          severity: 'warning',
          detail: `opt_weight_shard_step ${layout.optStep}, replicas are ${step} ranks apart`,
        });
      }
      for (const group of blockGroups) group.forEach((local, index) => (optPieces[local] = index % optShards));
    }
  }
  return { deviceCount, modelSplit, optShards, blocks, optPieces, blockGroups, problems };
}

/** §2.2: the full shape from a slice shape. */
export function fullShapeOf(sliceShape: readonly number[], modelSplit: readonly number[], optShards: number): number[] {
  return sliceShape.map((size, d) => size * (modelSplit[d] ?? 1) * (d === 0 ? optShards : 1));
}

/** §2.1 step 5 + §2.4: the box of the full tensor a rank with this block and piece holds. */
export function boxOf(
  fullShape: readonly number[],
  modelSplit: readonly number[],
  optShards: number,
  block: readonly number[],
  optPiece: number,
): Box {
  return fullShape.map((size, d): [number, number] => {
    const blockSize = size / (modelSplit[d] ?? 1);
    let start = (block[d] ?? 0) * blockSize;
    let length = blockSize;
    if (d === 0 && optShards > 1) {
      length = blockSize / optShards;
      start += optPiece * length;
    }
    return [start, start + length];
  });
}

const sameShape = (a: readonly number[], b: readonly number[]): boolean =>
  a.length === b.length && a.every((size, i) => size === b[i]);

// ---- The set: strategy + rank files → one plan per parameter. ----

function ranksOf(ranks: readonly RankInput[]): Map<number, RankInput> {
  if (ranks.length === 0) throw new LensError('distributed-no-ranks');
  if (ranks.length > MAX_DISTRIBUTED_RANKS) {
    throw new LensError('distributed-no-ranks', { actual: ranks.length, limit: MAX_DISTRIBUTED_RANKS });
  }
  const byRank = new Map<number, RankInput>();
  for (const input of ranks) {
    if (!Number.isSafeInteger(input.rank) || input.rank < 0) {
      throw new LensError('distributed-rank-unknown', { file: input.name, actual: input.rank });
    }
    if (byRank.has(input.rank))
      throw new LensError('distributed-duplicate-rank', { file: input.name, actual: input.rank });
    byRank.set(input.rank, input);
  }
  return byRank;
}

/** name → rank → entry, over every loadable tensor of every rank file. */
function tensorsByName(byRank: Map<number, RankInput>): Map<string, Map<number, TensorEntry>> {
  const byName = new Map<string, Map<number, TensorEntry>>();
  for (const rank of [...byRank.keys()].sort((a, b) => a - b)) {
    for (const entry of byRank.get(rank)?.index.tensors ?? []) {
      if (entry.kind === 'map') continue;
      let holders = byName.get(entry.name);
      if (!holders) byName.set(entry.name, (holders = new Map()));
      if (!holders.has(rank)) holders.set(rank, entry);
    }
  }
  return byName;
}

/** The most common value (ties: the one seen first, i.e. at the lowest rank). */
function majority<T>(values: readonly T[], key: (value: T) => string): T | undefined {
  const counts = new Map<string, { value: T; count: number }>();
  for (const value of values) {
    const k = key(value);
    const seen = counts.get(k);
    if (seen) seen.count += 1;
    else counts.set(k, { value, count: 1 });
  }
  let best: { value: T; count: number } | undefined;
  for (const candidate of counts.values()) if (!best || candidate.count > best.count) best = candidate;
  return best?.value;
}

function elementBytes(dtype: string): number | null {
  const info = dtypeInfo(dtype);
  return info && info.bits % 8 === 0 ? info.bits / 8 : null;
}

/** Many parameters share a layout: compute each distinct one once per analysis. */
function cachedGeometry(layout: ParameterLayout, cache: Map<string, SliceGeometry>): SliceGeometry {
  const key = JSON.stringify([layout.devMatrix, layout.tensorMap, layout.optStep, layout.optSize]);
  let geometry = cache.get(key);
  if (!geometry) cache.set(key, (geometry = sliceGeometry(layout)));
  return geometry;
}

function planSharded(
  layout: ParameterLayout,
  holders: Map<number, TensorEntry>,
  given: Set<number>,
  geometryCache: Map<string, SliceGeometry>,
): ParameterPlan {
  const problems = layoutErrors(layout);
  const layoutOk = problems.length === 0;
  const geometry = layoutOk ? cachedGeometry(layout, geometryCache) : null;
  if (geometry) problems.push(...geometry.problems);
  const validMatrix =
    usableDeviceMatrix(layout.devMatrix) &&
    layout.stages.length * elementCount(layout.devMatrix) <= MAX_DISTRIBUTED_RANKS;
  const deviceCount = validMatrix ? elementCount(layout.devMatrix) : 0;
  const stages = layout.stages.length > 0 ? layout.stages : [0];
  if (!validMatrix && layoutOk) {
    problems.push({
      code: 'bad-device-matrix',
      severity: 'error',
      detail: `${stages.length} stages × ${JSON.stringify(layout.devMatrix)} are ${(stages.length * elementCount(layout.devMatrix)).toLocaleString('en-US')} ranks, out of range (at most ${MAX_DISTRIBUTED_RANKS.toLocaleString('en-US')})`,
    });
  }
  const stageRanks = (validMatrix ? stages : []).flatMap((stage) =>
    Array.from({ length: deviceCount }, (_, local) => ({ rank: stage * deviceCount + local, stage, local })),
  );
  const expected = new Set(stageRanks.map((r) => r.rank));
  // Without a usable device matrix every holder counts, so the real problem is the one reported.
  const present = [...holders.entries()].filter(([rank]) => !validMatrix || expected.has(rank));

  const base = {
    name: layout.name,
    kind: 'sharded' as const,
    layout,
    deviceCount,
    modelSplit: geometry?.modelSplit ?? [],
    optShards: geometry?.optShards ?? 1,
    stages,
  };
  const entries = present.map(([, entry]) => entry);
  const dtype = majority(entries, (entry) => entry.dtype)?.dtype ?? null;
  const sliceShape = majority(entries, (entry) => JSON.stringify(entry.shape))?.shape ?? null;
  if (entries.length === 0) {
    // Nothing to merge it from: the merged checkpoint would lack it (merge refuses unless told to leave it out).
    problems.push({
      code: 'not-in-files',
      severity: 'error',
      detail: holders.size > 0 ? `only in ranks outside stage(s) ${stages.join(', ')}` : undefined,
      ranks: holders.size > 0 ? [...holders.keys()] : undefined,
    });
  }
  const badDtype = present.filter(([, entry]) => entry.dtype !== dtype).map(([rank]) => rank);
  if (badDtype.length > 0)
    problems.push({ code: 'dtype-mismatch', severity: 'error', detail: `expected ${dtype}`, ranks: badDtype });
  if (sliceShape) {
    const badShape = present.filter(([, entry]) => !sameShape(entry.shape, sliceShape)).map(([rank]) => rank);
    if (badShape.length > 0) {
      problems.push({
        code: 'slice-shape-mismatch',
        severity: 'error',
        detail: `other ranks hold ${JSON.stringify(sliceShape)}`,
        ranks: badShape,
      });
    }
    if (sliceShape.length !== layout.tensorMap.length) {
      problems.push({
        code: 'tensor-map-rank-mismatch',
        severity: 'error',
        detail: `tensor_map ${JSON.stringify(layout.tensorMap)} has ${layout.tensorMap.length} dimensions, the slices ${sliceShape.length}`,
      });
    }
  }
  const itemBytes = dtype ? elementBytes(dtype) : null;
  if (dtype && itemBytes === null) problems.push({ code: 'dtype-not-byte-sized', severity: 'error', detail: dtype });
  if (sliceShape && itemBytes !== null) {
    const short = present
      .filter(([, entry]) => entry.bytes !== elementCount(entry.shape) * itemBytes)
      .map(([rank]) => rank);
    if (short.length > 0) problems.push({ code: 'slice-size-mismatch', severity: 'error', ranks: short });
  }
  const lacking = stageRanks.filter((r) => given.has(r.rank) && !holders.has(r.rank)).map((r) => r.rank);
  if (lacking.length > 0 && entries.length > 0)
    problems.push({ code: 'missing-in-rank', severity: 'warning', ranks: lacking });

  const shapeOk = !problems.some((p) => p.severity === 'error') && geometry !== null && sliceShape !== null;
  if (!shapeOk || !geometry || !sliceShape) {
    return {
      ...base,
      dtype,
      fullShape: null,
      sliceShape,
      split: [],
      holdings: [],
      replicaGroups: [],
      problems,
      mergeable: false,
    };
  }
  const fullShape = fullShapeOf(sliceShape, geometry.modelSplit, geometry.optShards);
  if (layout.fullShape && !sameShape(layout.fullShape, fullShape)) {
    problems.push({
      code: 'full-shape-mismatch',
      severity: 'error',
      detail: `the strategy says ${JSON.stringify(layout.fullShape)}, the slices give ${JSON.stringify(fullShape)}`,
    });
  }
  const holdings: RankHolding[] = stageRanks.map(({ rank, stage, local }) => {
    const block = geometry.blocks[local] ?? [];
    const optPiece = geometry.optPieces[local] ?? 0;
    return {
      rank,
      stage,
      localRank: local,
      block,
      optPiece,
      box: boxOf(fullShape, geometry.modelSplit, geometry.optShards, block, optPiece),
      present: holders.has(rank) && !problems.some((p) => p.severity === 'error' && p.ranks?.includes(rank)),
      source: false,
    };
  });
  const byBox = new Map<string, RankHolding[]>();
  for (const holding of holdings) {
    const key = JSON.stringify(holding.box);
    const group = byBox.get(key);
    if (group) group.push(holding);
    else byBox.set(key, [holding]);
  }
  const missing: number[][] = [];
  for (const group of byBox.values()) {
    const source = group.find((holding) => holding.present);
    if (source) source.source = true;
    else missing.push(group.map((holding) => holding.rank));
  }
  if (missing.length > 0) {
    problems.push({
      code: 'missing-block',
      severity: 'error',
      detail: missing.map((group) => `[${group.join(', ')}]`).join(' '),
      ranks: missing.flat(),
    });
  }
  const split = fullShape.map((size, d) => (sliceShape[d] ? size / sliceShape[d] : 1));
  return {
    ...base,
    dtype,
    fullShape,
    sliceShape,
    split,
    holdings,
    replicaGroups: [...byBox.values()].map((group) => group.map((holding) => holding.rank)),
    problems,
    mergeable: !problems.some((p) => p.severity === 'error'),
  };
}

function planExtra(name: string, holders: Map<number, TensorEntry>): ParameterPlan {
  const [rank, entry] = [...holders.entries()].sort((a, b) => a[0] - b[0])[0] ?? [];
  const shape = entry?.shape ?? [];
  const box: Box = shape.map((size): [number, number] => [0, size]);
  // Copied byte for byte, whatever the dtype: nothing to check against a layout.
  const problems: LayoutProblem[] = [
    {
      code: 'not-in-strategy',
      severity: 'info',
      detail: `copied from rank ${rank}`,
      ranks: rank === undefined ? [] : [rank],
    },
  ];
  return {
    name,
    kind: 'extra',
    dtype: entry?.dtype ?? null,
    fullShape: shape,
    sliceShape: shape,
    split: shape.map(() => 1),
    layout: null,
    deviceCount: 1,
    modelSplit: shape.map(() => 1),
    optShards: 1,
    stages: [],
    holdings:
      rank === undefined
        ? []
        : [{ rank, stage: 0, localRank: 0, block: shape.map(() => 0), optPiece: 0, box, present: true, source: true }],
    replicaGroups: [[...holders.keys()].sort((a, b) => a - b)],
    problems,
    mergeable: !problems.some((p) => p.severity === 'error'),
  };
}

const listSome = (names: readonly string[], limit = 5): string =>
  `${names.slice(0, limit).join(', ')}${names.length > limit ? `, … (${names.length} in all)` : ''}`;

/**
 * The layout of a distributed set from metadata alone (no tensor bytes are read): for every
 * parameter its full shape, which rank holds which box, replicas, optimizer pieces, stages, and
 * every problem found. Throws only when there is nothing to analyse (no ranks, duplicate ranks,
 * no parameter of the files in the strategy).
 */
export function analyzeSet(strategy: ParallelStrategy, ranks: readonly RankInput[]): SetLayout {
  const byRank = ranksOf(ranks);
  const given = new Set(byRank.keys());
  const byName = tensorsByName(byRank);
  const problems: SetProblem[] = strategy.problems.map((problem) => ({
    code: 'strategy-problem',
    severity: problem.code === 'layout-defaulted' ? 'info' : 'warning',
    detail: `${problem.code}: ${problem.detail}`,
  }));

  const parameters: ParameterPlan[] = [];
  const geometryCache = new Map<string, SliceGeometry>();
  const notInFiles: string[] = [];
  const inStrategy = new Set<string>();
  for (const layout of strategy.layouts) {
    inStrategy.add(layout.name);
    const holders = byName.get(layout.name) ?? new Map<number, TensorEntry>();
    if (holders.size === 0) notInFiles.push(layout.name);
    parameters.push(planSharded(layout, holders, given, geometryCache));
  }
  const extras: string[] = [];
  for (const [name, holders] of byName) {
    if (inStrategy.has(name)) continue;
    extras.push(name);
    parameters.push(planExtra(name, holders));
  }
  if (extras.length === byName.size && byName.size > 0) {
    throw new LensError('distributed-nothing-matches', { file: strategy.files.join(', ') });
  }

  const usable = strategy.layouts.filter((layout) => usableDeviceMatrix(layout.devMatrix));
  const deviceCounts = [...new Set(usable.map((layout) => elementCount(layout.devMatrix)))];
  const deviceCount = strategyDeviceCount(strategy.layouts);
  if (deviceCounts.length > 1) {
    problems.push({
      code: 'device-counts-differ',
      severity: 'warning',
      detail: `device matrices of ${deviceCounts.join(', ')} devices`,
    });
  }
  const stages = strategy.stages.length > 0 ? strategy.stages : [0];
  if (stages.length * deviceCount > MAX_DISTRIBUTED_RANKS) {
    throw new LensError('strategy-bad-layout', {
      file: strategy.files.join(', '),
      actual: stages.length * deviceCount,
      limit: MAX_DISTRIBUTED_RANKS,
      hint: 'number of ranks',
    });
  }
  const expectedRanks = stages.flatMap((stage) =>
    Array.from({ length: deviceCount }, (_, l) => stage * deviceCount + l),
  );
  const expectedSet = new Set(expectedRanks);
  const missingRanks = expectedRanks.filter((rank) => !given.has(rank));
  const unexpected = [...given].filter((rank) => !expectedSet.has(rank)).sort((a, b) => a - b);
  if (missingRanks.length > 0) {
    problems.push({
      code: 'missing-ranks',
      severity: 'warning',
      detail: `${missingRanks.length} of ${plural(expectedRanks.length, 'rank file')} ${missingRanks.length === 1 ? 'is' : 'are'} missing`,
      ranks: missingRanks,
    });
  }
  if (unexpected.length > 0) {
    // A rank the strategy has no device for belongs to another set: MindSpore's
    // load_distributed_checkpoint refuses a file count other than the training device count.
    problems.push({
      code: 'unexpected-ranks',
      severity: 'error',
      detail: `the strategy describes ranks 0–${expectedRanks.length - 1}`,
      ranks: unexpected,
    });
  }
  if (notInFiles.length > 0) {
    problems.push({
      code: 'strategy-params-not-in-files',
      severity: 'error',
      detail: `${notInFiles.length} of ${plural(strategy.layouts.length, 'strategy parameter')} ${notInFiles.length === 1 ? 'is' : 'are'} in no rank file: ${listSome(notInFiles)}`,
    });
  }
  if (extras.length > 0) {
    problems.push({
      code: 'files-params-not-in-strategy',
      severity: 'info',
      detail: `${plural(extras.length, 'parameter')} ${extras.length === 1 ? 'is' : 'are'} not in the strategy and ${extras.length === 1 ? 'is' : 'are'} copied from the lowest rank: ${listSome(extras)}`,
    });
  }
  const unmergeable = parameters.filter(
    (plan) => !plan.mergeable && !(plan.problems.length === 1 && plan.problems[0]?.code === 'not-in-files'),
  );
  if (unmergeable.length > 0) {
    problems.push({
      code: 'unmergeable-parameters',
      severity: 'error',
      detail: `${plural(unmergeable.length, 'parameter')} cannot be merged: ${listSome(unmergeable.map((plan) => plan.name))}`,
    });
  }
  return {
    ranks: [...given].sort((a, b) => a - b),
    expectedRanks,
    deviceCount,
    stages,
    parameters,
    problems,
  };
}

/** A parameter that is in the files and will appear in the merged checkpoint. */
export function isMergedParameter(plan: ParameterPlan): boolean {
  return plan.mergeable && plan.holdings.some((holding) => holding.present);
}
