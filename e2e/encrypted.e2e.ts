import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { encryptBytes } from '../src/crypto/encrypt';
import { readFrameTable } from '../src/crypto/frames';
import { encodeRecord } from '../src/formats/ckpt/write';
import { MemorySource } from '../src/io/byte-source';
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

  it('large AES-GCM blocks (decrypted in pieces): the right key opens, a wrong key and a damaged block are told apart', async () => {
    const { page } = session();
    const values = (count: number, seed: number): Uint8Array =>
      new Uint8Array(Float32Array.from({ length: count }, (_, i) => Math.sin(i * seed)).buffer);
    const plaintext = Buffer.concat([
      encodeRecord('encoder.weight', [300_000], 'Float32', values(300_000, 1)),
      encodeRecord('encoder.bias', [1000], 'Float32', values(1000, 2)),
      encodeRecord('decoder.weight', [200_000], 'Float32', values(200_000, 3)),
    ]);
    // Three blocks of 600–700 kB (past the size decrypted in one call, as MindSpore's 64 MiB ones).
    const key = Uint8Array.from(Buffer.from(AES_KEY, 'hex'));
    const file = await encryptBytes(plaintext, { mode: 'AES-GCM', key, blockBytes: 700_000 });
    const table = await readFrameTable(new MemorySource(file));
    expect(Array.from(table.cipherLengths).every((length) => length > 600_000)).toBe(true);
    expect(table.count).toBe(3);
    const damaged = file.slice();
    damaged[(table.offsets[1] as number) + 5000]! ^= 0x10;
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ckpt-lens-gcm-'));
    writeFileSync(path.join(dir, 'large_gcm.ckpt'), file);
    writeFileSync(path.join(dir, 'large_gcm_damaged.ckpt'), damaged);

    await pickFiles(page, [path.join(dir, 'large_gcm.ckpt')]);
    await decryptWith('ff'.repeat(16));
    await expect.poll(() => page.getByRole('alert').first().textContent()).toMatch(/wrong key/i);
    await decryptWith(AES_KEY);
    await expect.poll(() => page.getByTestId('param-count').textContent()).toBe('3');
    expect(await page.getByTestId('tensor-table-body').textContent()).toContain('decoder.weight');

    await pickFiles(page, [path.join(dir, 'large_gcm_damaged.ckpt')]);
    await decryptWith(AES_KEY);
    await expect
      .poll(() => page.getByRole('alert').first().textContent())
      .toMatch(/Cipher block 1 is corrupted.*The key is right: block 0 decrypted/s);
  });
});
