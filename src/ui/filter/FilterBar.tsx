import { useId, useState } from 'react';
import { describeError } from '../../core/messages';
import { FILTER_COMPLETIONS, type FilterParseResult } from '../../core/selection';
import { setFilterText } from '../../store/actions';

/**
 * The filter expression: parsed (never executed), with the match count or the syntax error at
 * its position, examples to start from, and the language's reference one click away.
 */
export function FilterBar({
  text,
  parsed,
  status,
}: {
  text: string;
  parsed: FilterParseResult | null;
  /** What the filter selects, in words (core/messages describeSelection). */
  status: string;
}) {
  const inputId = useId();
  const statusId = useId();
  const [showHelp, setShowHelp] = useState(false);
  const error = parsed && !parsed.ok ? parsed.error : null;
  const message = error ? describeError(error.code, error.details) : null;
  return (
    <div className="filter-bar">
      <div className="filter-row">
        <label htmlFor={inputId}>Filter</label>
        <input
          id={inputId}
          type="search"
          spellCheck={false}
          autoComplete="off"
          list={`${inputId}-examples`}
          value={text}
          placeholder='e.g. startsWith("conv") and not startsWith("conv1")'
          aria-describedby={statusId}
          aria-invalid={error ? true : undefined}
          onChange={(event) => setFilterText(event.target.value)}
          data-testid="filter-input"
        />
        <datalist id={`${inputId}-examples`}>
          {FILTER_COMPLETIONS.examples.map((example) => (
            <option key={example.expression} value={example.expression}>
              {example.description}
            </option>
          ))}
        </datalist>
        <button type="button" aria-expanded={showHelp} onClick={() => setShowHelp(!showHelp)}>
          Syntax
        </button>
      </div>
      <div
        id={statusId}
        className={error ? 'filter-status error' : 'filter-status'}
        role="status"
        data-testid="filter-status"
      >
        {message ? (
          <>
            {message.detail} {message.action}
          </>
        ) : (
          status
        )}
      </div>
      {showHelp && (
        <div className="filter-help">
          <div>
            <h4>Fields</h4>
            <ul>
              {FILTER_COMPLETIONS.fields.map((field) => (
                <li key={field.name}>
                  <code>{field.name}</code> — {field.description}
                </li>
              ))}
            </ul>
          </div>
          <div>
            <h4>Functions and operators</h4>
            <ul>
              {FILTER_COMPLETIONS.functions.map((fn) => (
                <li key={fn.name}>
                  <code>{fn.signature}</code> — {fn.description}
                </li>
              ))}
              {FILTER_COMPLETIONS.operators.map((op) => (
                <li key={op.text}>
                  <code>{op.text}</code> — {op.description}
                </li>
              ))}
            </ul>
          </div>
          <div>
            <h4>Examples</h4>
            <ul>
              {FILTER_COMPLETIONS.examples.map((example) => (
                <li key={example.expression}>
                  <button type="button" className="link" onClick={() => setFilterText(example.expression)}>
                    <code>{example.expression}</code>
                  </button>{' '}
                  {example.description}
                </li>
              ))}
            </ul>
          </div>
        </div>
      )}
    </div>
  );
}
