// One member of `merge --max-process-num` (merge-pool.ts), a worker thread: it rebuilds the merged
// view and the output's job from plain data, exactly as the CLI does, and writes its whole output
// or one byte range of it into the output's `.partial` file at the range's place.
import { open } from 'node:fs/promises';
import { parentPort, workerData } from 'node:worker_threads';
import { isLensError } from '../base/errors';
import { mergedNamesJob, openMergedView } from '../core/distributed';
import { exportChunks } from '../core/export';
import { readParts, sliceParts } from '../formats/parts';
import { collectRankPaths, openRankPaths, readStrategies } from './distributed-input';
import { closeOpenFiles } from './file-source';
import type { MergeMemberData, MergeMemberResult } from './merge-pool';

async function run(data: MergeMemberData): Promise<MergeMemberResult> {
  const strategy = await readStrategies(data.strategyPaths);
  const files = await openRankPaths(collectRankPaths(data.inputs, data.inputFormat), {
    key: data.key,
    keyText: data.keyText,
  });
  const job = await mergedNamesJob(openMergedView(strategy, files), data.names, data.format);
  const handle = await open(data.file, 'r+');
  try {
    const [start, end] = data.range ?? [0, job.size];
    // A whole output is the export stream (trailer included); a range is bytes of the body.
    const chunks = data.range ? readParts(sliceParts(job.parts, start, end)) : exportChunks(job);
    let at = start;
    for await (const chunk of chunks) {
      for (let written = 0; written < chunk.length;)
        written += (await handle.write(chunk, written, chunk.length - written, at + written)).bytesWritten;
      at += chunk.length;
    }
    return { bytes: at - start };
  } finally {
    await handle.close();
  }
}

run(workerData as MergeMemberData)
  .finally(closeOpenFiles)
  .then(
    (result) => parentPort?.postMessage({ ok: true, result }),
    (error: unknown) =>
      parentPort?.postMessage({
        ok: false,
        error: isLensError(error)
          ? { code: error.code, details: error.details, message: error.message }
          : { message: error instanceof Error ? error.message : String(error) },
      }),
  );
