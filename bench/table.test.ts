import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  measuredOn,
  mergePartial,
  PERFORMANCE_DOC,
  readSection,
  renderSection,
  tableCells,
  withSection,
  type BenchResults,
} from './table';

const results = JSON.parse(readFileSync('bench/results.json', 'utf8')) as BenchResults;

describe("docs/performance.md's benchmark table", () => {
  it('is bench/results.json, row by row and cell by cell', () => {
    const section = readSection(readFileSync(PERFORMANCE_DOC, 'utf8'));
    expect(section.measuredOn).toBe(measuredOn(results));
    expect(section.rows).toEqual(tableCells(results));
  });

  it('has every pipeline the issue names, each with a ratio or an absolute target', () => {
    const metrics = results.rows.map((row) => row.metric).join('\n');
    for (const pattern of [
      /raw File read/,
      /raw WebCrypto/,
      /index \.ckpt/,
      /open \.safetensors/,
      /CRC verify/,
      /AES-GCM decrypt/,
      /AES-CBC decrypt/,
      /SM4-CBC decrypt/,
      /export .*no transforms/,
      /export .*cast/,
      /merge/,
      /index \.bin/,
      /index 8-shard/,
      /convert \.bin → \.ckpt/,
      /load diff/,
      /filter/,
    ])
      expect(metrics).toMatch(pattern);
    for (const row of results.rows.filter((r) => r.target !== undefined))
      // A ratio to a same-run baseline, or an absolute time or memory.
      expect(row.ratio !== undefined || /ms|MiB/.test(row.target ?? ''), row.metric).toBe(true);
  });

  it('is rewritten in place by withSection and read back unchanged', () => {
    const readme = `intro\n<!-- bench-table:start (written by npm run bench from bench/results.json) -->\nold\n<!-- bench-table:end -->\nafter\n`;
    const written = withSection(readme, results);
    expect(written.startsWith('intro\n')).toBe(true);
    expect(written.endsWith('<!-- bench-table:end -->\nafter\n')).toBe(true);
    expect(written).toContain(renderSection(results));
    expect(readSection(written).rows).toEqual(tableCells(results));
  });

  it('takes a partial run (BENCH_ONLY) in by metric: same-named rows replaced in place, new ones added, the rest kept', () => {
    const full: BenchResults = {
      ...results,
      remeasured: undefined,
      rows: [
        { metric: 'a', value: 1, unit: 'ms' },
        { metric: 'b', value: 2, unit: 'ms' },
      ],
    };
    const partial: BenchResults = {
      ...results,
      date: '2030-01-02T03:04:05.000Z',
      machine: { ...results.machine, chromium: 'Chromium 999' },
      inputs: { ...results.inputs, sizeMiB: 1024 },
      rows: [
        { metric: 'c', value: 30, unit: 'ms' },
        { metric: 'a', value: 10, unit: 'ms', ratio: 2 },
      ],
    };
    const merged = mergePartial(full, partial, ['pytorch']);
    expect(merged.rows.map((row) => [row.metric, row.value])).toEqual([
      ['a', 10],
      ['b', 2],
      ['c', 30],
    ]);
    expect(merged.date).toBe(full.date);
    expect(measuredOn(merged)).toBe(
      `${measuredOn(full)} 2 rows re-measured 2030-01-02 03:04 UTC by \`BENCH_ONLY=pytorch\` on Chromium 999 (inputs 1024 MiB, ${results.inputs.tensors} tensors): each replaced the row of its metric or was added.`,
    );
    expect(mergePartial(merged, partial, ['pytorch']).remeasured).toHaveLength(2);
    // A new row measured after a known one is placed beside it.
    const beside = mergePartial(full, { ...partial, rows: [...partial.rows, { metric: 'd', value: 4, unit: 'ms' }] }, [
      'pytorch',
    ]);
    expect(beside.rows.map((row) => row.metric)).toEqual(['a', 'd', 'b', 'c']);
  });
});
