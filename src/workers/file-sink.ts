import type { ExportSink } from '../core/export';

/**
 * A File System Access writable as an export sink. Chromium writes to a hidden swap file and
 * replaces the target only on close(), so an aborted export leaves the previous file in place.
 */
export function writableSink(writable: FileSystemWritableFileStream): ExportSink {
  return {
    write: (chunk) => writable.write(chunk as Uint8Array<ArrayBuffer>),
    close: () => writable.close(),
    abort: (reason) => writable.abort(reason),
  };
}
