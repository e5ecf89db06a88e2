import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../test/cli';
import { fixturePath } from '../test/fixtures';

const SET = fixturePath('pytorch', 'sharded_safetensors');
const INDEX = path.join(SET, 'model.safetensors.index.json');
const SHARD1 = 'model-00001-of-00002.safetensors';
const SHARD2 = 'model-00002-of-00002.safetensors';
const NET = fixturePath('pytorch', 'tiny_cnn.mindspore_net.json');
const MANIFEST = JSON.parse(readFileSync(fixturePath('pytorch', 'MANIFEST.json'), 'utf8')) as {
  mindspore_net: { map: Record<string, string | null> };
};
const WEIGHT_MAP = (JSON.parse(readFileSync(INDEX, 'utf8')) as { weight_map: Record<string, string> }).weight_map;
const tmp = mkdtempSync(path.join(tmpdir(), 'ckpt-lens-sharded-'));

interface InspectJson {
  tensors: { name: string; shard?: string; bytes: number }[];
  problems: { code: string; detail: string }[];
  sharded?: { indexFile: string; shards: { file: string }[] };
}

const parse = <T>(line: string | undefined): T => JSON.parse(line ?? 'null') as T;

describe('one checkpoint from a folder or an index JSON', () => {
  it('inspect --json of the folder and of its index lists every tensor with its shard', async () => {
    for (const input of [SET, INDEX]) {
      const { code, out } = await runCli('inspect', input, '--json');
      expect(code).toBe(0);
      const result = parse<InspectJson>(out[0]);
      expect(Object.fromEntries(result.tensors.map((t) => [t.name, t.shard]))).toEqual(WEIGHT_MAP);
      expect(result.problems).toEqual([]);
      expect(result.sharded?.indexFile).toBe('model.safetensors.index.json');
      expect(result.sharded?.shards.map((s) => s.file)).toEqual([SHARD1, SHARD2]);
    }
  });

  it('stats of a tensor through the set equal the stats from its shard file', async () => {
    const viaSet = await runCli('stats', SET, '--tensor', 'fc.bias', '--json');
    const direct = await runCli('stats', path.join(SET, SHARD2), '--tensor', 'fc.bias', '--json');
    expect(viaSet.code).toBe(0);
    expect(parse(viaSet.out[0])).toEqual(parse(direct.out[0]));
  });

  it('compare of the set against one shard finds the shared tensors identical', async () => {
    const { code, out } = await runCli('compare', INDEX, path.join(SET, SHARD1), '--json');
    expect(code).toBe(0);
    const pairs = parse<{ pairs: { name: string; status: string }[] }>(out[0]).pairs;
    expect(pairs.map((p) => p.name).sort()).toEqual(
      Object.keys(WEIGHT_MAP)
        .filter((name) => WEIGHT_MAP[name] === SHARD1)
        .sort(),
    );
    expect(pairs.every((p) => p.status === 'identical')).toBe(true);
  });

  it('convert writes the set as one file that compares identical and verifies', async () => {
    const out = path.join(tmp, 'whole.safetensors');
    const converted = await runCli('convert', SET, out, '--verify', '--json');
    expect(converted.code).toBe(0);
    const inspect = parse<InspectJson>((await runCli('inspect', out, '--json')).out[0]);
    expect(inspect.tensors.map((t) => t.name).sort()).toEqual(Object.keys(WEIGHT_MAP).sort());
    expect(inspect.tensors.every((t) => t.shard === undefined)).toBe(true);
    const compared = parse<{ pairs: { status: string }[] }>((await runCli('compare', out, SET, '--json')).out[0]);
    expect(compared.pairs).toHaveLength(15);
    expect(compared.pairs.every((p) => p.status === 'identical')).toBe(true);
  });

  it('reports a missing shard as a finding and still lists the rest', async () => {
    const dir = path.join(tmp, 'missing');
    mkdirSync(dir);
    copyFileSync(INDEX, path.join(dir, 'model.safetensors.index.json'));
    copyFileSync(path.join(SET, SHARD1), path.join(dir, SHARD1));
    const { out } = await runCli('inspect', dir, '--json');
    const result = parse<InspectJson>(out[0]);
    expect(result.problems.map((p) => p.code)).toEqual(['shard-file-missing']);
    expect(result.tensors).toHaveLength(7);
    const text = await runCli('inspect', dir);
    // Terminal advice: the file goes beside the index (there is no folder to drop in a terminal).
    expect(text.out.join('\n')).toContain(
      `A shard file the index names is not beside it: ${SHARD2} (the index puts 8 tensors in it). Its tensors are not listed; put the file there to see them.`,
    );
    expect(text.out.join('\n')).not.toContain('drop');
  });

  it('a folder or a device where a shard should be is named for what it is, not "not here"', async () => {
    for (const [name, make, kind] of [
      ['folder', (file: string) => mkdirSync(file), 'a folder'],
      ['device', (file: string) => symlinkSync('/dev/zero', file), 'a character device'],
    ] as const) {
      const dir = path.join(tmp, `shard-${name}`);
      mkdirSync(dir);
      copyFileSync(INDEX, path.join(dir, 'model.safetensors.index.json'));
      copyFileSync(path.join(SET, SHARD1), path.join(dir, SHARD1));
      make(path.join(dir, SHARD2));
      const result = parse<InspectJson>((await runCli('inspect', dir, '--json')).out[0]);
      expect(
        result.problems.map((p) => p.code),
        name,
      ).toEqual(['shard-file-not-regular']);
      expect(result.tensors).toHaveLength(7);
      const text = (await runCli('inspect', dir)).out.join('\n');
      expect(text).toContain(
        `A shard the index names is not a regular file: ${SHARD2} is ${kind} (the index puts 8 tensors in it). Its tensors are not listed; put the shard file itself at that name to see them.`,
      );
      // convert refuses the set as incomplete (exit 3), with terminal advice.
      const converted = await runCli('convert', dir, path.join(tmp, `shard-${name}.safetensors`));
      expect(converted.code).toBe(3);
      expect(converted.err.join('\n')).toContain(`${SHARD2} is ${kind}`);
      expect(converted.err.join('\n')).not.toContain('drop the whole folder');
    }
  });

  it('a folder with neither an index nor exactly one checkpoint: exit 1 with a clear sentence', async () => {
    const dir = path.join(tmp, 'two-files');
    mkdirSync(dir);
    copyFileSync(path.join(SET, SHARD1), path.join(dir, 'a.safetensors'));
    copyFileSync(path.join(SET, SHARD2), path.join(dir, 'b.safetensors'));
    const { code, err } = await runCli('inspect', dir);
    expect(code).toBe(1);
    expect(err.join('\n')).toContain('holds no *.index.json or param_name_map.json');
  });

  it('a folder with one checkpoint opens that file', async () => {
    const dir = path.join(tmp, 'one-file');
    mkdirSync(dir);
    copyFileSync(path.join(SET, SHARD2), path.join(dir, SHARD2));
    const result = parse<InspectJson>((await runCli('inspect', dir, '--json')).out[0]);
    expect(result.tensors).toHaveLength(8);
    expect(result.sharded).toBeUndefined();
  });

  it('path traversal in weight_map: refused, exit 1, nothing outside the folder opened', async () => {
    const dir = path.join(tmp, 'traversal');
    mkdirSync(dir);
    writeFileSync(
      path.join(dir, 'model.safetensors.index.json'),
      JSON.stringify({ weight_map: { 'fc.bias': `../../${path.basename(SET)}/${SHARD2}` } }),
    );
    const { code, err } = await runCli('inspect', dir);
    expect(code).toBe(1);
    expect(err.join('\n')).toContain('is not a plain file name');
  });
});

