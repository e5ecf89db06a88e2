// The distributed set of the merge benchmark: 8 ranks of MindSpore .ckpt files plus a JSON
// strategy (distributed.md §1.3), shaped like a tensor-parallel transformer. Every element's
// value is a formula of (parameter, position in the FULL tensor), so a merge can be checked
// element for element without a reference file.
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import { encodeRecordHeader } from '../src/formats/ckpt/write';

const MiB = 1024 * 1024;
export const MERGE_SET_RANKS = 8;

export interface MergeSetParam {
  name: string;
  dtype: 'Float32' | 'Float16';
  shape: number[];
  devMatrix: number[];
  /** One entry per dimension; axes counted from the right of devMatrix, −1 = not split. */
  tensorMap: number[];
}

/** Parameters that are not in the strategy (copied from rank 0 by a merge). */
export const MERGE_SET_EXTRAS = [
  { name: 'global_step', dtype: 'Int32', bytes: Uint8Array.of(0xe8, 0x03, 0, 0) },
  { name: 'learning_rate', dtype: 'Float32', bytes: new Uint8Array(Float32Array.of(0.0001).buffer) },
  { name: 'current_iterator_step', dtype: 'Int32', bytes: Uint8Array.of(0x2a, 0, 0, 0) },
] as const;

export interface MergeSetShape {
  hidden: number;
  layers: number;
  vocab: number;
}

/**
 * A Megatron-style mix on 8 devices: row (dim 0) and column (dim 1, strided on merge) splits by
 * 8, model parallel 4 × data parallel 2 (dev_matrix [2,4], replicas), a 2-D split of both
 * dimensions, replicated norms and a split, replicated bias.
 */
export function mergeSetParams({ hidden: h, layers, vocab }: MergeSetShape): MergeSetParam[] {
  const params: MergeSetParam[] = [
    { name: 'model.embedding.weight', dtype: 'Float32', shape: [vocab, h], devMatrix: [1, 8], tensorMap: [0, -1] },
  ];
  for (let i = 0; i < layers; i += 1) {
    const p = `model.layers.${i}`;
    params.push(
      {
        name: `${p}.attention.wqkv.weight`,
        dtype: 'Float32',
        shape: [3 * h, h],
        devMatrix: [1, 8],
        tensorMap: [0, -1],
      },
      // Row-parallel output projection: columns split, kept in Float16 (mixed precision).
      { name: `${p}.attention.wo.weight`, dtype: 'Float16', shape: [h, h], devMatrix: [1, 8], tensorMap: [-1, 0] },
      { name: `${p}.mlp.w1.weight`, dtype: 'Float32', shape: [4 * h, h], devMatrix: [2, 4], tensorMap: [0, -1] },
      { name: `${p}.mlp.w1.bias`, dtype: 'Float32', shape: [4 * h], devMatrix: [2, 4], tensorMap: [0] },
      { name: `${p}.mlp.w2.weight`, dtype: 'Float32', shape: [h, 4 * h], devMatrix: [2, 4], tensorMap: [-1, 0] },
      { name: `${p}.mlp.w3.weight`, dtype: 'Float32', shape: [4 * h, h], devMatrix: [2, 4], tensorMap: [1, 0] },
      { name: `${p}.attention_norm.gamma`, dtype: 'Float32', shape: [h], devMatrix: [8], tensorMap: [-1] },
    );
  }
  params.push({ name: 'model.norm_out.gamma', dtype: 'Float32', shape: [h], devMatrix: [8], tensorMap: [-1] });
  return params;
}

const itemBytesOf = (dtype: MergeSetParam['dtype']): number => (dtype === 'Float16' ? 2 : 4);

/** The block of the full tensor `rank` holds: [start, stop) per dimension (distributed.md §2.1). */
export function mergeSetBox(param: MergeSetParam, rank: number): [number, number][] {
  const { devMatrix, tensorMap, shape } = param;
  const coordinates = devMatrix.map(
    (_, i) => Math.floor(rank / devMatrix.slice(i + 1).reduce((a, b) => a * b, 1)) % (devMatrix[i] ?? 1),
  );
  return shape.map((size, d) => {
    const axis = tensorMap[d] ?? -1;
    if (axis < 0) return [0, size];
    const position = devMatrix.length - 1 - axis;
    const count = devMatrix[position] ?? 1;
    const block = coordinates[position] ?? 0;
    return [(block * size) / count, ((block + 1) * size) / count];
  });
}

/** f16 bits of the integers 0…2047 (all exact in half precision). */
const HALF_OF_INTEGER = Uint16Array.from({ length: 2048 }, (_, n) => {
  if (n === 0) return 0;
  const exponent = Math.floor(Math.log2(n));
  return ((exponent + 15) << 10) | ((n / 2 ** exponent - 1) * 1024);
});

/** The value of element `index` (row-major in the full tensor) of parameter number `k`, exact in its dtype. */
export function mergeSetValue(k: number, dtype: MergeSetParam['dtype'], index: number): number {
  const hash = (Math.imul(index, 0x9e3779b1) ^ Math.imul(k + 1, 0x85ebca6b)) >>> 0;
  return dtype === 'Float16' ? hash >>> 21 : hash >>> 9;
}

