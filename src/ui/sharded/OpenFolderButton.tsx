import { useRef } from 'react';
import { openSetFromFiles } from '../../store/distributed';
import { openShardedSet } from '../../store/sharded';
import { looksLikeShardedSet } from './dropped';

/**
 * "Open folder…": a sharded checkpoint's folder (an index JSON and its shards) opens as one
 * checkpoint; any other folder goes to the distributed view as a per-rank set, as a dropped folder does.
 */
export function OpenFolderButton() {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <button type="button" onClick={() => input.current?.click()}>
        Open folder…
      </button>
      <input
        ref={input}
        type="file"
        hidden
        data-testid="folder-input"
        {...{ webkitdirectory: '' }}
        onChange={(event) => {
          const inputs = Array.from(event.target.files ?? []).map((file) => ({
            path: file.webkitRelativePath || file.name,
            file,
          }));
          event.target.value = '';
          if (inputs.length === 0) return;
          if (looksLikeShardedSet(inputs.map((item) => item.path))) openShardedSet(inputs);
          else openSetFromFiles(inputs);
        }}
      />
    </>
  );
}
