import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, pickFiles, useSession } from './harness';

const session = useSession();

describe('will it load?', () => {
  it('a real graph .meta next to its checkpoint loads fully', async () => {
    const { page } = session();
    await pickFiles(page, [path.join(FIXTURES, 'real/XMU_AI_ISP__checkpoint_lenet-1_1875.ckpt')]);
    await expect.poll(() => page.getByTestId('param-count').textContent()).toBe('19');
    await page.getByTestId('panel-tab-load-check').click();
    await page
      .getByTestId('manifest-input')
      .setInputFiles(path.join(FIXTURES, 'real/manifests/XMU_AI_ISP__checkpoint_lenet-graph.meta'));
    await expect.poll(() => page.getByTestId('load-verdict').textContent()).toBe('Every network parameter loads.');
    expect(await page.getByTestId('manifest-info').textContent()).toContain('2 graph inputs ignored');
  });

  it('with a filter and a hand-written manifest: errors, param_not_load and a suggestion', async () => {
    const { page } = session();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ckpt-lens-manifest-'));
    const manifest = path.join(dir, 'net.json');
    writeFileSync(
      manifest,
      JSON.stringify({
        'conv1.weight': { shape: [6, 1, 5, 5], dtype: 'Float32' },
        'fc_1.weight': { shape: [120, 400], dtype: 'Float32' },
        'fc2.bias': { shape: [10], dtype: 'Float32' },
      }),
    );
    await pickFiles(page, [path.join(FIXTURES, 'real/XMU_AI_ISP__checkpoint_lenet-1_1875.ckpt')]);
    await expect.poll(() => page.getByTestId('param-count').textContent()).toBe('19');
    await page.getByTestId('filter-input').fill('not startsWith("moments.")');
    await page.getByTestId('panel-tab-load-check').click();
    await page.getByTestId('manifest-input').setInputFiles(manifest);
    await expect.poll(() => page.getByTestId('load-verdict').textContent()).toContain('RuntimeError on fc2.bias');
    const rows = await page.getByTestId('load-rows').textContent();
    expect(rows).toContain('fc_1.weight');
    expect(rows).toMatch(/did you mean fc1\.weight/);
    // fc2.bias raises on its shape: a hint about the shapes, never "did you mean fc2.bias".
    expect(rows).not.toMatch(/did you mean fc2\.bias/);
    expect(rows).toMatch(/hint: different layer size/);
    expect(await page.getByTestId('manifest-info').textContent()).toContain('Checkpoint: 11 entries');
  });
});
