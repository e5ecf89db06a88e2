import { LensError } from '../../base/errors';
import { MAX_MANIFEST_BYTES } from '../../base/limits';
import { sniffFormat } from '../registry';
import { looksLikeGraphMeta, parseGraphMeta } from './graph-meta';
import { parseJsonManifest } from './json';
import { parseTextManifest } from './text';
import type { NetworkManifest } from './types';

export type ManifestSniff = 'checkpoint' | 'json' | 'text' | 'graph-meta' | 'unknown';

/** Decide a manifest's kind from its first bytes (the extension never decides). */
export function sniffManifest(head: Uint8Array, size: number): ManifestSniff {
  if (head.length === 0) return 'unknown';
  // Text first: a text dump starting with a blank line begins with 0x0a like a .ckpt, but a
  // real record header always holds control bytes (lengths, field tags).
  const text = decodeUtf8(head.subarray(0, Math.min(head.length, 4096)), true);
  if (text !== null && !hasControlCharacters(text)) {
    const first = text.replace(/^\uFEFF/, '').trimStart()[0];
    return first === '{' || first === '[' ? 'json' : 'text';
  }
  if (sniffFormat(head, size).kind !== 'unknown') return 'checkpoint';
  if (looksLikeGraphMeta(head)) return 'graph-meta';
  return 'unknown';
}

/** Control characters other than tab, LF and CR: binary, not a text dump. */
function hasControlCharacters(text: string): boolean {
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) return true;
  }
  return false;
}

/** Strict UTF-8; `partial` tolerates a character cut at the end of a head slice. */
function decodeUtf8(bytes: Uint8Array, partial: boolean): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: partial });
  } catch {
    return null;
  }
}

/**
 * Parse a whole manifest file that is not a checkpoint (checkpoints used as manifests are
 * opened by core/load-rules' openManifest, which owns the checkpoint readers).
 */
export function parseManifestBytes(bytes: Uint8Array, file?: string): NetworkManifest {
  if (bytes.length > MAX_MANIFEST_BYTES) {
    throw new LensError('manifest-too-large', {
      actual: `${bytes.length} bytes`,
      limit: MAX_MANIFEST_BYTES,
      ...(file ? { file } : {}),
    });
  }
  const kind = sniffManifest(bytes.subarray(0, 4096), bytes.length);
  switch (kind) {
    case 'graph-meta':
      return parseGraphMeta(bytes, file);
    case 'json':
    case 'text': {
      const text = decodeUtf8(bytes, false);
      if (text === null)
        throw new LensError('manifest-unknown', { hint: 'It is not valid UTF-8 text.', ...(file ? { file } : {}) });
      const clean = text.replace(/^\uFEFF/, '');
      return kind === 'json' ? parseJsonManifest(clean, file) : parseTextManifest(clean, file);
    }
    case 'checkpoint':
      throw new LensError('internal', { hint: 'checkpoint manifests are opened with openManifest()' });
    case 'unknown':
      if (bytes.length === 0) throw new LensError('manifest-empty', file ? { file } : {});
      throw new LensError('manifest-unknown', file ? { file } : {});
  }
}
