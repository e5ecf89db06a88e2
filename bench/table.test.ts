import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  measuredOn,
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
      /load diff/,
      /filter/,
    ])
      expect(metrics).toMatch(pattern);
    for (const row of results.rows.filter((r) => r.target !== undefined))
      expect(row.ratio !== undefined || /ms/.test(row.target ?? ''), row.metric).toBe(true);
  });

  it('is rewritten in place by withSection and read back unchanged', () => {
    const readme = `intro\n<!-- bench-table:start (written by npm run bench from bench/results.json) -->\nold\n<!-- bench-table:end -->\nafter\n`;
    const written = withSection(readme, results);
    expect(written.startsWith('intro\n')).toBe(true);
    expect(written.endsWith('<!-- bench-table:end -->\nafter\n')).toBe(true);
    expect(written).toContain(renderSection(results));
    expect(readSection(written).rows).toEqual(tableCells(results));
  });
});
