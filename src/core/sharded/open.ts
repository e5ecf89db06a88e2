/**
 * A sharded checkpoint (Hugging Face `*.index.json` + shards, MindSpore's unified
 * `param_name_map.json` + `partN` files) opened as ONE checkpoint.
 *
 * Design: the shards' plaintext sources are laid end to end as one virtual ByteSource
 * (io/ConcatSource) and every shard's index entries are shifted by where its shard starts. The
 * result is an ordinary OpenedCheckpoint, so every reader that takes (index, plaintext) — stats,
 * compare, the load check, export — works unchanged and never learns the set was sharded; a
 * `contentRanges` hook hands export each tensor's ranges in its own shard, so a browser export
 * still slices the shard Files without copying. Each shard is opened through the generic
 * `openCheckpoint`, so a shard of any format that entry point reads (.safetensors, .ckpt, and
 * PyTorch .bin once its reader is registered there) works here too. Disagreements between the
 * index and the shards are findings (FileProblems), not exceptions.
 */
import { LensError, withFile } from '../../base/errors';
import { plural } from '../../base/plural';
import type { CheckpointIndex, FileProblem, ShardInfo, TensorEntry } from '../../base/types';
import { readShardIndex, UNIFIED_HYPER_PARAM_FILES } from '../../formats/sharded/index-json';
import type { ByteSource } from '../../io/byte-source';
import { ConcatSource } from '../../io/concat-source';
import { openCheckpoint, type CheckpointOpenOptions, type OpenedCheckpoint } from '../open';

export interface ShardSetInput {
  /** The index JSON's file name (`model.safetensors.index.json`, `param_name_map.json`, …). */
  indexName: string;
  indexSource: ByteSource;
  /**
   * A file beside the index, by the name the index uses; null when it is not there, `notAFile`
   * (what it is: "a folder", "a character device", …) when something else has its name.
   */
  shard(fileName: string): Promise<ByteSource | null | { notAFile: string }>;
}

interface Located {
  shard: number;
  entry: TensorEntry;
}

