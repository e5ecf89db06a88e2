import type { ElementKind } from '../../core/stats/elements';
import { shortestFloat } from '../../core/stats/format';

const FLOAT_KINDS = new Set<ElementKind>(['f16', 'bf16', 'bf16-legacy', 'f32', 'f64']);

/** A value that exists in the tensor (min, max): the shortest decimal that reads back in its dtype. */
export function formatElement(kind: ElementKind | undefined, value: number | string | boolean | null): string {
  if (value === null) return '—';
  if (typeof value !== 'number') return String(value);
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '+Inf' : '−Inf';
  if (!kind || !FLOAT_KINDS.has(kind)) return Number.isInteger(value) ? String(value) : formatDerived(value);
  if (Object.is(value, -0)) return '-0';
  const shortest = shortestFloat(kind, value);
  const abs = Math.abs(shortest);
  return abs !== 0 && (abs < 1e-4 || abs >= 1e7) ? shortest.toExponential() : String(shortest);
}

/** A computed value (mean, std, L2, deltas): six significant digits. */
export function formatDerived(value: number | null): string {
  if (value === null) return '—';
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '+Inf' : '−Inf';
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs < 1e-4 || abs >= 1e7) return value.toExponential(5).replace(/\.?0+e/, 'e');
  return String(Number(value.toPrecision(6)));
}

export function formatCount(value: number): string {
  return value.toLocaleString('en-US');
}
