/**
 * Dtype-correct text for values: the shortest decimal that reads back to the same value in the
 * tensor's own dtype (float32 0.1 prints as 0.1, not 0.10000000149011612), as numpy does.
 */
import type { ElementKind } from './elements';

const wordScratch = new Uint32Array(1);
const floatScratch = new Float32Array(wordScratch.buffer);

function bfloat16Round(x: number): number {
  floatScratch[0] = x;
  const bits = wordScratch[0] as number;
  if ((bits & 0x7f800000) === 0x7f800000) return floatScratch[0] as number;
  // Round to nearest even on the 16 bits that are dropped.
  wordScratch[0] = ((bits + 0x7fff + ((bits >>> 16) & 1)) & 0xffff0000) >>> 0;
  return floatScratch[0] as number;
}

function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const diff = x - floor;
  if (diff > 0.5) return floor + 1;
  if (diff < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/** Round a number to the nearest float16 value (ties to even), as a number. */
export function float16Round(x: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  const sign = x < 0 ? -1 : 1;
  const abs = Math.abs(x);
  if (abs >= 65520) return sign * Infinity;
  if (abs < 2 ** -14) return sign * roundHalfEven(abs / 2 ** -24) * 2 ** -24;
  let exponent = Math.floor(Math.log2(abs));
  if (2 ** exponent > abs) exponent -= 1;
  if (2 ** (exponent + 1) <= abs) exponent += 1;
  const mantissa = roundHalfEven((abs / 2 ** exponent - 1) * 1024);
  return sign * (1 + mantissa / 1024) * 2 ** exponent;
}

function roundTrips(kind: ElementKind, candidate: number, value: number): boolean {
  switch (kind) {
    case 'f16':
      return float16Round(candidate) === value;
    case 'bf16':
    case 'bf16-legacy':
      return bfloat16Round(candidate) === value;
    case 'f32':
      return Math.fround(candidate) === value;
    default:
      return candidate === value;
  }
}

const maxDigits: Partial<Record<ElementKind, number>> = { f16: 5, bf16: 4, 'bf16-legacy': 4, f32: 9 };

/** The shortest number that reads back to `value` in the dtype; non-finite values stay as they are. */
export function shortestFloat(kind: ElementKind, value: number): number {
  if (!Number.isFinite(value) || value === 0) return value;
  const digits = maxDigits[kind];
  if (digits === undefined) return value;
  for (let precision = 1; precision < digits; precision += 1) {
    const candidate = Number(value.toPrecision(precision));
    if (roundTrips(kind, candidate, value)) return candidate;
  }
  return Number(value.toPrecision(digits));
}

/** JSON-safe form: non-finite floats become the strings numpy prints. */
export type JsonValue = number | string | boolean;

export function jsonValue(value: number | string | boolean): JsonValue {
  if (typeof value !== 'number' || Number.isFinite(value)) return value;
  return Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
}

/** One value as numpy prints it inside an array. */
export function numpyText(kind: ElementKind, value: number | string | boolean): string {
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'string') {
    if (value === 'NaN') return 'nan';
    if (value === 'Infinity') return 'inf';
    if (value === '-Infinity') return '-inf';
    return value;
  }
  if (Number.isNaN(value)) return 'nan';
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';
  const isFloat = kind === 'f16' || kind === 'bf16' || kind === 'bf16-legacy' || kind === 'f32' || kind === 'f64';
  if (!isFloat) return String(value);
  if (Object.is(value, -0)) return '-0.';
  const text = String(value);
  // numpy writes integral floats as "1." and keeps exponent form for very large/small values.
  return /[.eE]/.test(text) ? text : `${text}.`;
}
