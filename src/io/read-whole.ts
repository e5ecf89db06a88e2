import { LensError } from '../base/errors';
import { DEFAULT_WINDOW_BYTES } from '../base/limits';
import type { ByteSource } from './byte-source';

/**
 * Read a small side input (a strategy file, a name map, a manifest, a key file) whole, with its
 * size limit checked from `source.size` before a byte is read or allocated. It lives in io, not
 * core, because formats (strategy files) read through it too; it works the same on a browser
 * File (BlobSource) and on a file the CLI opened (cli/file-source.ts).
 */
export async function readWholeBounded(
  source: ByteSource,
  limit: number,
  tooLarge: (size: number) => LensError,
  signal?: AbortSignal,
): Promise<Uint8Array> {
  if (source.size > limit) throw tooLarge(source.size);
  const bytes = new Uint8Array(source.size);
  for (let offset = 0; offset < source.size;) {
    const chunk = await source.read(offset, Math.min(DEFAULT_WINDOW_BYTES, source.size - offset), signal);
    if (chunk.length === 0) throw new LensError('read-failed', { offset, hint: 'The file ended early.' });
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return bytes;
}

/** The same, decoded as UTF-8 text (invalid sequences become U+FFFD, as File.text() does). */
export async function readTextBounded(
  source: ByteSource,
  limit: number,
  tooLarge: (size: number) => LensError,
  signal?: AbortSignal,
): Promise<string> {
  return new TextDecoder().decode(await readWholeBounded(source, limit, tooLarge, signal));
}
