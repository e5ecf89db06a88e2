import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, pickFiles, useSession } from './harness';

const session = useSession();

describe('filter expressions', () => {
  it('filters the table, explains syntax errors, and survives a shared URL', async () => {
    const { page } = session();
    const lenet = path.join(FIXTURES, 'real/XMU_AI_ISP__checkpoint_lenet-1_1875.ckpt');
    await pickFiles(page, [lenet]);
    await expect.poll(() => page.getByTestId('param-count').textContent()).toBe('19');

    await page.getByTestId('filter-input').fill('startsWith("fc") and not startsWith("fc1")');
    await expect.poll(() => page.getByTestId('filter-status').textContent()).toContain('4 of 19 parameters match');
    const body = await page.getByTestId('tensor-table-body').textContent();
    expect(body).toContain('fc2.weight');
    expect(body).not.toContain('fc1.weight');

    await page.getByTestId('filter-input').fill('name ~ /\\.bias$/ and');
    await expect.poll(() => page.getByTestId('filter-status').textContent()).toMatch(/column|position|expected/i);

    await page.getByTestId('filter-input').fill('name ~ /\\.bias$/');
    await expect.poll(() => page.getByTestId('filter-status').textContent()).toContain('6 of 19');
    // The tree counts only what matches; a column sort applies to the filtered rows and stays
    // across the next keystroke.
    await expect.poll(() => page.locator('.tree-all').textContent()).toContain('6 ·');
    const names = (): Promise<string[]> =>
      page.locator('[data-testid=tensor-table-body] [role=cell].col-name').allTextContents();
    await page.getByRole('columnheader', { name: 'Name' }).getByRole('button').click();
    await page.getByRole('columnheader', { name: 'Name' }).getByRole('button').click();
    await expect
      .poll(() => page.getByRole('columnheader', { name: 'Name' }).getAttribute('aria-sort'))
      .toBe('descending');
    const descending = await names();
    expect(descending).toHaveLength(6);
    expect(descending.every((name) => name.endsWith('.bias'))).toBe(true);
    expect(descending).toEqual([...descending].sort().reverse());
    await page.getByTestId('filter-input').fill('name ~ /\\.bias$/ and not startsWith("fc1")');
    await expect.poll(() => page.getByTestId('filter-status').textContent()).toContain('of 19');
    expect(await names()).toEqual(descending.filter((name) => !name.startsWith('fc1')));
    await page.getByTestId('filter-input').fill('name ~ /\\.bias$/');
    await expect.poll(() => page.getByTestId('filter-status').textContent()).toContain('6 of 19');
    // The URL follows once typing pauses.
    await expect
      .poll(() => new URLSearchParams(new URL(page.url()).hash.slice(1)).get('filter'))
      .toBe('name ~ /\\.bias$/');
    const shared = page.url();

    // Someone opens the shared link: the filter is back, applied to the file they open.
    await page.goto('about:blank');
    await page.goto(shared);
    expect(await page.getByTestId('filter-input').count()).toBe(0); // no file yet
    await pickFiles(page, [lenet]);
    await expect.poll(() => page.getByTestId('filter-status').textContent()).toContain('6 of 19');
    expect(await page.getByTestId('filter-input').inputValue()).toBe('name ~ /\\.bias$/');

    // A tree branch narrows the table: its count, the caption and the rows are one count, and
    // the caption says it is part of what the filter matches.
    const branch = page.getByTitle('Show only fc2.*');
    expect(await branch.textContent()).toContain('1 ·');
    await branch.click();
    await expect
      .poll(() => page.getByTestId('table-caption').textContent())
      .toBe('Showing fc2.*: 1 of the 6 matching parameters');
    expect(await page.getByTestId('filter-status').textContent()).toBe('6 of 19 parameters match');
    expect(await names()).toEqual(['fc2.bias']);
  });
});
