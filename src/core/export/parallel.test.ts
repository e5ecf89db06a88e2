import { describe, expect, it } from 'vitest';
import { LensError } from '../../base/errors';
import { partLength, readParts } from '../../formats/parts';
import { fixtureBytes, fixtureSource } from '../../test/fixtures';
import { openCheckpoint, type OpenedCheckpoint } from '../open';
import { buildExport, exportBlob, type ExportJob } from './output';
import {
  AUTO_BYTES_PER_PROCESS,
  composeRanges,
  MAX_EXPORT_PROCESSES,
  mergeCastReports,
  planRanges,
  planUnits,
  ProgressTally,
  RANGE_ALIGN_BYTES,
  rangeBlobParts,
  resolveProcessCount,
  runPool,
} from './parallel';
import { planExport, type ExportOptions } from './plan';

const LENET = ['real', 'nsu-huawei-2022__LeNet5_5_step.ckpt'] as const;

async function lenetJob(options: ExportOptions): Promise<{ opened: OpenedCheckpoint; job: ExportJob }> {
  const opened = await openCheckpoint(await fixtureSource(...LENET));
  return { opened, job: await buildExport(opened, planExport(opened.index, options)) };
}

const bytesOf = async (blob: Blob): Promise<Buffer> => Buffer.from(await blob.arrayBuffer());
/** Buffer equality: vitest's deep equality walks a large typed array element by element. */
const same = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a).equals(Buffer.from(b));

/** What the pool does, in process: each range from its own freshly built job, then composed. */
async function composedInRanges(options: ExportOptions, count: number) {
  const { job } = await lenetJob(options);
  const ranges = planRanges(job.parts, count);
  const pieces = [];
  const reports = [];
  for (const range of ranges) {
    const own = (await lenetJob(options)).job;
    const piece = await rangeBlobParts(own, range);
    pieces.push({ blob: new Blob(piece.parts), length: piece.length, crc: piece.crc });
    reports.push(own.castReport());
  }
  return { job, ranges, blob: composeRanges(job, pieces), castReport: mergeCastReports(reports) };
}

describe('planRanges / planUnits / resolveProcessCount', () => {
  it('cuts a real job into contiguous ranges; cuts inside converted tensors are element-aligned', async () => {
    const { job } = await lenetJob({ format: 'ckpt', casts: [{ from: 'Float32', to: 'Float16' }] });
    const starts: number[] = [];
    let at = 0;
    for (const part of job.parts) {
      starts.push(at);
      at += partLength(part);
    }
    for (const count of [1, 2, 3, 5, 8]) {
      const ranges = planRanges(job.parts, count);
      expect(ranges.length).toBeGreaterThanOrEqual(1);
      expect(ranges.length).toBeLessThanOrEqual(count);
      expect(ranges[0]?.[0]).toBe(0);
      expect(ranges.at(-1)?.[1]).toBe(at);
      for (let i = 1; i < ranges.length; i += 1) {
        const cut = ranges[i]?.[0] as number;
        expect(cut).toBe(ranges[i - 1]?.[1]);
        const inPart = starts.filter((start) => start <= cut).length - 1;
        if (job.parts[inPart]?.kind === 'generated')
          expect((cut - (starts[inPart] as number)) % RANGE_ALIGN_BYTES).toBe(0);
      }
    }
    // A file smaller than the count never yields empty ranges.
    const tiny = planRanges([{ kind: 'bytes', bytes: new Uint8Array(3) }], 8, 1);
    expect(tiny).toEqual([
      [0, 1],
      [1, 2],
      [2, 3],
    ]);
  });

  it('one output per member when there are enough, otherwise byte ranges in proportion to size', () => {
    const out = (size: number, splittable = true) => ({
      parts: [{ kind: 'bytes' as const, bytes: new Uint8Array(size) }],
      size,
      splittable,
    });
    expect(planUnits([out(10), out(20), out(30)], 2)).toEqual([
      { output: 0, range: null },
      { output: 1, range: null },
      { output: 2, range: null },
    ]);
    expect(planUnits([out(100_000)], 1)).toEqual([{ output: 0, range: null }]);
    const units = planUnits([out(3 * 8192), out(8192)], 4);
    expect(units.filter((u) => u.output === 0).map((u) => u.range)).toEqual([
      [0, 8192],
      [8192, 16384],
      [16384, 24576],
    ]);
    expect(units.filter((u) => u.output === 1)).toEqual([{ output: 1, range: null }]);
    // Encrypted output (not splittable) stays with one member.
    expect(planUnits([out(1 << 20, false)], 4)).toEqual([{ output: 0, range: null }]);
  });

  it('the user count is honoured up to the cap; auto follows threads, outputs and bytes', () => {
    const big = 100 * AUTO_BYTES_PER_PROCESS;
    expect(resolveProcessCount(2, { count: 1, bytes: 10 }, 1)).toBe(2);
    expect(resolveProcessCount(100, { count: 1, bytes: 10 }, 64)).toBe(MAX_EXPORT_PROCESSES);
    expect(resolveProcessCount(0, { count: 1, bytes: 10 }, 4)).toBe(1);
    expect(resolveProcessCount(null, { count: 8, bytes: 1000 }, 16)).toBe(1);
    expect(resolveProcessCount(null, { count: 8, bytes: 3 * AUTO_BYTES_PER_PROCESS }, 16)).toBe(3);
    expect(resolveProcessCount(undefined, { count: 8, bytes: big }, 2)).toBe(2);
    expect(resolveProcessCount(null, { count: 32, bytes: big }, 64)).toBe(MAX_EXPORT_PROCESSES);
    // One big file: auto keeps it on one worker (ranges only when asked for).
    expect(resolveProcessCount(null, { count: 1, bytes: big }, 16)).toBe(1);
  });
});

