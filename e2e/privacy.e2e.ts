import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, pickFiles, useSession } from './harness';

const session = useSession();
const KEY = '0123456789abcdeffedcba9876543210';

describe('privacy over a whole session', () => {
  it('open, decrypt, diff, export: every request stays on the page origin and no key is kept', async () => {
    const { page, requests, baseUrl } = session();
    // Open a sample and a real checkpoint.
    await page.getByTestId('try-sample').click();
    await expect.poll(() => page.getByTestId('param-count').textContent()).toBe('20');
    // Decrypt an SM4 file (WASM on the decrypt pool).
    await pickFiles(page, [path.join(FIXTURES, 'crypto/tiny_sm4_cbc.ckpt')]);
    await page.getByTestId('key-input').fill(KEY);
    await page.getByTestId('decrypt').click();
    await expect.poll(() => page.getByTestId('param-count').textContent()).toBe('3');
    // Diff a real checkpoint against its graph .meta.
    await pickFiles(page, [path.join(FIXTURES, 'real/XMU_AI_ISP__checkpoint_lenet-1_1875.ckpt')]);
    await expect.poll(() => page.getByTestId('param-count').textContent()).toBe('19');
    await page.getByTestId('panel-tab-load-check').click();
    await page
      .getByTestId('manifest-input')
      .setInputFiles(path.join(FIXTURES, 'real/manifests/XMU_AI_ISP__checkpoint_lenet-graph.meta'));
    await expect.poll(() => page.getByTestId('load-verdict').textContent()).toBe('Every network parameter loads.');
    // Export it encrypted and verify the written file.
    await page.getByTestId('panel-tab-export').click();
    await page.getByTestId('export-encrypt').check();
    await page.getByTestId('export-enc-mode').selectOption('SM4-CBC');
    await page.getByTestId('export-key').fill(KEY);
    const downloading = page.waitForEvent('download');
    await page.getByTestId('export-download').click();
    await downloading;
    await page.getByTestId('export-verify').click();
    await expect.poll(() => page.getByTestId('verify-result').textContent()).toContain('Verified');

    // Every request of the session: the site's own files, and blob:/data: URLs; nothing else.
    const origin = new URL(baseUrl).origin;
    const outside = requests.filter(
      (url) => !url.startsWith('blob:') && !url.startsWith('data:') && new URL(url).origin !== origin,
    );
    expect(outside).toEqual([]);
    expect(requests.length).toBeGreaterThan(0);
    // The key is nowhere at rest: storage, IndexedDB, cookies, the URL, the console.
    const atRest = await page.evaluate(async () => {
      const idb = 'databases' in indexedDB ? await indexedDB.databases() : [];
      return JSON.stringify({
        local: { ...localStorage },
        session: { ...sessionStorage },
        idb,
        url: location.href,
        cookie: document.cookie,
      });
    });
    expect(atRest.toLowerCase()).not.toContain(KEY);
    expect(session().consoleMessages.join('\n').toLowerCase()).not.toContain(KEY);
    expect(await page.getByTestId('export-key').inputValue()).toBe('');
  });
});
