import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { LensError, withFile } from '../base/errors';
import type { CheckpointOpenOptions, OpenedCheckpoint } from '../core/open';
import { openCheckpoint } from '../core/open';
import { openShardedCheckpoint } from '../core/sharded';
import { isShardIndexName, pickShardIndex } from '../formats/sharded/index-json';
import { openFileSource, pathKind } from './files';

/** Files a folder may hold as its one checkpoint (the PyTorch ones once their reader is registered). */
const CHECKPOINT_FILE = /\.(ckpt|safetensors|bin|pt|pth)$/i;

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The input file a folder stands for: its shard index, or its only checkpoint file. */
function fileOfFolder(dir: string): string {
  const names = readdirSync(dir).filter((name) => isFile(path.join(dir, name)));
  const chosen = pickShardIndex(names);
  if (chosen !== undefined) return path.join(dir, chosen);
  const checkpoints = names.filter((name) => CHECKPOINT_FILE.test(name));
  if (checkpoints.length === 1) return path.join(dir, checkpoints[0] as string);
  throw new LensError('shard-index-not-found', { file: dir });
}

/** The file a path stands for: itself, or for a folder its shard index or its one checkpoint file. */
export function inputFile(input: string): string {
  if (!existsSync(input)) throw new LensError('file-not-found', { file: input });
  return statSync(input).isDirectory() ? fileOfFolder(input) : input;
}

/**
 * A path as one checkpoint: a checkpoint file, a sharded set's index JSON (its shards beside
 * it), or a folder holding either. Every command that reads one checkpoint opens it here.
 */
export async function openInputCheckpoint(
  input: string,
  options: CheckpointOpenOptions = {},
): Promise<OpenedCheckpoint> {
  const file = inputFile(input);
  try {
    if (!isShardIndexName(file)) return await openCheckpoint(await openFileSource(file), options);
    const dir = path.dirname(file);
    return await openShardedCheckpoint(
      {
        indexName: path.basename(file),
        indexSource: await openFileSource(file),
        shard: async (name) => {
          const shardPath = path.join(dir, name);
          if (isFile(shardPath)) return openFileSource(shardPath);
          const kind = existsSync(shardPath) ? pathKind(shardPath) : null;
          return kind ? { notAFile: kind } : null;
        },
      },
      options,
    );
  } catch (error) {
    throw withFile(error, file);
  }
}
