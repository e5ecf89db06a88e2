import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCheckpoint } from '../src/core/open';
import { MemorySource } from '../src/io/byte-source';
import { FIXTURES, pickFiles, useSession } from './harness';

const session = useSession();
const TORCH = path.join(FIXTURES, 'pytorch/tiny_cnn.pt');
const NET = path.join(FIXTURES, 'pytorch/tiny_cnn.mindspore_net.json');

interface TorchManifest {
  files: Record<string, { tensors: { name: string; dtype: string; shape: number[]; sha256: string }[] }>;
  mindspore_net: { file: string; for: string; map: Record<string, string | null> };
}

const MANIFEST = JSON.parse(readFileSync(path.join(FIXTURES, 'pytorch/MANIFEST.json'), 'utf8')) as TorchManifest;

/** Name, shape and value SHA-256 of every tensor in a written checkpoint, read with the app's own reader. */
async function tensorHashes(bytes: Uint8Array): Promise<Map<string, { shape: number[]; sha256: string }>> {
  const opened = await openCheckpoint(new MemorySource(bytes));
  expect(opened.index.problems).toEqual([]);
  const out = new Map<string, { shape: number[]; sha256: string }>();
  for (const entry of opened.index.tensors) {
    const hash = createHash('sha256');
    for (const range of entry.ranges) hash.update(await opened.plaintext.read(range.offset, range.length));
    out.set(entry.name, { shape: [...entry.shape], sha256: hash.digest('hex') });
  }
  return out;
}

describe('migrating a PyTorch state_dict to MindSpore in the page', () => {
  it('tiny_cnn.pt + its MindSpore network: Auto-map, every parameter loads, the exported .ckpt holds the torch values', async () => {
    const { page } = session();
    const torchTensors = MANIFEST.files['tiny_cnn.pt']?.tensors ?? [];
    const { map } = MANIFEST.mindspore_net;
    expect(MANIFEST.mindspore_net.for).toBe('tiny_cnn.pt');
    const mapped = Object.entries(map).filter((pair): pair is [string, string] => pair[1] !== null);
    const notNeeded = Object.entries(map)
      .filter(([, to]) => to === null)
      .map(([from]) => from);
    expect(notNeeded).toEqual(['bn1.num_batches_tracked', 'bn2.num_batches_tracked']);

    await pickFiles(page, [TORCH]);
    await expect.poll(() => page.getByTestId('param-count').textContent()).toBe(String(torchTensors.length));

    await page.getByTestId('panel-tab-load-check').click();
    await page.getByTestId('manifest-input').setInputFiles(NET);
    await expect
      .poll(() => page.getByTestId('load-verdict').textContent())
      .toBe('Loads, but 8 network parameters keep their initial values.');

    await page.getByTestId('auto-map-button').click();
    const proposals = await page.getByTestId('auto-map-proposals').locator('li').allTextContents();
    const renames = mapped.filter(([from, to]) => from !== to);
    expect(proposals).toHaveLength(renames.length);
    for (const [from, to] of renames) expect(proposals.some((line) => line.startsWith(`${from} → ${to}`))).toBe(true);
    const listedNotNeeded = await page.getByTestId('auto-map-not-needed').locator('li').allTextContents();
    expect(listedNotNeeded).toHaveLength(notNeeded.length);
    for (const name of notNeeded) expect(listedNotNeeded.some((line) => line.includes(name))).toBe(true);

    await page.getByTestId('auto-map-apply').click();
    await expect.poll(() => page.getByTestId('load-verdict').textContent()).toBe('Every network parameter loads.');
    await expect.poll(() => page.getByTestId('auto-map-none').count()).toBe(1);
    const counts = await page.getByTestId('load-counts').textContent();
    expect(counts).toContain(`loads: ${mapped.length}`);
    expect(counts).toContain('param_not_load: 0');
    expect(counts).toContain(`ckpt_not_load: ${notNeeded.length}`);
    const problems = await page.getByTestId('load-rows').locator('li').allTextContents();
    expect(problems).toHaveLength(notNeeded.length);
    for (const name of notNeeded) expect(problems.some((line) => line.includes(name))).toBe(true);
    await page.setViewportSize({ width: 1440, height: 1000 });
    await page.screenshot({
      path: path.join(import.meta.dirname, 'out', 'pytorch-migration-load-check.png'),
      fullPage: true,
    });

    await page.getByTestId('panel-tab-export').click();
    const downloading = page.waitForEvent('download');
    await page.getByTestId('export-download').click();
    const download = await downloading;
    expect(download.suggestedFilename()).toMatch(/\.ckpt$/);
    const saved = path.join(mkdtempSync(path.join(os.tmpdir(), 'ckpt-lens-migrated-')), download.suggestedFilename());
    await download.saveAs(saved);
    await expect.poll(() => page.getByTestId('export-result').textContent()).toContain('15 entries');

    // Reopen the download in the page: every tensor, under its MindSpore name.
    await pickFiles(page, [saved]);
    await expect.poll(() => page.getByTestId('param-count').textContent()).toBe(String(torchTensors.length));
    const body = await page.getByTestId('tensor-table-body').textContent();
    for (const [, to] of mapped) expect(body).toContain(to);

    // The values: each MindSpore tensor's bytes hash to the torch tensor it was mapped from.
    // The two buffers the network does not need keep their torch names and values.
    const written = await tensorHashes(readFileSync(saved));
    expect(written.size).toBe(torchTensors.length);
    for (const [from, to] of [...mapped, ...notNeeded.map((name) => [name, name] as const)]) {
      const torch = torchTensors.find((tensor) => tensor.name === from);
      expect(torch, from).toBeDefined();
      expect(written.get(to), to).toEqual({ shape: torch?.shape, sha256: torch?.sha256 });
    }
  });
});
