import { serializeError } from '../base/errors';
import { pickShardIndex } from '../formats/sharded/index-json';
import { callback, callWorker, NEVER_ABORTED } from './bridge';
import { updateFile, useLensStore } from './store';

/** A file of a dropped folder, with its path relative to the drop. */
export interface ShardedSetFile {
  path: string;
  file: Blob;
}

let nextSet = 1;

const dirOf = (path: string): string => path.slice(0, Math.max(0, path.lastIndexOf('/')));
const baseOf = (path: string): string => path.slice(path.lastIndexOf('/') + 1);

/**
 * Open a sharded set (an index JSON and the files beside it) as ONE checkpoint: one entry in the
 * file list, used by the table, stats, compare, load check and export like any opened file.
 */
export function openShardedSet(inputs: readonly ShardedSetFile[]): void {
  const indexPath = pickShardIndex(inputs.map((input) => input.path));
  const index = inputs.find((input) => input.path === indexPath);
  if (!indexPath || !index) return;
  const dir = dirOf(indexPath);
  const beside = inputs.filter((input) => input !== index && dirOf(input.path) === dir);
  const id = `shards${nextSet++}`;
  useLensStore.setState((state) => ({
    files: [
      ...state.files,
      {
        id,
        name: dir ? baseOf(dir) : baseOf(indexPath),
        path: dir || indexPath,
        size: beside.reduce((sum, input) => sum + input.file.size, 0),
        status: 'opening',
        progress: 0,
      },
    ],
    activeFileId: id,
    view: { selectedTensor: null, treePrefix: '' },
  }));
  const request = {
    fileId: id,
    index: { name: baseOf(indexPath), file: index.file },
    shards: beside.map((input) => ({ name: baseOf(input.path), file: input.file })),
  };
  const onProgress = callback((fraction: number) => updateFile(id, { progress: fraction }));
  callWorker(NEVER_ABORTED, (api) => api.openShardedSet(request, onProgress)).then(
    (result) => updateFile(id, { status: 'ready', progress: 1, index: result.index, summary: result.summary }),
    (error: unknown) => updateFile(id, { status: 'error', error: serializeError(error) }),
  );
}
