import { describe, expect, it } from 'vitest';
import { captureIo } from '../test/cli';
import { printJsonWithList, streamJsonList } from './json-out';

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

describe('streamJsonList', () => {
  it('writes the head, the items as they come and the tail as one JSON document, in that key order', async () => {
    const { io, out } = captureIo();
    let waits = 0;
    io.drained = async () => {
      waits += 1;
    };
    const stream = streamJsonList(io, { file: 'a.ckpt', none: undefined }, 'tensors');
    for (let n = 0; n < 1030; n += 1) await stream.add(JSON.stringify({ n }));
    await stream.end({ skipped: [], audit: { clean: true } });
    expect(out.length).toBe(1);
    const parsed = JSON.parse(out[0] ?? '') as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual(['file', 'tensors', 'skipped', 'audit']);
    expect(parsed.tensors).toEqual(Array.from({ length: 1030 }, (_, n) => ({ n })));
    expect(waits).toBe(3);
  });

  it('writes an empty list and no tail', async () => {
    const { io, out } = captureIo();
    const stream = streamJsonList(io, {}, 'loaded');
    await stream.end();
    expect(JSON.parse(out[0] ?? '')).toEqual({ loaded: [] });
  });
});
