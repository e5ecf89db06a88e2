import { submitKey } from '../../store/actions';
import { isKnownMode, KeyForm } from './KeyForm';

/**
 * Asks for the key of an encrypted checkpoint. The key goes straight to the worker for this
 * file; it is never stored, logged or put in the URL, and the field is cleared on submit.
 */
export function KeyPrompt({ fileId, mode }: { fileId: string; mode: string | undefined }) {
  // MindSpore 1.3–1.6 files carry one magic for every mode: then the user must say which.
  const modeKnown = isKnownMode(mode);
  return (
    <section className="key-prompt">
      <h3>Encrypted checkpoint{mode ? ` (${mode})` : ''}</h3>
      <p>
        {modeKnown
          ? 'The mode was read from the file itself. '
          : 'This is the MindSpore 1.3–1.6 layout, which does not record the mode: choose it. '}
        Enter the key given to <code>save_checkpoint(enc_key=…)</code>. It stays in this tab's worker and is forgotten
        when you close the file.
      </p>
      <KeyForm
        label="Key"
        askMode={!modeKnown}
        inputTestId="key-input"
        submitTestId="decrypt"
        onKey={(key, chosenMode) => submitKey(fileId, key, chosenMode)}
      />
    </section>
  );
}
