import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openInputCheckpoint } from '../src/cli/open-input';
import { openFileSource } from '../src/cli/files';
import { buildExport, exportChunks, planExport } from '../src/core/export';
import { openCheckpoint, type OpenedCheckpoint } from '../src/core/open';
import { CountingSource, MemorySource } from '../src/io/byte-source';
import { checkZipCrcs } from '../src/integrity/zip-crc';
import {
  generateShardedSet,
  generateTorchBin,
  pytorchBenchTensors,
  PYTORCH_SHARDS,
  removePytorchInputs,
} from './pytorch-inputs';

const MiB = 1024 * 1024;
const dir = mkdtempSync(path.join(os.tmpdir(), 'ckpt-lens-bench-pytorch-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function contents(opened: OpenedCheckpoint): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for (const entry of opened.index.tensors) {
    const parts = await Promise.all(entry.ranges.map((range) => opened.plaintext.read(range.offset, range.length)));
    out.set(entry.name, Buffer.concat(parts));
  }
  return out;
}

describe('the PyTorch bench inputs', () => {
  // 1100 tensors: more than one SETITEMS batch and memo indexes past 255 (LONG_BINPUT/LONG_BINGET).
  const bin = generateTorchBin(dir, 3 * MiB, 1100);
  const set = generateShardedSet(dir, 3 * MiB, 1100);
  const expected = pytorchBenchTensors(3 * MiB, 1100);

  it('write a torch.save .bin that the reader indexes to exactly the generated tensors, with nothing flagged', async () => {
    const opened = await openInputCheckpoint(bin.file);
    expect(opened.index.format).toBe('pytorch');
    expect(opened.index.problems).toEqual([]);
    expect(opened.index.tensors.map((t) => [t.name, t.dtype, t.shape, t.bytes])).toEqual(
      expected.map((t) => [t.name, 'Float32', t.shape, t.bytes]),
    );
    // Each storage starts on a 64-byte boundary, as torch aligns them.
    for (const tensor of opened.index.tensors) expect((tensor.ranges[0]?.offset ?? 1) % 64).toBe(0);
  });

  it('open in a handful of reads: storages placed from the central directory, local headers checked when read', async () => {
    const source = new CountingSource(await openFileSource(bin.file));
    const opened = await openCheckpoint(source);
    // The sniff, the tail, the directory, byteorder and the pickle: not 1,100 local headers.
    expect(source.reads).toBeLessThan(10);
    expect(opened.index.zipUnchecked).toHaveLength(1100);
    const bytes = await contents(opened);
    expect(bytes.size).toBe(1100);
    expect((opened.plaintext as unknown as { stillUnchecked(): unknown[] }).stillUnchecked()).toEqual([]);
  });

  it('store a correct CRC-32 for every zip entry', async () => {
    const check = await checkZipCrcs(await openFileSource(bin.file));
    expect(check.entries).toBe(1100 + 5);
    expect(check.checked).toBe(check.entries);
    expect(check.mismatchCount).toBe(0);
    expect(check.uncheckedCount).toBe(0);
  });

  it('write the same tensors, values included, as 8 safetensors shards that open as one set without findings', async () => {
    expect(set.shards.map((file) => path.basename(file))).toEqual(
      readdirSync(set.dir).filter((name) => name.endsWith('.safetensors')),
    );
    expect(set.shards).toHaveLength(PYTORCH_SHARDS);
    const shards = await openInputCheckpoint(set.index);
    expect(shards.index.problems).toEqual([]);
    expect(shards.index.sharded?.shards).toHaveLength(PYTORCH_SHARDS);
    expect(shards.index.sharded?.declaredTotalSize).toBe(set.tensorBytes);
    expect(bin.tensorBytes).toBe(set.tensorBytes);
    const torch = await openInputCheckpoint(bin.file);
    expect(shards.index.tensors.map((t) => [t.name, t.shape])).toEqual(
      torch.index.tensors.map((t) => [t.name, t.shape]),
    );
    const fromSet = await contents(shards);
    const fromBin = await contents(torch);
    for (const [name, bytes] of fromBin) expect(fromSet.get(name)?.equals(bytes), name).toBe(true);
    // Not all one pattern: tensors start at different places of it.
    expect(fromBin.get(expected[1]?.name ?? '')?.subarray(0, 64)).not.toEqual(
      fromBin.get(expected[2]?.name ?? '')?.subarray(0, 64),
    );
  });

  it('convert to .ckpt reading tensors behind their zip headers in whole windows, not one read each', async () => {
    const own = mkdtempSync(path.join(os.tmpdir(), 'ckpt-lens-bench-pytorch-'));
    try {
      // 40 tensors of ~100 KiB, each behind its local header (64-byte aligned) and data descriptor.
      const small = generateTorchBin(own, 4 * MiB, 40);
      const source = new CountingSource(await openFileSource(small.file));
      const opened = await openCheckpoint(source);
      const job = await buildExport(opened, planExport(opened.index, { format: 'ckpt' }));
      const before = source.reads;
      const chunks: Uint8Array[] = [];
      for await (const chunk of exportChunks(job)) chunks.push(chunk.slice());
      // 4 MiB in 16 MiB windows: one read (one per tensor before).
      expect(source.reads - before).toBe(1);
      const written = await openCheckpoint(new MemorySource(Buffer.concat(chunks)));
      const want = await contents(opened);
      const got = await contents(written);
      expect([...got.keys()]).toEqual([...want.keys()]);
      for (const [name, bytes] of want) expect(got.get(name)?.equals(bytes), name).toBe(true);
    } finally {
      rmSync(own, { recursive: true, force: true });
    }
  });

  it('are all removed by removePytorchInputs', () => {
    expect(readdirSync(dir)).toHaveLength(2);
    removePytorchInputs(dir);
    expect(readdirSync(dir)).toEqual([]);
  });
});
