import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCheckpoint } from '../src/core/open';
import { MemorySource } from '../src/io/byte-source';
import { generateManyRecords } from './generate';
import { tableCells, withRemeasuredRows, type BenchResults, type BenchRow } from './table';

const results = JSON.parse(readFileSync('bench/results.json', 'utf8')) as BenchResults;

describe('bench:startup --write', () => {
  it("replaces only the startup rows, where they stood, and keeps the full run's other rows and header", () => {
    const startup = results.rows.filter((row) => /node -e 0|CLI startup/.test(row.metric));
    expect(startup.length).toBe(3);
    const fresh: BenchRow[] = startup.map((row) => ({ ...row, value: row.value / 3 + 0.123, note: 'median of 21' }));
    const updated = withRemeasuredRows(results, fresh, '2030-01-02T03:04:05.000Z', 'npm run bench:startup');
    expect(updated.date).toBe(results.date);
    expect(updated.machine).toEqual(results.machine);
    expect(updated.rows.length).toBe(results.rows.length);
    const first = results.rows.indexOf(startup[0] as BenchRow);
    for (const [index, row] of updated.rows.entries()) {
      const fromStartup = index >= first && index < first + fresh.length;
      if (!fromStartup) expect(row).toEqual(results.rows[index]);
      else {
        const source = fresh[index - first] as BenchRow;
        expect(row.metric).toBe(source.metric);
        expect(row.value).toBe(Math.round(source.value * 10) / 10);
        expect(row.note).toBe('median of 21; measured 2030-01-02 by `npm run bench:startup`');
      }
    }
    expect(tableCells(updated).length).toBe(results.rows.length);
  });
});

describe("the million-record row's input", () => {
  it('generateManyRecords writes one [1]-shaped Float32 record per tensor, named as generateManyTensors names them', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ckpt-lens-many-records-'));
    try {
      const file = generateManyRecords(dir, 1000);
      const opened = await openCheckpoint(new MemorySource(new Uint8Array(readFileSync(file))));
      expect(opened.index.format).toBe('ckpt');
      expect(opened.index.problems).toEqual([]);
      const tensors = opened.index.tensors;
      expect(tensors.length).toBe(1000);
      expect(tensors[0]).toMatchObject({
        name: 'model.layers.0.block0.weight',
        dtype: 'Float32',
        shape: [1],
        bytes: 4,
      });
      expect(tensors[999]).toMatchObject({ name: 'model.layers.9.block99.bias', dtype: 'Float32', shape: [1] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
