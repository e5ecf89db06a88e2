import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { checkpointParts, encodeRecord, stringRecordEntry } from '../src/formats/ckpt/write';
import { FIXTURES, pickFiles, useSession } from './harness';

/** Details of the web app found in a walkthrough (issue #18 item 5), each in real Chromium. */
const session = useSession();
const CASE1 = path.join(FIXTURES, 'distributed/case1_tp_dp');
const CASE1_RANKS = [0, 1, 2, 3, 4, 5, 6, 7].map((rank) => path.join(CASE1, `rank_${rank}`, `checkpoint_${rank}.ckpt`));

const tmp = (): string => mkdtempSync(path.join(os.tmpdir(), 'ckpt-lens-details-'));

/** A small .ckpt of `tensors` Float32 [2] weights named by `nameOf`, plus append_dict `strings`. */
function checkpoint(
  file: string,
  tensors: number,
  nameOf: (i: number) => string,
  strings: Record<string, string> = {},
): string {
  const records = Array.from({ length: tensors }, (_, i) =>
    encodeRecord(nameOf(i), [2], 'Float32', new Uint8Array(new Float32Array([i, -i]).buffer)),
  );
  const parts = checkpointParts(Object.entries(strings).map(([name, text]) => stringRecordEntry(name, text)));
  const bytes = parts.map((part) => {
    if (part.kind !== 'bytes') throw new Error('only in-memory parts here');
    return part.bytes;
  });
  writeFileSync(file, Buffer.concat([...records, ...bytes]));
  return file;
}

/** How far the page scrolls sideways (0 = it does not). */
const sidewaysScroll = (page: Page): Promise<number> =>
  page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

describe('file tabs: two open files of the same name', () => {
  it('from a folder: the tabs show as much of the folder as tells them apart, the full path in title and name', async () => {
    const { page } = session();
    const root = path.join(tmp(), 'run');
    for (const rank of [0, 1]) {
      mkdirSync(path.join(root, `rank_${rank}`), { recursive: true });
      checkpoint(path.join(root, `rank_${rank}`, 'fp16.ckpt'), 3, (i) => `layer.${i}.weight`);
    }
    // The folder is picked in the distributed view; each rank's file opens from there on its own.
    await page.getByTestId('open-set').click();
    await page.getByTestId('set-folder-input').setInputFiles(root);
    await expect.poll(() => page.locator('[data-testid=set-ranks] tbody tr').count()).toBe(2);
    await page.getByRole('button', { name: 'Open run/rank_0/fp16.ckpt on its own' }).click();
    await expect.poll(() => page.getByTestId('param-count').textContent()).toBe('3');
    await page.getByTestId('open-set').click();
    await page.getByRole('button', { name: 'Open run/rank_1/fp16.ckpt on its own' }).click();

    const tabs = page.locator('.file-tabs').getByRole('tab');
    await expect
      .poll(() => tabs.locator('.tab-name').allTextContents())
      .toEqual(['rank_0/fp16.ckpt', 'rank_1/fp16.ckpt']);
    expect(await tabs.evaluateAll((all) => all.map((tab) => tab.getAttribute('aria-label')))).toEqual([
      'run/rank_0/fp16.ckpt',
      'run/rank_1/fp16.ckpt',
    ]);
    expect(await tabs.nth(0).getAttribute('title')).toMatch(/^run\/rank_0\/fp16\.ckpt\b/);
    await expect.poll(() => page.getByTestId('summary').locator('h2').textContent()).toBe('rank_1/fp16.ckpt');
    expect(await page.getByTestId('summary').locator('h2').getAttribute('title')).toBe('run/rank_1/fp16.ckpt');
    // The compare picker names the other file the same way.
    await page.getByTestId('panel-tab-compare').click();
    expect(await page.getByTestId('compare-file-select').locator('option:checked').textContent()).toBe(
      'rank_0/fp16.ckpt',
    );
  });

  it('two single-file picks carry no folder: numbered, as before', async () => {
    const { page } = session();
    const [a, b] = [tmp(), tmp()];
    await pickFiles(page, [checkpoint(path.join(a, 'fp16.ckpt'), 2, (i) => `w${i}`)]);
    await expect.poll(() => page.getByTestId('param-count').textContent()).toBe('2');
    await pickFiles(page, [checkpoint(path.join(b, 'fp16.ckpt'), 2, (i) => `w${i}`)]);
    const names = page.locator('.file-tabs .tab-name');
    await expect.poll(() => names.allTextContents()).toEqual(['fp16.ckpt', 'fp16.ckpt (2)']);
    expect(await page.locator('.file-tabs [role=tab]').nth(1).getAttribute('aria-label')).toBe('fp16.ckpt (2)');
  });
});

