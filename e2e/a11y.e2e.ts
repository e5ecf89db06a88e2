import AxeBuilder from '@axe-core/playwright';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { encodeUtf32le } from '../src/base/decode';
import { encodeRecord } from '../src/formats/ckpt/write';
import { dropFiles, FIXTURES, pickFiles, useSession } from './harness';

const session = useSession();
const OUT = path.join(import.meta.dirname, 'out');
const CASE1 = path.join(FIXTURES, 'distributed/case1_tp_dp');
const TENSORS = 300;
const LONG_VALUE = `/home/ci/runs/${'nested-folder/'.repeat(40)}dataset.mindrecord`;

/**
 * A checkpoint built here: 300 tensors with long dotted names (a virtualised table several
 * screens tall) and an append_dict string of 600+ characters with no space to break at.
 */
function wideCheckpoint(dir: string, name = 'wide.ckpt'): string {
  const records: Uint8Array[] = [];
  for (let i = 0; i < TENSORS; i += 1) {
    const content = new Uint8Array(new Float32Array([i, -i]).buffer);
    const tag = `model.transformer.encoder.layers.${i % 12}.self_attention.query_key_value_projection_${i}.weight`;
    records.push(encodeRecord(tag, [2], 'Float32', content));
  }
  records.push(encodeRecord('dataset_path', [0], 'str', encodeUtf32le(LONG_VALUE)));
  const file = path.join(dir, name);
  writeFileSync(file, Buffer.concat(records));
  return file;
}

