import { openAsBlob } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TensorEntry } from '../../base/types';
import { openCheckpoint } from '../../core/open';
import { BlobSource } from '../../io/byte-source';
import { fixtureBytes, fixturePath } from '../../test/fixtures';
import { rememberFile } from '../registry';
import { statsApi } from './stats';

const FILE_A = 'XMU_AI_ISP__checkpoint_lenet-1_1875.ckpt';
const FILE_B = 'AI-lab2__checkpoint_lenet-1_1875.ckpt';

async function open(fileId: string, name: string): Promise<TensorEntry[]> {
  const blob = await openAsBlob(fixturePath('real', name));
  const opened = await openCheckpoint(new BlobSource(blob));
  rememberFile(fileId, { ...opened, file: blob });
  return opened.index.tensors;
}

/** Float32 values of a tensor decoded straight from the file with a DataView. */
function floats(name: string, entry: TensorEntry): number[] {
  const bytes = fixtureBytes('real', name);
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  const out: number[] = [];
  for (const range of entry.ranges)
    for (let at = 0; at < range.length; at += 4) out.push(view.getFloat32(range.offset + at, true));
  return out;
}

let tensorsA: TensorEntry[] = [];
let tensorsB: TensorEntry[] = [];

beforeAll(async () => {
  tensorsA = await open('a', FILE_A);
  tensorsB = await open('b', FILE_B);
});

describe('stats worker feature', () => {
  it('stats of one tensor match a direct computation', async () => {
    const entry = tensorsA.find((t) => t.name === 'fc2.weight') as TensorEntry;
    const values = floats(FILE_A, entry);
    const fractions: number[] = [];
    const stats = await statsApi.statsOfTensor('a', 'fc2.weight', 'job-1', (f) => fractions.push(f));
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    expect(stats.elements).toBe(84 * 120);
    expect(stats.min).toBe(Math.min(...values));
    expect(stats.max).toBe(Math.max(...values));
    expect(stats.mean).toBeCloseTo(mean, 9);
    expect(stats.histogram?.counts.reduce((s, c) => s + c, 0)).toBe(values.length);
    expect(fractions.at(-1)).toBe(1);
  });

  it('scans all tensors with streamed rows, audits NaN/Inf and builds the report', async () => {
    const streamed: string[] = [];
    const { stats, nonFinite } = await statsApi.statsOfAll('a', 'job-2', undefined, (batch) =>
      streamed.push(...batch.map((row) => row.name)),
    );
    expect(stats.tensors.map((row) => row.name)).toEqual(streamed);
    expect(stats.tensors.length + stats.skipped.length).toBe(tensorsA.length);
    expect(nonFinite.clean).toBe(true);
    const audit = await statsApi.auditNonFiniteOf('a', 'job-3');
    expect(audit.findings).toEqual([]);
    const report = statsApi.auditReportFor('a', FILE_A, '2026-01-01T00:00:00Z');
    expect(JSON.parse(report.json)).toMatchObject({ report: 'ckpt-lens-audit', nonFinite: { clean: true } });
    expect(report.markdown).toContain('NaN / Inf audit');
  });

  it('previews the first values and a slice with JSON and NumPy text', async () => {
    const entry = tensorsA.find((t) => t.name === 'conv1.weight') as TensorEntry;
    const values = floats(FILE_A, entry);
    const first = await statsApi.previewValues('a', 'conv1.weight', null, 5);
    expect(first.values.values.length).toBe(5);
    first.values.values.forEach((value, i) => expect(Math.fround(Number(value))).toBe(values[i]));
    const slice = await statsApi.previewValues('a', 'conv1.weight', '[2, 0, 1, :3]', 0);
    expect(slice.values.shape).toEqual([3]);
    slice.values.values.forEach((value, i) => expect(Math.fround(Number(value))).toBe(values[2 * 25 + 5 + i]));
    expect(JSON.parse(slice.json)).toMatchObject({ shape: [3] });
    expect(slice.numpy.startsWith('[')).toBe(true);
    await expect(statsApi.previewValues('a', 'conv1.weight', '[9]', 0)).rejects.toMatchObject({
      code: 'slice-out-of-range',
    });
  });

  it('compares the two LeNet checkpoints per tensor against a direct computation', async () => {
    const result = await statsApi.compareOpenFiles({
      fileIdA: 'a',
      fileIdB: 'b',
      nameA: FILE_A,
      nameB: FILE_B,
      nameMap: null,
      jobId: 'job-4',
    });
    expect(result.pairs.length).toBe(19);
    const pair = result.pairs.find((p) => p.name === 'fc3.weight');
    const a = floats(FILE_A, tensorsA.find((t) => t.name === 'fc3.weight') as TensorEntry);
    const b = floats(FILE_B, tensorsB.find((t) => t.name === 'fc3.weight') as TensorEntry);
    const maxAbs = Math.max(...a.map((v, i) => Math.abs(v - (b[i] as number))));
    expect(pair?.maxAbsDelta).toBeCloseTo(maxAbs, 12);
    const renamed = await statsApi.compareOpenFiles({
      fileIdA: 'a',
      fileIdB: 'b',
      nameA: FILE_A,
      nameB: FILE_B,
      nameMap: { exact: {}, rules: [{ pattern: '^fc3\\.', replacement: 'dense3.' }] },
      jobId: 'job-5',
    });
    expect(renamed.onlyInA).toEqual(['fc3.weight', 'fc3.bias']);
    expect(statsApi.numbersFoundFor('a').compare?.fileB).toBe(FILE_B);
  });
});
