import { useRef } from 'react';
import { openFiles, openSample } from '../../store/actions';
import { openShardedSet } from '../../store/sharded';
import { OpenSetButton } from '../distributed/OpenSetControls';
import { looksLikeShardedSet } from '../sharded/dropped';
import { OpenFolderButton } from '../sharded/OpenFolderButton';
import { focusOpenedFile } from '../files/FileTabs';

export function OpenControls({ large = false }: { large?: boolean }) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <div className={large ? 'open-controls large' : 'open-controls'}>
      <button type="button" className="primary" onClick={() => input.current?.click()}>
        Open files…
      </button>
      <button
        type="button"
        onClick={() => {
          focusOpenedFile();
          void openSample();
        }}
        data-testid="try-sample"
      >
        Try a sample
      </button>
      <OpenFolderButton />
      <OpenSetButton />
      <input
        ref={input}
        type="file"
        multiple
        hidden
        data-testid="file-input"
        onChange={(event) => {
          const files = Array.from(event.target.files ?? []);
          if (files.length === 0) return;
          focusOpenedFile();
          // An index JSON picked with its shards opens them as one checkpoint.
          if (looksLikeShardedSet(files.map((file) => file.name)))
            openShardedSet(files.map((file) => ({ path: file.name, file })));
          else openFiles(files);
          event.target.value = '';
        }}
      />
    </div>
  );
}
