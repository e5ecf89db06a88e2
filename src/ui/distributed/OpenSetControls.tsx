import { useRef } from 'react';
import {
  addSetFiles,
  pathOf,
  pickedStrategyPath,
  replaceRankFiles,
  showSetChooser,
  useDistributed,
} from '../../store/distributed';

/** The header/welcome entry: shows the set view, where the folder and strategy are chosen. */
export function OpenSetButton() {
  const hidden = useDistributed((state) => state.setId !== null && !state.visible);
  const name = useDistributed((state) => state.name);
  return (
    <button type="button" onClick={showSetChooser} data-testid="open-set">
      {hidden ? `Distributed set: ${name}` : 'Open a distributed set…'}
    </button>
  );
}

/** Folder picker (webkitdirectory), many-files picker and strategy picker for a set. */
export function SetPickers({ hasSet }: { hasSet: boolean }) {
  const folder = useRef<HTMLInputElement>(null);
  const many = useRef<HTMLInputElement>(null);
  const strategy = useRef<HTMLInputElement>(null);
  const take = (input: HTMLInputElement): File[] => {
    const files = Array.from(input.files ?? []);
    input.value = '';
    return files;
  };
  return (
    <div className="set-pickers">
      <button type="button" className={hasSet ? '' : 'primary'} onClick={() => folder.current?.click()}>
        Choose the rank folder…
      </button>
      <button type="button" onClick={() => many.current?.click()}>
        Choose rank files…
      </button>
      <button type="button" onClick={() => strategy.current?.click()}>
        {hasSet ? 'Choose another strategy file…' : 'Choose the strategy file…'}
      </button>
      <input
        ref={folder}
        type="file"
        hidden
        multiple
        data-testid="set-folder-input"
        {...{ webkitdirectory: '' }}
        onChange={(event) => {
          const files = take(event.target);
          if (files.length > 0) replaceRankFiles(files.map((file) => ({ path: pathOf(file), file })));
        }}
      />
      <input
        ref={many}
        type="file"
        hidden
        multiple
        data-testid="set-files-input"
        onChange={(event) => {
          const files = take(event.target);
          if (files.length > 0) replaceRankFiles(files.map((file) => ({ path: pathOf(file), file })));
        }}
      />
      <input
        ref={strategy}
        type="file"
        hidden
        multiple
        data-testid="set-strategy-input"
        onChange={(event) => {
          const files = take(event.target);
          // Picked on its own, so a name that cannot collide with the folder's paths.
          if (files.length > 0)
            addSetFiles(
              files.map((file) => ({ path: pickedStrategyPath(file.name), file })),
              true,
            );
        }}
      />
    </div>
  );
}
