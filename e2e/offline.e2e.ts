import { describe, expect, it } from 'vitest';
import { useSession, type Session } from './harness';

const session = useSession();

/** Waits until the service worker has installed (precached the site) and controls the page. */
async function controlledByServiceWorker({ page }: Session): Promise<string> {
  return page.evaluate(async () => {
    const registration = await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller)
      await new Promise((resolve) =>
        navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }),
      );
    return registration.active?.scriptURL ?? '';
  });
}

describe('offline and installable', () => {
  it('reloads and opens the embedded sample with the network off, after one visit', async () => {
    const current = session();
    const { page, context, baseUrl } = current;
    expect(await controlledByServiceWorker(current)).toBe(new URL('sw.js', baseUrl).href);

    await context.setOffline(true);
    // The network is really gone: a file the service worker did not precache cannot be had.
    const uncached = await page.evaluate(() =>
      fetch('./not-in-the-precache.txt').then(
        (response) => `status ${response.status}`,
        (error: Error) => error.name,
      ),
    );
    expect(uncached).toBe('TypeError');
    // That failed request is logged as a console error on purpose; any other error still fails.
    const probeError = current.consoleErrors.findIndex((text) => text.includes('ERR_INTERNET_DISCONNECTED'));
    expect(probeError).toBeGreaterThanOrEqual(0);
    current.consoleErrors.splice(probeError, 1);

    await page.reload();
    await page.getByTestId('try-sample').click();
    await expect.poll(() => page.getByTestId('param-count').textContent()).toBe('20');
    expect(await page.getByTestId('summary').textContent()).toContain('present (');
    await context.setOffline(false);
  });

  it('has a manifest that makes it installable and a handler for .ckpt and .safetensors', async () => {
    const { page } = session();
    const manifestUrl = await page.locator('link[rel=manifest]').evaluate((link: HTMLLinkElement) => link.href);
    const manifest = await page.evaluate(async (url) => (await fetch(url)).json(), manifestUrl);
    expect(manifest).toMatchObject({ name: 'Ckpt Lens', display: 'standalone', start_url: './', scope: './' });
    const handler = manifest.file_handlers[0];
    expect(new URL(handler.action, manifestUrl).href).toBe(new URL('./', manifestUrl).href);
    expect(Object.values(handler.accept).flat()).toEqual(['.ckpt', '.safetensors']);
    // Chromium's installability needs a 192 px and a 512 px icon it can load.
    const icons = manifest.icons as { src: string; sizes: string; type: string }[];
    expect(icons.map((icon) => icon.sizes)).toEqual(expect.arrayContaining(['192x192', '512x512']));
    for (const icon of icons) {
      const loaded = await page.evaluate(async (src) => {
        const response = await fetch(src);
        const image = await createImageBitmap(await response.blob()).catch(() => null);
        return { status: response.status, width: image?.width ?? 0 };
      }, new URL(icon.src, manifestUrl).href);
      expect(loaded.status, icon.src).toBe(200);
      if (icon.sizes !== 'any') expect(`${loaded.width}x${loaded.width}`, icon.src).toBe(icon.sizes);
    }
  });

  it('opens a file the operating system hands to the installed app (launchQueue)', async () => {
    const { page, context } = session();
    // Headless Chromium cannot install the app or launch it with a file, so the launch queue is
    // stood in for: it keeps the app's consumer, and the test hands it a real file handle.
    await context.addInitScript(() => {
      Object.defineProperty(window, 'launchQueue', {
        configurable: true,
        value: {
          setConsumer(consumer: unknown) {
            (window as unknown as { launchConsumer: unknown }).launchConsumer = consumer;
          },
        },
      });
    });
    await page.reload();
    await page.evaluate(async () => {
      const bytes = await (await fetch('./samples/lenet-sample.ckpt')).arrayBuffer();
      const root = await navigator.storage.getDirectory();
      const handle = await root.getFileHandle('launched.ckpt', { create: true });
      const writable = await handle.createWritable();
      await writable.write(bytes);
      await writable.close();
      const consumer = (window as unknown as { launchConsumer: (params: { files: FileSystemHandle[] }) => unknown })
        .launchConsumer;
      await consumer({ files: [handle, root] });
    });
    await expect.poll(() => page.getByTestId('param-count').textContent()).toBe('20');
    expect(await page.locator('.file-tabs').textContent()).toContain('launched.ckpt');
  });
});
