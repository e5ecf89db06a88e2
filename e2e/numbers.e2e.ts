import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeRecord } from '../src/formats/ckpt/write';
import { FIXTURES, pickFiles, type Session, useSession } from './harness';

const OUT = path.resolve(import.meta.dirname, 'out');
const XMU = path.join(FIXTURES, 'real/XMU_AI_ISP__checkpoint_lenet-1_1875.ckpt');
const LAB2 = path.join(FIXTURES, 'real/AI-lab2__checkpoint_lenet-1_1875.ckpt');
const session = useSession();

// ---- An independent reader of .ckpt tensors for the expected values (protobuf by hand). ----

function varint(bytes: Uint8Array, at: number): [number, number] {
  let value = 0;
  let scale = 1;
  for (;;) {
    const byte = bytes[at] as number;
    at += 1;
    value += (byte & 0x7f) * scale;
    scale *= 128;
    if (byte < 0x80) return [value, at];
  }
}

/** Fields of one protobuf message: [field number, wire type, start, end] for length-delimited ones. */
function fields(bytes: Uint8Array, start: number, end: number): [number, number, number, number][] {
  const out: [number, number, number, number][] = [];
  let at = start;
  while (at < end) {
    const [key, next] = varint(bytes, at);
    at = next;
    const field = Math.floor(key / 8);
    const wire = key & 7;
    if (wire === 0) {
      at = varint(bytes, at)[1];
      out.push([field, wire, at, at]);
    } else if (wire === 2) {
      const [length, body] = varint(bytes, at);
      out.push([field, wire, body, body + length]);
      at = body + length;
    } else if (wire === 5) at += 4;
    else if (wire === 1) at += 8;
    else throw new Error(`wire type ${wire}`);
  }
  return out;
}

/** Float32 (and Int32) content of every tensor by name (Checkpoint.value[].tag / .tensor.tensor_content). */
function readTensors(file: string): Map<string, number[]> {
  const bytes = new Uint8Array(readFileSync(file));
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  const out = new Map<string, number[]>();
  for (const [field, wire, start, end] of fields(bytes, 0, bytes.length)) {
    if (field !== 1 || wire !== 2) continue;
    let tag = '';
    let content: [number, number] | null = null;
    let dtype = '';
    for (const [f, w, s, e] of fields(bytes, start, end)) {
      if (f === 1 && w === 2) tag = new TextDecoder().decode(bytes.subarray(s, e));
      if (f === 2 && w === 2) {
        for (const [tf, tw, ts, te] of fields(bytes, s, e)) {
          if (tf === 2 && tw === 2) dtype = new TextDecoder().decode(bytes.subarray(ts, te));
          if (tf === 3 && tw === 2) content = [ts, te];
        }
      }
    }
    if (!content || (dtype !== 'Float32' && dtype !== 'Int32')) continue;
    const values: number[] = [];
    for (let at = content[0]; at < content[1]; at += 4)
      values.push(dtype === 'Int32' ? view.getInt32(at, true) : view.getFloat32(at, true));
    out.set(tag, values);
  }
  return out;
}

function reference(values: number[]) {
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  return {
    min: Math.min(...values),
    max: Math.max(...values),
    mean,
    std: Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length),
    l2: Math.sqrt(values.reduce((s, v) => s + v * v, 0)),
    zeros: values.filter((v) => v === 0).length,
  };
}

function histogram(values: number[], bins: number): number[] {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const counts = new Array<number>(bins).fill(0);
  for (const v of values) {
    const i = Math.min(bins - 1, Math.floor(((v - lo) * bins) / (hi - lo)));
    counts[i] = (counts[i] as number) + 1;
  }
  return counts;
}

/** Six significant digits, as the UI shows derived numbers. */
function close(text: string | null, expected: number): void {
  const shown = Number(text);
  expect(Math.abs(shown - expected)).toBeLessThanOrEqual(Math.abs(expected) * 1e-5 + 1e-12);
}