describe('ranges composed equal the single-worker file, byte for byte', () => {
  it('.ckpt with a crc_num trailer: every count of ranges, trailer from combined CRCs', async () => {
    const { job } = await lenetJob({ format: 'ckpt', crc: true });
    expect(job.crcTrailer).toBe(true);
    const single = await bytesOf(await exportBlob(job));
    // The unchanged LeNet re-saves byte for byte (README), so this is also the fixture file.
    expect(same(single.subarray(0, -17), fixtureBytes(...LENET).subarray(0, single.length - 17))).toBe(true);
    for (const count of [1, 2, 3, 4, 7]) {
      const { blob, ranges } = await composedInRanges({ format: 'ckpt', crc: true }, count);
      if (count > 1) expect(ranges.length).toBeGreaterThan(1);
      expect(same(await bytesOf(blob), single), `${count} ranges`).toBe(true);
    }
  });

  it('.safetensors with a Float32→Float16 cast: same bytes and the same cast report', async () => {
    const options: ExportOptions = { format: 'safetensors', casts: [{ from: 'Float32', to: 'Float16' }] };
    const { job } = await lenetJob(options);
    const single = await bytesOf(await exportBlob(job));
    const report = job.castReport();
    expect(report.length).toBeGreaterThan(0);
    for (const count of [2, 5]) {
      const { blob, castReport } = await composedInRanges(options, count);
      expect(same(await bytesOf(blob), single), `${count} ranges`).toBe(true);
      expect(castReport).toEqual(report);
    }
  });

  it('a range reads only its bytes and reports its own progress', async () => {
    const { job } = await lenetJob({ format: 'ckpt' });
    const [range] = planRanges(job.parts, 3);
    if (!range) throw new Error('no range');
    const seen: number[] = [];
    const piece = await rangeBlobParts(job, range, { onProgress: (done) => seen.push(done) });
    expect(piece.crc).toBeNull();
    expect(seen.at(-1)).toBe(range[1] - range[0]);
    const whole: Uint8Array[] = [];
    for await (const chunk of readParts(job.parts)) whole.push(chunk.slice());
    expect(same(await bytesOf(new Blob(piece.parts)), Buffer.concat(whole).subarray(range[0], range[1]))).toBe(true);
  });
});

describe('ProgressTally', () => {
  it('adds units by bytes, clamps, and never goes back', () => {
    const fractions: number[] = [];
    const tally = new ProgressTally([100, 300], (f) => fractions.push(f));
    tally.set(1, 150);
    tally.set(0, 100);
    tally.set(1, 100); // a late, older report
    tally.set(1, 1000);
    expect(fractions).toEqual([150 / 400, 250 / 400, 1]);
    expect(new ProgressTally([]).fraction()).toBe(1);
  });
});

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('runPool', () => {
  it('runs at most `slots` units at once and returns results in unit order', async () => {
    let running = 0;
    let most = 0;
    const slotsSeen = new Set<number>();
    const results = await runPool([30, 5, 20, 1, 10, 2], 3, async (ms, index, slot) => {
      running += 1;
      most = Math.max(most, running);
      slotsSeen.add(slot);
      await delay(ms);
      running -= 1;
      return index * 10;
    });
    expect(results).toEqual([0, 10, 20, 30, 40, 50]);
    expect(most).toBe(3);
    expect([...slotsSeen].sort()).toEqual([0, 1, 2]);
  });

  it('the first error (a LensError) rejects at once and aborts the other units', async () => {
    const aborted: number[] = [];
    const started: number[] = [];
    const run = runPool([0, 1, 2, 3, 4], 2, async (unit, _index, _slot, signal) => {
      started.push(unit);
      if (unit === 1) {
        await delay(5);
        throw new LensError('read-failed', { offset: 12, hint: 'the source ended early' });
      }
      // Never finishes on its own; only the abort ends it.
      await new Promise<void>((_resolve, reject) =>
        signal.addEventListener('abort', () => {
          aborted.push(unit);
          reject(new DOMException('aborted', 'AbortError'));
        }),
      );
      return unit;
    });
    await expect(run).rejects.toMatchObject({ code: 'read-failed' });
    expect(aborted).toEqual([0]);
    expect(started).toEqual([0, 1]);
  });

  it('an outer abort rejects at once, even while a member never answers', async () => {
    const controller = new AbortController();
    const run = runPool([1, 2], 2, () => new Promise<number>(() => undefined), { signal: controller.signal });
    controller.abort();
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
  });
});
