import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixtureBytes, fixturePath } from '../../test/fixtures';
import { runCli as run } from '../../test/cli';
import { encodeRecord } from '../../formats/ckpt/write';

const work = mkdtempSync(path.join(tmpdir(), 'ckpt-lens-convert-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const lenet = fixturePath('real', 'ythlml-lenet__checkpoint_lenet-1_1875.ckpt');

describe('ckpt-lens convert', () => {
  it('re-saves a checkpoint unchanged, byte for byte, through <out>.partial', async () => {
    const out = path.join(work, 'same.ckpt');
    const result = await run('convert', lenet, out, '--verify');
    expect(result.code).toBe(0);
    expect(
      Buffer.compare(
        readFileSync(out),
        Buffer.from(fixtureBytes('real', 'ythlml-lenet__checkpoint_lenet-1_1875.ckpt')),
      ),
    ).toBe(0);
    expect(readdirSync(work).some((name) => name.endsWith('.partial'))).toBe(false);
    expect(result.out.join('\n')).toMatch(/verified: 18 parameters/);
  });

  it('filters, renames, casts, edits append_dict and writes safetensors with crc_num', async () => {
    const map = path.join(work, 'map.json');
    writeFileSync(
      map,
      JSON.stringify({ rules: [{ pattern: '^', replacement: 'backbone.' }], exact: { 'fc3.bias': 'head.bias' } }),
    );
    const out = path.join(work, 'subset.safetensors');
    const result = await run(
      'convert',
      lenet,
      out,
      '--filter',
      'not startsWith("moments")',
      '--name-map',
      map,
      '--cast',
      'Float32:Float16',
      '--cast',
      'Float64:Float32',
      '--set',
      'epoch_num=3',
      '--unset',
      'backbone.momentum',
      '--crc',
      '--metadata-format',
      'ms',
      '--verify',
      '--json',
    );
    expect(result.err).toEqual([]);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.out[0]!) as {
      format: string;
      tensors: { name: string; from?: string; dtype: string }[];
      verify: { ok: boolean };
      casts: { name: string }[];
    };
    expect(report.format).toBe('safetensors');
    expect(report.verify.ok).toBe(true);
    const names = report.tensors.map((t) => t.name);
    expect(names).toContain('head.bias');
    expect(names).toContain('backbone.fc1.weight');
    expect(names).toContain('backbone.learning_rate');
    expect(names).not.toContain('backbone.momentum');
    expect(names.some((n) => n.includes('moments'))).toBe(false);
    expect(report.tensors.find((t) => t.name === 'epoch_num')?.dtype).toBe('Int64');
    expect(report.tensors.find((t) => t.name === 'backbone.learning_rate')?.dtype).toBe('Float32');
    expect(report.tensors.filter((t) => t.name.endsWith('weight')).every((t) => t.dtype === 'Float16')).toBe(true);
    const header = readFileSync(out).subarray(8, 200).toString('latin1');
    expect(header).toMatch(/^\{"__metadata__":\{"format":"ms","crc_num":"\d+"\}/);
    // inspect reads it back.
    const inspect = await run('inspect', out, '--json');
    expect(inspect.code).toBe(0);
  });

  it('encrypts with --enc-key/--enc-mode and reads it back with --key', async () => {
    const out = path.join(work, 'enc.ckpt');
    const key = '000102030405060708090a0b0c0d0e0f1011121314151617';
    expect((await run('convert', lenet, out, '--enc-key', key, '--enc-mode', 'AES-CBC', '--verify')).code).toBe(0);
    expect(readFileSync(out).readUInt32LE(0)).toBe(0x7f3a5ed9);
    const back = path.join(work, 'dec.ckpt');
    expect((await run('convert', out, back, '--key', key)).code).toBe(0);
    expect(
      Buffer.compare(
        readFileSync(back),
        Buffer.from(fixtureBytes('real', 'ythlml-lenet__checkpoint_lenet-1_1875.ckpt')),
      ),
    ).toBe(0);
  });

  it('refuses what MindSpore refuses, with a sentence, and leaves no file', async () => {
    const crcAndKey = await run(
      'convert',
      lenet,
      path.join(work, 'x.ckpt'),
      '--crc',
      '--enc-key',
      '00'.repeat(16),
      '--enc-mode',
      'AES-GCM',
    );
    expect(crcAndKey.code).toBe(1);
    expect(crcAndKey.err.join(' ')).toMatch(/Encryption and CRC cannot be combined/);
    const badKey = await run(
      'convert',
      lenet,
      path.join(work, 'x.ckpt'),
      '--enc-key',
      '00'.repeat(20),
      '--enc-mode',
      'AES-GCM',
    );
    expect(badKey.code).toBe(1);
    const sfEnc = await run(
      'convert',
      lenet,
      path.join(work, 'x.safetensors'),
      '--enc-key',
      '00'.repeat(16),
      '--enc-mode',
      'AES-GCM',
    );
    expect(sfEnc.err.join(' ')).toMatch(/safetensors files cannot be encrypted/);
    const badCast = await run('convert', lenet, path.join(work, 'x.ckpt'), '--cast', 'Float32:Int32');
    expect(badCast.err.join(' ')).toMatch(/not one MindSpore makes/);
    expect(existsSync(path.join(work, 'x.ckpt'))).toBe(false);
    expect(existsSync(path.join(work, 'x.safetensors'))).toBe(false);
    // The output would overwrite the input: a bad output path (exit 1), not a usage error.
    const same = await run('convert', lenet, lenet);
    expect(same.code).toBe(1);
    expect(same.err.join('\n')).toContain('is also an input of this command');
    expect((await run('convert', lenet)).code).toBe(2);
  });

  it('opens a folder the same way with or without --key: a sharded set is not encrypted, and says so', async () => {
    const folder = fixturePath('pytorch', 'sharded_safetensors');
    const plain = await run('convert', folder, path.join(work, 'set.safetensors'));
    expect(plain.code).toBe(0);
    const out = path.join(work, 'set-key.ckpt');
    const keyed = await run('convert', folder, out, '--key', '00112233445566778899aabbccddeeff');
    expect(keyed.code).toBe(1);
    expect(keyed.err.join('\n')).toMatch(/not encrypted/);
    expect(existsSync(out)).toBe(false);
  });

  it('refuses a sharded set with a shard missing (exit 3, nothing written) instead of leaving its tensors out', async () => {
    const folder = fixturePath('pytorch', 'sharded_safetensors');
    const partial = path.join(work, 'partial-set');
    mkdirSync(partial);
    const names = readdirSync(folder);
    const shards = names.filter((name) => name.endsWith('.safetensors')).sort();
    for (const name of names)
      if (name !== shards[shards.length - 1]) copyFileSync(path.join(folder, name), path.join(partial, name));
    const out = path.join(work, 'partial.ckpt');
    const result = await run('convert', partial, out);
    expect(result.code).toBe(3);
    expect(result.err.join('\n')).toContain('The sharded set is incomplete');
    expect(existsSync(out)).toBe(false);
  });

  it('refuses to re-save a damaged tensor (exit 3, nothing written); a filter that leaves it out converts', async () => {
    const damaged = path.join(work, 'damaged-source.ckpt');
    writeFileSync(
      damaged,
      Buffer.concat([
        Buffer.from(encodeRecord('bad', [4, 4], 'Float32', new Uint8Array(8))),
        Buffer.from(encodeRecord('good', [2], 'Float32', new Uint8Array(8))),
      ]),
    );
    const out = path.join(work, 'damaged-out.ckpt');
    const refused = await run('convert', damaged, out);
    expect(refused.code).toBe(3);
    expect(refused.err.join('\n')).toContain('"bad" contradicts its shape, dtype or the file (size-mismatch)');
    expect(existsSync(out)).toBe(false);
    expect((await run('convert', damaged, out, '--filter', 'name == "good"')).code).toBe(0);
  });

  it('refuses to overwrite without --force', async () => {
    const out = path.join(work, 'exists.ckpt');
    writeFileSync(out, 'x');
    expect((await run('convert', lenet, out)).code).toBe(2);
    expect((await run('convert', lenet, out, '--force')).code).toBe(0);
  });
});
