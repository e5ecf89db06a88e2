import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { encryptBytes } from '../crypto/encrypt';
import { captureIo, runCli } from '../test/cli';
import { bytesOf, checkpointBytes, type RecordSpec } from '../test/ckpt-records';
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

  it('writes large items a few at a time: no write near 128 KiB (V8 makes a longer string a large object)', async () => {
    const { io, out } = captureIo();
    const writes: number[] = [];
    const write = io.write;
    io.write = (text) => {
      writes.push(text.length);
      write(text);
    };
    const stream = streamJsonList(io, { file: 'a.ckpt' }, 'tensors');
    const item = (n: number): string => JSON.stringify({ n, pad: 'x'.repeat(380) });
    for (let n = 0; n < 2000; n += 1) await stream.add(item(n));
    await stream.end();
    expect(JSON.parse(out.join('')) as unknown).toEqual({
      file: 'a.ckpt',
      tensors: Array.from({ length: 2000 }, (_, n) => JSON.parse(item(n)) as unknown),
    });
    const pieces = writes.slice(1); // the head, then the items
    expect(pieces.length).toBeGreaterThan(2000 / 512);
    expect(Math.max(...pieces)).toBeLessThan(64 * 1024);
  });

  it('writes an empty list and no tail', async () => {
    const { io, out } = captureIo();
    const stream = streamJsonList(io, {}, 'loaded');
    await stream.end();
    expect(JSON.parse(out[0] ?? '')).toEqual({ loaded: [] });
  });
});

describe('an error while a --json document is being written', () => {
  it('closes the document with an "error" member: the items written so far and the error, one JSON document', async () => {
    const { io, out } = captureIo();
    const stream = streamJsonList(io, { file: 'a.ckpt' }, 'tensors');
    for (let n = 0; n < 600; n += 1) await stream.add(JSON.stringify({ n }));
    io.endJsonWithError?.({ code: 'crypto-block-corrupted', message: 'Block 3 is corrupted.' });
    expect(io.endJsonWithError).toBeUndefined();
    expect(JSON.parse(out.join(''))).toEqual({
      file: 'a.ckpt',
      tensors: Array.from({ length: 600 }, (_, n) => ({ n })),
      error: { code: 'crypto-block-corrupted', message: 'Block 3 is corrupted.' },
    });
  });

  it('a tampered block is exit 3 in every command that meets it, with one JSON document under --json', async () => {
    const work = mkdtempSync(path.join(tmpdir(), 'ckpt-lens-json-error-'));
    try {
      const key = new Uint8Array(16).map((_, i) => i + 1);
      const records: RecordSpec[] = Array.from({ length: 40 }, (_, i) => [
        `layer.${i}.weight`,
        [2048],
        'Float32',
        bytesOf(new Float32Array(2048).fill(i)),
      ]);
      const file = await encryptBytes(checkpointBytes(records), { mode: 'AES-GCM', key, blockBytes: 65_536 });
      // A byte inside the fourth block's cipher text (each block is ~65.6 KB): block 0 proves the key.
      file[3 * 65_600 + 2_000] = (file[3 * 65_600 + 2_000] as number) ^ 0x01;
      const target = path.join(work, 'damaged.ckpt');
      writeFileSync(target, file);
      const hex = Buffer.from(key).toString('hex');
      for (const command of [
        ['inspect', '--json'],
        ['stats', '--json'],
        ['verify', '--json'],
        ['convert', '--json', target, path.join(work, 'out.ckpt')],
      ]) {
        const [name = '', ...rest] = command;
        const args = name === 'convert' ? rest : [...rest, target];
        const result = await runCli(name, '--key', hex, ...args);
        expect(result.code, name).toBe(3);
        const document = JSON.parse(result.out.join('')) as { error?: { code: string }; problems?: { code: string }[] };
        expect(document.error?.code ?? document.problems?.[0]?.code, name).toBe('crypto-block-corrupted');
      }
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});
