import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_NAME_MAP_BYTES } from '../base/limits';
import { bytesOf, checkpointBytes } from '../test/ckpt-records';
import { runCli as run } from '../test/cli';
import { fixturePath } from '../test/fixtures';

const work = mkdtempSync(path.join(tmpdir(), 'ckpt-lens-hostile-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const LENET = fixturePath('real', 'XMU_AI_ISP__checkpoint_lenet-1_1875.ckpt');
const dist = (...parts: string[]): string => fixturePath('distributed', ...parts);
const text = (result: { out: string[]; err: string[] }): string => [...result.out, ...result.err].join('\n');

describe('side inputs and the checkpoint path: size and file type checked before reading', () => {
  it('a name map larger than the limit is refused from its size, without reading it', async () => {
    const huge = path.join(work, 'huge-name-map.json');
    writeFileSync(huge, '');
    truncateSync(huge, MAX_NAME_MAP_BYTES + 1); // sparse: nothing to read, only a size
    for (const argv of [
      ['convert', LENET, path.join(work, 'out.ckpt'), '--name-map', huge],
      ['diff', LENET, '--manifest', LENET, '--name-map', huge],
      ['compare', LENET, LENET, '--name-map', huge],
    ]) {
      const result = await run(...argv);
      expect(result.code, argv[0]).toBe(1);
      expect(text(result)).toContain('The name map is too large');
    }
    expect(existsSync(path.join(work, 'out.ckpt'))).toBe(false);
  });

  it('a folder, a character device (/dev/zero) and a missing path are each named for what they are', async () => {
    const cases: [string, string][] = [
      [work, 'is a folder'],
      ['/dev/zero', 'is not a regular file (it is a character device)'],
      [path.join(work, 'missing.json'), 'No file at'],
    ];
    for (const [file, sentence] of cases) {
      const nameMap = await run('compare', LENET, LENET, '--name-map', file);
      expect(nameMap.code).toBe(1);
      expect(text(nameMap)).toContain(sentence);
      // A folder is a valid checkpoint input (a sharded set): one with no set in it is said as such.
      const checkpoint = await run('inspect', file);
      expect(checkpoint.code).toBe(1);
      expect(text(checkpoint)).toContain(
        file === work ? 'holds no *.index.json or param_name_map.json, and not exactly one checkpoint file' : sentence,
      );
      const strategy = await run('layout', '--strategy', file, dist('case2_opt_shard'));
      expect(strategy.code).toBe(1);
      expect(text(strategy)).toContain(sentence);
    }
  });

  it('a named pipe as a rank file is refused before it is opened (no hang)', async () => {
    const fifo = path.join(work, 'rank.fifo');
    execFileSync('mkfifo', [fifo]);
    const result = await run('layout', '--strategy', dist('case2_opt_shard', 'strategy.ckpt'), fifo);
    expect(result.code).toBe(1);
    expect(text(result)).toContain('(it is a named pipe)');
  });
});

describe('output paths: a bad one is bad input (exit 1) with a sentence, and nothing is left behind', () => {
  it('convert into a folder that does not exist, onto a folder, onto its input', async () => {
    const missing = await run('convert', LENET, path.join(work, 'no-such-folder', 'out.ckpt'));
    expect(missing.code).toBe(1);
    expect(text(missing)).toContain('The output folder does not exist');
    expect(text(missing)).not.toContain('Something went wrong inside Ckpt Lens');
    const folder = await run('convert', LENET, work);
    expect(folder.code).toBe(1);
    expect(text(folder)).toContain('is a folder');
    const copy = path.join(work, 'input-copy.ckpt');
    copyFileSync(LENET, copy);
    const same = await run('convert', copy, copy, '--force');
    expect(same.code).toBe(1);
    expect(text(same)).toContain('The output would overwrite an input');
  });

  it('merge and reslice into a folder that does not exist', async () => {
    const strategy = dist('case2_opt_shard', 'strategy.ckpt');
    const merge = await run(
      'merge',
      '--strategy',
      strategy,
      dist('case2_opt_shard'),
      '--out',
      path.join(work, 'nope', 'm.safetensors'),
    );
    expect(merge.code).toBe(1);
    expect(text(merge)).toContain('The output folder does not exist');
    const unified = await run(
      'merge',
      '--strategy',
      strategy,
      dist('case2_opt_shard'),
      '--out',
      path.join(work, 'nope', 'parts/'),
    );
    expect(unified.code).toBe(1);
    expect(text(unified)).toContain('The output folder does not exist');
    const reslice = await run('reslice', '--strategy', strategy, LENET, '--out', path.join(work, 'nope', 'r'));
    expect(reslice.code).toBe(1);
    expect(text(reslice)).toContain('The output folder does not exist');
    expect(existsSync(path.join(work, 'nope'))).toBe(false);
  });
});

describe('terminal escapes in tensor names', () => {
  it('ESC, BEL and a newline in a name are escaped in text output; --json stays valid JSON', async () => {
    const name = 'evil\u001b[31m\u0007\nFAKE: all ok\u009b';
    const file = path.join(work, 'escape.ckpt');
    writeFileSync(file, checkpointBytes([[name, [2], 'Float32', bytesOf(new Float32Array([1, 2]))]]));
    for (const command of ['inspect', 'stats']) {
      const result = await run(command, file);
      expect(result.code).toBe(0);
      const printed = result.out.join('\n');
      // eslint-disable-next-line no-control-regex -- no raw control character may be printed
      expect(printed).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
      expect(printed).toContain('evil\\u001b[31m\\u0007\\u000aFAKE: all ok\\u009b');
      expect(result.out.some((line) => line.startsWith('FAKE'))).toBe(false);
    }
    const json = await run('inspect', file, '--json');
    expect((JSON.parse(json.out[0] ?? '{}') as { tensors: { name: string }[] }).tensors[0]?.name).toBe(name);
  });
});

describe('distributed verdicts', () => {
  /** case1 with rank 1's file replaced by rank 5's: same names and shapes, other bytes. */
  function foreignSet(): string {
    const dir = path.join(work, 'foreign');
    for (let rank = 0; rank < 8; rank += 1) {
      mkdirSync(path.join(dir, `rank_${rank}`), { recursive: true });
      const from = rank === 1 ? 5 : rank;
      copyFileSync(
        dist('case1_tp_dp', `rank_${from}`, `checkpoint_${from}.ckpt`),
        path.join(dir, `rank_${rank}`, `checkpoint_${rank}.ckpt`),
      );
    }
    return dir;
  }

  it('merge with a rank file from elsewhere: exit 3, nothing written; layout --check-replicas: exit 3', async () => {
    const set = foreignSet();
    const strategy = dist('case1_tp_dp', 'strategy.ckpt');
    const out = path.join(work, 'foreign.safetensors');
    const merged = await run('merge', '--strategy', strategy, set, '--out', out);
    expect(merged.code).toBe(3);
    expect(text(merged)).toContain('A rank file does not belong to this set');
    expect(text(merged)).toContain('rank 1 differs from rank 0');
    expect(readdirSync(work).filter((name) => name.startsWith('foreign.safetensors'))).toEqual([]);
    const layout = await run('layout', '--strategy', strategy, set, '--check-replicas');
    expect(layout.code).toBe(3);
    expect(text(layout)).toContain('Replicas that should be identical differ');
    // Trusting one holder per slice, as MindSpore does, is still possible.
    const trusted = await run('merge', '--strategy', strategy, set, '--out', out, '--no-check-replicas');
    expect(trusted.code).toBe(0);
  });

  it('a device matrix out of range is called out of range, not empty or zero', async () => {
    const strategy = path.join(work, 'huge-matrix.json');
    writeFileSync(
      strategy,
      JSON.stringify({
        current_stage: 0,
        parallel_layout_item: {
          'layer.weight': {
            dev_matrix: [2147483648, 4],
            tensor_map: [1, -1],
            field: 0,
            opt_weight_shard_step: 0,
            opt_weight_shard_size: 0,
          },
        },
      }),
    );
    const result = await run('layout', '--strategy', strategy, dist('case1_tp_dp'), '--input-format', 'ckpt');
    expect(text(result)).toContain('[2147483648,4] describes 8,589,934,592 devices, out of range');
    expect(text(result)).not.toContain('empty or has a zero');
  });

  it('layout of one rank file out of eight: it cannot be merged, and the exit code says so (3)', async () => {
    const whole = await run('layout', '--strategy', dist('case2_opt_shard', 'strategy.ckpt'), dist('case2_opt_shard'));
    expect(whole.code).toBe(0);
    const one = await run(
      'layout',
      '--strategy',
      dist('case2_opt_shard', 'strategy.ckpt'),
      dist('case2_opt_shard', 'rank_0'),
    );
    expect(one.code).toBe(3);
  });

  it('a truncated or broken strategy file gets a sentence of ours, never a protobufjs message', async () => {
    const truncated = path.join(work, 'truncated-strategy.ckpt');
    const bytes = readFileSyncBytes(dist('case1_tp_dp', 'strategy.ckpt'));
    writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const result = await run('layout', '--strategy', truncated, dist('case1_tp_dp'), '--input-format', 'ckpt');
    expect(result.code).toBe(1);
    expect(text(result)).not.toContain('index out of range');
    expect(text(result)).toMatch(/Not a strategy file Ckpt Lens can read: .*\. [A-Z].*\./);
    const notObject = path.join(work, 'not-object.json');
    writeFileSync(notObject, JSON.stringify({ parallel_layout_item: { w: 5 } }));
    const malformed = await run('layout', '--strategy', notObject, dist('case1_tp_dp'), '--input-format', 'ckpt');
    expect(text(malformed)).toContain('The layout of "w"');
    expect(text(malformed)).toContain('is malformed: it is not a JSON object.');
  });
});

describe('stats and compare: contradictions reported, not computed around', () => {
  it('content shorter than its dims: the contradiction is stated, and exit 3', async () => {
    const file = path.join(work, 'short.ckpt');
    writeFileSync(file, checkpointBytes([['w', [4, 4], 'Float32', bytesOf(new Float32Array([1, 2]))]]));
    const all = await run('stats', file);
    expect(all.code).toBe(3);
    expect(text(all)).toContain('the content holds only 2 values of the 16 values its shape declares');
    const one = await run('stats', file, '--tensor', 'w', '--json');
    expect(one.code).toBe(3);
    expect(JSON.parse(one.out[0] ?? '{}')).toMatchObject({
      elements: 2,
      sizeMismatch: { declaredElements: 16, storedElements: 2 },
    });
  });

  it('dims of 2^62 on a Float32 tensor: the declared size is impossible, not "not numeric"', async () => {
    const file = path.join(work, 'huge-dims.ckpt');
    writeFileSync(file, checkpointBytes([['w', [2 ** 62], 'Float32', bytesOf(new Float32Array([1, 2]))]]));
    const all = await run('stats', file);
    expect(all.code).toBe(3);
    expect(text(all)).toContain('its shape declares more elements than any file can hold');
    const one = await run('stats', file, '--tensor', 'w');
    expect(one.code).toBe(1);
    expect(text(one)).toContain('The declared size is impossible');
    expect(text(one)).not.toContain('holds no numbers');
  });

  it('compare: a tensor whose bytes run past the end of A is damaged in A, not "only in A"', async () => {
    const whole = checkpointBytes([
      ['a', [2], 'Float32', bytesOf(new Float32Array([1, 2]))],
      ['b', [4], 'Float32', bytesOf(new Float32Array([1, 2, 3, 4]))],
    ]);
    const other = path.join(work, 'only-a.ckpt');
    writeFileSync(other, checkpointBytes([['a', [2], 'Float32', bytesOf(new Float32Array([1, 2]))]]));
    const safetensors = path.join(work, 'past-end.safetensors');
    writeFileSync(safetensors, safetensorsPastEnd());
    const result = await run('compare', safetensors, other);
    expect(result.code).toBe(3);
    expect(text(result)).toContain('! b in A: damaged: its bytes run past the end of the file');
    expect(text(result)).not.toMatch(/only in A: .*b/);
    expect(whole.length).toBeGreaterThan(0);
  });
});

function readFileSyncBytes(file: string): Uint8Array {
  return new Uint8Array(execFileSync('cat', [file]));
}

/** A safetensors file whose tensor "b" declares data_offsets past the end of the file. */
function safetensorsPastEnd(): Uint8Array {
  const header = JSON.stringify({
    a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
    b: { dtype: 'F32', shape: [4], data_offsets: [8, 24] },
  }).padEnd(128, ' ');
  const out = new Uint8Array(8 + header.length + 8);
  new DataView(out.buffer).setBigUint64(0, BigInt(header.length), true);
  out.set(new TextEncoder().encode(header), 8);
  out.set(bytesOf(new Float32Array([1, 2])), 8 + header.length);
  return out;
}
