import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixturePath } from '../../test/fixtures';
import { captureIo as capture } from '../../test/cli';
import { main } from '../main';
import { encodeRecord } from '../../formats/ckpt/write';

const dir = mkdtempSync(path.join(tmpdir(), 'ckpt-lens-diff-'));
const LENET = fixturePath('real', 'nsu-huawei-2022__LeNet5_5_step.ckpt');

function writeJson(name: string, value: unknown): string {
  const file = path.join(dir, name);
  writeFileSync(file, JSON.stringify(value));
  return file;
}

interface DiffOutput {
  loaded: { param: string; from: string; cast?: { from: string; to: string } }[];
  param_not_load: string[];
  ckpt_not_load: string[];
  errors: { param: string; reason: string }[];
  suggestions: { param: string; candidate: string; why: string }[];
}

describe('ckpt-lens diff', () => {
  it('exit 0 when a graph .meta loads its checkpoint fully; the JSON contract', async () => {
    const { io, out } = capture();
    const code = await main(
      [
        'diff',
        fixturePath('real', 'mindpet__checkpoint_base-1_3.ckpt'),
        '--manifest',
        fixturePath('real', 'manifests', 'mindpet__checkpoint_base-graph.meta'),
        '--json',
      ],
      io,
    );
    expect(code).toBe(0);
    const result = JSON.parse(out[0]!) as DiffOutput;
    expect(result.loaded).toHaveLength(23);
    expect(result.loaded[0]).toEqual({ param: 'conv1.weight', from: 'conv1.weight', via: 'exact' });
    expect(result.param_not_load).toEqual([]);
    expect(result.ckpt_not_load).toEqual([]);
    expect(result.errors).toEqual([]);
    expect(Array.isArray(result.suggestions)).toBe(true);
  });

  it('exit 3 with errors and suggestions when a parameter would not load', async () => {
    const manifest = writeJson('net.json', {
      'conv1.weight': { shape: [6, 1, 5, 5], dtype: 'Float32' },
      'fc1.weight': { shape: [400, 120], dtype: 'Float32' },
      'fc1.bias': { shape: [120], dtype: 'Float16' },
      'fc2.weigth': { shape: [84, 120], dtype: 'Float32' },
    });
    const loose = capture();
    expect(await main(['diff', LENET, '--manifest', manifest, '--json'], loose.io)).toBe(3);
    const result = JSON.parse(loose.out[0]!) as DiffOutput;
    expect(result.loaded.map((item) => item.param)).toEqual(['conv1.weight', 'fc1.bias']);
    expect(result.loaded[1]!.cast).toEqual({ from: 'Float32', to: 'Float16' });
    expect(result.errors.map((error) => error.param)).toEqual(['fc1.weight']);
    expect(result.param_not_load).toEqual(['fc2.weigth']);
    expect(result.suggestions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ param: 'fc2.weigth', candidate: 'fc2.weight' }),
        expect.objectContaining({ param: 'fc1.weight', candidate: 'fc1.weight' }),
      ]),
    );
    const strict = capture();
    expect(await main(['diff', LENET, '--manifest', manifest, '--strict', '--json'], strict.io)).toBe(3);
    expect((JSON.parse(strict.out[0]!) as DiffOutput).errors.map((error) => error.param)).toEqual([
      'fc1.weight',
      'fc1.bias',
    ]);
  });

  it('--filter selects like choice_func, --name-map and --preset rename before the diff', async () => {
    const manifest = writeJson('fc.json', { 'fc1.gamma': { shape: [120] }, 'fc2.bias': { shape: [84] } });
    const nameMap = writeJson('map.json', { 'fc1.bias': 'fc1.gamma' });
    const { io, out } = capture();
    expect(
      await main(
        ['diff', LENET, '--manifest', manifest, '--filter', 'endsWith(".bias")', '--name-map', nameMap, '--json'],
        io,
      ),
    ).toBe(0);
    const result = JSON.parse(out[0]!) as DiffOutput;
    expect(result.loaded.map((item) => [item.param, item.from])).toEqual([
      ['fc1.gamma', 'fc1.gamma'],
      ['fc2.bias', 'fc2.bias'],
    ]);
    expect(result.ckpt_not_load).toEqual(['fc3.bias']);

    const empty = capture();
    expect(await main(['diff', LENET, '--manifest', manifest, '--filter', 'startsWith("nothing")'], empty.io)).toBe(3);
    expect(empty.err.join('\n')).toContain('The loaded parameter dict is empty after filter or specify');

    const text = capture();
    expect(
      await main(
        ['diff', LENET, '--manifest', manifest, '--preset', 'pytorch-to-mindspore', '--filter-prefix', 'conv'],
        text.io,
      ),
    ).toBe(3);
    expect(text.out.join('\n')).toContain('MISS  fc1.gamma');
  });

  it('reports a name map given as the manifest, a bad filter, and usage errors', async () => {
    const nameMap = writeJson('only-map.json', { a: 'b', c: 'd' });
    const asManifest = capture();
    expect(await main(['diff', LENET, '--manifest', nameMap], asManifest.io)).toBe(1);
    expect(asManifest.err.join('\n')).toContain('name map, not a network manifest');
    const badFilter = capture();
    expect(await main(['diff', LENET, '--manifest', nameMap, '--filter', 'name = 1'], badFilter.io)).toBe(1);
    expect(badFilter.err.join('\n')).toContain('column 6');
    expect(await main(['diff', LENET], capture().io)).toBe(2);
  });
});

describe('ckpt-lens inspect --filter', () => {
  it('a parameter that would load from a damaged entry is not "everything loads": listed, exit 3', async () => {
    const damaged = path.join(dir, 'damaged.ckpt');
    // A [4,4] Float32 record carrying 8 bytes: the names match, load_checkpoint still fails on it.
    writeFileSync(damaged, encodeRecord('w', [4, 4], 'Float32', new Uint8Array(8)));
    const text = capture();
    expect(await main(['diff', damaged, '--manifest', damaged], text.io)).toBe(3);
    expect(text.out.join('\n')).not.toContain('Everything in the network loads');
    expect(text.out.join('\n')).toMatch(/! w: Content size does not match/);
    const json = capture();
    expect(await main(['diff', damaged, '--manifest', damaged, '--json'], json.io)).toBe(3);
    expect((JSON.parse(json.out.join('')) as { damaged: { tensor: string; code: string }[] }).damaged).toEqual([
      { param: 'w', tensor: 'w', code: 'size-mismatch', detail: 'expected 64 bytes, found 8' },
    ]);
  });

  it('lists only matching parameters and says how many matched', async () => {
    const { io, out } = capture();
    expect(await main(['inspect', LENET, '--filter', 'name ~ /\\.bias$/ and numel < 100', '--json'], io)).toBe(0);
    const result = JSON.parse(out[0]!) as { tensors: { name: string }[]; filter: { matched: number; total: number } };
    expect(result.tensors.map((tensor) => tensor.name)).toEqual(['fc2.bias', 'fc3.bias']);
    expect(result.filter).toMatchObject({ matched: 2, total: 8 });
    const table = capture();
    expect(await main(['inspect', LENET, '--filter', 'rank == 4'], table.io)).toBe(0);
    expect(table.out[0]).toBe('filter rank == 4: 2 of 8 parameters match');
  });
});
