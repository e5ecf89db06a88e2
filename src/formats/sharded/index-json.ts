/**
 * The index JSON of a sharded checkpoint: Hugging Face's `model.safetensors.index.json` /
 * `pytorch_model.bin.index.json` and MindSpore's `param_name_map.json` (written by
 * `unified_safetensors`, read by `load_distributed_checkpoint`) share one shape,
 * `{"metadata": {"total_size": <bytes>}, "weight_map": {"<tensor>": "<shard file>"}}`.
 * It is a side input from an untrusted folder: its size is checked before it is read, and every
 * field is checked before use.
 */
import { setOwn } from '../../base/own';
import { LensError } from '../../base/errors';
import { MAX_SHARD_FILES, MAX_SHARD_INDEX_BYTES, MAX_TENSOR_ENTRIES, MAX_TENSOR_NAME_BYTES } from '../../base/limits';
import type { ShardIndexKind } from '../../base/types';
import type { ByteSource } from '../../io/byte-source';

export interface ShardIndex {
  kind: ShardIndexKind;
  /** `metadata.total_size`: the bytes of all tensors the index names, when declared. */
  declaredTotalSize: number | null;
  /** The other scalar `metadata` entries, kept for display. */
  metadata: Record<string, string | number | boolean>;
  /** Tensor name → shard file name, in the index's order. */
  weightMap: Map<string, string>;
  /** The distinct shard files, sorted (`-00001-of-00002` names sort in shard order). */
  shardFiles: string[];
}

/** MindSpore's unified layout keeps tensors outside the strategy here, not in the weight map. */
export const UNIFIED_HYPER_PARAM_FILES = ['hyper_param.safetensors', 'hyper_param.ckpt'] as const;

/** Whether a file name is a sharded set's index (`*.index.json` or `param_name_map.json`). */
export function isShardIndexName(fileName: string): boolean {
  const base = fileName.split(/[\\/]/).pop() ?? fileName;
  return /\.index\.json$/i.test(base) || base.toLowerCase() === 'param_name_map.json';
}

/**
 * The index to follow among several (a Hugging Face repo may hold both a safetensors and a .bin
 * index): the safetensors one, as transformers prefers it, then MindSpore's, then any other.
 */
export function pickShardIndex(paths: readonly string[]): string | undefined {
  const rank = (file: string): number => {
    const base = (file.split(/[\\/]/).pop() ?? file).toLowerCase();
    return base.endsWith('.safetensors.index.json') ? 0 : base === 'param_name_map.json' ? 1 : 2;
  };
  return paths.filter(isShardIndexName).sort((a, b) => rank(a) - rank(b) || a.length - b.length)[0];
}

function bad(file: string, hint: string, tensor?: string): LensError {
  return new LensError('shard-index-bad-json', { file, hint, ...(tensor !== undefined ? { tensor } : {}) });
}

/** A shard must be a file beside the index: no folders, no `..`, nothing absolute. */
function checkShardFileName(file: string, shard: string, tensor: string): void {
  if (
    shard.length === 0 ||
    shard.length > 1024 ||
    /[\\/\0]/.test(shard) ||
    shard === '.' ||
    shard === '..' ||
    /^[a-z]:/i.test(shard)
  ) {
    throw new LensError('shard-index-bad-file-name', { file, tensor, actual: shard.slice(0, 200) });
  }
}

/** Parse the index JSON's text. */
export function parseShardIndex(text: string, fileName: string): ShardIndex {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw bad(fileName, `the JSON does not parse: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw bad(fileName, 'it is not a JSON object');
  const root = json as Record<string, unknown>;
  const weightMap = root.weight_map;
  if (typeof weightMap !== 'object' || weightMap === null || Array.isArray(weightMap)) {
    throw bad(fileName, 'it has no "weight_map" object (tensor name → shard file)');
  }
  const metadataIn = root.metadata ?? {};
  if (typeof metadataIn !== 'object' || metadataIn === null || Array.isArray(metadataIn)) {
    throw bad(fileName, '"metadata" is not an object');
  }
  const metadata: Record<string, string | number | boolean> = {};
  let declaredTotalSize: number | null = null;
  for (const [key, value] of Object.entries(metadataIn as Record<string, unknown>)) {
    if (key === 'total_size') {
      if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
        throw bad(fileName, `"metadata.total_size" is not a byte count: ${JSON.stringify(value)?.slice(0, 40)}`);
      }
      declaredTotalSize = value;
    } else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      setOwn(metadata, key, value);
    }
  }
  const entries = Object.entries(weightMap as Record<string, unknown>);
  if (entries.length === 0) throw bad(fileName, '"weight_map" names no tensors');
  if (entries.length > MAX_TENSOR_ENTRIES) {
    throw bad(fileName, `"weight_map" names ${entries.length} tensors (limit ${MAX_TENSOR_ENTRIES})`);
  }
  const map = new Map<string, string>();
  const shards = new Set<string>();
  for (const [name, shard] of entries) {
    if (name.length === 0 || name.length > MAX_TENSOR_NAME_BYTES)
      throw bad(fileName, 'a tensor name is empty or too long');
    if (typeof shard !== 'string') throw bad(fileName, 'a shard file is not a string', name);
    checkShardFileName(fileName, shard, name);
    map.set(name, shard);
    shards.add(shard);
    if (shards.size > MAX_SHARD_FILES) throw bad(fileName, `it names more than ${MAX_SHARD_FILES} shard files`);
  }
  const base = fileName.split(/[\\/]/).pop() ?? fileName;
  return {
    kind: base.toLowerCase() === 'param_name_map.json' ? 'mindspore-unified' : 'huggingface',
    declaredTotalSize,
    metadata,
    weightMap: map,
    shardFiles: [...shards].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
  };
}

/** Read and parse an index JSON, refusing an oversized one before reading it. */
export async function readShardIndex(source: ByteSource, fileName: string, signal?: AbortSignal): Promise<ShardIndex> {
  if (source.size > MAX_SHARD_INDEX_BYTES) {
    throw new LensError('shard-index-too-large', { file: fileName, actual: source.size, limit: MAX_SHARD_INDEX_BYTES });
  }
  const bytes = await source.read(0, source.size, signal);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw bad(fileName, 'it is not UTF-8 text');
  }
  return parseShardIndex(text, fileName);
}
