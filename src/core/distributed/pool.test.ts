import { describe, expect, it } from 'vitest';
import { fixtureSource } from '../../test/fixtures';
import { buildExport, exportBlob, planExport, type ExportJob } from '../export';
import { rangeBlobParts } from '../export/parallel';
import { openCheckpoint } from '../open';
import type { OutputSpec } from './outputs';
import { writeOutputs, type FileSink, type PlannedOutput } from './pool';

const LENET = ['real', 'nsu-huawei-2022__LeNet5_5_step.ckpt'] as const;

async function lenetJob(): Promise<ExportJob> {
  const opened = await openCheckpoint(await fixtureSource(...LENET));
  return buildExport(opened, planExport(opened.index, { format: 'ckpt', crc: true }));
}

/** A file in memory: every chunk kept in write order. */
function memoryFile(): { sink: FileSink; closed: () => boolean; bytes: () => Promise<Uint8Array> } {
  const chunks: (Uint8Array | Blob)[] = [];
  let closed = false;
  return {
    sink: {
      write: async (chunk) => void chunks.push(chunk instanceof Blob ? chunk : chunk.slice()),
      close: async () => void (closed = true),
      abort: async () => undefined,
    },
    closed: () => closed,
    bytes: async () => new Uint8Array(await new Blob(chunks as BlobPart[]).arrayBuffer()),
  };
}

describe('the pool plan', () => {
  it('ranges finished out of order are written in order, the crc_num trailer from their CRCs: the single-worker bytes', async () => {
    const job = await lenetJob();
    expect(job.crcTrailer).toBe(true);
    const spec = { kind: 'merged' } as unknown as OutputSpec;
    const outputs: PlannedOutput[] = [{ fileName: 'lenet.ckpt', job, tensors: job.plan.tensors.length, spec }];
    const file = memoryFile();
    const { written, processes } = await writeOutputs(
      outputs,
      {
        processes: 3,
        hardwareConcurrency: 1,
        // Members in process, each on its own job; the last range finishes first.
        runUnits: () => async (units, pool) => {
          const results = await Promise.all(
            units.map(async (unit) => {
              if (!unit.range) throw new Error('expected ranges');
              const piece = await rangeBlobParts(await lenetJob(), unit.range, { signal: pool.signal });
              return { size: piece.length, blob: new Blob(piece.parts), crc: piece.crc, castReport: [] };
            }),
          );
          for (let i = units.length - 1; i >= 0; i -= 1) pool.onResult(i, results[i] as (typeof results)[number]);
          return results;
        },
        openFile: async (fileName) => {
          expect(fileName).toBe('lenet.ckpt');
          return file.sink;
        },
        signal: new AbortController().signal,
      },
      undefined,
    );
    expect(processes).toBe(3);
    expect(written.map((output) => [output.fileName, output.size])).toEqual([['lenet.ckpt', job.size]]);
    expect(file.closed()).toBe(true);
    const expected = new Uint8Array(await (await exportBlob(await lenetJob())).arrayBuffer());
    expect(Buffer.from(await file.bytes()).equals(Buffer.from(expected))).toBe(true);
  });
});
