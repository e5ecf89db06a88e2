import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeChunksFile } from './files';

const dir = mkdtempSync(path.join(tmpdir(), 'ckpt-lens-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('writeChunksFile', () => {
  it('writes small and large chunks in order, gathering the small ones', async () => {
    const sizes = [1, 3, 0, 1024 * 1024 - 4, 5, 1024 * 1024, 7, 3 * 1024 * 1024 + 1, 2, ...Array(5000).fill(4)];
    let next = 0;
    const chunks = sizes.map((size) => Uint8Array.from({ length: size }, () => (next = (next * 31 + 7) % 256)));
    const out = path.join(dir, 'mixed.bin');
    const written = await writeChunksFile(
      (async function* () {
        yield* chunks;
      })(),
      out,
    );
    const total = sizes.reduce((sum, size) => sum + size, 0);
    expect(written).toBe(total);
    const file = readFileSync(out);
    expect(file.length).toBe(total);
    let at = 0;
    for (const chunk of chunks) {
      expect(file.subarray(at, at + chunk.length).equals(chunk)).toBe(true);
      at += chunk.length;
    }
    expect(existsSync(`${out}.partial`)).toBe(false);
  });

  it('leaves nothing behind when the chunks fail midway', async () => {
    const out = path.join(dir, 'failed.bin');
    await expect(
      writeChunksFile(
        (async function* () {
          yield new Uint8Array(10);
          throw new Error('source gone');
        })(),
        out,
      ),
    ).rejects.toThrow('source gone');
    expect(existsSync(out)).toBe(false);
    expect(existsSync(`${out}.partial`)).toBe(false);
  });
});
