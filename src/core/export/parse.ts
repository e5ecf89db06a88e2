import { LensError } from '../../base/errors';
import type { AppendValue, RenameRule, RenameRules } from './plan';

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

function isRecordOfStrings(value: unknown): value is Record<string, string> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.values(value).every((item) => typeof item === 'string')
  );
}

/**
 * A name map as JSON: either a plain `{"old": "new"}` object (like real TF→MindSpore maps) or
 * `{"rules": [{"pattern": "…", "replacement": "…"}], "exact": {"old": "new"}}`.
 */
export function parseNameMapJson(text: string): RenameRules {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new LensError('name-map-bad-json', { hint: error instanceof Error ? error.message : String(error) });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new LensError('name-map-bad-json', { hint: 'the top level must be an object' });
  }
  const object = parsed as Record<string, unknown>;
  if (!('rules' in object) && !('exact' in object)) {
    if (!isRecordOfStrings(object)) throw new LensError('name-map-bad-json', { hint: 'every value must be a string' });
    return { exact: object };
  }
  const exact = object.exact ?? {};
  if (!isRecordOfStrings(exact)) throw new LensError('name-map-bad-json', { hint: '"exact" must map names to names' });
  const rawRules = object.rules ?? [];
  if (!Array.isArray(rawRules)) throw new LensError('name-map-bad-json', { hint: '"rules" must be a list' });
  const rules: RenameRule[] = rawRules.map((rule: unknown, index) => {
    const candidate = rule as Partial<RenameRule> | null;
    if (typeof candidate?.pattern !== 'string' || typeof candidate.replacement !== 'string') {
      throw new LensError('name-map-bad-rule', {
        line: index + 1,
        hint: 'each rule needs "pattern" and "replacement" strings',
      });
    }
    return { pattern: candidate.pattern, replacement: candidate.replacement };
  });
  return { exact, rules };
}
