import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, pickFiles, useSession } from './harness';

const crypto = (name: string): string => path.join(FIXTURES, 'crypto', name);
const SM4_KEY = '0123456789abcdeffedcba9876543210';
const AES_KEY = '000102030405060708090a0b0c0d0e0f';
const session = useSession();

async function decryptWith(key: string): Promise<void> {
  const { page } = session();
  await page.getByTestId('key-input').fill(key);
  await page.getByTestId('decrypt').click();
}

describe('encrypted checkpoints', () => {
  it('opens SM4-CBC and AES-GCM files with their keys; keys are never kept at rest', async () => {
    const { page } = session();
    await pickFiles(page, [crypto('tiny_sm4_cbc.ckpt')]);
    await expect.poll(() => page.locator('.key-prompt').textContent()).toContain('SM4-CBC');
    await decryptWith(SM4_KEY);
    await expect.poll(() => page.getByTestId('param-count').textContent()).toBe('3');
    expect(await page.getByTestId('tensor-table-body').textContent()).toContain('conv.weight');
    expect(await page.getByTestId('summary').textContent()).toContain('encrypted SM4-CBC');

    await pickFiles(page, [crypto('tiny_aes_gcm.ckpt')]);
    await expect.poll(() => page.locator('.key-prompt').textContent()).toContain('AES-GCM');
    await decryptWith(AES_KEY);
    await expect.poll(() => page.getByTestId('summary').textContent()).toContain('encrypted AES-GCM');

    // No key in storage, the URL or the console.
    const stored = await page.evaluate(async () => {
      const idb = 'databases' in indexedDB ? await indexedDB.databases() : [];
      return JSON.stringify({
        local: { ...localStorage },
        session: { ...sessionStorage },
        idb,
        url: location.href,
        cookie: document.cookie,
      });
    });
    for (const key of [SM4_KEY, AES_KEY]) {
      expect(stored.toLowerCase()).not.toContain(key);
      expect(session().consoleMessages.join('\n').toLowerCase()).not.toContain(key);
    }
    expect(await page.getByTestId('key-input').count()).toBe(0);
  });

  it('a wrong key says so, and the right key still works afterwards', async () => {
    const { page } = session();
    await pickFiles(page, [crypto('tiny_aes_cbc.ckpt')]);
    await decryptWith('ff'.repeat(16));
    await expect.poll(() => page.getByRole('alert').first().textContent()).toMatch(/wrong key/i);
    await decryptWith(AES_KEY);
    await expect.poll(() => page.getByTestId('param-count').textContent()).toBe('3');
  });
});
