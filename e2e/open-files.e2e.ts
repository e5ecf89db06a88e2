import { writeFileSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeRecord } from '../src/formats/ckpt/write';
import { dropFiles, FIXTURES, pickFiles, useSession } from './harness';

const session = useSession();

describe('opening files in real Chromium', () => {
  it('opens the embedded sample', async () => {
    const { page } = session();
    await page.getByTestId('try-sample').click();
    await expect.poll(() => page.getByTestId('param-count').textContent()).toBe('20');
    const metadata = page.getByTestId('metadata');
    await expect.poll(() => metadata.textContent()).toContain('epoch_num');
    expect(await metadata.textContent()).toContain('Ckpt Lens sample');
    expect(await page.getByTestId('summary').textContent()).toContain('present (');
  });

  it('shows the parameters and metadata of a dropped real .ckpt', async () => {
    const { page } = session();
    await dropFiles(page, [{ path: path.join(FIXTURES, 'real/XMU_AI_ISP__checkpoint_lenet-1_1875.ckpt') }]);
    await expect.poll(() => page.getByTestId('param-count').textContent()).toBe('19');
    const body = page.getByTestId('tensor-table-body');
    expect(await body.textContent()).toContain('conv1.weight');
    expect(await body.textContent()).toContain('[6, 1, 5, 5]');
    expect(await page.getByTestId('metadata').textContent()).toContain('learning_rate');
    // Selecting a row shows its details.
    await page
      .getByRole('row', { name: /fc1\.bias/ })
      .first()
      .click();
    expect(await page.getByTestId('tensor-details').textContent()).toContain('120');
  });

  it('shows a real .safetensors file with its __metadata__, and tabs for several files', async () => {
    const { page } = session();
    await pickFiles(page, [
      path.join(FIXTURES, 'real/lora-imdb-distilbert__adapter_model.safetensors'),
      path.join(FIXTURES, 'real/mindcv__network_2.ckpt'),
    ]);
    await expect.poll(() => page.locator('.file-tabs').getByRole('tab').count()).toBe(2);
    await page.getByRole('tab', { name: /adapter_model/ }).click();
    await expect.poll(() => page.getByTestId('param-count').textContent()).toBe('28');
    expect(await page.getByTestId('metadata').textContent()).toContain('format');
    expect(await page.getByTestId('tensor-table-body').textContent()).toContain('lora_A');
  });

  it('lists [1]-shaped weights in the table, not under append_dict; export ticks only what it writes', async () => {
    const { page } = session();
    // BatchNorm statistics and affine weights of one channel: Float32 [1], as MindSpore saves them,
    // beside true append_dict values (Int64, Float32 and str scalars).
    const float = (value: number): Uint8Array => new Uint8Array(new Float32Array([value]).buffer);
    const bytes = Buffer.concat([
      encodeRecord('bn1.gamma', [1], 'Float32', float(1.25)),
      encodeRecord('bn1.beta', [1], 'Float32', float(-0.5)),
      encodeRecord('bn1.moving_mean', [1], 'Float32', float(0.031)),
      encodeRecord('bn1.moving_variance', [1], 'Float32', float(0.98)),
      encodeRecord('conv1.bias', [1], 'Float32', float(0.001)),
      encodeRecord('epoch_num', [], 'Int64', new Uint8Array([7, 0, 0, 0, 0, 0, 0, 0])),
      encodeRecord('learning_rate', [], 'Float32', float(0.01)),
      encodeRecord('note', [0], 'str', new Uint8Array([0x6f, 0, 0, 0, 0x6b, 0, 0, 0])), // "ok" in UTF-32LE
    ]);
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'ckpt-lens-bn-')), 'bn.ckpt');
    writeFileSync(file, bytes);
    await pickFiles(page, [file]);
    await expect.poll(() => page.getByTestId('param-count').textContent()).toBe('8');
    const metadata = (await page.getByTestId('metadata').textContent()) ?? '';
    expect(metadata).toContain('epoch_num');
    expect(metadata).toContain('learning_rate');
    expect(metadata).toContain('note');
    expect(metadata).not.toMatch(/bn1|conv1/);
    const table = await page.getByTestId('tensor-table-body').textContent();
    for (const name of ['bn1.gamma', 'bn1.beta', 'bn1.moving_mean', 'bn1.moving_variance', 'conv1.bias']) {
      expect(table).toContain(name);
    }
    expect(table).toContain('= 1.25');

    // Export: the filter leaves learning_rate out, so it shows unticked and disabled.
    await page.getByTestId('filter-input').fill('not startsWith("learning")');
    await page.getByTestId('panel-tab-export').click();
    const choices = page.getByTestId('append-choice');
    await expect.poll(() => choices.count()).toBe(3);
    expect((await choices.allTextContents()).map((text) => text.trim())).toEqual([
      'keep epoch_num',
      'keep learning_rate (left out by the filter: not written)',
      'keep note',
    ]);
    const excluded = choices.nth(1).getByRole('checkbox');
    expect(await excluded.isChecked()).toBe(false);
    expect(await excluded.isDisabled()).toBe(true);
    expect(await choices.nth(0).getByRole('checkbox').isChecked()).toBe(true);
  });

  it('a renamed file is recognised by its content', async () => {
    const { page } = session();
    await dropFiles(page, [{ path: path.join(FIXTURES, 'real/zig_ml__test.safetensors'), name: 'weights.bin' }]);
    await expect.poll(() => page.getByTestId('summary').textContent()).toContain('safetensors');
  });

  it('a dropped PyTorch .pt opens: its tensor, and the posix.system call it would make named, not run', async () => {
    const { page } = session();
    await dropFiles(page, [{ path: path.join(FIXTURES, 'pytorch/malicious.pt') }]);
    await expect.poll(() => page.getByTestId('param-count').textContent()).toBe('1');
    expect(await page.getByTestId('summary').textContent()).toContain('PyTorch');
    expect(await page.getByTestId('tensor-table-body').textContent()).toContain('weight');
    expect(await page.getByTestId('problems').textContent()).toContain(
      "torch.load would run posix.system('echo pwned > /tmp/ckpt-lens-pwned')",
    );
  });

  it('a malformed file shows an error sentence and the page keeps working', async () => {
    const { page } = session();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ckpt-lens-bad-'));
    const bad = path.join(dir, 'truncated.ckpt');
    // A real checkpoint cut in the middle of a record.
    const { readFileSync } = await import('node:fs');
    writeFileSync(bad, readFileSync(path.join(FIXTURES, 'real/mindcv__network_2.ckpt')).subarray(0, 5000));
    await pickFiles(page, [bad]);
    const alert = page.getByRole('alert');
    await expect.poll(() => alert.textContent()).toContain('cut short');
    expect(await alert.textContent()).toContain('Get a complete copy');
    await page.getByTestId('try-sample').click();
    await expect.poll(() => page.getByTestId('param-count').textContent()).toBe('20');
    // The broken file's tab is still there, untouched.
    expect(await page.locator('.file-tabs').getByRole('tab').count()).toBe(2);
  });
});
