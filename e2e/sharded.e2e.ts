import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { dropFiles, FIXTURES, useSession } from './harness';

const session = useSession();
const SET = path.join(FIXTURES, 'pytorch/sharded_safetensors');
const NET = path.join(FIXTURES, 'pytorch/tiny_cnn.mindspore_net.json');
const fileTabs = (page: Page) => page.getByRole('tablist', { name: 'Open files' }).getByRole('tab');

describe('a sharded checkpoint opens as one model', () => {
  it('the sharded_safetensors folder through the folder picker: one tab, 15 parameters, a shard column', async () => {
    const { page } = session();
    await page.getByTestId('folder-input').setInputFiles(SET);
    await expect.poll(() => page.getByTestId('param-count').textContent()).toBe('15');
    expect(await fileTabs(page).count()).toBe(1);
    expect(await fileTabs(page).textContent()).toContain('sharded_safetensors');
    expect(await page.getByTestId('shard-count').textContent()).toContain('2 shards (model.safetensors.index.json)');
    const header = await page.getByRole('columnheader').allTextContents();
    expect(header.join('|')).toContain('Shard');
    const body = await page.getByTestId('tensor-table-body').textContent();
    expect(body).toContain('model-00001-of-00002.safetensors');
    expect(body).toContain('model-00002-of-00002.safetensors');
  });

  it("the folder's files dropped at once; the load check goes green with Auto-map", async () => {
    const { page } = session();
    await dropFiles(
      page,
      ['model.safetensors.index.json', 'model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors'].map(
        (name) => ({ path: path.join(SET, name) }),
      ),
    );
    await expect.poll(() => page.getByTestId('param-count').textContent()).toBe('15');
    expect(await fileTabs(page).count()).toBe(1);
    await page.getByTestId('panel-tab-load-check').click();
    await page.getByTestId('manifest-input').setInputFiles(NET);
    await expect
      .poll(() => page.getByTestId('load-verdict').textContent())
      .toBe('Loads, but 8 network parameters keep their initial values.');
    await page.getByTestId('auto-map-button').click();
    const proposals = await page.getByTestId('auto-map-proposals').textContent();
    expect(proposals).toContain('bn1.running_var → bn1.moving_variance: BatchNorm');
    expect(await page.getByTestId('auto-map-not-needed').textContent()).toContain('bn2.num_batches_tracked');
    await page.getByTestId('auto-map-apply').click();
    await expect.poll(() => page.getByTestId('load-verdict').textContent()).toBe('Every network parameter loads.');
    await expect.poll(() => page.getByTestId('auto-map-none').count()).toBe(1);
  });
});
