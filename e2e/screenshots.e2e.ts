import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useSession } from './harness';

/**
 * The README's screenshots, taken from the built site with the embedded sample open, at a
 * desktop (1440 px) and a phone (390 px) width. Every e2e run takes them into e2e/out/;
 * `npm run docs:screenshots` (DOCS_SCREENSHOTS=1) writes them over docs/screenshots/.
 */
const OUT_DIR = process.env.DOCS_SCREENSHOTS === '1' ? 'docs/screenshots' : 'e2e/out/screenshots';
const session = useSession();

describe('documentation screenshots', () => {
  for (const { name, width, height } of [
    { name: 'ckpt-lens-1440.png', width: 1440, height: 900 },
    { name: 'ckpt-lens-390.png', width: 390, height: 844 },
  ])
    it(`${name}: the sample open at ${width} px`, async () => {
      const { page } = session();
      await page.setViewportSize({ width, height });
      await page.getByTestId('try-sample').click();
      await expect.poll(() => page.getByTestId('param-count').textContent()).toBe('20');
      await page.getByTestId('tensor-table-body').getByText('conv1.weight').first().waitFor();
      mkdirSync(OUT_DIR, { recursive: true });
      const file = path.join(OUT_DIR, name);
      const png = await page.screenshot({ path: file, animations: 'disabled' });
      // A PNG of the viewport's size: width and height are big-endian at bytes 16 and 20.
      expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([width, height]);
    });
});
