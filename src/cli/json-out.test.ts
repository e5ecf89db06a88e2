import { describe, expect, it } from 'vitest';
import { captureIo } from '../test/cli';
import { printJsonWithList } from './json-out';

async function printed(
  value: Record<string, unknown>,
  list: number[],
): Promise<{ lines: string[]; writes: number; waits: number }> {
  const { io, out } = captureIo();
  let writes = 0;
  const write = io.write;
  io.write = (text) => {
    writes += 1;
    write(text);
  };
  let waits = 0;
  io.drained = async () => {
    waits += 1;
  };
  await printJsonWithList(io, value, 'items', list, (n) => JSON.stringify({ n, half: n / 2 }));
  return { lines: out, writes, waits };
}

describe('printJsonWithList', () => {
  it.each([0, 1, 511, 512, 513, 2000])('prints one line of JSON for %i items, a few hundred a write', async (count) => {
    const list = Array.from({ length: count }, (_, i) => i);
    const { lines, writes, waits } = await printed({ format: 'x', nested: { a: [1, '"'] }, skipped: undefined }, list);
    expect(lines.length).toBe(1);
    expect(JSON.parse(lines[0] ?? '')).toEqual({
      format: 'x',
      nested: { a: [1, '"'] },
      items: list.map((n) => ({ n, half: n / 2 })),
    });
    expect(writes).toBe(1 + Math.ceil(count / 512));
    // Standard output is waited for after each write of items.
    expect(waits).toBe(Math.ceil(count / 512));
  });
});