/** Open every shard an index names and present them as one checkpoint, with findings. */
export async function openShardedCheckpoint(
  input: ShardSetInput,
  options: CheckpointOpenOptions = {},
): Promise<OpenedCheckpoint> {
  const index = await readShardIndex(input.indexSource, input.indexName, options.signal);
  const problems: FileProblem[] = [];
  const files = [...index.shardFiles];
  const extras = new Set<string>();
  if (index.kind === 'mindspore-unified') {
    for (const name of UNIFIED_HYPER_PARAM_FILES) {
      if (files.includes(name)) continue;
      const found = await input.shard(name);
      if (found && !('notAFile' in found)) {
        files.push(name);
        extras.add(name);
      }
    }
  }
  const expectedCount = new Map<string, number>();
  for (const file of index.weightMap.values()) expectedCount.set(file, (expectedCount.get(file) ?? 0) + 1);

  const opened: { file: string; checkpoint: OpenedCheckpoint }[] = [];
  const missingFiles = new Set<string>();
  const { onProgress } = options;
  for (const [position, file] of files.entries()) {
    const source = await input.shard(file);
    if (!source || 'notAFile' in source) {
      missingFiles.add(file);
      const held = `the index puts ${plural(expectedCount.get(file) ?? 0, 'tensor')} in it`;
      problems.push(
        source
          ? { code: 'shard-file-not-regular', detail: `${file} is ${source.notAFile} (${held})` }
          : { code: 'shard-file-missing', detail: `${file} (${held})` },
      );
      continue;
    }
    try {
      // Progress over the whole set: each shard is an equal share.
      const shardProgress = onProgress
        ? (fraction: number) => onProgress((position + fraction) / files.length)
        : undefined;
      opened.push({
        file,
        // Shards as entries: the set's index is joined from them entry by entry.
        checkpoint: await openCheckpoint(source, {
          ...options,
          columns: false,
          ...(shardProgress ? { onProgress: shardProgress } : {}),
        }),
      });
      onProgress?.((position + 1) / files.length);
    } catch (error) {
      throw withFile(error, file);
    }
  }
  if (opened.length === 0) {
    throw new LensError('shard-set-no-shards', { file: input.indexName, expected: files.length });
  }

  // Every place each name occurs, in shard order.
  const occurrences = new Map<string, Located[]>();
  opened.forEach(({ checkpoint }, shard) => {
    for (const entry of checkpoint.index.tensors) {
      const list = occurrences.get(entry.name);
      if (list) list.push({ shard, entry });
      else occurrences.set(entry.name, [{ shard, entry }]);
    }
  });
  const fileOf = (located: Located): string => (opened[located.shard] as { file: string }).file;

  // The copy that counts: the one in the shard the index names, else the first.
  const chosen = new Map<string, Located>();
  for (const [name, list] of occurrences) {
    const indexed = index.weightMap.get(name);
    const pick = list.find((located) => fileOf(located) === indexed) ?? (list[0] as Located);
    chosen.set(name, pick);
    if (list.length > 1) {
      problems.push({
        code: 'shard-duplicate-name',
        detail: `"${name}" is in ${list.map(fileOf).join(' and ')}; the copy in ${fileOf(pick)} is used${indexed === undefined ? ' (the index names neither)' : ''}`,
      });
    }
    if (indexed === undefined && !extras.has(fileOf(pick))) {
      problems.push({ code: 'shard-tensor-not-indexed', detail: `"${name}" in ${fileOf(pick)}` });
    }
  }
  let indexedFound = true;
  for (const [name, file] of index.weightMap) {
    if (missingFiles.has(file)) {
      indexedFound = false;
      continue;
    }
    const list = occurrences.get(name) ?? [];
    if (list.some((located) => fileOf(located) === file)) continue;
    indexedFound = indexedFound && list.length > 0;
    problems.push({
      code: 'shard-tensor-missing',
      detail: `"${name}": the index puts it in ${file}, which does not hold it${list.length > 0 ? ` (it is in ${list.map(fileOf).join(', ')})` : ''}`,
    });
  }
  if (index.declaredTotalSize !== null && indexedFound) {
    let total = 0;
    for (const name of index.weightMap.keys()) total += chosen.get(name)?.entry.bytes ?? 0;
    if (total !== index.declaredTotalSize) {
      problems.push({
        code: 'shard-total-size-mismatch',
        detail: `the index declares ${index.declaredTotalSize.toLocaleString('en-US')} bytes, its tensors hold ${total.toLocaleString('en-US')} bytes`,
      });
    }
  }

  const plaintext = new ConcatSource(opened.map(({ checkpoint }) => checkpoint.plaintext));
  const tensors: TensorEntry[] = [];
  const origin = new Map<string, Located>();
  const shards: ShardInfo[] = [];
  opened.forEach(({ file, checkpoint }, shard) => {
    const base = plaintext.bases[shard] as number;
    let count = 0;
    for (const entry of checkpoint.index.tensors) {
      if (chosen.get(entry.name)?.entry !== entry) continue;
      count += 1;
      origin.set(entry.name, { shard, entry });
      tensors.push({
        ...entry,
        ranges: entry.ranges.map((range) => ({ offset: range.offset + base, length: range.length })),
        shard: file,
      });
    }
    shards.push({ file, format: checkpoint.index.format, size: checkpoint.index.size, tensorCount: count, base });
    for (const problem of checkpoint.index.problems)
      problems.push({ ...problem, detail: `${file}: ${problem.detail}` });
  });

  const first = (opened[0] as { checkpoint: OpenedCheckpoint }).checkpoint.index;
  const metadata: CheckpointIndex['metadata'] = {};
  for (const { checkpoint } of [...opened].reverse()) Object.assign(metadata, checkpoint.index.metadata);
  Object.assign(metadata, index.metadata);
  const merged: CheckpointIndex = {
    format: first.format,
    size: opened.reduce((sum, { checkpoint }) => sum + checkpoint.index.size, 0),
    plaintextSize: plaintext.size,
    encryption: opened.find(({ checkpoint }) => checkpoint.index.encryption)?.checkpoint.index.encryption ?? null,
    crc: { present: false, ok: null, expected: null, actual: null },
    metadata,
    tensors,
    problems,
    sharded: {
      indexFile: input.indexName,
      kind: index.kind,
      declaredTotalSize: index.declaredTotalSize,
      shards,
    },
  };
  return {
    index: merged,
    plaintext,
    contentRanges(entry) {
      const located = origin.get(entry.name);
      // A gathered view's one range is the span its values are gathered from, not its content.
      if (!located || located.entry.view?.gathered) return null;
      const shard = (opened[located.shard] as { checkpoint: OpenedCheckpoint }).checkpoint;
      const own = shard.contentRanges?.(located.entry);
      if (own) return own;
      return located.entry.ranges.map((range) => ({ source: shard.plaintext, ...range }));
    },
  };
}
