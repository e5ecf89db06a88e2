import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterEach, beforeEach, expect, inject } from 'vitest';

export const FIXTURES = path.resolve(import.meta.dirname, '../../shared/fixtures');

export interface Session {
  page: Page;
  context: BrowserContext;
  baseUrl: string;
  /** Every URL the page requested. */
  requests: string[];
  consoleErrors: string[];
  consoleMessages: string[];
  close(): Promise<void>;
}

/** Debian's Chromium, headless, with a fresh profile and no background networking. */
export async function openSession(): Promise<Session> {
  const baseUrl = inject('baseUrl');
  const profile = mkdtempSync(path.join(os.tmpdir(), 'ckpt-lens-e2e-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    acceptDownloads: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const requests: string[] = [];
  const consoleErrors: string[] = [];
  const consoleMessages: string[] = [];
  context.on('request', (request) => requests.push(request.url()));
  page.on('console', (message) => {
    consoleMessages.push(message.text());
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(`pageerror: ${error.message}`));
  await page.goto(baseUrl);
  return {
    page,
    context,
    baseUrl,
    requests,
    consoleErrors,
    consoleMessages,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Requests that left the page's own origin (data: and blob: URLs stay local). */
export function foreignRequests(session: Session): string[] {
  const origin = new URL(session.baseUrl).origin;
  return session.requests.filter(
    (url) => !url.startsWith('data:') && !url.startsWith('blob:') && new URL(url).origin !== origin,
  );
}

/** A real drag-and-drop: a DataTransfer holding the file's bytes, dropped on the page. */
export async function dropFiles(page: Page, files: { path: string; name?: string }[]): Promise<void> {
  const payload = files.map((file) => ({
    name: file.name ?? path.basename(file.path),
    base64: readFileSync(file.path).toString('base64'),
  }));
  await page.evaluate((items) => {
    const transfer = new DataTransfer();
    for (const item of items) {
      const bytes = Uint8Array.from(atob(item.base64), (ch) => ch.charCodeAt(0));
      transfer.items.add(new File([bytes], item.name));
    }
    for (const type of ['dragenter', 'dragover', 'drop']) {
      window.dispatchEvent(new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }));
    }
  }, payload);
}

/** Through the file picker (what "Open files…" does), by path: no size cap. */
export async function pickFiles(page: Page, paths: string[]): Promise<void> {
  await page.getByTestId('file-input').setInputFiles(paths);
}

/**
 * A fresh browser session per test. After each test it asserts the two rules every e2e test
 * shares: the page made no request outside its own origin, and logged no console error.
 */
export function useSession(): () => Session {
  let session: Session | null = null;
  beforeEach(async () => {
    session = await openSession();
  });
  afterEach(async () => {
    const current = session as Session;
    try {
      expect(foreignRequests(current)).toEqual([]);
      expect(current.consoleErrors).toEqual([]);
    } finally {
      await current.close();
    }
  });
  return () => session as Session;
}

/**
 * "Save to file…" / "Save to folder…" without a picker dialog (headless Chromium cannot drive
 * one): the pickers hand out handles in the origin-private file system, which are real
 * FileSystemHandles with the same createWritable.
 */
export async function pickersIntoOpfs(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as Record<string, unknown>;
    w.showSaveFilePicker = async (options: { suggestedName?: string }) =>
      (await navigator.storage.getDirectory()).getFileHandle(options.suggestedName ?? 'out', { create: true });
    w.showDirectoryPicker = async () =>
      (await navigator.storage.getDirectory()).getDirectoryHandle(`folder-${Date.now()}`, { create: true });
  });
}

/** Every file in the origin-private file system: path → bytes. */
export async function opfsFiles(page: Page): Promise<Map<string, Buffer>> {
  const listed = await page.evaluate(async () => {
    const out: [string, string][] = [];
    const walk = async (dir: FileSystemDirectoryHandle, prefix: string): Promise<void> => {
      for await (const [name, handle] of dir as unknown as AsyncIterable<[string, FileSystemHandle]>) {
        if (handle.kind === 'directory') await walk(handle as FileSystemDirectoryHandle, `${prefix}${name}/`);
        else {
          const bytes = new Uint8Array(await (await (handle as FileSystemFileHandle).getFile()).arrayBuffer());
          let text = '';
          for (const byte of bytes) text += String.fromCharCode(byte);
          out.push([`${prefix}${name}`, btoa(text)]);
        }
      }
    };
    await walk(await navigator.storage.getDirectory(), '');
    return out;
  });
  return new Map(listed.map(([name, base64]) => [name, Buffer.from(base64, 'base64')]));
}
