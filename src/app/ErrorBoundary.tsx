import { Component, type ReactNode } from 'react';
import { serializeError } from '../base/errors';
import { ErrorPanel } from '../ui/errors/ErrorPanel';

/** A rendering bug shows as a sentence with diagnostics, and a way back, not a blank page. */
export class ErrorBoundary extends Component<{ children: ReactNode }, { error: unknown }> {
  override state = { error: null as unknown };

  static getDerivedStateFromError(error: unknown) {
    return { error };
  }

  override render() {
    if (this.state.error) {
      return (
        <div className="panel">
          <ErrorPanel error={serializeError(this.state.error)} />
          <button type="button" onClick={() => this.setState({ error: null })}>
            Back to the app
          </button>
        </div>
      );
    }
    return this.props.children;
  }
}
