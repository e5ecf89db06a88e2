import { LensError, withFile } from '../base/errors';
import { MAX_KEY_FILE_BYTES } from '../base/limits';
import type { CipherMode } from '../base/types';
import { parseHexKey, parseTextKey } from '../core/key-input';
import { describeKeyProblem } from '../core/messages';
import { readTextBounded } from '../io/read-whole';
import { openFileSource } from './files';

const MODES: readonly CipherMode[] = ['AES-GCM', 'AES-CBC', 'SM4-CBC'];

/**
 * A key given one of three ways — hex (`--key`), Python bytes text (`--key-text`) or a file
 * (`--key-file`: hex, or a bytes literal b'...') — or none. A key file goes through the bounded
 * side-input reader: a regular file, at most MAX_KEY_FILE_BYTES, checked before it is read.
 */
export async function keyFrom(
  given: { hex?: string; text?: string; file?: string },
  flag: string,
): Promise<Uint8Array | undefined> {
  const ways = [given.hex, given.text, given.file].filter((way) => way !== undefined).length;
  if (ways > 1)
    throw new LensError('usage', { hint: `give ${flag} one way: as hex, as text or as a file, not several` });
  if (ways === 0) return undefined;
  let parsed;
  let from = flag;
  if (given.file !== undefined) {
    const file = given.file;
    const text = await readTextBounded(
      await openFileSource(file),
      MAX_KEY_FILE_BYTES,
      (size) => new LensError('key-file-too-large', { file, actual: size, limit: MAX_KEY_FILE_BYTES }),
    ).catch((error: unknown) => {
      throw withFile(error, file);
    });
    parsed = /^\s*b['"]/.test(text) ? parseTextKey(text.trim()) : parseHexKey(text);
    from = `${flag}-file ${file}`;
  } else parsed = given.hex !== undefined ? parseHexKey(given.hex) : parseTextKey(given.text as string);
  if (!parsed.ok) throw new LensError('usage', { hint: `${from}: ${describeKeyProblem(parsed.problem)}` });
  return parsed.key;
}

export async function readKeyOptions(values: {
  key?: string;
  'key-text'?: string;
  'key-file'?: string;
  mode?: string;
}): Promise<{ key?: Uint8Array; mode?: CipherMode }> {
  const mode = values.mode;
  if (mode !== undefined && !(MODES as readonly string[]).includes(mode)) {
    throw new LensError('usage', { hint: '--mode must be AES-GCM, AES-CBC or SM4-CBC' });
  }
  const key = await keyFrom({ hex: values.key, text: values['key-text'], file: values['key-file'] }, '--key');
  if (key === undefined && mode !== undefined)
    throw new LensError('usage', { hint: '--mode needs --key, --key-text or --key-file' });
  return { ...(key ? { key } : {}), ...(mode !== undefined ? { mode: mode as CipherMode } : {}) };
}