async function canvasColours(session: Session): Promise<number> {
  return session.page.evaluate(() => {
    const canvas = document.querySelector<HTMLCanvasElement>('[data-testid="heatmap-canvas"]');
    const context = canvas?.getContext('2d');
    if (!canvas || !context) return 0;
    const data = context.getImageData(0, 0, canvas.width, canvas.height).data;
    const seen = new Set<number>();
    for (let i = 0; i < data.length; i += 4)
      seen.add(((data[i] as number) << 16) | ((data[i + 1] as number) << 8) | (data[i + 2] as number));
    return seen.size;
  });
}

describe('numbers', () => {
  it('stats, histogram, heat map and value preview of a real LeNet tensor match an independent decode', async () => {
    const { page } = session();
    const tensors = readTensors(XMU);
    const values = tensors.get('fc2.weight') as number[];
    expect(values).toHaveLength(84 * 120);
    const ref = reference(values);

    await pickFiles(page, [XMU]);
    await expect.poll(() => page.getByTestId('param-count').textContent()).toBe('19');
    await page
      .getByRole('row', { name: /fc2\.weight/ })
      .first()
      .click();
    await page.getByTestId('panel-tab-numbers').click();
    await expect.poll(() => page.getByTestId('stat-min').textContent()).not.toBeNull();

    // Stats: min/max are the float32 values themselves (shortest decimal), the rest six digits.
    expect(Math.fround(Number(await page.getByTestId('stat-min').textContent()))).toBe(ref.min);
    expect(Math.fround(Number(await page.getByTestId('stat-max').textContent()))).toBe(ref.max);
    close(await page.getByTestId('stat-mean').textContent(), ref.mean);
    close(await page.getByTestId('stat-std').textContent(), ref.std);
    close(await page.getByTestId('stat-l2').textContent(), ref.l2);
    expect(await page.getByTestId('stat-nan').textContent()).toBe('0');
    expect(await page.getByTestId('stat-pos-inf').textContent()).toBe('0');
    expect(await page.getByTestId('stat-zeros').textContent()).toBe(String(ref.zeros));

    // Histogram: 64 drawn bars whose counts (in their titles) are the reference histogram.
    const bars = page.getByTestId('hist-bar');
    expect(await bars.count()).toBe(64);
    const heights = await bars.evaluateAll((rects) => rects.map((r) => Number(r.getAttribute('height'))));
    expect(heights.filter((h) => h > 0).length).toBeGreaterThan(20);
    const titled = await bars.evaluateAll((rects) =>
      rects.map((r) => Number((r.textContent ?? '').split(': ').pop()?.replace(/,/g, ''))),
    );
    expect(titled).toEqual(histogram(values, 64));
    expect(await page.locator('.histogram-svg').getAttribute('aria-label')).toContain('64 bins');

    // Heat map: one cell per value (84 × 120), many distinct colours drawn.
    await expect.poll(() => page.getByTestId('heatmap-canvas').getAttribute('aria-label')).toContain('84 × 120');
    expect(await canvasColours(session())).toBeGreaterThan(50);

    // Value preview: a slice, its values equal to the file's; an out-of-range slice explained.
    await page.getByTestId('slice-input').fill('[1, :4]');
    await page.getByTestId('preview-show').click();
    await expect.poll(() => page.getByTestId('preview-values').textContent()).toMatch(/^\[/);
    const shown = ((await page.getByTestId('preview-values').textContent()) ?? '')
      .replace(/[[\]\s]/g, '')
      .split(',')
      .map(Number);
    expect(shown.map((v) => Math.fround(v))).toEqual(values.slice(120, 124));
    await page.getByTestId('slice-input').fill('[84, 0]');
    await page.getByTestId('preview-show').click();
    await expect
      .poll(() => page.getByTestId('value-preview').getByRole('alert').textContent())
      .toContain('outside the tensor');

    // A rank-4 conv weight: pick the leading indices; the heat map follows.
    await page.getByTestId('numbers-tensor-select').selectOption('conv2.weight');
    await expect.poll(() => page.getByTestId('heatmap-canvas').getAttribute('aria-label')).toContain('[0, 0, :, :]');
    await page.getByTestId('heatmap-axis-0').fill('3');
    await page.getByTestId('heatmap-axis-1').fill('4');
    await expect.poll(() => page.getByTestId('heatmap-canvas').getAttribute('aria-label')).toContain('[3, 4, :, :]');
    expect(await canvasColours(session())).toBeGreaterThan(10);

    mkdirSync(OUT, { recursive: true });
    await page.getByTestId('numbers-tensor-select').selectOption('fc2.weight');
    await expect.poll(() => page.getByTestId('heatmap-canvas').getAttribute('aria-label')).toContain('84 × 120');
    await page.getByTestId('tensor-numbers').screenshot({ path: path.join(OUT, 'numbers-light.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.getByTestId('tensor-numbers').screenshot({ path: path.join(OUT, 'numbers-dark.png') });
  });

  it('scan all, NaN/Inf audit lists every tensor with non-finite values, treemap filters, report downloads', async () => {
    const { page } = session();
    // A checkpoint with NaN and ±Inf in two tensors, written with the project's record encoder.
    const clean = new Float32Array([0.5, -1, 2, 0]);
    const nan = new Float32Array([1, NaN, 3, NaN, -Infinity]);
    const inf = new Float32Array([Infinity, 2]);
    const bytes = (a: Float32Array) => new Uint8Array(a.buffer);
    const records = [
      encodeRecord('backbone.layer1.weight', [2, 2], 'Float32', bytes(clean)),
      encodeRecord('backbone.layer2.weight', [5], 'Float32', bytes(nan)),
      encodeRecord('head.bias', [2], 'Float32', bytes(inf)),
      encodeRecord('step', [1], 'Int32', new Uint8Array(new Int32Array([7]).buffer)),
    ];
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'ckpt-lens-numbers-')), 'nan.ckpt');
    writeFileSync(file, Buffer.concat(records));

    await pickFiles(page, [file]);
    await expect.poll(() => page.getByTestId('param-count').textContent()).toBe('4');
    await page.getByTestId('panel-tab-numbers').click();
    await page.getByTestId('nan-audit-button').click();
    await expect.poll(() => page.getByTestId('nan-audit-result').textContent()).toContain('2 of 3 tensors');
    const findings = await page.getByTestId('nan-audit-findings').locator('tbody tr').allTextContents();
    expect(findings).toHaveLength(2);
    expect(findings[0]).toContain('backbone.layer2.weight');
    expect(findings[0]).toMatch(/Float32\[5\]2 ?0 ?1 ?1/);
    expect(findings[1]).toContain('head.bias');

    await page.getByTestId('scan-all-button').click();
    await expect.poll(() => page.getByTestId('scan-table').locator('tbody tr').count()).toBe(4);
    expect(await page.getByTestId('scan-table').textContent()).toContain('2 / 0 / 1');

    const downloading = page.waitForEvent('download');
    await page.getByTestId('report-json').click();
    const download = await downloading;
    const saved = path.join(mkdtempSync(path.join(os.tmpdir(), 'ckpt-lens-report-')), download.suggestedFilename());
    await download.saveAs(saved);
    const report = JSON.parse(readFileSync(saved, 'utf8')) as {
      report: string;
      nonFinite: { clean: boolean; findings: { name: string; nan: number }[] };
      stats: { tensors: unknown[] };
    };
    expect(report.report).toBe('ckpt-lens-audit');
    expect(report.nonFinite.findings.map((f) => [f.name, f.nan])).toEqual([
      ['backbone.layer2.weight', 2],
      ['head.bias', 0],
    ]);
    expect(report.stats.tensors).toHaveLength(4);

    // Treemap: a module box filters the parameter table.
    await page.locator('[data-testid="treemap-box"][data-path="backbone"]').click({ position: { x: 8, y: 8 } }); // its header; the middle is its children
    await page.getByTestId('panel-tab-parameters').click();
    await expect.poll(() => page.locator('.table-caption').textContent()).toContain('backbone.*');
  });

  it('compare names a damaged entry as damage, not a change', async () => {
    const { page } = session();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ckpt-lens-compare-damaged-'));
    const f32 = (values: number[]): Uint8Array => new Uint8Array(new Float32Array(values).buffer);
    // A: "w" declares 4 values and holds 2; B is sound.
    const damaged = path.join(dir, 'damaged-a.ckpt');
    writeFileSync(
      damaged,
      Buffer.concat([encodeRecord('w', [4], 'Float32', f32([1, 2])), encodeRecord('b', [1], 'Float32', f32([3]))]),
    );
    const sound = path.join(dir, 'sound-b.ckpt');
    writeFileSync(
      sound,
      Buffer.concat([
        encodeRecord('w', [4], 'Float32', f32([1, 2, 3, 4])),
        encodeRecord('b', [1], 'Float32', f32([3])),
      ]),
    );
    await pickFiles(page, [sound]);
    await expect.poll(() => page.getByTestId('param-count').textContent()).toBe('2');
    await pickFiles(page, [damaged]);
    await expect.poll(() => page.getByRole('tab', { name: /damaged-a/ }).getAttribute('aria-selected')).toBe('true');
    await page.getByTestId('panel-tab-compare').click();
    await page.getByTestId('compare-run').click();
    await expect
      .poll(() => page.getByTestId('compare-damaged').textContent())
      .toMatch(/w in A: Content size does not match/);
  });

  it('compares two LeNet checkpoints per tensor', async () => {
    const { page } = session();
    const a = readTensors(XMU);
    const b = readTensors(LAB2);
    const fa = a.get('fc3.weight') as number[];
    const fb = b.get('fc3.weight') as number[];
    const maxAbs = Math.max(...fa.map((v, i) => Math.abs(v - (fb[i] as number))));

    await pickFiles(page, [LAB2]);
    await expect.poll(() => page.getByTestId('param-count').textContent()).toBe('19');
    await pickFiles(page, [XMU]);
    await expect.poll(() => page.getByRole('tab', { name: /XMU_AI_ISP/ }).getAttribute('aria-selected')).toBe('true');
    await page.getByTestId('panel-tab-compare').click();
    await page.getByTestId('compare-run').click();
    await expect.poll(() => page.getByTestId('compare-summary').textContent()).toContain('19 paired');
    const rows = page.getByTestId('compare-table').locator('tbody tr');
    expect(await rows.count()).toBe(19);
    const fc3 = rows.filter({ hasText: /^fc3\.weight/ });
    const cells = await fc3.locator('td').allTextContents();
    close(cells[3] ?? null, maxAbs);
    // Sort by max |Δ|: the first row has the largest max |Δ| of all tensors.
    await page.getByRole('button', { name: 'max |Δ|' }).click();
    const firstName = (await rows.first().locator('td').first().textContent()) ?? '';
    const largest = [...a.entries()]
      .filter(([name]) => b.has(name))
      .map(
        ([name, values]) => [name, Math.max(...values.map((v, i) => Math.abs(v - (b.get(name)?.[i] ?? v))))] as const,
      )
      .sort((x, y) => y[1] - x[1])[0];
    expect(firstName).toBe(largest?.[0]);
    mkdirSync(OUT, { recursive: true });
    await page.getByTestId('compare-panel').screenshot({ path: path.join(OUT, 'compare.png') });
  });

  it('a name map that sends two names to one is refused with the sentence the CLI gives', async () => {
    const { page } = session();
    await pickFiles(page, [LAB2]);
    await expect.poll(() => page.getByTestId('param-count').textContent()).toBe('19');
    await pickFiles(page, [XMU]);
    await expect.poll(() => page.getByRole('tab', { name: /XMU_AI_ISP/ }).getAttribute('aria-selected')).toBe('true');
    // conv1.weight -> conv2.weight, while conv2.weight keeps its name.
    await page.getByTestId('panel-tab-export').click();
    await page.getByTestId('name-map-rules').fill('^conv1\\. => conv2.');
    await page.getByTestId('panel-tab-compare').click();
    await page.getByTestId('compare-run').click();
    const alert = page.getByTestId('compare-panel').getByRole('alert');
    await expect
      .poll(() => alert.textContent())
      .toContain(
        'The name map gives two parameters one nameThe name map turns "conv1.weight" and "conv2.weight" into "conv2.weight": a comparison pairs each name once, so it could not tell which of them to compare.',
      );
    expect(await page.getByTestId('compare-result').count()).toBe(0);
  });
});
