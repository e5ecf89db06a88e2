/**
 * `merge --max-process-num N`: the merged outputs written by N worker threads, MindSpore's
 * max_process_num for the CLI. Like the app's export pool (workers/export-pool.ts) each member
 * gets plain data only — file paths, options, the key — rebuilds the same merged view and job,
 * and writes one output, or one byte range of an output straight into its place in the file.
 * No member reads another's bytes.
 */
import { open, rename, rm } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import { internalError, LensError, type ErrorCode, type ErrorDetails } from '../base/errors';
import type { ExportJob } from '../core/export';
import { unitBytes, type RankFormat } from '../core/distributed';
import { planUnits, runPool } from '../core/export/parallel';

/** What a member needs to rebuild the merged view and one output's job. */
export interface MergeMemberData {
  strategyPaths: string[];
  inputs: string[];
  inputFormat: RankFormat | undefined;
  key?: string;
  keyText?: string;
  format: 'ckpt' | 'safetensors';
  names: string[];
  /** The output's `.partial` file, already created at its final size. */
  file: string;
  range: [number, number] | null;
}

export interface MergeMemberResult {
  /** Bytes the member wrote. */
  bytes: number;
}

export interface PoolOutput {
  file: string;
  names: string[];
  job: ExportJob;
}

type MemberMessage =
  | { ok: true; result: MergeMemberResult }
  | { ok: false; error: { code?: string; details?: Record<string, unknown>; message: string } };

function runMember(data: MergeMemberData, signal: AbortSignal): Promise<MergeMemberResult> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  const worker = new Worker(new URL('./merge-member.mjs', import.meta.url), { workerData: data, execArgv: [] });
  return new Promise((resolve, reject) => {
    const stop = (): void => void worker.terminate();
    signal.addEventListener('abort', stop, { once: true });
    const finish = (): void => signal.removeEventListener('abort', stop);
    worker.once('message', (message: MemberMessage) => {
      finish();
      void worker.terminate();
      if (message.ok) resolve(message.result);
      else if (message.error.code)
        reject(new LensError(message.error.code as ErrorCode, (message.error.details ?? {}) as ErrorDetails));
      else reject(internalError(message.error.message));
    });
    worker.once('error', (error) => {
      finish();
      reject(error);
    });
    worker.once('exit', (code) => {
      finish();
      if (signal.aborted) reject(signal.reason);
      else reject(new LensError('internal', { hint: `merge member exited (${code}) without an answer` }));
    });
  });
}

/**
 * Write every output through `members` worker threads; returns when all are renamed into
 * place. On any failure or cancel every member stops and no `.partial` file is left.
 */
export async function writeOnPool(
  outputs: readonly PoolOutput[],
  member: Omit<MergeMemberData, 'names' | 'file' | 'range'>,
  members: number,
  signal: AbortSignal,
): Promise<void> {
  const units = planUnits(
    // An output ending in a crc_num trailer is written whole by one member (merge writes none).
    outputs.map((output) => ({ parts: output.job.parts, size: output.job.size, splittable: !output.job.crcTrailer })),
    members,
  );
  const partials = outputs.map((output) => `${output.file}.partial`);
  try {
    for (const [index, output] of outputs.entries()) {
      const handle = await open(partials[index] as string, 'w');
      await handle.truncate(output.job.size);
      await handle.close();
    }
    // The first failure (or a cancel) stops every member: runPool aborts the signal they run on.
    await runPool(
      units,
      members,
      async (unit, _index, _slot, poolSignal) => {
        const output = outputs[unit.output] as PoolOutput;
        const { bytes } = await runMember(
          { ...member, names: output.names, file: partials[unit.output] as string, range: unit.range },
          poolSignal,
        );
        // A member rebuilds the job from the files: a different size would mean a different job.
        const expected = unitBytes(unit, output.job.size);
        if (bytes !== expected)
          throw new LensError('internal', {
            hint: `merge member wrote ${bytes} of ${expected} bytes to ${output.file}`,
          });
      },
      { signal },
    );
    for (const [index, output] of outputs.entries()) {
      const handle = await open(partials[index] as string, 'r+');
      await handle.sync();
      await handle.close();
      await rename(partials[index] as string, output.file);
    }
  } catch (error) {
    await Promise.all(partials.map((partial) => rm(partial, { force: true })));
    throw error;
  }
}
