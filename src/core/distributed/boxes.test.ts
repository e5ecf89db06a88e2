import { describe, expect, it } from 'vitest';
import type { CheckpointIndex, TensorEntry } from '../../base/types';
import type { ParallelStrategy, ParameterLayout, TensorMapEntry } from '../../formats/strategy';
import { MemorySource } from '../../io/byte-source';
import { blockIndex, splitCounts } from './layout';
import { openMergedView, readTensor, type RankFile } from './merge';
import { openReslicedView } from './reslice';

/** Deterministic pseudo-random numbers (tests must not flake). */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** The naive oracle: element by element, straight from distributed.md §2.1 (no opt shard). */
function naiveSlice(
  full: Int32Array,
  shape: number[],
  split: number[],
  block: number[],
): { shape: number[]; data: Int32Array } {
  const sliceShape = shape.map((size, d) => size / (split[d] ?? 1));
  const count = sliceShape.reduce((a, b) => a * b, 1);
  const data = new Int32Array(count);
  for (let i = 0; i < count; i += 1) {
    let rest = i;
    let fullIndex = 0;
    let stride = 1;
    for (let d = shape.length - 1; d >= 0; d -= 1) {
      const size = sliceShape[d] ?? 1;
      const local = rest % size;
      rest = Math.floor(rest / size);
      fullIndex += ((block[d] ?? 0) * size + local) * stride;
      stride *= shape[d] ?? 1;
    }
    data[i] = full[fullIndex] ?? 0;
  }
  return { shape: sliceShape, data };
}

function checkpointOf(name: string, shape: number[], data: Int32Array): RankFile['opened'] {
  const bytes = new Uint8Array(data.buffer.slice(0));
  // Pretend the tensor was saved in two records (a >512 MiB ckpt tensor) with a gap of junk between.
  const cut = Math.floor(bytes.length / 3);
  const stored = new Uint8Array(bytes.length + 5).fill(0xee);
  stored.set(bytes.subarray(0, cut), 0);
  stored.set(bytes.subarray(cut), cut + 5);
  const entry: TensorEntry = {
    name,
    dtype: 'Int32',
    shape,
    kind: 'tensor',
    bytes: bytes.length,
    ranges: [
      { offset: 0, length: cut },
      { offset: cut + 5, length: bytes.length - cut },
    ],
  };
  const index: CheckpointIndex = {
    format: 'ckpt',
    size: stored.length,
    plaintextSize: stored.length,
    encryption: null,
    crc: { present: false, ok: null, expected: null, actual: null },
    metadata: {},
    tensors: [entry],
    problems: [],
  };
  return { index, plaintext: new MemorySource(stored) };
}

/** Byte equality without vitest's element-by-element deep equality (slow on large arrays). */
function same(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.length).equals(Buffer.from(b.buffer, b.byteOffset, b.length));
}

const layouts: { devMatrix: number[]; tensorMap: TensorMapEntry[]; shape: number[] }[] = [
  { devMatrix: [2, 4], tensorMap: [1, -1], shape: [8, 16] },
  { devMatrix: [2, 4], tensorMap: [-1, 0], shape: [6, 8] },
  { devMatrix: [2, 2, 2], tensorMap: [2, -1, 0], shape: [4, 3, 6] },
  { devMatrix: [2, 4], tensorMap: [[1, 0], -1], shape: [16, 5] },
  { devMatrix: [4, 2], tensorMap: [0, 1], shape: [10, 12] },
  // Tiny runs: the last dimension split 256 ways gives 2-element runs, > 65,536 of them.
  { devMatrix: [256], tensorMap: [-1, 0], shape: [300, 512] },
];

describe('box engine against an element-by-element oracle', () => {
  for (const { devMatrix, tensorMap, shape } of layouts) {
    it(`dev ${JSON.stringify(devMatrix)} map ${JSON.stringify(tensorMap)} shape ${JSON.stringify(shape)}`, async () => {
      const count = shape.reduce((a, b) => a * b, 1);
      const full = Int32Array.from({ length: count }, (_, i) => i * 7 + 3);
      const split = splitCounts(devMatrix, tensorMap);
      const ranks = devMatrix.reduce((a, b) => a * b, 1);
      const slices = Array.from({ length: ranks }, (_, rank) =>
        naiveSlice(full, shape, split, blockIndex(devMatrix, tensorMap, rank)),
      );
      const files: RankFile[] = slices.map((slice, rank) => ({
        rank,
        name: `rank_${rank}`,
        opened: checkpointOf('t', slice.shape, slice.data),
      }));
      const layout: ParameterLayout = {
        name: 't',
        stages: [0],
        devMatrix,
        tensorMap,
        paramSplitShape: [],
        indicesOffset: [],
        field: 0,
        optStep: 0,
        optSize: 0,
      };
      const strategy: ParallelStrategy = {
        encoding: 'protobuf',
        files: ['s'],
        currentStage: 1,
        fileStage: 0,
        pipelineMerged: false,
        stages: [0],
        operatorCount: 0,
        layouts: [layout],
        problems: [],
      };
      const view = openMergedView(strategy, files);
      const fullBytes = new Uint8Array(full.buffer);
      expect(same(await readTensor(view, 't'), fullBytes)).toBe(true);
      // Reads at arbitrary, element-misaligned offsets.
      const next = random(count);
      for (let i = 0; i < 20; i += 1) {
        const offset = Math.floor(next() * fullBytes.length);
        const length = Math.floor(next() * (fullBytes.length - offset));
        expect(
          same(await view.plaintext.read(offset, length), fullBytes.subarray(offset, offset + length)),
          `${offset}+${length}`,
        ).toBe(true);
      }
      for (const file of files.filter((_, i) => i % 37 === 0 || i < 8)) {
        const resliced = openReslicedView(view, strategy, file.rank);
        expect(
          same(await readTensor(resliced, 't'), new Uint8Array(slices[file.rank]?.data.buffer ?? new ArrayBuffer(0))),
          `rank ${file.rank}`,
        ).toBe(true);
      }
    });
  }
});
