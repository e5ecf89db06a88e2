import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, pickFiles, useSession } from './harness';

const session = useSession();

describe('integrity', () => {
  it('verifies the CRC trailer of the sample, and catches one flipped byte in a copy', async () => {
    const { page } = session();
    await page.getByTestId('try-sample').click();
    await expect.poll(() => page.getByTestId('param-count').textContent()).toBe('20');
    await page.getByTestId('verify-integrity').click();
    await expect.poll(() => page.getByTestId('integrity-report').textContent()).toContain('CRC ok');
    expect(await page.getByTestId('summary').textContent()).toContain('verified');

    const sample = readFileSync(path.resolve(import.meta.dirname, '../public/samples/lenet-sample.ckpt'));
    const damaged = Buffer.from(sample);
    damaged[200_000] = (damaged[200_000] as number) ^ 0x01; // inside fc1.weight's content
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'ckpt-lens-crc-')), 'damaged.ckpt');
    writeFileSync(file, damaged);
    await pickFiles(page, [file]);
    await expect.poll(() => page.getByTestId('param-count').textContent()).toBe('20');
    await page.getByTestId('verify-integrity').click();
    await expect.poll(() => page.getByTestId('integrity-report').textContent()).toContain('CRC MISMATCH');
    // The verdict above the report, the summary and the tab's dot agree: a finding, in red.
    await expect.poll(() => page.getByTestId('file-verdict').textContent()).toMatch(/^Finding: the CRC does not match/);
    expect(await page.getByTestId('problems').textContent()).not.toContain('No structural problems');
    expect(await page.getByTestId('summary').textContent()).toContain('MISMATCH');
    const dot = page.locator('[role="tab"][aria-selected="true"] [data-testid="file-tab-dot"]');
    expect(await dot.getAttribute('data-verdict')).toBe('finding');
    expect(await dot.evaluate((node) => getComputedStyle(node).backgroundColor)).not.toBe('rgb(46, 158, 91)');
    // The sample's tab, verified earlier, stays green.
    const sampleDot = page.locator('[role="tab"][aria-selected="false"] [data-testid="file-tab-dot"]');
    expect(await sampleDot.getAttribute('data-verdict')).toBe('clean');
  });

  it('a safetensors file without crc_num: "could not be checked", never "intact"', async () => {
    const { page } = session();
    await pickFiles(page, [path.join(FIXTURES, 'real/mnist-tinygrad__model.safetensors')]);
    await expect.poll(() => page.getByTestId('file-verdict').textContent()).toBe('No structural problems found.');
    await page.getByTestId('verify-integrity').click();
    // The report says what was checked (the structure) and what could not be (the bytes), not "ok".
    await expect
      .poll(() => page.getByTestId('integrity-report').textContent())
      .toContain(
        'No findings in the structure (every tensor against its shape, dtype and the file); with no CRC, the bytes themselves could not be checked.',
      );
    const problems = await page.getByTestId('problems').textContent();
    expect(problems).toContain('could not be checked');
    expect(problems).not.toMatch(/intact|CRC verified/);
  });

  it('a PyTorch zip: every entry CRC-32 verifies; a flipped byte in a copy names the entry; 0-d values show', async () => {
    const { page } = session();
    await pickFiles(page, [path.join(FIXTURES, 'pytorch/tiny_cnn.pt')]);
    await expect.poll(() => page.getByTestId('param-count').textContent()).toBe('15');
    expect(await page.getByTestId('summary').textContent()).toContain('one per zip entry, 21 entries');
    // BatchNorm's 0-d num_batches_tracked shows its value in the table.
    await expect.poll(() => page.getByTestId('tensor-table-body').textContent()).toContain('= 1875');
    await page.getByTestId('verify-integrity').click();
    await expect
      .poll(() => page.getByTestId('integrity-report').textContent())
      .toContain('CRC-32 ok for all 21 zip entries');
    expect(await page.getByTestId('summary').textContent()).toContain('verified');

    const bytes = readFileSync(path.join(FIXTURES, 'pytorch/tiny_cnn.pt'));
    const name = bytes.indexOf('tiny_cnn/data/1');
    const data = name + 'tiny_cnn/data/1'.length + bytes.readUInt16LE(name - 2);
    bytes[data + 3] = (bytes[data + 3] as number) ^ 0x04;
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'ckpt-lens-zipcrc-')), 'tiny_cnn_damaged.pt');
    writeFileSync(file, bytes);
    await pickFiles(page, [file]);
    await expect.poll(() => page.getByTestId('param-count').textContent()).toBe('15');
    await page.getByTestId('verify-integrity').click();
    await expect
      .poll(() => page.getByTestId('integrity-report').textContent())
      .toContain('CRC MISMATCH in 1 zip entry');
    expect(await page.getByTestId('zip-crc-mismatch').textContent()).toContain('zip entry "tiny_cnn/data/1"');
    await expect.poll(() => page.getByTestId('file-verdict').textContent()).toMatch(/^Finding: the CRC does not match/);
  });

  it("shows the file's SHA-256 and compares it with a published digest", async () => {
    const { page } = session();
    await page.getByTestId('try-sample').click();
    await expect.poll(() => page.getByTestId('param-count').textContent()).toBe('20');
    const sample = readFileSync(path.resolve(import.meta.dirname, '../public/samples/lenet-sample.ckpt'));
    const want = createHash('sha256').update(sample).digest('hex');
    await page.getByTestId('file-sha256').click();
    await expect.poll(() => page.getByTestId('file-sha256-value').textContent()).toBe(want);
    await page.getByTestId('file-sha256-published').fill(`sha256:${want.toUpperCase()}`);
    expect(await page.getByTestId('file-sha256-match').textContent()).toBe('matches');
    await page.getByTestId('file-sha256-published').fill('0'.repeat(64));
    expect(await page.getByTestId('file-sha256-match').textContent()).toContain('DIFFERS');
  });
});
