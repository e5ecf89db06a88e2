import { toColumnar } from '../../base/tensor-columns';
import { openShardedCheckpoint } from '../../core/sharded';
import { summarize } from '../../core/summary';
import { BlobSource } from '../../io/byte-source';
import type { OpenResult } from '../open-types';
import { rememberFile, runJob, throttle, type ProgressCallback } from '../registry';

export interface ShardedOpenRequest {
  fileId: string;
  /** The index JSON (`*.index.json`, `param_name_map.json`). */
  index: { name: string; file: Blob };
  /** The files beside the index, by the name the index uses for them. */
  shards: { name: string; file: Blob }[];
}

export const shardedApi = {
  /** Open a sharded set as one checkpoint; it is then used by file id like any opened file. */
  async openShardedSet(request: ShardedOpenRequest, onProgress?: ProgressCallback): Promise<OpenResult> {
    return runJob(request.fileId, async (signal) => {
      const byName = new Map(request.shards.map((shard) => [shard.name, shard.file]));
      const opened = await openShardedCheckpoint(
        {
          indexName: request.index.name,
          indexSource: new BlobSource(request.index.file),
          shard: async (name) => {
            const file = byName.get(name);
            return file ? new BlobSource(file) : null;
          },
        },
        { signal, onProgress: throttle(onProgress) },
      );
      // The set's bytes as one Blob (no copy): what export and the integrity pass stream.
      const file = new Blob((opened.index.sharded?.shards ?? []).flatMap((shard) => byName.get(shard.file) ?? []));
      rememberFile(request.fileId, { ...opened, file });
      return { index: toColumnar(opened.index), summary: summarize(opened.index) };
    });
  },
};
