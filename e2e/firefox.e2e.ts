import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import puppeteer, { type Browser, type ElementHandle, type Page } from 'puppeteer-core';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { encryptBytes } from '../src/crypto/encrypt';
import { encodeRecord } from '../src/formats/ckpt/write';
import { FIXTURES } from './harness';

/**
 * Not only Chromium: a smoke run in Debian's firefox-esr, driven over WebDriver BiDi with
 * puppeteer-core (no driver, no browser download). Firefox has no File System Access API, so
 * the export panel must offer Download alone and say why.
 */
const FIREFOX = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';
const SM4_KEY = '0123456789abcdeffedcba9876543210';
/** vectors.json keys.k24: bytes 20..37, an AES-192 key. */
const AES_192_KEY = '202122232425262728292a2b2c2d2e2f3031323334353637';
const AES_128_KEY = '000102030405060708090a0b0c0d0e0f';

let browser: Browser;
let page: Page;
let work: string;
let downloads: string;
const pageErrors: string[] = [];

/** In the test itself (not a hook), so a missing Firefox fails the test instead of skipping it. */
async function launchFirefox(): Promise<void> {
  if (!existsSync(FIREFOX)) {
    throw new Error(
      `Firefox is not installed at ${FIREFOX}: install Debian's firefox-esr (apt-get install firefox-esr, as .ci/run does) or set FIREFOX_PATH.`,
    );
  }
  work = mkdtempSync(path.join(os.tmpdir(), 'ckpt-lens-firefox-'));
  downloads = path.join(work, 'downloads');
  browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: true,
    protocol: 'webDriverBiDi',
    userDataDir: path.join(work, 'profile'),
    extraPrefsFirefox: {
      // Downloads go straight to a folder of ours, with no dialog.
      'browser.download.folderList': 2,
      'browser.download.dir': downloads,
      'browser.download.useDownloadDir': true,
      'browser.download.always_ask_before_handling_new_types': false,
    },
  });
  page = await browser.newPage();
  page.on('pageerror', (error) => pageErrors.push(`pageerror: ${String(error)}`));
  page.on('console', (message) => {
    if (message.type() === 'error') pageErrors.push(message.text());
  });
  await page.goto(inject('baseUrl'));
}

