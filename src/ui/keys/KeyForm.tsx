import { useId, useState, type ReactNode } from 'react';
import type { CipherMode } from '../../base/types';
import { parseKeyInput, type KeyFormat } from '../../core/key-input';
import { describeKeyProblem } from '../../core/messages';

const MODES: CipherMode[] = ['AES-GCM', 'AES-CBC', 'SM4-CBC'];

/** Whether a file's encryption mode is one the key form need not ask for. */
export function isKnownMode(mode: string | undefined): boolean {
  return MODES.includes(mode as CipherMode);
}

/**
 * The one key form: a single file's KeyPrompt and the distributed set's key both use it. The
 * key is parsed here and handed to `onKey` (a store action, which sends it to the worker); it is
 * never stored, logged or put in the URL, and the field is cleared on submit.
 */
export function KeyForm({
  label,
  onKey,
  askMode = false,
  inputTestId,
  submitTestId,
}: {
  label: ReactNode;
  onKey: (key: Uint8Array, mode: CipherMode | undefined) => void;
  /** MindSpore 1.3–1.6 files carry one magic for every mode: then the user must say which. */
  askMode?: boolean;
  inputTestId: string;
  submitTestId?: string;
}) {
  const [text, setText] = useState('');
  const [format, setFormat] = useState<KeyFormat>('hex');
  const [chosenMode, setChosenMode] = useState<CipherMode>('AES-GCM');
  const [problem, setProblem] = useState<string | null>(null);
  const inputId = useId();
  return (
    <form
      autoComplete="off"
      onSubmit={(event) => {
        event.preventDefault();
        const parsed = parseKeyInput(text, format);
        if (!parsed.ok) {
          setProblem(describeKeyProblem(parsed.problem));
          return;
        }
        setProblem(null);
        setText('');
        onKey(parsed.key, askMode ? chosenMode : undefined);
      }}
    >
      <div className="key-row">
        <label htmlFor={inputId}>{label}</label>
        <input
          id={inputId}
          type="password"
          spellCheck={false}
          autoComplete="off"
          value={text}
          onChange={(event) => setText(event.target.value)}
          placeholder={format === 'hex' ? '0123456789abcdef… (32, 48 or 64 hex digits)' : 'as in Python b"…"'}
          data-testid={inputTestId}
        />
        <select value={format} onChange={(event) => setFormat(event.target.value as KeyFormat)} aria-label="Key format">
          <option value="hex">hex</option>
          <option value="text">text (b"…")</option>
        </select>
        {askMode && (
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
        <button type="submit" className="primary" data-testid={submitTestId}>
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
