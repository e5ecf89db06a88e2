import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { CheckpointIndex, TensorEntry } from '../../base/types';
import { buildExport, exportBlob, planExport } from '../../core/export';
import { openCheckpoint, type OpenedCheckpoint } from '../../core/open';
import { MemorySource, type ByteSource } from '../../io/byte-source';
import { fixtureBytes, fixturePath, fixtureSource } from '../../test/fixtures';
import { indexPlainFile } from '../open';
import { readParts } from '../parts';
import { scanSafetensors } from '../safetensors/scan';
import { scanPytorch } from './scan';
import { viewContent } from './gather';

interface ManifestTensor {
  name: string;
  dtype: string;
  shape: number[];
  contiguous: boolean;
  storage_offset: number;
  sha256: string;
}
interface ManifestEntry {
  kind: string;
  zip?: boolean;
  needs_global?: string;
  calls?: string[];
  tensors: ManifestTensor[];
}

const manifest = JSON.parse(readFileSync(fixturePath('pytorch', 'MANIFEST.json'), 'utf8')) as {
  files: Record<string, ManifestEntry>;
};
const singleFiles = Object.entries(manifest.files).filter(([name]) => !name.endsWith('/'));

/** A tensor's values as export reads them: copy parts over its content's ranges, in order (core/export/output.ts sourceContent). */
async function valueBytes(file: ByteSource, stored: TensorEntry): Promise<Uint8Array> {
  const { source, entry } = viewContent(file, stored);
  const chunks: Uint8Array[] = [];
  for await (const chunk of readParts(entry.ranges.map((range) => ({ kind: 'copy' as const, source, ...range })))) {
    chunks.push(chunk.slice());
  }
  return Buffer.concat(chunks);
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

async function openFixture(name: string): Promise<OpenedCheckpoint> {
  return openCheckpoint(await fixtureSource('pytorch', name));
}

describe('PyTorch files read to exactly their MANIFEST', () => {
  it.each(singleFiles)('%s: names, torch dtypes, shapes, views and value SHA-256', async (file, expected) => {
    const { index, plaintext } = await openFixture(file);
    expect(index.format).toBe('pytorch');
    expect(index.tensors.map((t) => t.name)).toEqual(expected.tensors.map((t) => t.name));
    for (const [i, want] of expected.tensors.entries()) {
      const entry = index.tensors[i] as TensorEntry;
      expect(entry.rawDtype, want.name).toBe(want.dtype);
      expect(entry.shape, want.name).toEqual(want.shape);
      expect(entry.view?.contiguous, want.name).toBe(want.contiguous);
      expect(entry.view?.storageOffset, want.name).toBe(want.storage_offset);
      const values = await valueBytes(plaintext, entry);
      expect(values.length, want.name).toBe(entry.bytes);
      expect(sha256(values), want.name).toBe(want.sha256);
    }
  });

  it('maps torch dtypes to MindSpore names and flags those MindSpore lacks', async () => {
    const { index } = await openFixture('dtypes.pt');
    const dtypeOf = Object.fromEntries(index.tensors.map((t) => [t.name, t.dtype]));
    expect(dtypeOf).toMatchObject({
      float32: 'Float32',
      float16: 'Float16',
      bfloat16: 'BFloat16',
      float64: 'Float64',
      int8: 'Int8',
      uint8: 'UInt8',
      int16: 'Int16',
      int32: 'Int32',
      int64: 'Int64',
      bool: 'Bool',
      scalar_i64: 'Int64',
    });
    const empty = index.tensors.find((t) => t.name === 'empty');
    expect(empty).toMatchObject({ shape: [0, 3], bytes: 0, ranges: [] });
    expect(index.tensors.every((t) => t.problems === undefined)).toBe(true);

    const unusual = (await openFixture('dtypes_unusual.pt')).index;
    for (const tensor of unusual.tensors) {
      expect(tensor.dtype).toBe(tensor.rawDtype);
      expect(tensor.problems?.map((p) => p.code)).toEqual(['no-mindspore-dtype']);
    }
  });

  it('gathers non-contiguous views into C order: one range per run, stride-0 runs repeated', async () => {
    const { index } = await openFixture('views.pt');
    const byName = new Map(index.tensors.map((t) => [t.name, t]));
    const whole = byName.get('whole') as TensorEntry;
    expect(whole.ranges).toHaveLength(1);
    const base = (whole.ranges[0] as { offset: number }).offset;
    // transposed [8, 6] of a [6, 8] storage: every element is its own run.
    expect(byName.get('transposed')?.ranges).toHaveLength(48);
    expect(byName.get('row')?.ranges).toEqual([{ offset: base + 16 * 4, length: 32 }]);
    // cols = whole[:, 3:6]: six runs of three floats, one row (8 floats) apart.
    expect(byName.get('cols')?.ranges).toEqual(
      Array.from({ length: 6 }, (_, row) => ({ offset: base + (row * 8 + 3) * 4, length: 12 })),
    );
    // expanded: a [1, 4] row expanded to [3, 4] with stride 0 reads the same 16 bytes three times.
    const expanded = byName.get('expanded') as TensorEntry;
    expect(expanded.view?.strides).toEqual([0, 1]);
    expect(new Set(expanded.ranges.map((r) => r.offset)).size).toBe(1);
    expect(expanded.ranges).toHaveLength(3);
  });

  it('exports every convertible tensor C-contiguous: a safetensors round trip keeps the MANIFEST hashes', async () => {
    for (const file of ['views.pt', 'views_legacy.pt', 'dtypes.pt', 'tiny_cnn_checkpoint.pth']) {
      const opened = await openFixture(file);
      const job = await buildExport(opened, planExport(opened.index, { format: 'safetensors' }));
      const blob = await exportBlob(job);
      const written = new MemorySource(new Uint8Array(await blob.arrayBuffer()));
      const reread = await scanSafetensors(written);
      for (const want of (manifest.files[file] as ManifestEntry).tensors) {
        const entry = reread.tensors.find((t) => t.name === want.name) as TensorEntry;
        expect(entry, `${file}: ${want.name}`).toBeDefined();
        expect(entry.shape).toEqual(want.shape);
        expect(sha256(await valueBytes(written, entry)), `${file}: ${want.name}`).toBe(want.sha256);
      }
    }
  });

  it('puts non-tensor leaves of a training checkpoint into metadata by key path', async () => {
    const { index } = await openFixture('tiny_cnn_checkpoint.pth');
    expect(index.metadata).toMatchObject({
      epoch: 12,
      arch: 'tiny_cnn',
      best_acc1: 0.8125,
      'optimizer.param_groups.0.lr': 0.1,
      'optimizer.param_groups.0.momentum': 0.9,
      'optimizer.param_groups.0.params.0': 0,
    });
  });

  it('names the DDP "module." prefix', async () => {
    const { index } = await openFixture('tiny_cnn_ddp.pth');
    expect(index.problems).toContainEqual({ code: 'ddp-prefix', detail: 'module.' });
    const plain = (await openFixture('tiny_cnn.pt')).index;
    expect(plain.problems).toEqual([]);
  });

  it('reads a whole pickled nn.Module under its state_dict names and says which classes torch.load needs', async () => {
    const { index } = await openFixture('whole_module.pt');
    const needs = index.problems.find((p) => p.code === 'pickle-needs-classes');
    expect(needs?.detail).toContain((manifest.files['whole_module.pt'] as ManifestEntry).needs_global);
    expect(needs?.detail).toContain('torch.nn.modules.conv.Conv2d');
    expect(index.problems.some((p) => p.code === 'pickle-calls-function')).toBe(false);
  });

  it('reports the posix.system call of malicious.pt by name with its argument, and still lists its tensor', async () => {
    const { index } = await openFixture('malicious.pt');
    expect(index.tensors.map((t) => t.name)).toEqual(['weight']);
    const calls = index.problems.filter((p) => p.code === 'pickle-calls-function');
    expect(calls).toHaveLength(1);
    expect(calls[0]?.detail).toBe("posix.system('echo pwned > /tmp/ckpt-lens-pwned')");
  });

  it('reads the legacy layout to the same tensors as the zip layout', async () => {
    const zip = (await openFixture('tiny_cnn.pt')).index;
    const legacy = await openFixture('tiny_cnn_legacy.pt');
    expect(legacy.index.tensors.map((t) => [t.name, t.dtype, t.shape, t.bytes])).toEqual(
      zip.tensors.map((t) => [t.name, t.dtype, t.shape, t.bytes]),
    );
  });

  it('decides by content: a renamed file is still read as PyTorch, whatever its extension', async () => {
    for (const name of ['weights.ckpt', 'weights.safetensors', 'weights']) {
      const source = new MemorySource(fixtureBytes('pytorch', 'tiny_cnn.pt'));
      const index = await indexPlainFile(source, { fileName: name });
      expect(index.format, name).toBe('pytorch');
      const legacy = await indexPlainFile(new MemorySource(fixtureBytes('pytorch', 'views_legacy.pt')), {
        fileName: name,
      });
      expect(legacy.format, name).toBe('pytorch');
    }
  });

  it('opens each shard of a sharded .bin set (the set is another reader’s job)', async () => {
    const names: string[] = [];
    for (const shard of ['pytorch_model-00001-of-00002.bin', 'pytorch_model-00002-of-00002.bin']) {
      const index: CheckpointIndex = (await openCheckpoint(await fixtureSource('pytorch', 'sharded_bin', shard))).index;
      names.push(...index.tensors.map((t) => t.name));
    }
    expect(names.sort()).toEqual((manifest.files['sharded_bin/'] as ManifestEntry).tensors.map((t) => t.name).sort());
  });

  it.each(singleFiles.filter(([, entry]) => entry.tensors.some((t) => t.shape.every((dim) => dim === 1))))(
    '%s: every one-element tensor shows its value, equal to its bytes (and to the MANIFEST digest)',
    async (file, expected) => {
      const { index, plaintext } = await openFixture(file);
      const scalars = expected.tensors.filter((t) => t.shape.every((dim) => dim === 1));
      for (const want of scalars) {
        const entry = index.tensors.find((t) => t.name === want.name) as TensorEntry;
        const raw = Buffer.from(await valueBytes(plaintext, entry));
        // The value re-encoded is the MANIFEST's bytes; decoded independently here, it is the index's.
        const decoders: Record<string, [(bytes: Buffer) => number | bigint, (value: number) => Buffer]> = {
          int64: [(b) => b.readBigInt64LE(0), (v) => Buffer.from(BigInt64Array.of(BigInt(v)).buffer)],
          float32: [(b) => b.readFloatLE(0), (v) => Buffer.from(Float32Array.of(v).buffer)],
        };
        const [decode, encode] = decoders[want.dtype]!;
        expect(entry.value, want.name).toBe(Number(decode(raw)));
        expect(sha256(encode(entry.value as number)), want.name).toBe(want.sha256);
      }
      if (file.startsWith('tiny_cnn')) {
        // The count the MANIFEST digest above encodes, shown for both BatchNorm layers.
        expect(index.tensors.filter((t) => t.name.endsWith('num_batches_tracked')).map((t) => t.value)).toEqual([
          1875, 1875,
        ]);
      }
    },
  );

  it('reads the directory, headers, pickle and one-element values only: other tensor bytes are at most read through once', async () => {
    const source = await fixtureSource('pytorch', 'tiny_cnn.pt');
    const reads: [number, number][] = [];
    const counting: ByteSource = {
      size: source.size,
      read: async (offset, length, signal) => {
        const bytes = await source.read(offset, length, signal);
        reads.push([offset, offset + bytes.length]);
        return bytes;
      },
    };
    const index = await scanPytorch(counting);
    const scalars = index.tensors.filter((tensor) => tensor.shape.every((dim) => dim === 1));
    expect(scalars.map((tensor) => tensor.name)).toEqual(['bn1.num_batches_tracked', 'bn2.num_batches_tracked']);
    const overlaps = (range: { offset: number; length: number }) =>
      reads.filter(([start, end]) => start < range.offset + range.length && range.offset < end);
    // Each scalar's bytes are read once, in a window shared by scalars lying close together.
    for (const tensor of scalars) expect(overlaps(tensor.ranges[0]!), tensor.name).toHaveLength(1);
    for (const tensor of index.tensors) {
      for (const range of tensor.ranges) {
        // A larger tensor's bytes are touched only by a window read for a scalar's value (a gap it reads through).
        for (const read of overlaps(range))
          expect(
            scalars.some(({ ranges: [own] }) => own!.offset >= read[0] && own!.offset + own!.length <= read[1]),
            tensor.name,
          ).toBe(true);
      }
    }
    expect(reads.filter(([start, end]) => end - start > 64 * 1024)).toEqual([]);
  });
});
