import { useState } from 'react';
import type { SerializedLensError } from '../../base/errors';
import { describeSerialized } from '../../core/messages';

/** An error as sentences: what happened, where, what to try; diagnostics for bugs. */
export function ErrorPanel({ error, fileName }: { error: SerializedLensError; fileName?: string }) {
  const message = describeSerialized(error);
  const [copied, setCopied] = useState(false);
  const diagnostics = JSON.stringify(
    { app: 'ckpt-lens', file: fileName, code: error.code, details: error.details },
    null,
    2,
  );
  return (
    <div className="error-panel" role="alert">
      <h3>{message.title}</h3>
      <p>{message.detail}</p>
      <p className="error-action">{message.action}</p>
      <button
        type="button"
        onClick={() => {
          void navigator.clipboard?.writeText(diagnostics).then(() => setCopied(true));
        }}
      >
        {copied ? 'Copied' : 'Copy diagnostics'}
      </button>
    </div>
  );
}
