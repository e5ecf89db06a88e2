import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bytesOf, checkpointBytes } from '../../test/ckpt-records';
import { fixturePath } from '../../test/fixtures';
import { captureIo as capture } from '../../test/cli';
import { main } from '../main';
import { encodeRecord } from '../../formats/ckpt/write';

const XMU = fixturePath('real', 'XMU_AI_ISP__checkpoint_lenet-1_1875.ckpt');
const LAB2 = fixturePath('real', 'AI-lab2__checkpoint_lenet-1_1875.ckpt');
const dir = mkdtempSync(path.join(tmpdir(), 'ckpt-lens-stats-'));

describe('cli stats', () => {
  it('--json: every tensor, clean audit, exit 0', async () => {
    const { io, out } = capture();
    expect(await main(['stats', XMU, '--json'], io)).toBe(0);
    const json = JSON.parse(out.join('\n')) as {
      tensors: { name: string; elements: number }[];
      nonFinite: { clean: boolean };
    };
    expect(json.tensors.length).toBe(19);
    expect(json.tensors.find((t) => t.name === 'fc1.weight')?.elements).toBe(48000);
    expect(json.nonFinite.clean).toBe(true);
  });

  it('--filter selects tensors with the shared filter language', async () => {
    const { io, out } = capture();
    expect(await main(['stats', XMU, '--filter', 'startsWith("moments.")', '--json'], io)).toBe(0);
    const json = JSON.parse(out.join('\n')) as { tensors: { name: string }[] };
    expect(json.tensors.map((t) => t.name).every((n) => n.startsWith('moments.'))).toBe(true);
    expect(json.tensors.length).toBe(8);
  });

  it('--tensor with --slice / --head prints values; unknown tensors are named', async () => {
    const slice = capture();
    expect(await main(['stats', XMU, '--tensor', 'conv1.weight', '--slice', '[0, 0, 0, :3]', '--json'], slice.io)).toBe(
      0,
    );
    expect(JSON.parse(slice.out.join('\n'))).toMatchObject({ shape: [3] });
    const head = capture();
    expect(await main(['stats', XMU, '--tensor', 'global_step', '--head', '5'], head.io)).toBe(0);
    expect(head.out.join('\n')).toBe('[0]');
    const missing = capture();
    expect(await main(['stats', XMU, '--tensor', 'nope'], missing.io)).toBe(1);
    expect(missing.err.join('\n')).toContain('nope');
    const usage = capture();
    expect(await main(['stats', XMU, '--slice', '[0]'], usage.io)).toBe(2);
  });

  it('NaN/Inf found: exit 3, tensors listed (stats and --nan-audit)', async () => {
    const file = path.join(dir, 'nan.ckpt');
    writeFileSync(
      file,
      checkpointBytes([
        ['ok', [2], 'Float32', bytesOf(new Float32Array([1, 2]))],
        ['bad', [3], 'Float32', bytesOf(new Float32Array([1, Number.NaN, Number.POSITIVE_INFINITY]))],
      ]),
    );
    const stats = capture();
    expect(await main(['stats', file], stats.io)).toBe(3);
    expect(stats.out.join('\n')).toContain('! bad: 1 NaN, 1 +Inf, 0 -Inf (first at flat index 1)');
    const audit = capture();
    expect(await main(['stats', file, '--nan-audit', '--json'], audit.io)).toBe(3);
    expect(JSON.parse(audit.out.join('\n')).nonFinite.findings).toHaveLength(1);
  });
});

