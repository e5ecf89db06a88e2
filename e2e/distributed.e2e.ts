import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dropFiles, FIXTURES, opfsFiles, pickFiles, pickersIntoOpfs, useSession } from './harness';

const CASE1 = path.join(FIXTURES, 'distributed/case1_tp_dp');
const CASE2 = path.join(FIXTURES, 'distributed/case2_opt_shard');
const session = useSession();

/** A tensor's bytes from a safetensors file, decoded here independently of the app. */
function safetensorsTensor(file: string, name: string): { dtype: string; shape: number[]; bytes: Buffer } {
  const data = readFileSync(file);
  const headerLength = Number(data.readBigUInt64LE(0));
  const header = JSON.parse(data.subarray(8, 8 + headerLength).toString('utf8')) as Record<
    string,
    { dtype: string; shape: number[]; data_offsets: [number, number] }
  >;
  const entry = header[name];
  if (!entry) throw new Error(`${name} not in ${file}`);
  const start = 8 + headerLength;
  return {
    dtype: entry.dtype,
    shape: entry.shape,
    bytes: data.subarray(start + entry.data_offsets[0], start + entry.data_offsets[1]),
  };
}

/** The tensor names of a safetensors file (no __metadata__), sorted. */
function safetensorsNames(file: string): string[] {
  const data = readFileSync(file);
  const headerLength = Number(data.readBigUInt64LE(0));
  const header = JSON.parse(data.subarray(8, 8 + headerLength).toString('utf8')) as Record<string, unknown>;
  return Object.keys(header)
    .filter((name) => name !== '__metadata__')
    .sort();
}

interface CaseManifest {
  ranks: Record<string, unknown>;
  params: Record<string, { boxes: Record<string, [number, number][]> }>;
}

/** Rank `rank`'s slice of a full safetensors tensor, cut by its manifest box (row-major). */
function sliceOf(file: string, name: string, box: [number, number][]): Buffer {
  const full = safetensorsTensor(file, name);
  const item = full.bytes.length / full.shape.reduce((a, b) => a * b, 1);
  const strides = full.shape.map((_, d) => full.shape.slice(d + 1).reduce((a, b) => a * b, 1));
  const rows: Buffer[] = [];
  const walk = (d: number, offset: number): void => {
    const [start, stop] = box[d] ?? [0, 0];
    if (d === box.length - 1) {
      rows.push(full.bytes.subarray((offset + start) * item, (offset + stop) * item));
      return;
    }
    for (let i = start; i < stop; i += 1) walk(d + 1, offset + i * (strides[d] ?? 1));
  };
  walk(0, 0);
  return Buffer.concat(rows);
}

