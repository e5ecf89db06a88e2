import { describe, expect, it } from 'vitest';
import { LensError, serializeError } from '../../base/errors';
import type { TensorEntry } from '../../base/types';
import { CountingSource } from '../../io/byte-source';
import { fixtureBytes, fixtureSource } from '../../test/fixtures';
import { describeSerialized } from '../messages';
import { compileNameMap } from '../name-map';
import { openCheckpoint, type OpenedCheckpoint } from '../open';
import { bytesOf, openRecords, type RecordSpec } from '../../test/ckpt-records';
import { compareCheckpoints, rankChanges, type TensorDelta } from './compare';

const LENETS = [
  'ythlml-lenet__checkpoint_lenet-1_1875.ckpt',
  'XMU_AI_ISP__checkpoint_lenet-1_1875.ckpt',
  'AI-lab2__checkpoint_lenet-1_1875.ckpt',
  'serving__lenet_ascend_v111_offical_cv_mnist_bs32_acc98.ckpt',
];

async function open(file: string): Promise<OpenedCheckpoint> {
  return openCheckpoint(await fixtureSource('real', file));
}

/** Independent decode of a tensor straight from the file bytes. */
function valuesOf(file: string, entry: TensorEntry): number[] {
  const raw = fixtureBytes('real', file);
  const out: number[] = [];
  for (const range of entry.ranges) {
    const view = new DataView(raw.buffer, raw.byteOffset + range.offset, range.length);
    const size = entry.dtype === 'Float64' ? 8 : 4;
    for (let at = 0; at < range.length; at += size) {
      if (entry.dtype === 'Float64') out.push(view.getFloat64(at, true));
      else if (entry.dtype === 'Int32') out.push(view.getInt32(at, true));
      else out.push(view.getFloat32(at, true));
    }
  }
  return out;
}

function directDelta(a: number[], b: number[]) {
  let maxAbs = 0;
  let sumAbs = 0;
  let d2 = 0;
  let a2 = 0;
  let b2 = 0;
  let dot = 0;
  let changed = 0;
  a.forEach((x, i) => {
    const y = b[i] as number;
    const d = Math.abs(x - y);
    if (d !== 0) changed += 1;
    maxAbs = Math.max(maxAbs, d);
    sumAbs += d;
    d2 += (x - y) ** 2;
    a2 += x * x;
    b2 += y * y;
    dot += x * y;
  });
  return {
    maxAbs,
    meanAbs: sumAbs / a.length,
    relativeL2: a2 > 0 ? Math.sqrt(d2) / Math.sqrt(a2) : d2 === 0 ? 0 : null,
    cosine: a2 > 0 && b2 > 0 ? dot / Math.sqrt(a2 * b2) : null,
    changed,
  };
}

