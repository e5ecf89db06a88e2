import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../test/cli';
import { fixturePath } from '../test/fixtures';

const work = mkdtempSync(path.join(tmpdir(), 'ckpt-lens-verify-set-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const text = (result: { out: string[]; err: string[] }): string => [...result.out, ...result.err].join('\n');

/** A safetensors shard holding one F32 tensor of two values. */
function shard(name: string): Uint8Array {
  const header = new TextEncoder().encode(
    JSON.stringify({ [name]: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }),
  );
  const out = new Uint8Array(8 + header.length + 8);
  new DataView(out.buffer).setBigUint64(0, BigInt(header.length), true);
  out.set(header, 8);
  out.set(new Uint8Array(Float32Array.of(1, 2).buffer), 8 + header.length);
  return out;
}

function writeSet(dir: string, shards: Record<string, string>, present: readonly string[]): string {
  mkdirSync(dir, { recursive: true });
  const index = path.join(dir, 'model.safetensors.index.json');
  writeFileSync(index, JSON.stringify({ metadata: { total_size: 16 }, weight_map: shards }));
  for (const [tensor, file] of Object.entries(shards))
    if (present.includes(file)) writeFileSync(path.join(dir, file), shard(tensor));
  return index;
}

describe('verify on a sharded set verifies every shard the index names', () => {
  it('the fixture set: each shard is verified and the verdict covers the set (exit 0)', async () => {
    const result = await runCli(
      'verify',
      fixturePath('pytorch', 'sharded_safetensors', 'model.safetensors.index.json'),
    );
    expect(result.code).toBe(0);
    const out = text(result);
    expect(out).not.toContain('Not a checkpoint Ckpt Lens knows');
    expect(out).toContain('model-00001-of-00002.safetensors:');
    expect(out).toContain('model-00002-of-00002.safetensors:');
    expect(out).toContain('model.safetensors.index.json: 2 shards verified one by one; set integrity: ok');
    // The folder stands for its index.
    const folder = await runCli('verify', '--json', fixturePath('pytorch', 'sharded_bin'));
    expect(folder.code).toBe(0);
    const json = JSON.parse(folder.out.join('')) as { ok: boolean; set: { shards: { file: string; ok: boolean }[] } };
    expect(json.ok).toBe(true);
    expect(json.set.shards.map((s) => [s.file, s.ok])).toEqual([
      ['pytorch_model-00001-of-00002.bin', true],
      ['pytorch_model-00002-of-00002.bin', true],
    ]);
  });

  it('a shard file the index names that is not there fails the set (exit 3)', async () => {
    const index = writeSet(
      path.join(work, 'missing'),
      { a: 'model-00001-of-00002.safetensors', b: 'model-00002-of-00002.safetensors' },
      ['model-00001-of-00002.safetensors'],
    );
    const result = await runCli('verify', index);
    expect(result.code).toBe(3);
    expect(text(result)).toContain('A shard file the index names is not here: model-00002-of-00002.safetensors');
    expect(text(result)).toContain('set integrity: FAILED');
  });

  it('a damaged shard fails the set (exit 3), the sound one still passes', async () => {
    const dir = path.join(work, 'damaged');
    const index = writeSet(dir, { a: 'model-00001-of-00002.safetensors', b: 'model-00002-of-00002.safetensors' }, [
      'model-00001-of-00002.safetensors',
      'model-00002-of-00002.safetensors',
    ]);
    // Four bytes more than the header says: extra bytes after the last tensor.
    const bytes = shard('b');
    const longer = new Uint8Array(bytes.length + 4);
    longer.set(bytes);
    writeFileSync(path.join(dir, 'model-00002-of-00002.safetensors'), longer);
    const result = await runCli('verify', index);
    expect(result.code).toBe(3);
    const out = text(result);
    expect(out).toMatch(/model-00001-of-00002\.safetensors[^\n]*\nintegrity: No findings in the structure/);
    expect(out).toContain('set integrity: FAILED');
  });
});
