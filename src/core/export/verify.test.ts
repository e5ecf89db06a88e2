/**
 * verifyExport finds what differs between a written file and its plan: values of small tensors
 * (compared from shared windows) and of large ones (window by window), names missing, extra or
 * out of order. The written bytes are altered here after a real export.
 */
import { describe, expect, it } from 'vitest';
import { MemorySource } from '../../io/byte-source';
import { bytesOf, checkpointBytes, openRecords, type RecordSpec } from '../../test/ckpt-records';
import { openCheckpoint } from '../open';
import { buildExport, exportChunks, planExport, verifyExport, type ExportJob, type ExportOptions } from './index';

/** 300 tensors of one float each, then one of 512 KiB (read window by window, not through shared windows). */
function records(): RecordSpec[] {
  const small: RecordSpec[] = Array.from({ length: 300 }, (_, i) => [
    `layer.${i}.bias`,
    [1],
    'Float32',
    bytesOf(new Float32Array([i + 0.5])),
  ]);
  const large = new Float32Array(128 * 1024).map((_, i) => i % 977);
  return [...small, ['layer.big.weight', [128, 1024], 'Float32', bytesOf(large)]];
}

async function written(options: ExportOptions = {}): Promise<{ bytes: Uint8Array; job: ExportJob }> {
  const opened = await openRecords(records());
  const job = await buildExport(opened, planExport(opened.index, options));
  const chunks: Uint8Array[] = [];
  // A chunk is lent until the next is asked for (cast windows are reused): keep a copy.
  for await (const chunk of exportChunks(job)) chunks.push(chunk.slice());
  return { bytes: new Uint8Array(Buffer.concat(chunks)), job };
}

/** The check of the written file opened as entries, which must say what it says opened as columns (as the CLI opens it). */
async function verifyBytes(bytes: Uint8Array, job: ExportJob) {
  const options = { windowBytes: 64 * 1024 };
  const report = await verifyExport(await openCheckpoint(new MemorySource(bytes)), job, options);
  const asColumns = await verifyExport(await openCheckpoint(new MemorySource(bytes), { columns: true }), job, options);
  expect(asColumns).toEqual(report);
  return report;
}

/** The written file's bytes with one byte of `name`'s content (at `at`) changed. */
async function withByteChanged(bytes: Uint8Array, name: string, at: number): Promise<Uint8Array> {
  const index = (await openCheckpoint(new MemorySource(bytes))).index;
  const range = index.tensors.find((tensor) => tensor.name === name)?.ranges[0];
  if (!range) throw new Error(`${name} is not in the written file`);
  const changed = bytes.slice();
  changed[range.offset + at] = (changed[range.offset + at] as number) ^ 0x40;
  return changed;
}

describe('verifyExport', () => {
  for (const format of ['ckpt', 'safetensors'] as const) {
    it(`passes a ${format} file written as planned, every value compared`, async () => {
      const { bytes, job } = await written({ format });
      const report = await verifyBytes(bytes, job);
      expect(report.mismatches).toEqual([]);
      expect(report.ok).toBe(true);
      expect(report.tensorsChecked).toBe(301);
      expect(report.valuesCompared).toBe(301);
      expect(report.bytesCompared).toBe(300 * 4 + 512 * 1024);
    });

    it(`finds a changed value in a small tensor and in a large one (${format})`, async () => {
      const { bytes, job } = await written({ format });
      const small = await verifyBytes(await withByteChanged(bytes, 'layer.217.bias', 3), job);
      expect(small.ok).toBe(false);
      expect(small.mismatches).toEqual([
        { name: 'layer.217.bias', kind: 'values', expected: 'bytes 0–4 as in the source' },
      ]);
      const large = await verifyBytes(await withByteChanged(bytes, 'layer.big.weight', 200 * 1024 + 1), job);
      expect(large.mismatches).toEqual([
        { name: 'layer.big.weight', kind: 'values', expected: `bytes ${192 * 1024}–${256 * 1024} as in the source` },
      ]);
    });
  }

  it('finds a tensor missing, one too many and two out of order', async () => {
    const { job } = await written();
    const specs = records();
    const [first, second, ...rest] = specs as [RecordSpec, RecordSpec, ...RecordSpec[]];
    const reordered = [second, first, ...rest.filter(([tag]) => tag !== 'layer.5.bias')];
    const extra: RecordSpec = ['layer.extra', [1], 'Float32', bytesOf(new Float32Array([1]))];
    const report = await verifyBytes(checkpointBytes([...reordered, extra]), job);
    expect(report.ok).toBe(false);
    expect(report.mismatches).toEqual(
      expect.arrayContaining([
        { name: 'layer.extra', kind: 'unexpected' },
        { name: 'layer.5.bias', kind: 'missing' },
        { name: 'layer.1.bias', kind: 'order', expected: 'layer.0.bias', actual: 'layer.1.bias' },
      ]),
    );
    expect(report.tensorsChecked).toBe(300);
  });

  it('finds a changed dtype and shape without reading values it cannot compare', async () => {
    const { job } = await written();
    const specs = records().map(([tag, dims, dtype, content]): RecordSpec =>
      tag === 'layer.3.bias'
        ? [tag, dims, 'Int32', content]
        : tag === 'layer.4.bias'
          ? [tag, [1, 1], dtype, content]
          : [tag, dims, dtype, content],
    );
    const report = await verifyBytes(checkpointBytes(specs), job);
    expect(report.mismatches).toEqual([
      { name: 'layer.3.bias', kind: 'dtype', expected: 'Float32', actual: 'Int32' },
      { name: 'layer.4.bias', kind: 'shape', expected: '[1]', actual: '[1,1]' },
    ]);
  });
});
