import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateMergeSet } from '../../bench/merge-set';
import { fixturePath } from '../test/fixtures';
import { runCli as run } from '../test/cli';
import { parseShard, shardPartFile } from './shard';

const work = mkdtempSync(path.join(tmpdir(), 'ckpt-lens-shard-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const dist = (...parts: string[]) => fixturePath('distributed', ...parts);
const SHARDS = 3;

/** Run `args --shard i/N` for every i (as N machines would, each on its own), all exit 0. */
async function runShards(args: readonly string[], count = SHARDS): Promise<void> {
  for (let index = 0; index < count; index += 1) {
    const result = await run(...args, '--shard', `${index}/${count}`);
    expect(result.code, `shard ${index}: ${result.err.join('\n')}`).toBe(0);
  }
}

/** Every file under `dir` (relative paths, sorted) with its bytes. */
function tree(dir: string): Map<string, Buffer> {
  const files = readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
    .sort();
  return new Map(files.map((file) => [file, readFileSync(path.join(dir, file))]));
}

function expectSameTree(got: string, want: string): void {
  const a = tree(got);
  const b = tree(want);
  expect([...a.keys()]).toEqual([...b.keys()]);
  for (const [file, bytes] of b) expect(Buffer.compare(a.get(file) as Buffer, bytes), file).toBe(0);
}

/** The parts of `out` joined (`ckpt-lens join`) and, separately, as `cat <out>.part-*` would (name order). */
async function expectJoinedAs(out: string, single: string): Promise<void> {
  const dir = path.dirname(out);
  const parts = readdirSync(dir)
    .filter((name) => name.startsWith(`${path.basename(out)}.part-`))
    .sort();
  expect(parts).toEqual(
    Array.from({ length: SHARDS }, (_, index) => path.basename(shardPartFile(out, { index, count: SHARDS }))),
  );
  const catted = Buffer.concat(parts.map((name) => readFileSync(path.join(dir, name))));
  expect(Buffer.compare(catted, readFileSync(single)), `cat ${out}.part-*`).toBe(0);
  const joined = await run('join', out);
  expect(joined.code, joined.err.join('\n')).toBe(0);
  expect(Buffer.compare(readFileSync(out), readFileSync(single)), out).toBe(0);
}

describe('--shard i/N', () => {
  it('parses i/N from 0, and refuses i ≥ N, N < 1 and junk', () => {
    expect(parseShard('0/1')).toEqual({ index: 0, count: 1 });
    expect(parseShard(' 2 / 3 ')).toEqual({ index: 2, count: 3 });
    for (const bad of ['3/3', '0/0', '-1/3', '1', 'a/b', '1/2/3', '', '1.5/3', '0/100000'])
      expect(() => parseShard(bad), bad).toThrow(expect.objectContaining({ code: 'usage' }) as Error);
  });

  it('part names sort in index order for the shell (zero-padded to N)', () => {
    expect(shardPartFile('a.ckpt', { index: 3, count: 12 })).toBe('a.ckpt.part-03-of-12');
    expect(shardPartFile('a.ckpt', { index: 0, count: 3 })).toBe('a.ckpt.part-0-of-3');
  });

  it('merge into one file, every distributed case: 3 shards joined are the bytes of one process', async () => {
    const cases = [
      ['case1_tp_dp', 'strategy.ckpt'],
      ['case2_opt_shard', 'strategy.ckpt'],
      ['case3_pipeline', 'merged_strategy.ckpt'],
    ] as const;
    for (const [caseName, strategyFile] of cases) {
      for (const format of ['safetensors', 'ckpt'] as const) {
        const base = ['merge', '--strategy', dist(caseName, strategyFile), dist(caseName), '--input-format', 'ckpt'];
        const single = path.join(work, `${caseName}-one.${format}`);
        expect((await run(...base, '--out', single)).code).toBe(0);
        const out = path.join(work, `${caseName}-sharded.${format}`);
        await runShards([...base, '--out', out]);
        await expectJoinedAs(out, single);
      }
    }
  }, 180_000);

  it('merge of a generated 8-rank set big enough to be cut into 3 real byte ranges', async () => {
    const set = generateMergeSet(path.join(work, 'generated'), 2 * 1024 * 1024, { hidden: 64 });
    const base = ['merge', '--strategy', set.strategy, ...set.ranks];
    const single = path.join(work, 'generated-one.safetensors');
    expect((await run(...base, '--out', single)).code).toBe(0);
    const out = path.join(work, 'generated-sharded.safetensors');
    await runShards([...base, '--out', out]);
    const sizes = readdirSync(work)
      .filter((name) => name.startsWith('generated-sharded.safetensors.part-'))
      .map((name) => readFileSync(path.join(work, name)).length);
    expect(sizes.every((size) => size > 0)).toBe(true);
    await expectJoinedAs(out, single);
  }, 180_000);

  it("3 concurrent OS processes (as a job array runs them, each with only its index) join to one process's bytes", async () => {
    const set = generateMergeSet(path.join(work, 'generated'), 2 * 1024 * 1024, { hidden: 64 });
    const single = path.join(work, 'processes-one.safetensors');
    const out = path.join(work, 'processes-sharded.safetensors');
    const args = ['merge', '--strategy', set.strategy, ...set.ranks];
    expect((await run(...args, '--out', single)).code).toBe(0);
    const main = path.resolve('src/cli/main.ts');
    const codes = await Promise.all(
      Array.from(
        { length: SHARDS },
        (_, index) =>
          new Promise<number | string>((resolve) => {
            const child = execFile(
              process.execPath,
              ['--import', 'tsx', main, ...args, '--out', out, '--shard', `${index}/${SHARDS}`],
              (_error, _stdout, stderr) => resolve(child.exitCode === 0 ? 0 : `${String(child.exitCode)}: ${stderr}`),
            );
          }),
      ),
    );
    expect(codes).toEqual([0, 0, 0]);
    await expectJoinedAs(out, single);
  }, 180_000);

  it('merge into unified parts: each shard writes whole parts, the union is the folder one process writes', async () => {
    const base = ['merge', '--strategy', dist('case3_pipeline', 'merged_strategy.ckpt'), dist('case3_pipeline')];
    const one = path.join(work, 'unified-one');
    expect((await run(...base, '--out', one, '--part-size', '64B')).code).toBe(0);
    expect(readdirSync(one).length).toBeGreaterThan(SHARDS);
    const sharded = path.join(work, 'unified-sharded');
    await runShards([...base, '--out', sharded, '--part-size', '64B']);
    expectSameTree(sharded, one);
  }, 180_000);

  it('reslice: each shard writes whole rank files, the union is what one process writes (case2, 8 ranks)', async () => {
    const base = [
      'reslice',
      '--strategy',
      dist('case2_opt_shard', 'strategy.ckpt'),
      dist('case2_opt_shard', 'expected_merged.safetensors'),
      '--format',
      'ckpt',
    ];
    const one = path.join(work, 'reslice-one');
    expect((await run(...base, '--out', one)).code).toBe(0);
    const sharded = path.join(work, 'reslice-sharded');
    await runShards([...base, '--out', sharded]);
    expectSameTree(sharded, one);
  }, 180_000);

  it('convert: byte ranges of one file, joined, are the bytes of one process', async () => {
    const input = fixturePath('real', 'ythlml-lenet__checkpoint_lenet-1_1875.ckpt');
    for (const args of [
      ['--cast', 'Float16'],
      ['--format', 'safetensors'],
    ]) {
      const name = `convert-${args.join('')}.ckpt`;
      const single = path.join(work, `one-${name}`);
      expect((await run('convert', input, single, ...args)).code).toBe(0);
      const out = path.join(work, name);
      await runShards(['convert', input, out, ...args]);
      await expectJoinedAs(out, single);
    }
  }, 180_000);

  it('usage errors (exit 2) for bad --shard values and for what cannot be cut, before anything is written', async () => {
    const out = path.join(work, 'never.safetensors');
    const merge = ['merge', '--strategy', dist('case1_tp_dp', 'strategy.ckpt'), dist('case1_tp_dp'), '--out', out];
    const reslice = [
      'reslice',
      '--strategy',
      dist('case2_opt_shard', 'strategy.ckpt'),
      dist('case2_opt_shard', 'expected_merged.safetensors'),
      '--out',
      path.join(work, 'never'),
    ];
    const lenet = fixturePath('real', 'ythlml-lenet__checkpoint_lenet-1_1875.ckpt');
    const convert = ['convert', lenet, path.join(work, 'never.ckpt')];
    for (const command of [merge, reslice, convert]) {
      for (const bad of ['3/3', '0/0', 'x', '1/two']) {
        const result = await run(...command, '--shard', bad);
        expect(result.code, `${command[0]} --shard ${bad}`).toBe(2);
        expect(result.err.join('\n')).toContain(`--shard "${bad}"`);
      }
    }
    const encrypted = await run(...convert, '--enc-key', '00'.repeat(16), '--enc-mode', 'AES-GCM', '--shard', '0/2');
    expect(encrypted.code).toBe(2);
    expect(encrypted.err.join('\n')).toContain('--enc-key');
    expect((await run(...convert, '--verify', '--shard', '0/2')).code).toBe(2);
    expect((await run(...merge, '--shard', '0/2', '--max-process-num', '2')).code).toBe(2);
    expect(existsSync(out) || existsSync(path.join(work, 'never')) || existsSync(path.join(work, 'never.ckpt'))).toBe(
      false,
    );
    expect(readdirSync(work).some((name) => name.startsWith('never'))).toBe(false);
  });

  it('convert --crc: parts with their CRCs; join checks them and appends the crc_num trailer of the whole file', async () => {
    const input = fixturePath('real', 'ythlml-lenet__checkpoint_lenet-1_1875.ckpt');
    const single = path.join(work, 'crc-one.ckpt');
    expect((await run('convert', input, single, '--crc')).code).toBe(0);
    const out = path.join(work, 'crc-sharded.ckpt');
    await runShards(['convert', input, out, '--crc']);
    const joined = await run('join', out);
    expect(joined.code, joined.err.join('\n')).toBe(0);
    expect(Buffer.compare(readFileSync(out), readFileSync(single))).toBe(0);
    const verified = await run('verify', out);
    expect(verified.code, verified.out.join('\n')).toBe(0);
    // The same output again without --crc: the old records go, join writes no trailer.
    const plain = path.join(work, 'crc-plain.ckpt');
    expect((await run('convert', input, plain)).code).toBe(0);
    for (let index = 0; index < SHARDS; index += 1)
      expect((await run('convert', input, out, '--force', '--shard', `${index}/${SHARDS}`)).code).toBe(0);
    expect(readdirSync(work).some((name) => name.startsWith('crc-sharded.ckpt') && name.endsWith('.crc32'))).toBe(
      false,
    );
    expect((await run('join', out, '--force')).code).toBe(0);
    expect(Buffer.compare(readFileSync(out), readFileSync(plain))).toBe(0);
  });

  it('a part altered after its shard wrote it: join refuses with exit 3, names the part, writes nothing', async () => {
    const input = fixturePath('real', 'ythlml-lenet__checkpoint_lenet-1_1875.ckpt');
    const out = path.join(work, 'tampered.ckpt');
    await runShards(['convert', input, out, '--crc']);
    const part = shardPartFile(out, { index: 1, count: SHARDS });
    const bytes = readFileSync(part);
    const at = Math.floor(bytes.length / 2);
    bytes.writeUInt8(bytes.readUInt8(at) ^ 0x01, at);
    writeFileSync(part, bytes);
    const result = await run('join', out);
    expect(result.code).toBe(3);
    expect(result.err.join('\n')).toContain('tampered.ckpt.part-1-of-3');
    expect(existsSync(out) || existsSync(`${out}.partial`)).toBe(false);
    rmSync(`${shardPartFile(out, { index: 2, count: SHARDS })}.crc32`);
    const noCrc = await run('join', out);
    expect(noCrc.code).toBe(1);
    expect(noCrc.err.join('\n')).toContain('tampered.ckpt.part-2-of-3.crc32');
  });

  it('join with a missing part names it (exit 1) and writes nothing; a stale run of another N is refused', async () => {
    const input = fixturePath('real', 'ythlml-lenet__checkpoint_lenet-1_1875.ckpt');
    const out = path.join(work, 'missing.ckpt');
    for (const index of [0, 2]) expect((await run('convert', input, out, '--shard', `${index}/3`)).code).toBe(0);
    const result = await run('join', out);
    expect(result.code).toBe(1);
    expect(result.err.join('\n')).toContain('missing.ckpt.part-1-of-3 is not there');
    expect(existsSync(out)).toBe(false);
    expect((await run('convert', input, out, '--shard', '0/2')).code).toBe(0);
    const mixed = await run('join', out);
    expect(mixed.code).toBe(1);
    expect(mixed.err.join('\n')).toContain('different shard counts');
    const none = await run('join', path.join(work, 'nothing.ckpt'));
    expect(none.code).toBe(1);
  });

  it('join checks the N a part name claims before anything is made for N parts (of 0, of 4294967296)', async () => {
    for (const count of ['0', '99999999', '4294967296']) {
      const out = path.join(work, `claims-${count}.ckpt`);
      writeFileSync(`${out}.part-0-of-${count}`, 'x');
      const result = await run('join', out);
      expect(result.code, count).toBe(1);
      expect(result.err.join('\n')).toContain(`the part names say "of ${count}"`);
      expect(existsSync(out)).toBe(false);
    }
  });
});