/** The element bytes of a box of parameter number `k`, row-major in the box. */
export function mergeSetSlice(k: number, param: MergeSetParam, box: readonly [number, number][]): Uint8Array {
  const extent = box.map(([start, stop]) => stop - start);
  const count = extent.reduce((a, b) => a * b, 1);
  const inner = extent[extent.length - 1] ?? 1;
  const full = param.shape;
  const f16 = param.dtype === 'Float16';
  const out = f16 ? new Uint16Array(count) : new Float32Array(count);
  const index = new Array<number>(extent.length).fill(0);
  for (let at = 0; at < count; at += inner) {
    // Linear position in the full tensor of this row's first element.
    let position = 0;
    for (let d = 0; d < full.length; d += 1)
      position = position * (full[d] ?? 1) + (box[d]?.[0] ?? 0) + (index[d] ?? 0);
    if (f16)
      for (let j = 0; j < inner; j += 1)
        out[at + j] = HALF_OF_INTEGER[mergeSetValue(k, 'Float16', position + j)] as number;
    else for (let j = 0; j < inner; j += 1) out[at + j] = mergeSetValue(k, 'Float32', position + j);
    for (let d = extent.length - 2; d >= 0; d -= 1) {
      index[d] = (index[d] ?? 0) + 1;
      if ((index[d] ?? 0) < (extent[d] ?? 1)) break;
      index[d] = 0;
    }
  }
  return new Uint8Array(out.buffer);
}

/** Bytes of one parameter over all 8 rank files (replicas included). */
function bytesInFiles(param: MergeSetParam): number {
  let total = 0;
  for (let rank = 0; rank < MERGE_SET_RANKS; rank += 1)
    total += mergeSetBox(param, rank).reduce((n, [a, b]) => n * (b - a), itemBytesOf(param.dtype));
  return total;
}

/** Layers and vocabulary so that the 8 files hold about `totalBytes` together. */
export function mergeSetShapeFor(totalBytes: number, hidden: number): MergeSetShape {
  const perLayer = mergeSetParams({ hidden, layers: 1, vocab: 8 })
    .slice(1, -1)
    .reduce((sum, param) => sum + bytesInFiles(param), 0);
  const layers = Math.max(1, Math.floor((totalBytes * 0.9) / perLayer));
  const rest = totalBytes - layers * perLayer - hidden * 4 * MERGE_SET_RANKS;
  const vocab = Math.max(8, Math.floor(rest / (hidden * 4) / 64) * 64);
  return { hidden, layers, vocab };
}

export interface MergeSet {
  dir: string;
  strategy: string;
  /** rank_<r>/checkpoint_<r>.ckpt, by rank. */
  ranks: string[];
  /** Bytes of the rank files together. */
  sizeBytes: number;
  shape: MergeSetShape;
}

/** The JSON strategy (distributed.md §1.3), with tensor_shape as MindSpore's C++ writer adds it. */
export function mergeSetStrategy(params: readonly MergeSetParam[]): string {
  const layouts: Record<string, unknown> = {};
  for (const param of params) {
    layouts[param.name] = {
      dev_matrix: param.devMatrix,
      tensor_map: param.tensorMap,
      tensor_shape: param.shape,
      field: 0,
      opt_weight_shard_step: 0,
      opt_weight_shard_size: 0,
    };
  }
  return JSON.stringify({
    current_stage: 1,
    parallel_strategy_item: { 'Default/network-Net/MatMul-op0': { stage: 0, parallel_strategy: [[1, 8]] } },
    parallel_layout_item: layouts,
  });
}

/**
 * Write the set under `<dir>/merge-<MiB>MiB` (kept between runs; a `.complete` marker says it
 * was written to the end). Sets of other sizes in `dir` are deleted: /dev/shm is memory.
 */
export function generateMergeSet(dir: string, totalBytes: number, options: { hidden?: number } = {}): MergeSet {
  mkdirSync(dir, { recursive: true });
  const hidden = options.hidden ?? 1024;
  const setName = `merge-${Math.round((totalBytes / MiB) * 1000) / 1000}MiB-h${hidden}`;
  for (const name of readdirSync(dir)) {
    if (name.startsWith('merge-') && name !== setName) rmSync(path.join(dir, name), { recursive: true, force: true });
  }
  const root = path.join(dir, setName);
  const shape = mergeSetShapeFor(totalBytes, hidden);
  const params = mergeSetParams(shape);
  const ranks = Array.from({ length: MERGE_SET_RANKS }, (_, r) => path.join(root, `rank_${r}`, `checkpoint_${r}.ckpt`));
  const strategy = path.join(root, 'strategy.json');
  const marker = path.join(root, '.complete');
  if (!existsSync(marker)) {
    rmSync(root, { recursive: true, force: true });
    for (let rank = 0; rank < MERGE_SET_RANKS; rank += 1) {
      mkdirSync(path.dirname(ranks[rank] as string), { recursive: true });
      const fd = openSync(ranks[rank] as string, 'w');
      params.forEach((param, k) => {
        const box = mergeSetBox(param, rank);
        const bytes = mergeSetSlice(k, param, box);
        writeSync(
          fd,
          encodeRecordHeader(
            param.name,
            box.map(([a, b]) => b - a),
            param.dtype,
            bytes.length,
          ),
        );
        writeSync(fd, bytes);
      });
      for (const extra of MERGE_SET_EXTRAS) {
        writeSync(fd, encodeRecordHeader(extra.name, [], extra.dtype, extra.bytes.length));
        writeSync(fd, extra.bytes);
      }
      closeSync(fd);
    }
    writeFileSync(strategy, mergeSetStrategy(params));
    writeFileSync(marker, '');
  }
  const sizeBytes = ranks.reduce((sum, file) => sum + statSync(file).size, 0);
  return { dir: root, strategy, ranks, sizeBytes, shape };
}
