import { LensError } from '../base/errors';
import type { CipherMode } from '../base/types';
import { parseHexKey, parseTextKey } from '../core/key-input';
import { describeKeyProblem } from '../core/messages';

const MODES: readonly CipherMode[] = ['AES-GCM', 'AES-CBC', 'SM4-CBC'];

export function readKeyOptions(values: { key?: string; 'key-text'?: string; mode?: string }): {
  key?: Uint8Array;
  mode?: CipherMode;
} {
  const hex = values.key;
  const text = values['key-text'];
  const mode = values.mode;
  if (hex !== undefined && text !== undefined)
    throw new LensError('usage', { hint: 'give --key or --key-text, not both' });
  if (mode !== undefined && !(MODES as readonly string[]).includes(mode)) {
    throw new LensError('usage', { hint: '--mode must be AES-GCM, AES-CBC or SM4-CBC' });
  }
  const out: { key?: Uint8Array; mode?: CipherMode } = {};
  if (mode !== undefined) out.mode = mode as CipherMode;
  if (hex !== undefined || text !== undefined) {
    const parsed = hex !== undefined ? parseHexKey(hex) : parseTextKey(text as string);
    if (!parsed.ok)
      throw new LensError('usage', {
        hint: `${hex !== undefined ? '--key' : '--key-text'}: ${describeKeyProblem(parsed.problem)}`,
      });
    out.key = parsed.key;
  } else if (mode !== undefined) {
    throw new LensError('usage', { hint: '--mode needs --key or --key-text' });
  }
  return out;
}
