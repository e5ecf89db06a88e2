import { describe, expect, it } from 'vitest';
import { printJsonWithList } from './json-out';

function printed(value: Record<string, unknown>, list: number[]): string[] {
  const lines: string[] = [];
  const io = { out: (line: string) => lines.push(line), err: () => undefined, usage: () => 2 };
  printJsonWithList(io, value, 'items', list, (n) => ({ n, half: n / 2 }));
  return lines;
}

describe('printJsonWithList', () => {
  it.each([0, 1, 511, 512, 513, 2000])('prints one JSON document for %i items, a few hundred a line', (count) => {
    const list = Array.from({ length: count }, (_, i) => i);
    const lines = printed({ format: 'x', nested: { a: [1, '"'] }, skipped: undefined }, list);
    expect(JSON.parse(lines.join('\n'))).toEqual({
      format: 'x',
      nested: { a: [1, '"'] },
      items: list.map((n) => ({ n, half: n / 2 })),
    });
    expect(lines.length).toBe(2 + Math.ceil(count / 512));
  });
});