async function sidewaysScroll(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

async function seriousViolations(page: Page, view: string): Promise<string[]> {
  const result = await new AxeBuilder({ page }).analyze();
  return result.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map(
      (violation) =>
        `${view}: ${violation.id} (${violation.impact}) at ${violation.nodes
          .slice(0, 3)
          .map((node) => node.target.join(' '))
          .join(' | ')}`,
    );
}

/**
 * Every main view in turn — welcome, the parameters with a tensor's details, each panel tab, and
 * a distributed set with a parameter's layout — calling `check` on each.
 */
async function walkMainViews(page: Page, check: (view: string) => Promise<void>): Promise<void> {
  await check('welcome');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ckpt-lens-a11y-'));
  await pickFiles(page, [wideCheckpoint(dir)]);
  await expect.poll(() => page.getByTestId('param-count').textContent()).toBe(String(TENSORS + 1));
  await page
    .getByRole('row', { name: /projection_1\.weight/ })
    .first()
    .click();
  await expect.poll(() => page.getByTestId('tensor-details').count()).toBe(1);
  await check('parameters');
  for (const tab of ['load-check', 'numbers', 'compare', 'export']) {
    await page.getByTestId(`panel-tab-${tab}`).click();
    await expect.poll(() => page.getByTestId(`panel-tab-${tab}`).getAttribute('aria-selected')).toBe('true');
    await check(tab);
  }
  await page.getByTestId('open-set').click();
  await page.getByTestId('set-folder-input').setInputFiles(CASE1);
  await page.getByTestId('set-strategy-input').setInputFiles(path.join(CASE1, 'strategy.ckpt'));
  await expect.poll(() => page.getByTestId('set-strategy').textContent()).toContain('strategy.ckpt');
  await page.getByTestId('set-row').filter({ hasText: 'layer.weight' }).click();
  await expect.poll(() => page.getByTestId('layout-svg').count()).toBe(1);
  await check('distributed set');
}

const focused = (page: Page) =>
  page.evaluate(() => {
    const active = document.activeElement as HTMLElement | null;
    // The text a screen reader reads: without the decorations hidden from it (twisties, ×).
    const shown = active?.cloneNode(true) as HTMLElement | undefined;
    shown?.querySelectorAll('[aria-hidden=true]').forEach((hidden) => hidden.remove());
    return {
      role: active?.getAttribute('role') ?? active?.tagName.toLowerCase() ?? '',
      text: shown?.textContent?.trim() ?? '',
      expanded: active?.getAttribute('aria-expanded') ?? null,
      selected: active?.getAttribute('aria-selected') ?? null,
    };
  });

/** Tab until the focus is on an element of `role` (at most `limit` presses); the presses taken. */
async function tabTo(page: Page, role: string, limit = 30): Promise<number> {
  for (let presses = 1; presses <= limit; presses += 1) {
    await page.keyboard.press('Tab');
    if ((await focused(page)).role === role) return presses;
  }
  throw new Error(`no ${role} within ${limit} Tab presses`);
}

/** Whether the whole of the element is inside the window. */
async function inViewport(page: Page, testId: string): Promise<boolean> {
  return page.getByTestId(testId).evaluate((element) => {
    const box = element.getBoundingClientRect();
    return box.top >= 0 && box.bottom <= window.innerHeight + 1;
  });
}

describe('every width and the keyboard', () => {
  it('at 390 px wide no main view scrolls sideways, and the tree stacks above the table', async () => {
    const { page } = session();
    await page.setViewportSize({ width: 390, height: 844 });
    const overflow: string[] = [];
    await walkMainViews(page, async (view) => {
      const excess = await sidewaysScroll(page);
      if (excess > 0) overflow.push(`${view}: ${excess} px`);
      await page.screenshot({ path: path.join(OUT, `a11y-390-${view.replace(' ', '-')}.png`), fullPage: true });
      if (view === 'parameters') {
        const tree = await page.getByRole('tree').boundingBox();
        const table = await page.getByRole('table', { name: 'Parameters' }).boundingBox();
        expect(tree && table && tree.y + tree.height <= table.y).toBe(true);
        // The table keeps a usable width: the names column is shown, not squeezed away.
        expect(table?.width).toBeGreaterThan(300);
      }
    });
    expect(overflow).toEqual([]);
  });

  it('axe finds no serious or critical violation on any main view, at 1440 and 390 px', async () => {
    const { page } = session();
    const found: string[] = [];
    await page.setViewportSize({ width: 1440, height: 900 });
    await walkMainViews(page, async (view) => {
      found.push(...(await seriousViolations(page, view)));
      await page.screenshot({ path: path.join(OUT, `a11y-1440-${view.replace(' ', '-')}.png`), fullPage: true });
    });
    await page.setViewportSize({ width: 390, height: 844 });
    found.push(...(await seriousViolations(page, 'distributed set at 390 px')));
    await page.getByRole('button', { name: 'Back to files' }).click();
    await page.getByTestId('panel-tab-parameters').click();
    found.push(...(await seriousViolations(page, 'parameters at 390 px')));
    await page.emulateMedia({ colorScheme: 'dark' });
    found.push(...(await seriousViolations(page, 'parameters at 390 px, dark')));
    expect(found).toEqual([]);
    // Ten axe runs of several seconds each on a shared machine.
  }, 300_000);

  it('keyboard only: open a sample, walk the tree, the table rows and the details', async () => {
    const { page } = session();
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.getByTestId('try-sample').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('param-count').textContent()).toBe('20');
    // The focus lands on the opened file's tab, not on the page body.
    expect(await focused(page)).toMatchObject({ role: 'tab', text: 'lenet-sample.ckpt', selected: 'true' });

    // The tree is one Tab stop, entered at "All parameters".
    await tabTo(page, 'treeitem');
    expect((await focused(page)).text).toContain('All parameters');
    const tree = page.getByRole('tree');
    expect(await tree.locator('[role=treeitem][tabindex="0"]').count()).toBe(1);
    await page.keyboard.press('ArrowDown');
    const firstModule = await focused(page);
    expect(firstModule).toMatchObject({ role: 'treeitem', expanded: 'true' });
    await page.keyboard.press('ArrowLeft');
    expect((await focused(page)).expanded).toBe('false');
    await page.keyboard.press('ArrowRight');
    expect((await focused(page)).expanded).toBe('true');
    await page.keyboard.press('ArrowRight'); // into the first child
    const child = await focused(page);
    expect(child.role).toBe('treeitem');
    await page.keyboard.press('ArrowLeft'); // back to the parent
    expect((await focused(page)).text).toBe(firstModule.text);
    await page.keyboard.press('End');
    const last = await tree.getByRole('treeitem').last().locator('.tree-label').textContent();
    expect((await focused(page)).text).toContain(last);
    await page.keyboard.press('Home');
    expect((await focused(page)).text).toContain('All parameters');
    // Enter on a module narrows the table to it; Space on "All parameters" shows everything again.
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    const moduleName = await tree.getByRole('treeitem', { selected: true }).locator('.tree-label').textContent();
    expect(moduleName).toBe('conv1');
    await expect.poll(() => page.locator('.table-caption').textContent()).toContain('Showing conv1.*: 1 of 20');
    await page.keyboard.press('Home');
    await page.keyboard.press(' ');
    await expect.poll(() => page.locator('.table-caption').textContent()).toBe('All 20 parameters');

    // Leaving the tree takes one Tab, whichever item has the focus; the table rows are one stop.
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Tab');
    expect((await focused(page)).role).not.toBe('treeitem');
    await tabTo(page, 'row');
    const rows = page.getByTestId('tensor-table-body').getByRole('row');
    expect(await rows.first().getAttribute('aria-rowindex')).toBe('2');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-rowindex'))).toBe('2');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-rowindex'))).toBe('4');
    await page.keyboard.press('End');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-rowindex'))).toBe('21');
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowDown');
    const rowText = (await focused(page)).text;
    await page.keyboard.press('Enter');
    const details = page.getByTestId('tensor-details');
    await expect.poll(() => details.count()).toBe(1);
    const name = (await details.locator('h2').textContent()) ?? '';
    expect(rowText).toContain(name);
    // The details are scrolled into view, and the focus stays on the row to keep walking.
    await expect.poll(() => inViewport(page, 'tensor-details')).toBe(true);
    expect((await focused(page)).role).toBe('row');
  });

  it('a long table: PageDown/End reach rows the virtualised table had not rendered; a click scrolls the details into view', async () => {
    const { page } = session();
    await page.setViewportSize({ width: 1440, height: 900 });
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ckpt-lens-a11y-'));
    await pickFiles(page, [wideCheckpoint(dir)]);
    await expect.poll(() => page.getByTestId('param-count').textContent()).toBe(String(TENSORS + 1));
    const body = page.getByTestId('tensor-table-body');
    const rendered = await body.getByRole('row').count();
    expect(rendered).toBeLessThan(TENSORS);
    await body.getByRole('row').first().focus();
    const focusedIndex = () => page.evaluate(() => Number(document.activeElement?.getAttribute('aria-rowindex')));
    await page.keyboard.press('PageDown');
    const afterPage = await focusedIndex();
    expect(afterPage).toBeGreaterThan(10);
    await page.keyboard.press('PageUp');
    expect(await focusedIndex()).toBe(2);
    await page.keyboard.press('End');
    await expect.poll(focusedIndex).toBe(TENSORS + 2);
    expect((await focused(page)).text).toContain('dataset_path');
    // Scrolled away from the focused row, the table is still one Tab stop away.
    await body.evaluate((element) => (element.scrollTop = 0));
    await expect.poll(() => body.locator('[role=row][tabindex="0"]').count()).toBe(1);

    // A click on a row brings its details into view (they sit below a table 70% of the window tall).
    await page.evaluate(() => window.scrollTo(0, 0));
    await body.getByRole('row').nth(3).click();
    await expect.poll(() => inViewport(page, 'tensor-details')).toBe(true);
    // The names get the width; notes truncate, their whole text in a tooltip.
    const widths = await body
      .getByRole('row')
      .nth(3)
      .locator('[role=cell]')
      .evaluateAll((cells) => cells.map((cell) => cell.getBoundingClientRect().width));
    const nameWidth = widths[1] ?? 0;
    expect(Math.max(...widths)).toBe(nameWidth);
    expect(nameWidth).toBeGreaterThan(3 * (widths[6] ?? Infinity));
    await page.keyboard.press('End');
    const note = page.getByRole('row', { name: /dataset_path/ }).locator('.col-note');
    await expect.poll(() => note.getAttribute('title')).toBe(`= ${JSON.stringify(LONG_VALUE)}`);
  });

  it('tabs follow the WAI-ARIA tabs pattern; two files of the same name are told apart', async () => {
    const { page } = session();
    const root = mkdtempSync(path.join(os.tmpdir(), 'ckpt-lens-a11y-'));
    const rank0 = path.join(root, 'rank_0');
    const rank1 = path.join(root, 'rank_1');
    mkdirSync(rank0);
    mkdirSync(rank1);
    await pickFiles(page, [wideCheckpoint(rank0, 'fp16.ckpt'), wideCheckpoint(rank1, 'fp16.ckpt')]);
    const fileTabs = page.locator('.file-tabs').getByRole('tab');
    await expect.poll(() => fileTabs.locator('.tab-name').allTextContents()).toEqual(['fp16.ckpt', 'fp16.ckpt (2)']);
    await expect.poll(() => page.getByTestId('summary').locator('h2').textContent()).toBe('fp16.ckpt (2)');
    // One Tab stop for the file tabs: the active one; arrows move and select, wrapping around.
    expect(await page.locator('.file-tabs [role=tab][tabindex="0"] .tab-name').textContent()).toBe('fp16.ckpt (2)');
    await page.locator('.file-tabs [role=tab][aria-selected=true]').focus();
    await page.keyboard.press('ArrowRight');
    expect(await focused(page)).toMatchObject({ role: 'tab', text: 'fp16.ckpt', selected: 'true' });
    await expect.poll(() => page.getByTestId('summary').locator('h2').textContent()).toBe('fp16.ckpt');
    await page.keyboard.press('End');
    expect(await focused(page)).toMatchObject({ text: 'fp16.ckpt (2)', selected: 'true' });
    // Delete closes the focused file and the focus moves to the tab that becomes active.
    await page.keyboard.press('Delete');
    await expect.poll(() => fileTabs.count()).toBe(1);
    expect(await focused(page)).toMatchObject({ role: 'tab', text: 'fp16.ckpt', selected: 'true' });

    // The views of a file: arrows move between them; the panel is labelled by its tab.
    await page.getByTestId('panel-tab-parameters').focus();
    await page.keyboard.press('ArrowRight');
    expect(await focused(page)).toMatchObject({ text: 'Will it load?', selected: 'true' });
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    expect(await focused(page)).toMatchObject({ text: 'Export', selected: 'true' });
    const panel = page.locator('.file-view [role=tabpanel]');
    const labelledBy = (await panel.getAttribute('aria-labelledby')) ?? '';
    expect(await page.evaluate((id) => document.getElementById(id)?.textContent, labelledBy)).toBe('Export');
    expect(await page.locator('.panel-tabs [role=tab][tabindex="0"]').count()).toBe(1);
  });

  it('after a drop the focus is on the dropped file, not on the page body', async () => {
    const { page } = session();
    await page.getByTestId('try-sample').focus();
    await dropFiles(page, [{ path: path.join(FIXTURES, 'real/XMU_AI_ISP__checkpoint_lenet-1_1875.ckpt') }]);
    await expect.poll(() => page.getByTestId('param-count').textContent()).toBe('19');
    expect(await focused(page)).toMatchObject({
      role: 'tab',
      text: 'XMU_AI_ISP__checkpoint_lenet-1_1875.ckpt',
      selected: 'true',
    });
  });
});
