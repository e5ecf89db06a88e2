import type { NetworkParam } from './types';

/**
 * Whether a repeated manifest entry says something else than the first: a network has one
 * parameter per name, so two shapes or dtypes for one name leave nothing to check against.
 * (An entry that does not say its shape or dtype agrees with any.)
 */
export function contradicts(first: NetworkParam, again: NetworkParam): boolean {
  const shapes = first.shape !== null && again.shape !== null && first.shape.join(',') !== again.shape.join(',');
  const dtypes = first.dtype !== null && again.dtype !== null && first.dtype !== again.dtype;
  return shapes || dtypes;
}

/** The sentence of a repeated name that contradicts itself. */
export function describeContradiction(first: NetworkParam, again: NetworkParam, where: string): string {
  const form = (param: NetworkParam): string =>
    `${param.shape ? `[${param.shape.join(', ')}]` : 'no shape'} ${param.dtype ?? ''}`.trim();
  return `"${again.name}" is listed again with ${form(again)} after ${form(first)}${where}: a network has one parameter per name, so there is nothing to check it against`;
}
