import { describe, expect, it } from 'vitest';
import type { TensorEntry } from '../../base/types';
import { CountingSource } from '../../io/byte-source';
import { fixtureBytes, fixtureSource } from '../../test/fixtures';
import { openCheckpoint } from '../open';
import { float16Round } from './format';
import {
  parseSlice,
  readFirstValues,
  readTensorSlice,
  resolveSlice,
  tensorValuesJson,
  tensorValuesNumpy,
} from './slice';
import { bytesOf, openRecords } from '../../test/ckpt-records';

async function arangeTensor(shape: number[], windowBytes?: number) {
  const count = shape.reduce((p, d) => p * d, 1);
  const { index, plaintext } = await openRecords([
    ['pad', [3], 'UInt8', new Uint8Array([1, 2, 3])], // puts the tensor at an odd offset
    ['t', shape, 'Int32', bytesOf(Int32Array.from({ length: count }, (_, i) => i))],
  ]);
  const entry = index.tensors[1] as TensorEntry;
  const counting = new CountingSource(plaintext);
  return { entry, counting, read: (expr: string) => readTensorSlice(counting, entry, expr, { windowBytes }) };
}

describe('slice expressions (numpy semantics)', () => {
  const cases: [number[], string, number[], number[]][] = [
    // shape, expression, expected result shape, expected values (arange)
    [[2, 3, 4], '[0, :2, 3]', [2], [3, 7]],
    [[2, 3, 4], '[..., -1]', [2, 3], [3, 7, 11, 15, 19, 23]],
    [[2, 3, 4], '[1, ::-1, ::2]', [3, 2], [20, 22, 16, 18, 12, 14]],
    [[2, 3, 4], '[:, 1]', [2, 4], [4, 5, 6, 7, 16, 17, 18, 19]],
    [[2, 3, 4], '[-1, -1, -1]', [], [23]],
    [[2, 3, 4], '[1, ..., 0]', [3], [12, 16, 20]],
    [[2, 3, 4], '[]', [2, 3, 4], Array.from({ length: 24 }, (_, i) => i)],
    [[12], '[2:10:2]', [4], [2, 4, 6, 8]],
    [[12], '[-3:]', [3], [9, 10, 11]],
    [[12], '[5:2]', [0], []],
    [[12], '[::-3]', [4], [11, 8, 5, 2]],
    [[12], '[100:]', [0], []],
    [[12], '[-100:2]', [2], [0, 1]],
    [[12], '1:4', [3], [1, 2, 3]],
  ];
  for (const [shape, expression, outShape, values] of cases) {
    it(`${JSON.stringify(shape)} ${expression}`, async () => {
      for (const windowBytes of [undefined, 5]) {
        const { read } = await arangeTensor(shape, windowBytes);
        const result = await read(expression);
        expect(result.shape).toEqual(outShape);
        expect(result.values).toEqual(values);
      }
    });
  }

  it('reads only the bytes of the selected elements', async () => {
    const { counting, read } = await arangeTensor([64, 64, 64]);
    await read('[3, 7, :4]');
    expect(counting.bytesRead).toBe(16);
    const column = await arangeTensor([64, 64, 64]);
    const result = await column.read('[5, :, 9]');
    expect(result.values).toEqual(Array.from({ length: 64 }, (_, j) => 5 * 4096 + j * 64 + 9));
    expect(column.counting.bytesRead).toBeLessThan(64 * 64 * 4 + 4); // one row span, not the tensor
  });

  it('negative steps are read in file order, in a few coalesced reads', async () => {
    const { counting, read } = await arangeTensor([4096]);
    const result = await read('[::-1]');
    expect(result.values).toEqual(Array.from({ length: 4096 }, (_, i) => 4095 - i));
    expect(counting.reads).toBe(1);
    const strided = await arangeTensor([64, 64]);
    const back = await strided.read('[::-2, -1]');
    expect(back.values).toEqual(Array.from({ length: 32 }, (_, i) => (63 - 2 * i) * 64 + 63));
    expect(strided.counting.reads).toBe(1);
  });

  it('refuses bad or hostile expressions by name', () => {
    expect(() => parseSlice('[0,,1]')).toThrow(expect.objectContaining({ code: 'slice-invalid' }));
    expect(() => parseSlice('[a]')).toThrow(expect.objectContaining({ code: 'slice-invalid' }));
    expect(() => parseSlice('[::0]')).toThrow(expect.objectContaining({ code: 'slice-invalid' }));
    expect(() => parseSlice('[..., ...]')).toThrow(expect.objectContaining({ code: 'slice-invalid' }));
    expect(() => parseSlice('[1:2:3:4]')).toThrow(expect.objectContaining({ code: 'slice-invalid' }));
    expect(() => parseSlice('[0')).toThrow(expect.objectContaining({ code: 'slice-invalid' }));
    expect(() => parseSlice(`[${'0,'.repeat(600)}0]`)).toThrow(expect.objectContaining({ code: 'slice-invalid' }));
    expect(() => parseSlice('[99999999999999999999]')).toThrow(expect.objectContaining({ code: 'slice-invalid' }));
    expect(() => parseSlice('[constructor]')).toThrow(expect.objectContaining({ code: 'slice-invalid' }));
    expect(() => resolveSlice(parseSlice('[2]'), [2])).toThrow(expect.objectContaining({ code: 'slice-out-of-range' }));
    expect(() => resolveSlice(parseSlice('[0, 0]'), [2])).toThrow(
      expect.objectContaining({ code: 'slice-out-of-range' }),
    );
  });

  it('refuses slices larger than the limit before reading', async () => {
    const { counting, entry } = await arangeTensor([10, 10]);
    await expect(readTensorSlice(counting, entry, '[:, :]', { maxElements: 50 })).rejects.toMatchObject({
      code: 'slice-too-large',
    });
    expect(counting.bytesRead).toBe(0);
  });
});

