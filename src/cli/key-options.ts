import { LensError, withFile } from '../base/errors';
import { MAX_KEY_FILE_BYTES } from '../base/limits';
import type { CipherMode } from '../base/types';
import { parseHexKey, parseTextKey } from '../core/key-input';
import { KEY_LENGTHS } from '../crypto/ciphers';
import { describeKeyProblem } from '../core/messages';
import { readWholeBounded } from '../io/read-whole';
import { openFileSource } from './files';

const MODES: readonly CipherMode[] = ['AES-GCM', 'AES-CBC', 'SM4-CBC'];

/** Key lengths some mode takes: AES 16, 24 or 32 bytes, SM4 16. */
const ANY_MODE_KEY_LENGTHS: ReadonlySet<number> = new Set(Object.values(KEY_LENGTHS).flat());

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
  if (given.file !== undefined) return keyFromFile(given.file, flag);
  const parsed = given.hex !== undefined ? parseHexKey(given.hex) : parseTextKey(given.text as string);
  if (!parsed.ok) throw new LensError('usage', { hint: `${flag}: ${describeKeyProblem(parsed.problem)}` });
  return parsed.key;
}

/**
 * A key file: hex digits, or a bytes literal b'...'. What it holds is the file's content, not
 * the command line: anything else in it (nothing, binary bytes, other text, a key of a length no
 * mode takes) is bad input (exit 1), named with the file and what was found — never the bytes.
 */
async function keyFromFile(file: string, flag: string): Promise<Uint8Array> {
  const bytes = await readWholeBounded(
    await openFileSource(file),
    MAX_KEY_FILE_BYTES,
    (size) => new LensError('key-file-too-large', { file, actual: size, limit: MAX_KEY_FILE_BYTES }),
  ).catch((error: unknown) => {
    throw withFile(error, file);
  });
  const notAKey = (actual: string, extra: { expected?: string; limit?: number } = {}): LensError =>
    new LensError('key-file-not-a-key', { file, hint: `${flag}-file`, actual, ...extra });
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  // Binary: bytes that are not UTF-8, or control characters other than tab and line ends.
  const control = (code: number): boolean =>
    (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) || code === 0x7f;
  if (text.includes('\uFFFD') || bytes.some(control)) throw notAKey('binary', { limit: bytes.length });
  if (text.trim() === '') throw notAKey('empty');
  const literal = /^\s*b['"]/.test(text);
  const parsed = literal ? parseTextKey(text.trim()) : parseHexKey(text);
  const form = literal ? 'text' : 'hex';
  if (!parsed.ok) {
    const problem = parsed.problem;
    throw notAKey(problem.code, {
      expected: form,
      ...(problem.code === 'hex-odd-digits' ? { limit: problem.digits } : {}),
    });
  }
  if (!ANY_MODE_KEY_LENGTHS.has(parsed.key.length)) {
    const length = parsed.key.length;
    parsed.key.fill(0);
    throw notAKey('length', { expected: form, limit: length });
  }
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