describe("MindSpore's unified layout as one checkpoint", () => {
  it('a merge into part files + param_name_map.json + hyper_param.safetensors reads back as expected_merged', async () => {
    const case1 = fixturePath('distributed', 'case1_tp_dp');
    const dir = path.join(tmp, 'unified');
    const merged = await runCli(
      'merge',
      '--strategy',
      path.join(case1, 'strategy.ckpt'),
      case1,
      '--input-format',
      'ckpt',
      '--out',
      dir,
      '--part-size',
      '300B',
    );
    expect(merged.code, merged.err.join('\n')).toBe(0);
    const inspect = parse<InspectJson & { sharded: { kind: string } }>((await runCli('inspect', dir, '--json')).out[0]);
    expect(inspect.problems).toEqual([]);
    expect(inspect.sharded.kind).toBe('mindspore-unified');
    expect(inspect.tensors.find((t) => t.name === 'global_step')?.shard).toBe('hyper_param.safetensors');
    const compared = parse<{ pairs: { name: string; status: string }[]; onlyA?: unknown[]; onlyB?: unknown[] }>(
      (await runCli('compare', dir, path.join(case1, 'expected_merged.safetensors'), '--json')).out[0],
    );
    expect(compared.pairs.map((p) => p.name).sort()).toEqual([
      'global_step',
      'layer.bias',
      'layer.weight',
      'norm.gamma',
    ]);
    expect(compared.pairs.every((p) => p.status === 'identical')).toBe(true);
  });
});

