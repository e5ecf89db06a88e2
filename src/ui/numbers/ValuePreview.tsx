import { useEffect, useId, useRef, useState } from 'react';
import { serializeError, type SerializedLensError } from '../../base/errors';
import type { TensorEntry } from '../../base/types';
import { PREVIEW_MAX_ELEMENTS } from '../../base/limits';
import { formatShape } from '../../core/summary';
import { previewValues } from '../../store/numbers';
import type { ValuePreview as Preview } from '../../workers/wire';
import { ErrorPanel } from '../errors/ErrorPanel';
import { plural } from '../../base/plural';

/** The first N values or a NumPy-style slice, as NumPy prints them; copy as JSON or NumPy text. */
export function ValuePreview({ fileId, entry }: { fileId: string; entry: TensorEntry }) {
  const [count, setCount] = useState(64);
  const [expression, setExpression] = useState('');
  const [preview, setPreview] = useState<Preview | null>(null);
  const [error, setError] = useState<SerializedLensError | null>(null);
  const [copied, setCopied] = useState<string | null>(null);
  const ids = { count: useId(), slice: useId() };
  const request = useRef<AbortController | null>(null);
  useEffect(() => () => request.current?.abort(), []);

  async function show(): Promise<void> {
    setError(null);
    setCopied(null);
    // A newer request replaces an older one still on its way.
    request.current?.abort();
    const controller = new AbortController();
    request.current = controller;
    try {
      setPreview(await previewValues(fileId, entry.name, expression.trim() || null, count, controller.signal));
    } catch (e) {
      if (controller.signal.aborted) return;
      setPreview(null);
      setError(serializeError(e));
    }
  }

  function copy(kind: 'JSON' | 'NumPy', text: string): void {
    void navigator.clipboard
      ?.writeText(text)
      .then(() => setCopied(`Copied as ${kind}.`))
      .catch(() => setCopied(`The browser did not allow copying; select the text below instead.`));
  }

  return (
    <div className="value-preview" data-testid="value-preview">
      <form
        className="value-preview-form"
        onSubmit={(event) => {
          event.preventDefault();
          void show();
        }}
      >
        <label htmlFor={ids.count}>First</label>
        <input
          id={ids.count}
          type="number"
          min={1}
          max={PREVIEW_MAX_ELEMENTS}
          value={count}
          onChange={(e) =>
            setCount(Math.max(1, Math.min(PREVIEW_MAX_ELEMENTS, Math.trunc(Number(e.target.value)) || 1)))
          }
          className="count-input"
        />
        <label htmlFor={ids.slice}>values, or the slice</label>
        <input
          id={ids.slice}
          type="text"
          placeholder={entry.shape.length > 1 ? `[0, :8${entry.shape.length > 2 ? ', ...' : ''}]` : '[:8]'}
          value={expression}
          onChange={(e) => setExpression(e.target.value)}
          spellCheck={false}
          data-testid="slice-input"
          className="slice-input"
        />
        <button type="submit" data-testid="preview-show">
          Show values
        </button>
      </form>
      {error && <ErrorPanel error={error} />}
      {preview && (
        <>
          <p className="muted" data-testid="preview-caption">
            {preview.values.selection} of {preview.values.name} {formatShape(preview.values.tensorShape)} →{' '}
            {plural(preview.values.values.length, 'value')}, shape {formatShape(preview.values.shape)}
          </p>
          <pre className="preview-values" data-testid="preview-values" tabIndex={0}>
            {preview.numpy}
          </pre>
          <div className="preview-actions">
            <button type="button" onClick={() => copy('JSON', preview.json)} data-testid="copy-json">
              Copy as JSON
            </button>
            <button type="button" onClick={() => copy('NumPy', preview.numpy)} data-testid="copy-numpy">
              Copy as NumPy
            </button>
            {copied && <span className="muted">{copied}</span>}
          </div>
        </>
      )}
    </div>
  );
}