afterAll(async () => {
  await browser?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

const text = (testId: string): Promise<string> =>
  page.$eval(`[data-testid="${testId}"]`, (element) => element.textContent ?? '').catch(() => '');

async function pick(file: string): Promise<void> {
  const input = await page.$('input[data-testid="file-input"]');
  if (!input) throw new Error('no file input on the page');
  await input.uploadFile(file);
}

/**
 * puppeteer's locators poll with code that the page's CSP (no eval) blocks in Firefox ESR 140
 * ("blocked a JavaScript eval"): wait for the element with `$` and act on its handle instead.
 */
async function element(selector: string): Promise<ElementHandle> {
  await expect.poll(async () => (await page.$(selector)) !== null, { timeout: 30_000 }).toBe(true);
  return (await page.$(selector)) as ElementHandle;
}

async function click(selector: string): Promise<void> {
  await (await element(selector)).click();
}

async function fill(selector: string, value: string): Promise<void> {
  const input = await element(selector);
  await input.evaluate((node) => (node as HTMLInputElement).select());
  await input.type(value);
}

async function decrypt(key: string, mode: string): Promise<void> {
  await expect.poll(() => page.$eval('.key-prompt', (element) => element.textContent ?? '')).toContain(mode);
  await fill('[data-testid="key-input"]', key);
  await click('[data-testid="decrypt"]');
}

describe('Firefox ESR over WebDriver BiDi', () => {
  it('sample, real .ckpt, SM4, 24-byte-key and large-block AES-GCM files, a filter and a Download export', async () => {
    await launchFirefox();
    await click('[data-testid="try-sample"]');
    await expect.poll(() => text('param-count')).toBe('20');

    await pick(path.join(FIXTURES, 'real/XMU_AI_ISP__checkpoint_lenet-1_1875.ckpt'));
    await expect.poll(() => text('param-count')).toBe('19');
    expect(await text('tensor-table-body')).toContain('conv1.weight');

    await pick(path.join(FIXTURES, 'crypto/tiny_sm4_cbc.ckpt'));
    await decrypt(SM4_KEY, 'SM4-CBC');
    await expect.poll(() => text('param-count')).toBe('3');
    expect(await text('tensor-table-body')).toContain('conv.weight');
    expect(await text('summary')).toContain('encrypted SM4-CBC');

    // The fixture's plain checkpoint, encrypted here with AES-192-GCM (no such file in fixtures).
    const gcm192 = path.join(work, 'tiny_aes192_gcm.ckpt');
    const plain = new Uint8Array(readFileSync(path.join(FIXTURES, 'crypto/tiny_plain.ckpt')));
    writeFileSync(gcm192, await encryptBytes(plain, { mode: 'AES-GCM', key: Buffer.from(AES_192_KEY, 'hex') }));
    await pick(gcm192);
    await decrypt(AES_192_KEY, 'AES-GCM');
    await expect.poll(() => text('summary')).toContain('encrypted AES-GCM');
    expect(await text('param-count')).toBe('3');
    expect(await text('tensor-table-body')).toContain('global_step');

    // A 16-byte key and blocks of 700 kB: WebCrypto's AES-CTR and GCM decrypt them in pieces.
    const large = path.join(work, 'large_aes_gcm.ckpt');
    const weights = new Uint8Array(Float32Array.from({ length: 400_000 }, (_, i) => Math.cos(i)).buffer);
    const records = Buffer.concat([
      encodeRecord('a.weight', [400_000], 'Float32', weights),
      encodeRecord('b.weight', [400_000], 'Float32', weights),
    ]);
    writeFileSync(
      large,
      await encryptBytes(records, { mode: 'AES-GCM', key: Buffer.from(AES_128_KEY, 'hex'), blockBytes: 700_000 }),
    );
    await pick(large);
    await decrypt(AES_128_KEY, 'AES-GCM');
    await expect.poll(() => text('param-count')).toBe('2');
    expect(await text('tensor-table-body')).toContain('b.weight');

    // Back on the real checkpoint's tab: filter, then export the match as a download.
    await pick(path.join(FIXTURES, 'real/XMU_AI_ISP__checkpoint_lenet-1_1875.ckpt'));
    await expect.poll(() => text('param-count')).toBe('19');
    await fill('[data-testid="filter-input"]', 'not startsWith("moments.") and rank >= 1');
    await expect.poll(() => text('filter-status')).toContain('of 19');
    const status = await text('filter-status');
    const matched = Number(/(\d+) of 19/.exec(status)?.[1]);
    expect(matched).toBeGreaterThan(0);
    expect(matched).toBeLessThan(19);
    const body = await text('tensor-table-body');
    expect(body).toContain('fc1.weight');
    expect(body).not.toContain('moments.');

    await click('[data-testid="panel-tab-export"]');
    await expect.poll(() => text('export-save-unavailable')).toContain('Download');
    expect(await page.$('[data-testid="export-save"]')).toBeNull();
    await click('[data-testid="export-download"]');
    await expect.poll(() => text('export-result')).toContain(`${matched} entries`);
    const name = 'XMU_AI_ISP__checkpoint_lenet-1_1875.export.ckpt';
    await expect
      .poll(() => (existsSync(path.join(downloads, name)) ? statSync(path.join(downloads, name)).size : 0), {
        timeout: 15_000,
      })
      .toBeGreaterThan(0);
    await expect.poll(() => readdirSync(downloads).filter((file) => file.endsWith('.part'))).toEqual([]);

    // The downloaded file is a checkpoint holding just what the filter matched.
    await pick(path.join(downloads, name));
    await expect.poll(() => text('param-count')).toBe(String(matched));
    expect(await text('tensor-table-body')).not.toContain('moments.');

    expect(pageErrors).toEqual([]);
  });
});
