import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { encodeRecord } from '../src/formats/ckpt/write';
import { FIXTURES, opfsFiles, pickFiles, pickersIntoOpfs, useSession } from './harness';

const KEY = '404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f';
const session = useSession();

/** Export with a cast to Float16 and AES-GCM under KEY, as a download saved into `dir`; its path. */
async function downloadCastEncrypted(page: Page, dir: string): Promise<string> {
  await page.getByTestId('export-cast').selectOption('Float16');
  await page.getByTestId('export-encrypt').check();
  await page.getByTestId('export-enc-mode').selectOption('AES-GCM');
  await page.getByTestId('export-key').fill(KEY);
  const downloading = page.waitForEvent('download');
  await page.getByTestId('export-download').click();
  const download = await downloading;
  const saved = path.join(dir, download.suggestedFilename());
  await download.saveAs(saved);
  return saved;
}

describe('export', () => {
  it('filter, rename, cast to Float16, export encrypted .ckpt, reopen it with the key', async () => {
    const { page } = session();
    await pickFiles(page, [path.join(FIXTURES, 'real/XMU_AI_ISP__checkpoint_lenet-1_1875.ckpt')]);
    await expect.poll(() => page.getByTestId('param-count').textContent()).toBe('19');
    await page.getByTestId('filter-input').fill('not startsWith("moments.") and dtype == Float32 and rank >= 1');
    await expect.poll(() => page.getByTestId('filter-status').textContent()).toContain('8 of 19');

    await page.getByTestId('panel-tab-export').click();
    await page.getByTestId('name-map-rules').fill('^fc(\\d)\\. => dense$1.');
    await expect.poll(() => page.getByTestId('rename-preview').textContent()).toContain('6 renamed');
    const saved = await downloadCastEncrypted(page, mkdtempSync(path.join(os.tmpdir(), 'ckpt-lens-export-')));
    expect(saved).toMatch(/\.ckpt$/);
    await expect.poll(() => page.getByTestId('export-result').textContent()).toContain('8 entries');
    expect(await page.getByTestId('cast-report').textContent()).toContain('0 overflowed');
    await page.getByTestId('export-verify').click();
    await expect.poll(() => page.getByTestId('verify-result').textContent()).toContain('Verified');

    // Re-open the written file: it is encrypted; the key opens it; names, dtypes are the plan's.
    await page.getByTestId('filter-input').fill('');
    await pickFiles(page, [saved]);
    await expect.poll(() => page.locator('.key-prompt').textContent()).toContain('AES-GCM');
    await page.getByTestId('key-input').fill(KEY);
    await page.getByTestId('decrypt').click();
    await expect.poll(() => page.getByTestId('param-count').textContent()).toBe('8');
    const body = await page.getByTestId('tensor-table-body').textContent();
    expect(body).toContain('dense1.weight');
    expect(body).toContain('conv1.weight');
    expect(body).not.toContain('fc1.weight');
    expect(body).not.toContain('Float32');
    expect(body).toContain('Float16');
  });

  it('a 3 MB cast to Float16, encrypted with AES-GCM (sealed in pieces), verifies and reopens', async () => {
    const { page } = session();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ckpt-lens-export-'));
    const source = path.join(dir, 'large.ckpt');
    const floats = (count: number, seed: number): Uint8Array =>
      new Uint8Array(Float32Array.from({ length: count }, (_, i) => Math.sin(i * seed) * 3).buffer);
    writeFileSync(
      source,
      Buffer.concat([
        encodeRecord('layer.0.weight', [500, 800], 'Float32', floats(400_000, 1)),
        encodeRecord('layer.1.weight', [400_000], 'Float32', floats(400_000, 2)),
        encodeRecord('step', [1], 'Int32', new Uint8Array(4)),
      ]),
    );
    await pickFiles(page, [source]);
    await expect.poll(() => page.getByTestId('param-count').textContent()).toBe('3');
    await page.getByTestId('panel-tab-export').click();
    const saved = await downloadCastEncrypted(page, dir);
    await expect.poll(() => page.getByTestId('export-result').textContent()).toContain('3 entries');
    expect(await page.getByTestId('cast-report').textContent()).toContain('0 overflowed');
    await page.getByTestId('export-verify').click();
    await expect.poll(() => page.getByTestId('verify-result').textContent()).toContain('Verified');

    await pickFiles(page, [saved]);
    await page.getByTestId('key-input').fill(KEY);
    await page.getByTestId('decrypt').click();
    await expect.poll(() => page.getByTestId('param-count').textContent()).toBe('3');
    const body = await page.getByTestId('tensor-table-body').textContent();
    expect(body).toContain('layer.1.weight');
    expect(body).toContain('Float16');
    expect(body).not.toContain('Float32');
  });

  it('Save to file… writes the bytes a download gives, and the saved file verifies', async () => {
    const { page } = session();
    await pickFiles(page, [path.join(FIXTURES, 'real/XMU_AI_ISP__checkpoint_lenet-1_1875.ckpt')]);
    await expect.poll(() => page.getByTestId('param-count').textContent()).toBe('19');
    await page.getByTestId('filter-input').fill('not startsWith("moments.")');
    await page.getByTestId('panel-tab-export').click();
    await page.getByTestId('export-cast').selectOption('Float16');
    await page.getByTestId('export-crc').check();

    const downloading = page.waitForEvent('download');
    await page.getByTestId('export-download').click();
    const download = await downloading;
    const downloaded = path.join(mkdtempSync(path.join(os.tmpdir(), 'ckpt-lens-export-')), 'download.ckpt');
    await download.saveAs(downloaded);
    await expect.poll(() => page.getByTestId('export-result').textContent()).toContain('Wrote');

    // The same export through "Save to file…" (a handle in the origin-private file system).
    await pickersIntoOpfs(page);
    await page.getByTestId('export-save').click();
    const name = 'XMU_AI_ISP__checkpoint_lenet-1_1875.export.ckpt';
    await expect.poll(() => page.getByTestId('export-result').textContent()).toContain(`Saved ${name}`);
    const saved = (await opfsFiles(page)).get(name);
    expect(saved?.length).toBeGreaterThan(0);
    expect(saved?.equals(readFileSync(downloaded))).toBe(true);
    expect(saved?.subarray(-17, -10).toString('latin1')).toBe('crc_num');

    // Verify reads the saved file back through its handle.
    await page.getByTestId('export-verify').click();
    await expect.poll(() => page.getByTestId('verify-result').textContent()).toContain('Verified');
  });
});
