import type { FileSink } from '../core/distributed';

/**
 * A File System Access writable as an export sink. Chromium writes to a hidden swap file and
 * replaces the target only on close(), so an aborted export leaves the previous file in place.
 */
export function writableSink(writable: FileSystemWritableFileStream): FileSink {
  return {
    write: (chunk) => writable.write(chunk as Uint8Array<ArrayBuffer> | Blob),
    close: () => writable.close(),
    abort: (reason) => writable.abort(reason),
  };
}

/**
 * A writable file for `fileName` under a chosen folder (`rank_3/net.ckpt` creates `rank_3`), or
 * the chosen file itself.
 */
export async function fileHandleFor(
  target: FileSystemFileHandle | FileSystemDirectoryHandle,
  fileName: string,
): Promise<FileSystemFileHandle> {
  if (target.kind === 'file') return target as FileSystemFileHandle;
  const segments = fileName.split('/').filter((segment) => segment.length > 0);
  let folder = target as FileSystemDirectoryHandle;
  for (const segment of segments.slice(0, -1)) folder = await folder.getDirectoryHandle(segment, { create: true });
  return folder.getFileHandle(segments[segments.length - 1] ?? fileName, { create: true });
}
