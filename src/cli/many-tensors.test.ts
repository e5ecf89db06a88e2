import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../test/cli';

/**
 * A file with more tensors than a function call can take arguments (about 120k in Node): the
 * text table's column width was `Math.max(...names)` and overflowed the stack ("Something went
 * wrong inside Ckpt Lens"); `stats` made one read and 64 KiB of scratch per tensor.
 */
const COUNT = 150_000;
const dir = mkdtempSync(path.join(tmpdir(), 'ckpt-lens-many-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function manyTensors(): string {
  const file = path.join(dir, 'many.safetensors');
  const parts: string[] = [];
  for (let i = 0; i < COUNT; i += 1)
    parts.push(`"layer.${i}.w":{"dtype":"F32","shape":[1],"data_offsets":[${i * 4},${i * 4 + 4}]}`);
  let json = `{${parts.join(',')}}`;
  json += ' '.repeat((8 - (json.length % 8)) % 8);
  const header = Buffer.from(json);
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(header.length));
  const data = Buffer.alloc(COUNT * 4);
  data.writeFloatLE(-2.5, (COUNT - 1) * 4);
  writeFileSync(file, Buffer.concat([length, header, data]));
  return file;
}

describe(`a file of ${COUNT.toLocaleString('en-US')} tensors`, () => {
  const file = manyTensors();

  it('inspect prints every tensor in its text table', async () => {
    const { code, out, err } = await runCli('inspect', file);
    expect(err).toEqual([]);
    expect(code).toBe(0);
    expect(out.filter((line) => line.startsWith('layer.')).length).toBe(COUNT);
    // The last tensor, with its one value read from the data (-2.5).
    expect(out.at(-1)).toMatch(/^layer\.149999\.w\s+Float32\s+\[1\]\s+4 {2}= -2\.5$/);
  }, 60_000);

  it('stats measures every tensor and reads the last one right', async () => {
    const { code, out, err } = await runCli('stats', file);
    expect(err).toEqual([]);
    expect(code).toBe(0);
    expect(out.at(-1)).toBe('NaN/Inf audit: clean (150,000 tensors, 150,000 values)');
    expect(out.at(-2)).toBe('many.safetensors: 150,000 tensors measured');
    const last = out.find((line) => line.startsWith('layer.149999.w ')) ?? '';
    expect(last.split(/\s+/).slice(3, 7)).toEqual(['-2.5', '-2.5', '-2.5', '0']);
  }, 120_000);
});