describe('distributed set: a strategy file picked by hand', () => {
  it('rank files and the strategy picked by hand: the strategy is listed once', async () => {
    const { page } = session();
    await page.getByTestId('open-set').click();
    await page.getByTestId('set-files-input').setInputFiles(CASE1_RANKS);
    await expect.poll(() => page.getByTestId('set-needs-strategy').count()).toBe(1);
    await page.getByTestId('set-strategy-input').setInputFiles(path.join(CASE1, 'strategy.ckpt'));
    await expect.poll(() => page.getByTestId('set-strategy').textContent()).toContain('strategy.ckpt (picked)');
    await expect.poll(() => page.getByTestId('set-problems').textContent()).toContain('4 tensors merge');
    const inputs = (await page.getByTestId('set-inputs').textContent()) ?? '';
    expect(inputs.match(/strategy\.ckpt/g)).toHaveLength(1);
    expect(await page.getByTestId('set-inputs').locator('fieldset').count()).toBe(0);
  });

  it('the same strategy among the picked files and picked again by hand: one entry, the one the files hold', async () => {
    const { page } = session();
    await page.getByTestId('open-set').click();
    await page.getByTestId('set-files-input').setInputFiles([...CASE1_RANKS, path.join(CASE1, 'strategy.ckpt')]);
    await expect.poll(() => page.getByTestId('set-strategy').textContent()).toContain('strategy.ckpt');
    await page.getByTestId('set-strategy-input').setInputFiles(path.join(CASE1, 'strategy.ckpt'));
    // The re-open after the pick settles; the strategy is still the one file, listed once, nothing unused.
    await page.waitForFunction(() => !document.querySelector('[aria-busy=true]'));
    await expect.poll(() => page.getByTestId('set-problems').textContent()).toContain('4 tensors merge');
    const inputs = (await page.getByTestId('set-inputs').textContent()) ?? '';
    expect(inputs.match(/strategy\.ckpt/g)).toHaveLength(1);
    expect(await page.getByTestId('set-inputs').locator('details').count()).toBe(0);
  });

  it('the strategy picked first, then the folder that holds it: listed under the folder, not twice', async () => {
    const { page } = session();
    await page.getByTestId('open-set').click();
    await page.getByTestId('set-strategy-input').setInputFiles(path.join(CASE1, 'strategy.ckpt'));
    await expect.poll(() => page.getByTestId('set-strategy').textContent()).toContain('strategy.ckpt (picked)');
    await page.getByTestId('set-folder-input').setInputFiles(CASE1);
    await expect.poll(() => page.getByTestId('set-strategy').textContent()).toContain('case1_tp_dp/strategy.ckpt');
    const candidates = await page.getByTestId('set-inputs').locator('fieldset label').allTextContents();
    expect(candidates.map((text) => text.trim())).toEqual(['case1_tp_dp/strategy.ckpt', 'case1_tp_dp/strategy.json']);
  });
});

