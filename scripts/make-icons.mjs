// Renders public/icons/icon.svg to the PNG sizes the web app manifest lists, in Debian's
// Chromium (the e2e browser), so the icons can be redrawn from the one SVG. The maskable icon
// puts the artwork inside the 80% safe zone on the icon's own background colour; the Apple
// touch icon is opaque (iOS fills transparent corners with black).
// Run after editing the SVG: node scripts/make-icons.mjs (the PNGs are committed).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

const svg = readFileSync('public/icons/icon.svg', 'utf8');
const svgUrl = `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
const outputs = [
  { file: 'icon-192.png', size: 192, inset: 0, opaque: false },
  { file: 'icon-512.png', size: 512, inset: 0, opaque: false },
  { file: 'icon-maskable-512.png', size: 512, inset: 0.1, opaque: true },
  { file: 'apple-touch-icon-180.png', size: 180, inset: 0, opaque: true },
];

const profile = mkdtempSync(path.join(os.tmpdir(), 'ckpt-lens-icons-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
});
try {
  const page = context.pages()[0] ?? (await context.newPage());
  for (const { file, size, inset, opaque } of outputs) {
    await page.setViewportSize({ width: size, height: size });
    const pad = Math.round(size * inset);
    await page.setContent(
      `<body style="margin:0;background:${opaque ? '#1d3557' : 'transparent'}">` +
        `<img src="${svgUrl}" style="display:block;margin:${pad}px;width:${size - 2 * pad}px;height:${size - 2 * pad}px"></body>`,
    );
    await page.locator('img').evaluate((img) => img.decode());
    await page.screenshot({ path: path.join('public/icons', file), omitBackground: !opaque });
    process.stdout.write(`make-icons: public/icons/${file}\n`);
  }
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