describe('distributed sets', () => {
  it('case1 folder + strategy: layout picture, merged export, reopened tensor equals expected_merged', async () => {
    const { page } = session();
    const manifest = JSON.parse(readFileSync(path.join(CASE1, 'manifest.json'), 'utf8')) as CaseManifest;
    const rankCount = Object.keys(manifest.ranks).length;

    await page.getByTestId('open-set').click();
    await page.getByTestId('set-folder-input').setInputFiles(CASE1);
    await page.getByTestId('set-strategy-input').setInputFiles(path.join(CASE1, 'strategy.ckpt'));
    await expect.poll(() => page.getByTestId('set-strategy').textContent()).toContain('strategy.ckpt');
    await expect.poll(() => page.locator('[data-testid=set-ranks] tbody tr').count()).toBe(rankCount);

    await page.getByTestId('set-row').filter({ hasText: 'layer.weight' }).click();
    const svg = page.getByTestId('layout-svg');
    await expect.poll(() => svg.count()).toBe(1);
    expect(await svg.locator('[data-testid=rank-cell]').count()).toBe(rankCount);
    const distinctBoxes = new Set(
      Object.values(manifest.params['layer.weight']?.boxes ?? {}).map((b) => JSON.stringify(b)),
    );
    expect(await svg.locator('[data-testid=tensor-block]').count()).toBe(distinctBoxes.size);
    expect(await svg.getAttribute('aria-label')).toContain('device matrix 2×4');
    await page.screenshot({ path: path.join(import.meta.dirname, 'out', 'distributed-case1.png'), fullPage: true });

    const downloading = page.waitForEvent('download');
    await page.getByTestId('set-export-download').click();
    const download = await downloading;
    expect(download.suggestedFilename()).toBe('case1_tp_dp.merged.safetensors');
    const saved = path.join(mkdtempSync(path.join(os.tmpdir(), 'ckpt-lens-merged-')), download.suggestedFilename());
    await download.saveAs(saved);
    await expect.poll(() => page.getByTestId('set-export-result').textContent()).toContain('4 tensors');

    // Reopen the merged file on the normal path: the file view replaces the set view.
    await pickFiles(page, [saved]);
    await expect.poll(() => page.getByTestId('param-count').textContent()).toBe('4');
    const body = await page.getByTestId('tensor-table-body').textContent();
    expect(body).toContain('layer.weight');
    expect(body).toContain('[8, 16]');

    const expected = path.join(CASE1, 'expected_merged.safetensors');
    for (const name of ['layer.weight', 'layer.bias', 'norm.gamma', 'global_step']) {
      const got = safetensorsTensor(saved, name);
      const want = safetensorsTensor(expected, name);
      expect(got.dtype, name).toBe(want.dtype);
      expect(got.shape, name).toEqual(want.shape);
      expect(got.bytes.equals(want.bytes), name).toBe(true);
    }
  });

  it('golden-stick shards with their strategy file: the mismatch is reported, and replicas that differ', async () => {
    const { page } = session();
    const real = path.join(FIXTURES, 'real');
    await page.getByTestId('open-set').click();
    await page
      .getByTestId('set-files-input')
      .setInputFiles([
        path.join(real, 'golden-stick__llama2-13b-fp16/rank_0/checkpoint_0.ckpt'),
        path.join(real, 'golden-stick__llama2-13b-fp16/rank_1/checkpoint_1.ckpt'),
      ]);
    await page
      .getByTestId('set-strategy-input')
      .setInputFiles(path.join(real, 'golden-stick__ckpt_strategy_rank_0.ckpt'));
    await expect
      .poll(() => page.getByTestId('set-problems').textContent())
      .toContain('The strategy does not match the files');
    expect(await page.getByTestId('set-problems').textContent()).toContain('351 of 363');

    await page.getByTestId('verify-replicas').click();
    await expect.poll(() => page.getByTestId('replica-result').textContent()).toContain('lm_head.weight');
    await page.getByTestId('set-row').filter({ hasText: 'lm_head.weight' }).click();
    await expect
      .poll(() => page.getByTestId('set-parameter-problems').textContent())
      .toContain('Replicas that should be identical differ');
    await page.screenshot({
      path: path.join(import.meta.dirname, 'out', 'distributed-golden-stick.png'),
      fullPage: true,
    });
  });
  it('many rank files and a strategy dropped at once: offered, then opened as a set', async () => {
    const { page } = session();
    const ranks = [0, 1, 2, 3, 4, 5, 6, 7].map((rank) => ({
      path: path.join(CASE1, `rank_${rank}`, `checkpoint_${rank}.safetensors`),
    }));
    await dropFiles(page, [...ranks, { path: path.join(CASE1, 'strategy.json') }]);
    await page.getByTestId('accept-set-offer').click();
    await expect.poll(() => page.getByTestId('set-strategy').textContent()).toContain('JSON');
    await expect.poll(() => page.locator('[data-testid=set-ranks] tbody tr').count()).toBe(8);
    expect(await page.getByTestId('set-problems').textContent()).toContain('4 tensors merge');
  });
  it('a rank file the strategy has no device for is listed as an error, not a note', async () => {
    const { page } = session();
    await page.getByTestId('open-set').click();
    // case1's eight ranks and a ninth (a copy of rank 0 named for rank 8): the strategy has 8 devices.
    const ranks = [0, 1, 2, 3, 4, 5, 6, 7, 8].map((rank) => ({
      name: `checkpoint_${rank}.ckpt`,
      mimeType: 'application/octet-stream',
      buffer: readFileSync(path.join(CASE1, `rank_${rank % 8}`, `checkpoint_${rank % 8}.ckpt`)),
    }));
    await page.getByTestId('set-files-input').setInputFiles(ranks);
    await page.getByTestId('set-strategy-input').setInputFiles(path.join(CASE1, 'strategy.ckpt'));
    await expect.poll(() => page.locator('[data-testid=set-ranks] tbody tr').count()).toBe(9);
    const problem = page
      .getByTestId('set-problems')
      .locator('li', { hasText: 'Rank files the strategy does not describe' });
    await expect
      .poll(() => problem.textContent())
      .toContain(
        "Rank files the strategy does not describe (rank 8): the strategy describes ranks 0–7. They do not belong to this set, and MindSpore's load_distributed_checkpoint refuses a set with them",
      );
    expect(await problem.getAttribute('class')).toBe('error-text');
  });
  it('files whose names do not say their rank: the user assigns one', async () => {
    const { page } = session();
    await page.getByTestId('open-set').click();
    await page.getByTestId('set-files-input').setInputFiles([
      {
        name: 'first.ckpt',
        mimeType: 'application/octet-stream',
        buffer: readFileSync(path.join(CASE1, 'rank_0/checkpoint_0.ckpt')),
      },
      {
        name: 'strategy.ckpt',
        mimeType: 'application/octet-stream',
        buffer: readFileSync(path.join(CASE1, 'strategy.ckpt')),
      },
    ]);
    await expect.poll(() => page.getByTestId('set-needs-ranks').count()).toBe(1);
    await page.getByTestId('rank-assign-input').fill('0');
    await page.getByTestId('rank-assign-input').press('Enter');
    await expect.poll(() => page.locator('[data-testid=set-ranks] tbody tr').count()).toBe(1);
    expect(await page.getByTestId('set-problems').textContent()).toContain('Rank files are missing');
  });
  it('re-slices case1 for its own strategy: the rank 3 download equals rank_3 tensor for tensor', async () => {
    const { page } = session();
    await page.getByTestId('open-set').click();
    await page.getByTestId('set-folder-input').setInputFiles(CASE1);
    await page.getByTestId('set-strategy-input').setInputFiles(path.join(CASE1, 'strategy.ckpt'));
    await expect.poll(() => page.locator('[data-testid=set-ranks] tbody tr').count()).toBe(8);

    await page.getByTestId('reslice-strategy-input').setInputFiles(path.join(CASE1, 'strategy.ckpt'));
    await expect.poll(() => page.getByTestId('reslice-strategy-info').textContent()).toContain('8 ranks');
    await page.getByTestId('reslice-rank').selectOption('3');
    const downloading = page.waitForEvent('download');
    await page.getByTestId('reslice-download').click();
    const download = await downloading;
    expect(download.suggestedFilename()).toBe('rank_3_net.safetensors');
    const saved = path.join(mkdtempSync(path.join(os.tmpdir(), 'ckpt-lens-reslice-')), download.suggestedFilename());
    await download.saveAs(saved);
    await expect.poll(() => page.getByTestId('reslice-result').textContent()).toContain('rank_3_net.safetensors');
    // The bar is gone and the button usable again once the rank is written.
    await expect.poll(() => page.getByLabel('Re-slice progress').count()).toBe(0);
    expect(await page.getByTestId('reslice-download').isEnabled()).toBe(true);
    await page
      .getByTestId('set-reslice')
      .screenshot({ path: path.join(import.meta.dirname, 'out', 'distributed-reslice.png') });

    const own = path.join(CASE1, 'rank_3', 'checkpoint_3.safetensors');
    const names = safetensorsNames(own);
    expect(safetensorsNames(saved)).toEqual(names);
    for (const name of names) {
      const got = safetensorsTensor(saved, name);
      const want = safetensorsTensor(own, name);
      expect(got.dtype, name).toBe(want.dtype);
      expect(got.shape, name).toEqual(want.shape);
      expect(got.bytes.equals(want.bytes), name).toBe(true);
    }
  });
  it('re-slice refuses a target strategy the set does not fit: none of its parameters, or some missing unless allowed', async () => {
    const { page } = session();
    await page.getByTestId('open-set').click();
    await page.getByTestId('set-folder-input').setInputFiles(CASE1);
    await page.getByTestId('set-strategy-input').setInputFiles(path.join(CASE1, 'strategy.ckpt'));
    await expect.poll(() => page.locator('[data-testid=set-ranks] tbody tr').count()).toBe(8);
    const strategy = JSON.parse(readFileSync(path.join(CASE1, 'strategy.json'), 'utf8')) as {
      parallel_layout_item: Record<string, unknown>;
    };
    const layouts = strategy.parallel_layout_item;
    const bias = layouts['layer.bias'];
    const asFile = (name: string, items: Record<string, unknown>) => ({
      name,
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify({ ...strategy, parallel_layout_item: items })),
    });

    // Only parameters the set does not hold: refused, naming what it holds.
    await page.getByTestId('reslice-strategy-input').setInputFiles(asFile('other-net.json', { 'other.bias': bias }));
    await expect.poll(() => page.getByTestId('reslice-strategy-info').textContent()).toContain('other-net.json');
    await page.getByTestId('reslice-download').click();
    await expect
      .poll(() => page.getByTestId('set-reslice').textContent())
      .toContain("The input holds none of the strategy's parameters");

    // Its own parameters and one more: refused until "write without them" is ticked.
    await page
      .getByTestId('reslice-strategy-input')
      .setInputFiles(asFile('plus-one.json', { ...layouts, 'extra.bias': bias }));
    await expect.poll(() => page.getByTestId('reslice-strategy-info').textContent()).toContain('plus-one.json');
    await page.getByTestId('reslice-rank').selectOption('0');
    await page.getByTestId('reslice-download').click();
    await expect.poll(() => page.getByTestId('set-reslice').textContent()).toContain('"extra.bias"');
    expect(await page.getByTestId('set-reslice').textContent()).toContain('write without them');
    await page.getByTestId('reslice-allow-incomplete').check();
    const downloading = page.waitForEvent('download');
    await page.getByTestId('reslice-download').click();
    expect((await downloading).suggestedFilename()).toBe('rank_0_net.safetensors');
  });
  it('exports and re-slices on a pool of 2 workers (max_process_num): same bytes, members gone afterwards', async () => {
    const { page } = session();
    // Every Worker the page runs, nested ones included (the pool starts from the app worker).
    const members: { url: string; closed: boolean }[] = [];
    page.on('worker', (worker) => {
      const entry = { url: worker.url(), closed: false };
      members.push(entry);
      worker.on('close', () => {
        entry.closed = true;
      });
    });
    await page.getByTestId('open-set').click();
    await page.getByTestId('set-folder-input').setInputFiles(CASE2);
    await page.getByTestId('set-strategy-input').setInputFiles(path.join(CASE2, 'strategy.ckpt'));
    await expect.poll(() => page.locator('[data-testid=set-ranks] tbody tr').count()).toBe(8);

    await page.getByTestId('set-processes').fill('2');
    const downloading = page.waitForEvent('download');
    await page.getByTestId('set-export-download').click();
    const download = await downloading;
    const saved = path.join(mkdtempSync(path.join(os.tmpdir(), 'ckpt-lens-pool-')), download.suggestedFilename());
    await download.saveAs(saved);
    await expect.poll(() => page.getByTestId('set-export-result').textContent()).toContain('on 2 workers');
    // case2 is all Float32, so the safetensors order (dtype, then name) is the fixture's name order:
    // the two members' byte ranges compose into expected_merged.safetensors, bit for bit.
    expect(readFileSync(saved).equals(readFileSync(path.join(CASE2, 'expected_merged.safetensors')))).toBe(true);

    // Re-slice one rank on two workers: its bytes are split between them.
    await page.getByTestId('reslice-strategy-input').setInputFiles(path.join(CASE2, 'strategy.ckpt'));
    await expect.poll(() => page.getByTestId('reslice-strategy-info').textContent()).toContain('8 ranks');
    await page.getByTestId('reslice-rank').selectOption('5');
    await page.getByTestId('reslice-processes').fill('2');
    const reslicing = page.waitForEvent('download');
    await page.getByTestId('reslice-download').click();
    const resliced = await reslicing;
    expect(resliced.suggestedFilename()).toBe('rank_5_net.safetensors');
    const slice = path.join(mkdtempSync(path.join(os.tmpdir(), 'ckpt-lens-pool-')), resliced.suggestedFilename());
    await resliced.saveAs(slice);
    await expect.poll(() => page.getByTestId('reslice-result').textContent()).toContain('on 2 workers');
    const own = JSON.parse(readFileSync(path.join(CASE2, 'manifest.json'), 'utf8')) as {
      params: Record<string, { boxes: Record<string, [number, number][]> }>;
    };
    const expected = path.join(CASE2, 'expected_merged.safetensors');
    expect(safetensorsNames(slice)).toEqual(Object.keys(own.params).sort());
    for (const [name, param] of Object.entries(own.params)) {
      const box = param.boxes['5'] ?? [];
      const got = safetensorsTensor(slice, name);
      expect(got.shape, name).toEqual(box.map(([start, stop]) => stop - start));
      expect(got.bytes.equals(sliceOf(expected, name, box)), name).toBe(true);
    }
    const pool = members.filter((member) => member.url.includes('export-member'));
    expect(pool.length).toBe(4);
    await expect.poll(() => pool.every((member) => member.closed)).toBe(true);
  });
  it('pool of 2 into the file system: a file from ranges, unified parts and every rank folder, nothing half-written', async () => {
    const { page } = session();
    await page.getByTestId('open-set').click();
    await page.getByTestId('set-folder-input').setInputFiles(CASE2);
    await page.getByTestId('set-strategy-input').setInputFiles(path.join(CASE2, 'strategy.ckpt'));
    await expect.poll(() => page.locator('[data-testid=set-ranks] tbody tr').count()).toBe(8);
    await pickersIntoOpfs(page);
    const expected = path.join(CASE2, 'expected_merged.safetensors');
    const scratch = mkdtempSync(path.join(os.tmpdir(), 'ckpt-lens-opfs-'));
    const saved = (name: string, bytes: Buffer): string => {
      const file = path.join(scratch, name.replace(/\//g, '_'));
      writeFileSync(file, bytes);
      return file;
    };

    // One file, two members' byte ranges appended in order by the app worker.
    await page.getByTestId('set-processes').fill('2');
    await page.getByTestId('set-export-save').click();
    await expect.poll(() => page.getByTestId('set-export-result').textContent()).toContain('on 2 workers');
    let files = await opfsFiles(page);
    expect(files.get('case2_opt_shard.merged.safetensors')?.equals(readFileSync(expected))).toBe(true);

    // Unified parts: one part per member, each written by its member straight into the folder.
    await page.getByTestId('set-split').check();
    await page.getByLabel('Part size in MiB').fill('0.0005');
    await page.getByTestId('set-export-save').click();
    await expect.poll(() => page.getByTestId('set-export-result').textContent()).toContain('param_name_map.json');
    expect(await page.getByTestId('set-export-result').textContent()).toContain('on 2 workers');
    files = await opfsFiles(page);
    const parts = [...files.keys()].filter((name) => /^folder-\d+\/part\d+\.safetensors$/.test(name));
    expect(parts.length).toBeGreaterThan(2);
    const map = JSON.parse(
      files.get(parts[0]?.replace(/part\d+\.safetensors$/, 'param_name_map.json') ?? '')?.toString('utf8') ?? '{}',
    ) as { weight_map: Record<string, string> };
    expect(Object.keys(map.weight_map).sort()).toEqual(safetensorsNames(expected));
    for (const [name, part] of Object.entries(map.weight_map)) {
      const file = saved(part, files.get(`${parts[0]?.split('/')[0]}/${part}`) ?? Buffer.alloc(0));
      expect(safetensorsTensor(file, name).bytes.equals(safetensorsTensor(expected, name).bytes), name).toBe(true);
    }

    // Every rank re-sliced into rank_<r>/net.safetensors, ranks spread over two members.
    await page.getByTestId('reslice-strategy-input').setInputFiles(path.join(CASE2, 'strategy.ckpt'));
    await expect.poll(() => page.getByTestId('reslice-strategy-info').textContent()).toContain('8 ranks');
    await page.getByTestId('reslice-processes').fill('2');
    await page.getByTestId('reslice-save-folder').click();
    await expect.poll(() => page.getByTestId('reslice-result').textContent()).toContain('on 2 workers');
    files = await opfsFiles(page);
    const manifest = JSON.parse(readFileSync(path.join(CASE2, 'manifest.json'), 'utf8')) as {
      params: Record<string, { boxes: Record<string, [number, number][]> }>;
    };
    for (let rank = 0; rank < 8; rank += 1) {
      const key = [...files.keys()].find((name) => name.endsWith(`/rank_${rank}/net.safetensors`));
      expect(key, `rank ${rank}`).toBeDefined();
      const file = saved(key ?? '', files.get(key ?? '') ?? Buffer.alloc(0));
      for (const [name, param] of Object.entries(manifest.params)) {
        const got = safetensorsTensor(file, name).bytes;
        expect(got.equals(sliceOf(expected, name, param.boxes[String(rank)] ?? [])), `${name} rank ${rank}`).toBe(true);
      }
    }
    // Writables commit on close only: no swap files left behind.
    expect([...files.keys()].filter((name) => name.endsWith('.crswap'))).toEqual([]);
  });
});
