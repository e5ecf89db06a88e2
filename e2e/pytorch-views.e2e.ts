import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCheckpoint } from '../src/core/open';
import { MemorySource } from '../src/io/byte-source';
import { torchZipBytes } from '../src/test/torch-zip';
import { pickFiles, useSession } from './harness';

const session = useSession();

describe('a PyTorch view of more than 65,536 runs in the page', () => {
  it('w.t() of a [300, 300] matrix and an expand(): shown as gathered, exported as C-contiguous values', async () => {
    const { page } = session();
    const storage = Float32Array.from({ length: 90_000 }, (_, i) => (i % 997) - 498.5);
    const tensors = [
      { name: 'transposed', storage: '0', offset: 0, shape: [300, 300], strides: [1, 300] },
      { name: 'expanded', storage: '0', offset: 7, shape: [70_000, 3], strides: [0, 1] },
    ];
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ckpt-lens-views-'));
    const file = path.join(dir, 'views.pt');
    writeFileSync(
      file,
      torchZipBytes(tensors, [{ key: '0', dtype: 'float32', numel: 90_000, bytes: new Uint8Array(storage.buffer) }]),
    );
    // The values in C order, computed here element by element.
    const expected = new Map<string, string>();
    for (const tensor of tensors) {
      const [rows, cols] = tensor.shape as [number, number];
      const [rowStride, colStride] = tensor.strides as [number, number];
      const values = new Float32Array(rows * cols);
      for (let r = 0; r < rows; r += 1)
        for (let c = 0; c < cols; c += 1)
          values[r * cols + c] = storage[tensor.offset + r * rowStride + c * colStride] as number;
      expected.set(tensor.name, createHash('sha256').update(new Uint8Array(values.buffer)).digest('hex'));
    }

    await pickFiles(page, [file]);
    await expect.poll(() => page.getByTestId('param-count').textContent()).toBe('2');
    await page
      .getByRole('row', { name: /transposed/ })
      .first()
      .click();
    await expect.poll(() => page.getByTestId('tensor-details').textContent()).toContain('gathered in C order');

    await page.getByTestId('panel-tab-export').click();
    const downloading = page.waitForEvent('download');
    await page.getByTestId('export-download').click();
    const download = await downloading;
    const saved = path.join(dir, download.suggestedFilename());
    await download.saveAs(saved);
    await expect.poll(() => page.getByTestId('export-result').textContent()).toContain('2 entries');

    const written = await openCheckpoint(new MemorySource(new Uint8Array(readFileSync(saved))));
    expect(written.index.tensors.map((t) => t.name).sort()).toEqual(['expanded', 'transposed']);
    for (const entry of written.index.tensors) {
      const hash = createHash('sha256');
      for (const range of entry.ranges) hash.update(await written.plaintext.read(range.offset, range.length));
      expect(hash.digest('hex'), entry.name).toBe(expected.get(entry.name));
    }
  });
});
