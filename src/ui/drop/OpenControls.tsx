import { useRef } from 'react';
import { openFiles, openSample } from '../../store/actions';
import { OpenSetButton } from '../distributed/OpenSetControls';
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
      <OpenSetButton />
      <input
        ref={input}
        type="file"
        multiple
        hidden
        data-testid="file-input"
        onChange={(event) => {
          if (event.target.files && event.target.files.length > 0) {
            focusOpenedFile();
            openFiles(Array.from(event.target.files));
          }
          event.target.value = '';
        }}
      />
    </div>
  );
}
