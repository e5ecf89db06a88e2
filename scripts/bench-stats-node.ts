/**
 * Quick local Node check (not a unit test, not the Chromium bench): MB/s of the stats pass over
 * a generated Float32 checkpoint against plain windowed reading of the same file in the same
 * run, and of compare over two generated files against reading both.
 *
 *   npx tsx scripts/bench-stats-node.ts [--gib 2] [--dir /dev/shm] [--compare-gib 1] [--keep]
 *
 * Inputs go to a tmpfs (page-cache evictions make cold runs meaningless on these machines).
 */
import { createWriteStream, existsSync, openAsBlob, rmSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_WINDOW_BYTES } from '../src/base/limits';
import { compareCheckpoints } from '../src/core/compare/compare';
import { openCheckpoint } from '../src/core/open';
import { computeAllStats } from '../src/core/stats/tensor-stats';
import { encodeRecordHeader } from '../src/formats/ckpt/write';
import { BlobSource } from '../src/io/byte-source';

const { values } = parseArgs({
  options: {
    gib: { type: 'string', default: '2' },
    'compare-gib': { type: 'string', default: '1' },
    dir: { type: 'string', default: '/dev/shm' },
    keep: { type: 'boolean', default: false },
    rounds: { type: 'string', default: '3' },
  },
});

const MiB = 1024 * 1024;
const TENSOR_BYTES = 64 * MiB;

/** Weight-like float32 values (sum of uniforms ≈ normal), from a seeded LCG so runs are repeatable. */
async function writeCheckpoint(file: string, totalBytes: number, seed: number): Promise<void> {
  const out = createWriteStream(file);
  const floats = new Float32Array(TENSOR_BYTES / 4);
  let state = seed >>> 0;
  const next = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
  const write = (bytes: Uint8Array) =>
    new Promise<void>((resolve, reject) => out.write(bytes, (error) => (error ? reject(error) : resolve())));
  for (let t = 0; t * TENSOR_BYTES < totalBytes; t += 1) {
    for (let i = 0; i < floats.length; i += 1) floats[i] = (next() + next() + next() - 1.5) * 0.05;
    await write(encodeRecordHeader(`layers.${t}.weight`, [4096, floats.length / 4096], 'Float32', TENSOR_BYTES));
    await write(new Uint8Array(floats.buffer));
  }
  await new Promise<void>((resolve) => out.end(resolve));
}

async function rawRead(file: string): Promise<number> {
  const source = new BlobSource(await openAsBlob(file));
  let total = 0;
  const inFlight: Promise<Uint8Array>[] = [];
  for (let offset = 0; offset < source.size; offset += DEFAULT_WINDOW_BYTES) {
    inFlight.push(source.read(offset, DEFAULT_WINDOW_BYTES));
    if (inFlight.length === 2) total += (await (inFlight.shift() as Promise<Uint8Array>)).length;
  }
  for (const pending of inFlight) total += (await pending).length;
  return total;
}

async function timed<T>(work: () => Promise<T>): Promise<{ seconds: number; result: T }> {
  const start = performance.now();
  const result = await work();
  return { seconds: (performance.now() - start) / 1000, result };
}

const mbps = (bytes: number, seconds: number) => `${(bytes / 1e6 / seconds).toFixed(0)} MB/s`;

async function main(): Promise<void> {
  const dir = values.dir as string;
  const statsFile = path.join(dir, 'ckpt-lens-bench-stats.ckpt');
  const compareA = path.join(dir, 'ckpt-lens-bench-a.ckpt');
  const compareB = path.join(dir, 'ckpt-lens-bench-b.ckpt');
  const gib = Number(values.gib);
  const compareGib = Number(values['compare-gib']);
  if (!existsSync(statsFile)) await writeCheckpoint(statsFile, gib * 1024 * MiB, 1);
  if (compareGib > 0 && !existsSync(compareA)) await writeCheckpoint(compareA, compareGib * 1024 * MiB, 2);
  if (compareGib > 0 && !existsSync(compareB)) await writeCheckpoint(compareB, compareGib * 1024 * MiB, 3);

  const rounds = Number(values.rounds);
  console.log(`stats: ${gib} GiB Float32 in ${dir}; ${rounds} rounds, raw read and stats alternating`);
  for (let round = 0; round < rounds; round += 1) {
    const raw = await timed(() => rawRead(statsFile));
    const { index, plaintext } = await openCheckpoint(new BlobSource(await openAsBlob(statsFile)));
    const stats = await timed(() => computeAllStats(plaintext, index));
    const ratio = raw.seconds / stats.seconds;
    console.log(
      `  round ${round + 1}: raw ${mbps(raw.result, raw.seconds)}, stats ${mbps(stats.result.bytesRead, stats.seconds)} ` +
        `(histogram ${stats.result.tensors[0]?.histogram?.method}), ratio ${ratio.toFixed(2)}`,
    );
  }
  if (compareGib > 0) {
    console.log(`compare: two ${compareGib} GiB Float32 files (every tensor differs)`);
    for (let round = 0; round < rounds; round += 1) {
      const raw = await timed(async () => (await rawRead(compareA)) + (await rawRead(compareB)));
      const a = await openCheckpoint(new BlobSource(await openAsBlob(compareA)));
      const b = await openCheckpoint(new BlobSource(await openAsBlob(compareB)));
      let bytes = 0;
      const compared = await timed(() => compareCheckpoints(a, b, { onBytes: (n) => (bytes += n) }));
      console.log(
        `  round ${round + 1}: raw ${mbps(raw.result, raw.seconds)}, compare ${mbps(bytes, compared.seconds)} of bytes read ` +
          `(${compared.result.summary.changed} changed), ratio ${(raw.seconds / compared.seconds).toFixed(2)} (time to read both once / time to compare)`,
      );
    }
  }
  if (!values.keep) for (const file of [statsFile, compareA, compareB]) rmSync(file, { force: true });
}

void main();