describe('cli compare', () => {
  it('--json: pairs sorted by relative L2, only-in lists', async () => {
    const { io, out } = capture();
    expect(await main(['compare', XMU, LAB2, '--json'], io)).toBe(0);
    const json = JSON.parse(out.join('\n')) as {
      pairs: { status: string; relativeL2: number | null }[];
      onlyInA: string[];
      summary: { paired: number };
    };
    expect(json.summary.paired).toBe(19);
    const changed = json.pairs
      .filter((p) => p.status === 'changed' && p.relativeL2 !== null)
      .map((p) => p.relativeL2 as number);
    expect([...changed].sort((x, y) => y - x)).toEqual(changed);
  });

  it('a damaged entry on either side is damage, not a difference: named, exit 3', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ckpt-lens-compare-damaged-'));
    const damaged = path.join(dir, 'damaged.ckpt');
    const ok = path.join(dir, 'ok.ckpt');
    writeFileSync(damaged, encodeRecord('w', [4, 4], 'Float32', new Uint8Array(8)));
    writeFileSync(ok, encodeRecord('w', [2], 'Float32', new Uint8Array(8)));
    const { io, out } = capture();
    expect(await main(['compare', damaged, ok], io)).toBe(3);
    expect(out.join('\n')).toMatch(/! w in A: Content size does not match/);
    const clean = capture();
    expect(await main(['compare', ok, ok], clean.io)).toBe(0);
  });

  it('--name-map accepts inline JSON rules or a file', async () => {
    const inline = capture();
    const rules = JSON.stringify([{ pattern: '^fc', replacement: 'dense' }]);
    expect(await main(['compare', XMU, LAB2, '--name-map', rules, '--json'], inline.io)).toBe(0);
    const json = JSON.parse(inline.out.join('\n')) as { onlyInA: string[] };
    expect(json.onlyInA).toEqual(['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias', 'fc3.weight', 'fc3.bias']);
    const mapFile = path.join(dir, 'map.json');
    writeFileSync(mapFile, JSON.stringify({ 'conv1.weight': 'conv2.weight' }));
    const fromFile = capture();
    // conv2.weight of A keeps its name, so the map sends two names to it: refused until one is left out.
    const refused = capture();
    expect(await main(['compare', XMU, LAB2, '--name-map', mapFile, '--json'], refused.io)).toBe(1);
    expect(refused.out.join('\n')).toContain('name-map-collision');
    const filter = 'name != "conv2.weight"';
    expect(await main(['compare', XMU, LAB2, '--name-map', mapFile, '--filter', filter, '--json'], fromFile.io)).toBe(
      0,
    );
    const mapped = JSON.parse(fromFile.out.join('\n')) as {
      pairs: { name: string; nameB: string; status: string; reason?: string }[];
    };
    expect(mapped.pairs.find((p) => p.name === 'conv1.weight')).toMatchObject({
      nameB: 'conv2.weight',
      status: 'incomparable',
      reason: 'element-count-differs',
    });
  });

  it('text output and usage errors', async () => {
    const text = capture();
    expect(await main(['compare', XMU, LAB2, '--top', '3'], text.io)).toBe(0);
    expect(text.out[1]).toMatch(/^19 paired: /);
    const usage = capture();
    expect(await main(['compare', XMU], usage.io)).toBe(2);
    expect(await main(['compare', XMU, LAB2, '--sort', 'bogus'], usage.io)).toBe(2);
  });

  it('a key opens whichever side is encrypted; a wrong key, a missing one or an unused one is said so', async () => {
    const crypto = (name: string): string => fixturePath('crypto', name);
    const sm4 = ['--key', '0123456789abcdeffedcba9876543210'];
    const aes = ['--key', '000102030405060708090a0b0c0d0e0f'];
    const json = async (args: string[]): Promise<{ summary: { paired: number; identical: number } }> => {
      const { io, out } = capture();
      expect(await main(['compare', ...args, '--json'], io)).toBe(0);
      return JSON.parse(out.join('\n')) as { summary: { paired: number; identical: number } };
    };
    // The same three parameters, encrypted on one side, on the other, or on both with one key.
    for (const args of [
      [crypto('tiny_sm4_cbc.ckpt'), crypto('tiny_plain.ckpt'), ...sm4],
      [crypto('tiny_plain.ckpt'), crypto('tiny_aes_gcm.ckpt'), ...aes],
      [crypto('tiny_aes_cbc.ckpt'), crypto('tiny_aes_gcm.ckpt'), ...aes],
    ])
      expect((await json(args)).summary).toMatchObject({ paired: 3, identical: 3 });
    const wrong = capture();
    expect(await main(['compare', crypto('tiny_plain.ckpt'), crypto('tiny_aes_gcm.ckpt'), ...sm4], wrong.io)).toBe(1);
    expect(wrong.err.join('\n')).toMatch(/^Wrong key: .*tiny_aes_gcm\.ckpt/);
    const missing = capture();
    expect(await main(['compare', crypto('tiny_sm4_cbc.ckpt'), crypto('tiny_plain.ckpt')], missing.io)).toBe(1);
    expect(missing.err.join('\n')).toMatch(/^This checkpoint is encrypted: .*tiny_sm4_cbc\.ckpt/);
    const unused = capture();
    expect(await main(['compare', XMU, LAB2, ...sm4], unused.io)).toBe(2);
    expect(unused.err.join('\n')).toContain('neither checkpoint is encrypted');
  });
});
