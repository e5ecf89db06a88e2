import { existsSync, openAsBlob, statSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { exportChunks, type ExportJob } from '../core/export';
import { LensError } from '../base/errors';
import { BlobSource } from '../io/byte-source';

/** The same read path as the browser: a Blob from fs.openAsBlob, read in slices. */
export async function openFileSource(path: string): Promise<BlobSource> {
  if (!existsSync(path) || !statSync(path).isFile()) throw new LensError('file-not-found', { file: path });
  return new BlobSource(await openAsBlob(path));
}

/**
 * Stream an export into `<out>.partial`, sync, then rename it to `out`: a cancelled or failed
 * write removes the partial file, so nothing that looks complete is left behind.
 */
export async function writeExportFile(job: ExportJob, out: string, signal: AbortSignal): Promise<number> {
  const partial = `${out}.partial`;
  const handle = await open(partial, 'w');
  try {
    for await (const chunk of exportChunks(job, { signal })) {
      let written = 0;
      while (written < chunk.length)
        written += (await handle.write(chunk, written, chunk.length - written)).bytesWritten;
    }
    await handle.sync();
    await handle.close();
    await rename(partial, out);
  } catch (error) {
    await handle.close().catch(() => undefined);
    await rm(partial, { force: true });
    throw error;
  }
  return job.size;
}
