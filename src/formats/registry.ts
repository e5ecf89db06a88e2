import type { LensError } from '../base/errors';
import type { FormatId } from '../base/types';
import { ckptFormat } from './ckpt/format';
import { pytorchFormat } from './pytorch/format';
import { safetensorsFormat } from './safetensors/format';
import { cipherModeOfMagic } from '../base/cipher-magic';
import type { Sniffed } from './sniff';
import type { FormatDescriptor } from './descriptor';
import { looksLikeJsonStrategyHead, looksLikeProtobufStrategy } from './strategy/sniff';

export type { FormatDescriptor, OpenOptions } from './descriptor';

/** Every format, in the order their sniffs are tried. */
export const FORMATS: readonly FormatDescriptor[] = [safetensorsFormat, pytorchFormat, ckptFormat];

export function formatById(id: FormatId): FormatDescriptor {
  return FORMATS.find((format) => format.id === id) as FormatDescriptor;
}

function hexOf(head: Uint8Array): string {
  return Array.from(head.subarray(0, 16), (byte) => byte.toString(16).padStart(2, '0')).join(' ');
}

/** Among formats whose sniffs match, the one whose extension the name has; else the first. */
function pick(matches: FormatDescriptor[], fileName?: string): FormatDescriptor | undefined {
  const lower = fileName?.toLowerCase();
  return (lower && matches.find((format) => format.extensions.some((ext) => lower.endsWith(ext)))) || matches[0];
}

/** What the first bytes say a file is. The head is read once and handed to every sniff. */
export function sniffFormat(head: Uint8Array, size: number, fileName?: string): Sniffed {
  const mode = cipherModeOfMagic(head);
  if (mode) return { kind: 'encrypted-ckpt', mode };
  const strong = pick(
    FORMATS.filter((format) => !format.weak && format.sniff(head, size)),
    fileName,
  );
  if (strong) return { kind: strong.id };
  if (looksLikeProtobufStrategy(head, size)) return { kind: 'strategy', encoding: 'protobuf' };
  if (looksLikeJsonStrategyHead(head)) return { kind: 'strategy', encoding: 'json' };
  const weak = pick(
    FORMATS.filter((format) => format.weak && format.sniff(head, size)),
    fileName,
  );
  if (weak) return { kind: weak.id };
  return { kind: 'unknown', headHex: hexOf(head) };
}

/**
 * Why a head no sniff accepted is still a file of a known format: cut short before its first
 * structure is whole, or mangled by a text conversion (formats' `explainHead`); null when it is
 * not one Ckpt Lens knows.
 */
export function explainUnknownHead(head: Uint8Array, size: number): LensError | null {
  for (const format of FORMATS) {
    const explained = format.explainHead?.(head, size);
    if (explained) return explained;
  }
  return null;
}