describe('a long append_dict value: the file view and its Export panel', () => {
  const LONG = `/mnt/data/${'x'.repeat(1990)}`;
  const LONG_NAME = `note_${'y'.repeat(300)}`;

  /** Elements of `testId` that stick out of it sideways, and how far it scrolls inside itself. */
  const overflowOf = (page: Page, testId: string) =>
    page.getByTestId(testId).evaluate((element) => {
      const box = element.getBoundingClientRect();
      const out: string[] = [];
      for (const child of Array.from(element.querySelectorAll('*'))) {
        const rect = child.getBoundingClientRect();
        if (rect.width > 0 && (rect.right > box.right + 1 || rect.left < box.left - 1))
          out.push(
            `${child.tagName.toLowerCase()}.${String(child.className)}: ${Math.round(rect.right - box.right)} px`,
          );
      }
      return { own: element.scrollWidth - element.clientWidth, children: out.slice(0, 5) };
    });

  for (const width of [1440, 390]) {
    it(`at ${width} px: nothing overflows, the value is cut to a few lines with all of it a click away`, async () => {
      const { page } = session();
      await page.setViewportSize({ width, height: 900 });
      const file = checkpoint(path.join(tmp(), 'long.ckpt'), 4, (i) => `net.layer${i}.weight`, {
        dataset_path: LONG,
        [LONG_NAME]: 'short',
      });
      await pickFiles(page, [file]);
      await expect.poll(() => page.getByTestId('param-count').textContent()).toBe('6');

      // The metadata card shows a few lines of the value, not 2,000 characters in a narrow column.
      const card = page.getByTestId('metadata');
      const value = card.getByTestId('long-text');
      expect(await value.locator('span').getAttribute('title')).toBe(LONG);
      const cardHeight = async () => (await card.boundingBox())?.height ?? Infinity;
      expect(await cardHeight()).toBeLessThan(width === 390 ? 700 : 400);
      await value.getByRole('button', { name: 'show all 2,000 characters' }).click();
      expect(await value.locator('span').evaluate((span) => span.scrollHeight <= span.clientHeight)).toBe(true);
      expect(await cardHeight()).toBeGreaterThan(400);
      expect(await sidewaysScroll(page)).toBe(0);
      expect(await overflowOf(page, 'metadata')).toEqual({ own: 0, children: [] });
      await value.getByRole('button', { name: 'show less' }).click();

      await page.getByTestId('panel-tab-export').click();
      const panel = page.getByTestId('export-panel');
      await expect.poll(() => panel.getByTestId('append-choice').count()).toBe(2);
      await page.getByLabel(/Set or add/).fill(`run_note = "${'z'.repeat(2000)}"`);
      const downloading = page.waitForEvent('download');
      await page.getByTestId('export-download').click();
      await downloading;
      await expect.poll(() => page.getByTestId('export-result').textContent()).toContain('7 entries');
      expect(await sidewaysScroll(page)).toBe(0);
      expect(await overflowOf(page, 'export-panel')).toEqual({ own: 0, children: [] });
      await page.screenshot({
        path: path.join(import.meta.dirname, 'out', `details-long-value-${width}.png`),
        fullPage: true,
      });
    });
  }
});

describe('tensor table: long names get the width', () => {
  it('at 1440 px the names take the room; an 800-character note truncates, its full text in a title', async () => {
    const { page } = session();
    await page.setViewportSize({ width: 1440, height: 900 });
    const value = `/home/ci/${'a'.repeat(800)}`;
    const file = checkpoint(
      path.join(tmp(), 'names.ckpt'),
      20,
      (i) => `model.encoder.layers.${i}.self_attention.query_key_value.weight`,
      { dataset_path: value },
    );
    await pickFiles(page, [file]);
    await expect.poll(() => page.getByTestId('param-count').textContent()).toBe('21');
    const body = page.getByTestId('tensor-table-body');
    const cells = await body
      .getByRole('row')
      .first()
      .locator('[role=cell]')
      .evaluateAll((all) =>
        all.map((cell) => ({
          column: cell.className.replace(/.*col-/, ''),
          width: cell.getBoundingClientRect().width,
          cut: cell.scrollWidth > cell.clientWidth,
          title: cell.getAttribute('title'),
        })),
      );
    const name = cells.find((cell) => cell.column === 'name');
    // A 60-character name is shown whole, in the widest column; its title is the name.
    expect(name).toMatchObject({ cut: false, title: 'model.encoder.layers.0.self_attention.query_key_value.weight' });
    expect(Math.max(...cells.map((cell) => cell.width))).toBe(name?.width);
    const note = body.getByRole('row', { name: /dataset_path/ }).locator('.col-note');
    const noteBox = await note.evaluate((cell) => ({
      width: cell.getBoundingClientRect().width,
      cut: cell.scrollWidth > cell.clientWidth,
      rem: parseFloat(getComputedStyle(document.documentElement).fontSize),
    }));
    // The note keeps a narrow column (at most 10rem) however long its value, and is cut with an ellipsis.
    expect(noteBox.cut).toBe(true);
    expect(noteBox.width).toBeLessThanOrEqual(10 * noteBox.rem);
    expect(await note.getAttribute('title')).toBe(`= ${JSON.stringify(value)}`);
    expect(await note.evaluate((cell) => getComputedStyle(cell).textOverflow)).toBe('ellipsis');
    expect(await sidewaysScroll(page)).toBe(0);
  });
});
