import { rankFromPath } from '../../core/distributed';
import { pickShardIndex } from '../../formats/sharded/index-json';

/**
 * Dropped files (paths relative to the drop) that form ONE sharded checkpoint: an index JSON
 * (`*.index.json`, MindSpore's `param_name_map.json`) and no per-rank files. A per-rank
 * distributed set (rank_N folders, checkpoint_N files) goes to the distributed view instead,
 * even when an index JSON lies beside it.
 */
export function looksLikeShardedSet(paths: readonly string[]): boolean {
  if (pickShardIndex(paths) === undefined) return false;
  return !paths.some((path) => /\.(ckpt|safetensors)$/i.test(path) && rankFromPath(path) !== undefined);
}
