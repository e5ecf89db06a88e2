import { accessSync, constants, existsSync, mkdirSync, realpathSync, statSync, type Stats } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { exportChunks, type ExportJob } from '../core/export';
import { LensError } from '../base/errors';
import { FileSource } from './file-source';

/** What a path that exists but is not a regular file is, in words ("a folder", "a character device"…). */
export function pathKind(file: string): string {
  const stats = statSync(file);
  return stats.isDirectory() ? 'a folder' : kindOf(stats);
}

/** What a non-regular path is, in words. */
function kindOf(stats: Stats): string {
  if (stats.isFIFO()) return 'a named pipe';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'not a plain file';
}

/** A Node fs failure (it carries the system call), as opposed to a LensError or a cancel. */
function isErrno(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).syscall === 'string';
}

/** A failed fs call on `file` as a LensError: errno codes a user can cause get their own sentence. */
export function fsError(error: unknown, file: string, action: 'read' | 'write'): LensError {
  if (error instanceof LensError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
    case 'ENOTDIR': {
      if (action === 'read') return new LensError('file-not-found', { file });
      const folder = path.dirname(path.resolve(file));
      // The folder is there (e.g. /proc) but the system will not create a file in it.
      return existsSync(folder)
        ? new LensError('write-failed', {
            file,
            expected: 'folder',
            hint: `the system does not let files be created in ${folder} (${code})`,
          })
        : new LensError('output-folder-missing', { file, expected: folder });
    }
    case 'EACCES':
    case 'EPERM':
      return new LensError('permission-denied', { file, hint: action === 'read' ? 'read' : 'write' });
    case 'EISDIR':
      return new LensError('path-is-folder', { file });
    default:
      return action === 'read'
        ? new LensError('read-failed', { file, hint: `${code ?? 'error'}: ${(error as Error).message}` })
        : new LensError('write-failed', { file, hint: code ?? (error as Error).message });
  }
}

/**
 * Check an input path before anything is opened: a missing path, a folder and a device or pipe
 * (which have no size to check limits against, e.g. /dev/zero) are each named for what they are.
 */
export function checkInputFile(file: string): Stats {
  let stats: Stats;
  try {
    stats = statSync(file);
  } catch (error) {
    throw fsError(error, file, 'read');
  }
  if (stats.isDirectory()) throw new LensError('path-is-folder', { file });
  if (!stats.isFile()) throw new LensError('path-not-regular-file', { file, hint: kindOf(stats) });
  try {
    accessSync(file, constants.R_OK);
  } catch (error) {
    throw fsError(error, file, 'read');
  }
  return stats;
}

/**
 * An input file to read (file-source.ts: positional reads through a file handle, closed when the
 * command ends; a file that changes after this fails its reads).
 */
export async function openFileSource(file: string): Promise<FileSource> {
  checkInputFile(file);
  try {
    return await FileSource.open(file);
  } catch (error) {
    throw fsError(error, file, 'read');
  }
}

function samePath(a: string, b: string): boolean {
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return false;
  }
}

/**
 * Check an output file path before any work: its folder exists and is writable, it is not a
 * folder or device, not one of `inputs`, and replacing an existing file needs `force`.
 */
export function checkOutputFile(out: string, options: { inputs: readonly string[]; force: boolean }): void {
  const folder = path.dirname(path.resolve(out));
  let folderStats: Stats;
  try {
    folderStats = statSync(folder);
  } catch {
    throw new LensError('output-folder-missing', { file: out, expected: folder });
  }
  if (!folderStats.isDirectory())
    throw new LensError('output-folder-missing', { file: out, expected: folder, hint: 'is not a folder' });
  if (existsSync(out)) {
    const stats = statSync(out);
    if (stats.isDirectory())
      throw new LensError('path-is-folder', { file: out, hint: 'the output must be a file path' });
    if (!stats.isFile())
      throw new LensError('path-not-regular-file', { file: out, hint: kindOf(stats), expected: 'output' });
    if (options.inputs.some((input) => samePath(input, out))) throw new LensError('output-is-input', { file: out });
    if (!options.force) throw new LensError('usage', { hint: `${out} exists; add --force to replace it` });
  }
  try {
    accessSync(folder, constants.W_OK);
  } catch {
    throw new LensError('permission-denied', { file: folder, hint: 'write into' });
  }
}

/**
 * Check an output folder (merge's unified parts, reslice's rank folders) before any work: it is
 * a writable folder, or its parent is one (createFolder makes it once there is something to write).
 */
export function checkOutputFolder(dir: string): void {
  let existing = path.resolve(dir);
  if (existsSync(existing)) {
    if (!statSync(existing).isDirectory())
      throw new LensError('output-folder-missing', { file: dir, expected: dir, hint: 'is not a folder' });
  } else {
    existing = path.dirname(existing);
    if (!existsSync(existing) || !statSync(existing).isDirectory())
      throw new LensError('output-folder-missing', { file: dir, expected: existing });
  }
  try {
    accessSync(existing, constants.W_OK);
  } catch {
    throw new LensError('permission-denied', { file: existing, hint: 'write into' });
  }
}

/** mkdir -p, its failures as LensErrors. */
export function createFolder(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw fsError(error, dir, 'write');
  }
}

const GATHER_BYTES = 1024 * 1024;

/**
 * Stream chunks into `<out>.partial`, sync, then rename it to `out`: a cancelled or failed
 * write never leaves a complete-looking file. Returns the bytes written.
 */
export async function writeChunksFile(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  out: string,
): Promise<number> {
  const partial = `${out}.partial`;
  const handle = await open(partial, 'w').catch((error: unknown) => {
    throw fsError(error, out, 'write');
  });
  let bytes = 0;
  const writeAll = async (chunk: Uint8Array): Promise<void> => {
    let written = 0;
    while (written < chunk.length) written += (await handle.write(chunk, written, chunk.length - written)).bytesWritten;
  };
  // Small chunks (a header, a 4-byte tensor) are gathered into one write: a million tensors
  // were three million write calls.
  const gathered = new Uint8Array(GATHER_BYTES);
  let gatheredBytes = 0;
  try {
    for await (const chunk of chunks) {
      bytes += chunk.length;
      if (chunk.length <= GATHER_BYTES - gatheredBytes) {
        gathered.set(chunk, gatheredBytes);
        gatheredBytes += chunk.length;
        continue;
      }
      if (gatheredBytes > 0) await writeAll(gathered.subarray(0, gatheredBytes));
      gatheredBytes = 0;
      if (chunk.length < GATHER_BYTES) {
        gathered.set(chunk);
        gatheredBytes = chunk.length;
      } else await writeAll(chunk);
    }
    if (gatheredBytes > 0) await writeAll(gathered.subarray(0, gatheredBytes));
    await handle.sync();
    await handle.close();
    await rename(partial, out);
  } catch (error) {
    await handle.close().catch(() => undefined);
    await rm(partial, { force: true });
    throw isErrno(error) ? fsError(error, out, 'write') : error;
  }
  return bytes;
}

/** Stream an export into `out` (via `<out>.partial`); returns its size. */
export async function writeExportFile(job: ExportJob, out: string, signal: AbortSignal): Promise<number> {
  await writeChunksFile(exportChunks(job, { signal }), out);
  return job.size;
}