describe('compare real LeNet checkpoints', () => {
  for (const [fileA, fileB] of [
    [LENETS[0], LENETS[1]],
    [LENETS[1], LENETS[2]],
    [LENETS[3], LENETS[0]],
  ] as [string, string][]) {
    it(`${fileA.split('__')[0]} vs ${fileB.split('__')[0]}: per-tensor deltas match a direct computation`, async () => {
      const a = await open(fileA);
      const b = await open(fileB);
      const result = await compareCheckpoints(a, b, { windowBytes: 4093 });
      const namesA = new Set(a.index.tensors.map((t) => t.name));
      const namesB = new Set(b.index.tensors.map((t) => t.name));
      expect(result.onlyInA).toEqual(a.index.tensors.map((t) => t.name).filter((n) => !namesB.has(n)));
      expect(result.onlyInB).toEqual(b.index.tensors.map((t) => t.name).filter((n) => !namesA.has(n)));
      expect(result.pairs.length).toBe([...namesA].filter((n) => namesB.has(n)).length);
      for (const pair of result.pairs) {
        const entryA = a.index.tensors.find((t) => t.name === pair.name) as TensorEntry;
        const entryB = b.index.tensors.find((t) => t.name === pair.name) as TensorEntry;
        expect(pair.dtypeChanged).toBe(entryA.dtype !== entryB.dtype);
        const valuesA = valuesOf(fileA, entryA);
        const valuesB = valuesOf(fileB, entryB);
        const direct = directDelta(valuesA, valuesB);
        if (direct.changed === 0 && !pair.dtypeChanged) {
          expect(pair.status).toBe('identical');
          continue;
        }
        expect(pair.status).toBe('changed');
        expect(pair.changedElements).toBe(direct.changed);
        expect(pair.maxAbsDelta).toBe(direct.maxAbs);
        expect(pair.meanAbsDelta).toBeCloseTo(direct.meanAbs, 12);
        if (direct.relativeL2 === null) expect(pair.relativeL2).toBeNull();
        else
          expect(Math.abs((pair.relativeL2 as number) - direct.relativeL2)).toBeLessThan(
            1e-12 * Math.max(1, direct.relativeL2),
          );
        if (direct.cosine === null) expect(pair.cosine).toBeNull();
        else expect(Math.abs((pair.cosine as number) - direct.cosine)).toBeLessThan(1e-12);
      }
      expect(result.summary.changed + result.summary.identical + result.summary.incomparable).toBe(result.pairs.length);
    });
  }

  it('golden-stick tensor-parallel ranks: exactly the replicated tensors are identical (fixture README)', async () => {
    const a = await open('golden-stick__llama2-13b-fp16/rank_0/checkpoint_0.ckpt');
    const b = await open('golden-stick__llama2-13b-fp16/rank_1/checkpoint_1.ckpt');
    const result = await compareCheckpoints(a, b);
    const identical = result.pairs.filter((p) => p.status === 'identical').map((p) => p.name);
    expect(identical.sort()).toEqual(
      [
        'model.tok_embeddings.embedding_weight',
        'model.layers.0.ffn_norm.weight',
        'model.layers.0.attention_norm.weight',
        'model.norm_out.weight',
      ].sort(),
    );
    expect(result.summary).toMatchObject({ paired: 12, changed: 8, onlyInA: 0, onlyInB: 0 });
    // A Float16 pair against a direct decode (IEEE binary16 written out here).
    const half = (bits: number): number => {
      const exponent = (bits >> 10) & 31;
      const magnitude = exponent === 0 ? (bits & 1023) * 2 ** -24 : (1 + (bits & 1023) / 1024) * 2 ** (exponent - 15);
      return bits & 0x8000 ? -magnitude : magnitude;
    };
    const decode = (file: string, entry: TensorEntry): number[] => {
      const raw = fixtureBytes('real', file);
      const range = entry.ranges[0] as { offset: number; length: number };
      const view = new DataView(raw.buffer, raw.byteOffset + range.offset, range.length);
      return Array.from({ length: range.length / 2 }, (_, i) => half(view.getUint16(i * 2, true)));
    };
    const name = 'model.layers.0.attention.wq.weight';
    const direct = directDelta(
      decode(
        'golden-stick__llama2-13b-fp16/rank_0/checkpoint_0.ckpt',
        a.index.tensors.find((t) => t.name === name) as TensorEntry,
      ),
      decode(
        'golden-stick__llama2-13b-fp16/rank_1/checkpoint_1.ckpt',
        b.index.tensors.find((t) => t.name === name) as TensorEntry,
      ),
    );
    const pair = result.pairs.find((p) => p.name === name) as TensorDelta;
    expect(pair.maxAbsDelta).toBe(direct.maxAbs);
    expect(pair.changedElements).toBe(direct.changed);
    expect(pair.cosine).toBeCloseTo(direct.cosine as number, 12);
    expect(pair.relativeL2).toBeCloseTo(direct.relativeL2 as number, 12);
  });

  it('a checkpoint against itself: every tensor identical, found by byte compare', async () => {
    const a = await open(LENETS[1] as string);
    const counting = new CountingSource(a.plaintext);
    const result = await compareCheckpoints(a, { index: a.index, plaintext: counting });
    expect(result.summary).toMatchObject({ paired: 19, identical: 19, changed: 0, onlyInA: 0, onlyInB: 0 });
    // Only a byte compare: each tensor's bytes read once from B (small ones through shared
    // windows, which also read the record headers between them, never past the file).
    const content = a.index.tensors.reduce((sum, t) => sum + t.bytes, 0);
    expect(counting.bytesRead).toBeGreaterThanOrEqual(content);
    expect(counting.bytesRead).toBeLessThanOrEqual(Math.min(counting.size, content + 64 * a.index.tensors.length));
    expect(result.pairs.every((p) => p.cosine === 1 && p.maxAbsDelta === 0)).toBe(true);
  });

  it('many small tensors are read through in windows, not one read each', async () => {
    const a = await openRecords(
      Array.from({ length: 2000 }, (_, i): RecordSpec => [`p${i}`, [2], 'Float32', bytesOf(Float32Array.of(i, -i))]),
    );
    const counting = new CountingSource(a.plaintext);
    const result = await compareCheckpoints(a, { index: a.index, plaintext: counting });
    expect(result.summary).toMatchObject({ paired: 2000, identical: 2000 });
    expect(counting.reads).toBe(1);
    expect(counting.bytesRead).toBeLessThanOrEqual(a.plaintext.size);
  });

  it('pairs through a rename function (compiled name-map rules plug in directly)', async () => {
    const a = await open(LENETS[1] as string);
    const b = await open(LENETS[2] as string);
    const map = compileNameMap({
      exact: {},
      rules: [{ pattern: '^moments\\.(.*)$', replacement: 'moments.$1.renamed' }],
    });
    const renamed = await compareCheckpoints(a, b, { rename: map.apply });
    expect(renamed.onlyInA.filter((n) => n.startsWith('moments.')).length).toBe(8);
    expect(renamed.onlyInB.filter((n) => n.startsWith('moments.')).length).toBe(8);
    const identity = await compareCheckpoints(a, b, { rename: (name) => name });
    expect(identity.onlyInA).toEqual([]);
  });

  it('ranks what changed most; identical pairs last', async () => {
    const a = await open(LENETS[0] as string);
    const b = await open(LENETS[1] as string);
    const result = await compareCheckpoints(a, b);
    const ranked = rankChanges(result.pairs, 'relativeL2');
    const values = ranked.filter((p) => p.status === 'changed').map((p) => p.relativeL2 as number);
    expect([...values].sort((x, y) => y - x)).toEqual(values);
    const byCosine = rankChanges(result.pairs, 'cosine').filter((p) => p.cosine !== null && p.status === 'changed');
    expect(byCosine.map((p) => p.cosine)).toEqual(
      byCosine.map((p) => p.cosine).sort((x, y) => (x as number) - (y as number)),
    );
  });
});