describe('--auto-map onto the MindSpore network', () => {
  it('diff: exit 3 without it, exit 0 with it; the JSON lists the proposals and what the network does not need', async () => {
    expect((await runCli('diff', SET, '--manifest', NET)).code).toBe(3);
    const { code, out } = await runCli('diff', SET, '--manifest', NET, '--auto-map', '--json');
    expect(code).toBe(0);
    const result = parse<{
      param_not_load: string[];
      autoMap: { exact: Record<string, string>; notNeeded: { from: string }[] };
    }>(out[0]);
    expect(result.param_not_load).toEqual([]);
    const intended = MANIFEST.mindspore_net.map;
    for (const [from, to] of Object.entries(result.autoMap.exact)) expect(intended[from]).toBe(to);
    expect(result.autoMap.notNeeded.map((n) => n.from).sort()).toEqual(
      Object.keys(intended)
        .filter((name) => intended[name] === null)
        .sort(),
    );
  });

  it('diff: exit 3 when a parameter still would not load after the auto-map', async () => {
    const net = JSON.parse(readFileSync(NET, 'utf8')) as Record<string, unknown>;
    const file = path.join(tmp, 'net-with-head.json');
    writeFileSync(file, JSON.stringify({ ...net, 'head.weight': { shape: [4, 16], dtype: 'Float32' } }));
    const { code, out } = await runCli('diff', SET, '--manifest', file, '--auto-map', '--json');
    expect(code).toBe(3);
    expect(parse<{ param_not_load: string[] }>(out[0]).param_not_load).toEqual(['head.weight']);
  });

  it('convert --auto-map writes the network names, which then load as they are', async () => {
    const out = path.join(tmp, 'mindspore.ckpt');
    const converted = await runCli('convert', SET, out, '--manifest', NET, '--auto-map');
    expect(converted.code).toBe(0);
    const names = parse<InspectJson>((await runCli('inspect', out, '--json')).out[0]).tensors.map((t) => t.name);
    const intended = MANIFEST.mindspore_net.map;
    expect(names.sort()).toEqual(
      Object.entries(intended)
        .map(([from, to]) => to ?? from)
        .sort(),
    );
    expect((await runCli('diff', out, '--manifest', NET)).code).toBe(0);
  });

  it('convert composes --preset with --auto-map, and refuses --auto-map without --manifest', async () => {
    const out = path.join(tmp, 'preset.ckpt');
    const converted = await runCli(
      'convert',
      SET,
      out,
      '--preset',
      'pytorch-to-mindspore',
      '--manifest',
      NET,
      '--auto-map',
      '--json',
    );
    expect(converted.code).toBe(0);
    // The preset already renamed every BatchNorm leaf: nothing left to propose.
    expect(parse<{ autoMap: { proposals: unknown[] } }>(converted.out[0]).autoMap.proposals).toEqual([]);
    expect((await runCli('diff', out, '--manifest', NET)).code).toBe(0);
    expect((await runCli('convert', SET, path.join(tmp, 'x.ckpt'), '--auto-map')).code).toBe(2);
  });
});
