import { setOwn } from '../../base/own';
import type { MergedView } from './merge';

/** MindSpore's `unified_safetensors` part size (3 GiB). */
export const UNIFIED_DEFAULT_PART_BYTES = 3 * 1024 ** 3;

export interface UnifiedPart {
  /** `part<i>.<extension>`. */
  file: string;
  names: string[];
  bytes: number;
}

/** The output of `unified_safetensors` (distributed.md §3.2), planned from metadata. */
export interface UnifiedLayout {
  parts: UnifiedPart[];
  /** Tensors that are not in the strategy (global_step, …): `hyper_param.<extension>`, or none. */
  hyperParams: UnifiedPart | null;
  /** `param_name_map.json`: `{"metadata": {"total_size": …}, "weight_map": {name: part file}}`. */
  nameMap: { metadata: { total_size: number }; weight_map: Record<string, string> };
}

/**
 * Split the merged tensors into parts as `unified_safetensors` does: K = min(ceil(total / part
 * size), number of tensors) parts, tensors assigned greedily by size (largest first, each to the
 * currently smallest part). Parts are therefore about `partBytes`, not strictly at most.
 */
export function planUnifiedParts(
  view: MergedView,
  options: { partBytes?: number; extension?: 'safetensors' | 'ckpt' } = {},
): UnifiedLayout {
  const partBytes = Math.max(1, options.partBytes ?? UNIFIED_DEFAULT_PART_BYTES);
  const extension = options.extension ?? 'safetensors';
  const kindOf = new Map(view.plans.map((plan) => [plan.name, plan.kind]));
  const merged = view.index.tensors.filter((entry) => kindOf.get(entry.name) === 'sharded');
  const extras = view.index.tensors.filter((entry) => kindOf.get(entry.name) === 'extra');
  const total = merged.reduce((sum, entry) => sum + entry.bytes, 0);
  const count = Math.max(1, Math.min(Math.ceil(total / partBytes), merged.length));
  const parts: UnifiedPart[] = Array.from({ length: count }, (_, i) => ({
    file: `part${i}.${extension}`,
    names: [],
    bytes: 0,
  }));
  const bySize = [...merged].sort((a, b) => b.bytes - a.bytes || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of bySize) {
    const smallest = parts.reduce((best, part) => (part.bytes < best.bytes ? part : best));
    smallest.names.push(entry.name);
    smallest.bytes += entry.bytes;
  }
  const weightMap: Record<string, string> = {};
  for (const part of parts) {
    part.names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (const name of part.names) setOwn(weightMap, name, part.file);
  }
  const hyperParams =
    extras.length > 0
      ? {
          file: `hyper_param.${extension}`,
          names: extras.map((entry) => entry.name),
          bytes: extras.reduce((sum, entry) => sum + entry.bytes, 0),
        }
      : null;
  return { parts, hyperParams, nameMap: { metadata: { total_size: total }, weight_map: weightMap } };
}