describe('compare edge cases', () => {
  it('shape and dtype changes, NaN positions, only-in lists, incomparable counts', async () => {
    const a = await openRecords([
      ['same', [4], 'Float32', bytesOf(new Float32Array([1, 2, 3, 4]))],
      ['reshaped', [2, 2], 'Float32', bytesOf(new Float32Array([1, 2, 3, 4]))],
      ['recast', [3], 'Float32', bytesOf(new Float32Array([1, -2, 0.5]))],
      ['grown', [2], 'Float32', bytesOf(new Float32Array([1, 2]))],
      ['nan', [3], 'Float32', bytesOf(new Float32Array([Number.NaN, 1, Number.NaN]))],
      ['onlyA', [1], 'Float32', bytesOf(new Float32Array([1]))],
    ]);
    const b = await openRecords([
      ['same', [4], 'Float32', bytesOf(new Float32Array([1, 2, 3, 4]))],
      ['reshaped', [4], 'Float32', bytesOf(new Float32Array([1, 2, 3, 5]))],
      ['recast', [3], 'Float16', new Uint8Array([0x00, 0x3c, 0x00, 0xc0, 0x01, 0x38])],
      ['grown', [3], 'Float32', bytesOf(new Float32Array([1, 2, 3]))],
      ['nan', [3], 'Float32', bytesOf(new Float32Array([Number.NaN, 1, 7]))],
      ['onlyB', [1], 'Float32', bytesOf(new Float32Array([1]))],
    ]);
    const result = await compareCheckpoints(a, b, { windowBytes: 3 });
    const get = (name: string) => result.pairs.find((p) => p.name === name) as TensorDelta;
    expect(get('same').status).toBe('identical');
    expect(get('reshaped')).toMatchObject({
      status: 'changed',
      shapeChanged: true,
      changedElements: 1,
      maxAbsDelta: 1,
    });
    // 0x3801 is 0.5 + 2^-11 in float16
    expect(get('recast')).toMatchObject({
      status: 'changed',
      dtypeChanged: true,
      changedElements: 1,
      maxAbsDelta: 2 ** -11,
    });
    expect(get('grown')).toMatchObject({ status: 'incomparable', reason: 'element-count-differs' });
    expect(get('nan')).toMatchObject({ status: 'changed', changedElements: 1, nonFiniteMismatches: 1, maxAbsDelta: 0 });
    expect(result.onlyInA).toEqual(['onlyA']);
    expect(result.onlyInB).toEqual(['onlyB']);
    expect(result.summary).toMatchObject({
      paired: 5,
      identical: 1,
      changed: 3,
      incomparable: 1,
      shapeChanged: 2,
      dtypeChanged: 1,
    });
  });

  it('a name map that sends two names to one target, or empties a name, is refused before any work', async () => {
    const a = await openRecords([
      ['x.a', [1], 'Float32', bytesOf(new Float32Array([1]))],
      ['y.a', [1], 'Float32', bytesOf(new Float32Array([2]))],
    ]);
    const b = await openRecords([['a', [1], 'Float32', bytesOf(new Float32Array([1]))]]);
    const collision = await compareCheckpoints(a, b, { rename: (name) => name.replace(/^[xy]\./, '') }).catch(
      (error: unknown) => error,
    );
    expect(collision).toBeInstanceOf(LensError);
    expect(collision).toMatchObject({ code: 'name-map-collision', details: { tensor: 'a', hint: '"x.a" and "y.a"' } });
    // The same sentence on the page and in the CLI.
    const { title, detail } = describeSerialized(serializeError(collision));
    expect(`${title}: ${detail}`).toBe(
      'The name map gives two parameters one name: The name map turns "x.a" and "y.a" into "a": a comparison pairs each name once, so it could not tell which of them to compare.',
    );
    await expect(compareCheckpoints(a, b, { rename: (name) => (name === 'y.a' ? '' : name) })).rejects.toMatchObject({
      code: 'name-map-bad-rule',
      details: { actual: 'y.a', hint: 'they turn this name into ""' },
    });
    // Leaving one of the two out (the filter) is what makes the map usable.
    const kept = await compareCheckpoints(a, b, {
      rename: (name) => name.replace(/^[xy]\./, ''),
      include: (entry) => entry.name !== 'y.a',
    });
    expect(kept.pairs.map((p) => [p.name, p.nameB, p.status])).toEqual([['x.a', 'a', 'identical']]);
  });

  it('a name A holds twice is not a collision of the name map', async () => {
    const twice = await openRecords([
      ['x.a', [1], 'Float32', bytesOf(new Float32Array([1]))],
      ['x.a', [1], 'Float32', bytesOf(new Float32Array([1]))],
    ]);
    const b = await openRecords([['a', [1], 'Float32', bytesOf(new Float32Array([1]))]]);
    const result = await compareCheckpoints(twice, b, { rename: (name) => name.replace(/^x\./, '') });
    expect(result.pairs.map((p) => [p.name, p.nameB])).toEqual([['x.a', 'a']]);
  });

  it('cancel stops the comparison', async () => {
    const a = await open(LENETS[0] as string);
    const b = await open(LENETS[1] as string);
    const controller = new AbortController();
    controller.abort();
    await expect(compareCheckpoints(a, b, { signal: controller.signal })).rejects.toThrow();
  });
});
