import { describe, expect, it } from 'vitest';
import { concatBytes } from '../../base/bytes';
import { MemorySource } from '../../io/byte-source';
import { fixtureSource, realManifest } from '../../test/fixtures';
import { isAppendDictValue } from './append-dict';
import { scanCheckpoint } from './scan';
import { encodeRecord } from './write';

const float32 = (value: number): Uint8Array => new Uint8Array(new Float32Array([value]).buffer);

async function scanReal(file: string) {
  return scanCheckpoint(await fixtureSource('real', file));
}

describe('append_dict values as MindSpore stores them (ckpt-format.md §3.4)', () => {
  it('keeps a real [1]-shaped Float32 bias out of the metadata (LinearNet fc.bias)', async () => {
    const index = await scanReal('nsu-huawei-2022__LinearNet_2_step.ckpt');
    const bias = index.tensors.find((t) => t.name === 'fc.bias');
    expect(bias?.shape).toEqual([1]);
    expect(bias?.dtype).toBe('Float32');
    expect(isAppendDictValue(bias!)).toBe(false);
    expect(index.metadata).toEqual({});
  });

  it('separates [1]-shaped conv biases from dims [0] scalars in a real file (PerCNN)', async () => {
    const index = await scanReal('mindscience__PerCNN_checkpointtrain.ckpt');
    expect(Object.keys(index.metadata).sort()).toEqual(['cell.ca', 'cell.cb']);
    for (const name of ['cell.wh4_u.bias', 'cell.wh4_v.bias']) {
      const bias = index.tensors.find((t) => t.name === name);
      expect(bias?.shape).toEqual([1]);
      expect(typeof bias?.value).toBe('number');
      expect(name in index.metadata).toBe(false);
    }
  });

  it('lists a real [1]-shaped Int32 global_step as a parameter, the scalar optimizer values as metadata', async () => {
    const index = await scanReal('XMU_AI_ISP__checkpoint_lenet-1_1875.ckpt');
    expect(Object.keys(index.metadata)).toEqual(['learning_rate', 'momentum']);
    const step = index.tensors.find((t) => t.name === 'global_step');
    expect(step?.storedDims).toEqual([1]);
    expect(isAppendDictValue(step!)).toBe(false);
  });

  it('agrees with MANIFEST.json on every real .ckpt: str records and scalars of append_dict dtypes', async () => {
    const dtypes = new Set(['Int64', 'UInt64', 'Int32', 'Float32', 'Float64', 'Bool']);
    for (const file of realManifest().filter((f) => f.kind === 'ckpt')) {
      const expected = (file.params ?? [])
        .filter(([, dtype, dims]) => dtype === 'str' || (dtypes.has(dtype) && (dims.length === 0 || `${dims}` === '0')))
        .map(([name]) => name);
      const index = await scanReal(file.file);
      expect(Object.keys(index.metadata), file.file).toEqual(expected);
    }
  });

  it('treats BatchNorm [1] gamma/beta/moving stats as weights, and append_dict int/float/bool/str as metadata', async () => {
    const bytes = concatBytes([
      encodeRecord('bn.gamma', [1], 'Float32', float32(1.5)),
      encodeRecord('bn.beta', [1], 'Float32', float32(-0.25)),
      encodeRecord('bn.moving_mean', [1], 'Float32', float32(0.125)),
      encodeRecord('bn.moving_variance', [1], 'Float32', float32(2)),
      encodeRecord('half_scalar', [], 'Float16', new Uint8Array([0x00, 0x3c])),
      encodeRecord('epoch_num', [], 'Int64', new Uint8Array([3, 0, 0, 0, 0, 0, 0, 0])),
      encodeRecord('lr', [], 'Float32', float32(0.5)),
      encodeRecord('train', [], 'Bool', new Uint8Array([1])),
      encodeRecord('note', [0], 'str', new Uint8Array([0x68, 0, 0, 0])),
    ]);
    const index = await scanCheckpoint(new MemorySource(bytes));
    expect(index.metadata).toEqual({ epoch_num: 3, lr: 0.5, train: true, note: 'h' });
    // The weights keep their decoded single values for the table.
    expect(index.tensors.filter((t) => t.name.startsWith('bn.')).map((t) => t.value)).toEqual([1.5, -0.25, 0.125, 2]);
  });
});
