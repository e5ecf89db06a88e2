import { existsSync, openAsBlob, statSync } from 'node:fs';
import { LensError } from '../base/errors';
import { BlobSource } from '../io/byte-source';

/** The same read path as the browser: a Blob from fs.openAsBlob, read in slices. */
export async function openFileSource(path: string): Promise<BlobSource> {
  if (!existsSync(path) || !statSync(path).isFile()) throw new LensError('file-not-found', { file: path });
  return new BlobSource(await openAsBlob(path));
}
