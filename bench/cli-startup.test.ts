import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
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
