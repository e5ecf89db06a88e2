import { useId, useState } from 'react';
import type { CipherMode } from '../../base/types';
import { parseKeyInput, type KeyFormat } from '../../core/key-input';
import { submitKey } from '../../store/actions';

/**
 * Asks for the key of an encrypted checkpoint. The key goes straight to the worker for this
 * file; it is never stored, logged or put in the URL, and the field is cleared on submit.
 */
const MODES: CipherMode[] = ['AES-GCM', 'AES-CBC', 'SM4-CBC'];

export function KeyPrompt({ fileId, mode }: { fileId: string; mode: string | undefined }) {
  const [text, setText] = useState('');
  const [format, setFormat] = useState<KeyFormat>('hex');
  // MindSpore 1.3–1.6 files carry one magic for every mode: then the user must say which.
  const modeKnown = MODES.includes(mode as CipherMode);
  const [chosenMode, setChosenMode] = useState<CipherMode>('AES-GCM');
  const [problem, setProblem] = useState<string | null>(null);
  const inputId = useId();
  return (
    <form
      className="key-prompt"
      autoComplete="off"
      onSubmit={(event) => {
        event.preventDefault();
        const parsed = parseKeyInput(text, format);
        if (!parsed.ok) {
          setProblem(parsed.problem);
          return;
        }
        setProblem(null);
        setText('');
        submitKey(fileId, parsed.key, modeKnown ? undefined : chosenMode);
      }}
    >
      <h3>Encrypted checkpoint{mode ? ` (${mode})` : ''}</h3>
      <p>
        {modeKnown
          ? 'The mode was read from the file itself. '
          : 'This is the MindSpore 1.3–1.6 layout, which does not record the mode: choose it. '}
        Enter the key given to <code>save_checkpoint(enc_key=…)</code>. It stays in this tab's worker and is forgotten
        when you close the file.
      </p>
      <div className="key-row">
        <label htmlFor={inputId}>Key</label>
        <input
          id={inputId}
          type="password"
          spellCheck={false}
          autoComplete="off"
          value={text}
          onChange={(event) => setText(event.target.value)}
          placeholder={format === 'hex' ? '0123456789abcdef… (32, 48 or 64 hex digits)' : 'as in Python b"…"'}
          data-testid="key-input"
        />
        <select value={format} onChange={(event) => setFormat(event.target.value as KeyFormat)} aria-label="Key format">
          <option value="hex">hex</option>
          <option value="text">text (b"…")</option>
        </select>
        {!modeKnown && (
          <select
            value={chosenMode}
            onChange={(event) => setChosenMode(event.target.value as CipherMode)}
            aria-label="Cipher mode"
          >
            {MODES.slice(0, 2).map((m) => (
              <option key={m}>{m}</option>
            ))}
          </select>
        )}
        <button type="submit" className="primary" data-testid="decrypt">
          Decrypt
        </button>
      </div>
      {problem && (
        <p className="error-action" role="alert">
          {problem}
        </p>
      )}
    </form>
  );
}