describe('dtype-correct values', () => {
  it('float32, float16, bfloat16 print their shortest form; int64 stays exact; NaN/Inf are JSON-safe', async () => {
    const { index, plaintext } = await openRecords([
      ['f32', [4], 'Float32', bytesOf(new Float32Array([0.1, -0, Number.NaN, 1e-45]))],
      ['f16', [4], 'Float16', bytesOf(new Uint16Array([0x3555, 0x0001, 0xfc00, 0x7bff]))],
      ['bf16', [3], 'BFloat16', bytesOf(new Uint16Array([0x3eab, 0x3f80, 0xff80]))],
      ['i64', [2], 'Int64', bytesOf(new BigInt64Array([-9007199254740993n, 42n]))],
      ['b', [2], 'Bool', new Uint8Array([0, 2])],
    ]);
    const get = (name: string) => index.tensors.find((t) => t.name === name) as TensorEntry;
    const f32 = await readFirstValues(plaintext, get('f32'), 10);
    expect(f32.values).toEqual([0.1, -0, 'NaN', 1e-45]);
    const f16 = await readFirstValues(plaintext, get('f16'), 4);
    expect(f16.values).toEqual([0.3333, 6e-8, '-Infinity', 65500]);
    // Each printed value reads back to the exact stored half.
    expect(float16Round(0.3333)).toBe(0.333251953125);
    expect(float16Round(6e-8)).toBe(2 ** -24);
    expect(float16Round(65500)).toBe(65504);
    const bf16 = await readFirstValues(plaintext, get('bf16'), 3);
    expect(bf16.values).toEqual([0.334, 1, '-Infinity']);
    const i64 = await readFirstValues(plaintext, get('i64'), 2);
    expect(i64.values).toEqual(['-9007199254740993', 42]);
    const bools = await readFirstValues(plaintext, get('b'), 2);
    expect(bools.values).toEqual([false, true]);

    expect(JSON.parse(tensorValuesJson(f32))).toEqual({
      name: 'f32',
      dtype: 'Float32',
      selection: 'first 10',
      shape: [4],
      values: [0.1, 0, 'NaN', 1e-45],
    });
    expect(tensorValuesNumpy(f16)).toBe('[0.3333,   6e-8,   -inf, 65500.]'); // right-aligned to the widest (6)
    expect(tensorValuesNumpy(bools)).toBe('[False,  True]');
  });

  it('numpy text nests rows like numpy', async () => {
    const { read } = await arangeTensor([2, 2, 3]);
    const result = await read('[...]');
    expect(tensorValuesNumpy(result)).toBe('[[[ 0,  1,  2],\n  [ 3,  4,  5]],\n\n [[ 6,  7,  8],\n  [ 9, 10, 11]]]');
    expect(JSON.parse(tensorValuesJson(result)).values).toEqual([
      [
        [0, 1, 2],
        [3, 4, 5],
      ],
      [
        [6, 7, 8],
        [9, 10, 11],
      ],
    ]);
  });

  it('real LeNet conv1.weight: first values and a slice match the file bytes', async () => {
    const file = 'XMU_AI_ISP__checkpoint_lenet-1_1875.ckpt';
    const { index, plaintext } = await openCheckpoint(await fixtureSource('real', file));
    const entry = index.tensors.find((t) => t.name === 'conv1.weight') as TensorEntry;
    expect(entry.shape).toEqual([6, 1, 5, 5]);
    const raw = fixtureBytes('real', file);
    const range = entry.ranges[0] as { offset: number };
    const stored = (i: number) => new DataView(raw.buffer, raw.byteOffset + range.offset).getFloat32(i * 4, true);
    const first = await readFirstValues(plaintext, entry, 8);
    first.values.forEach((v, i) => expect(Math.fround(v as number)).toBe(stored(i)));
    const slice = await readTensorSlice(plaintext, entry, '[2, 0, :, -1]');
    expect(slice.shape).toEqual([5]);
    slice.values.forEach((v, row) => expect(Math.fround(v as number)).toBe(stored(2 * 25 + row * 5 + 4)));
  });
});
