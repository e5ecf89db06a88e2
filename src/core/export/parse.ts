import type { AppendValue } from './plan';

const FLOAT_TEXT = /^[+-]?(?:\d+\.\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|\d+[eE][+-]?\d+|inf|infinity|nan)$/i;

/**
 * A typed value as Python would see the literal: `3` → int (Int64), `0.01` / `1e-3` / `inf` →
 * float (Float32), `true` / `False` → bool, anything else (or a quoted text) → str.
 */
export function parseAppendValue(text: string): AppendValue {
  const trimmed = text.trim();
  const quoted = /^(['"])(.*)\1$/s.exec(trimmed);
  if (quoted) return { type: 'str', value: quoted[2] as string };
  if (/^(true|false)$/i.test(trimmed)) return { type: 'bool', value: trimmed.toLowerCase() === 'true' };
  if (/^[+-]?\d+$/.test(trimmed)) return { type: 'int', value: BigInt(trimmed) };
  if (FLOAT_TEXT.test(trimmed)) {
    const lower = trimmed.toLowerCase().replace(/^\+/, '');
    const value = lower.endsWith('nan')
      ? NaN
      : lower.includes('inf')
        ? lower.startsWith('-')
          ? -Infinity
          : Infinity
        : Number(trimmed);
    return { type: 'float', value };
  }
  return { type: 'str', value: text };
}
