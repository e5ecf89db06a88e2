import { useMemo } from 'react';
import { describeVerdict } from '../../core/messages';
import { fileVerdict } from '../../core/summary';
import { closeFile, setActiveFile } from '../../store/actions';
import { useLensStore, type OpenFile } from '../../store/store';

export function FileTabs() {
  // The files array keeps its identity until a file changes: select it whole, no derived objects.
  const tabs = useLensStore((state) => state.files);
  const activeId = useLensStore((state) => state.activeFileId);
  if (tabs.length === 0) return null;
  return (
    <nav className="file-tabs" role="tablist" aria-label="Open files">
      {tabs.map((tab) => (
        <div key={tab.id} className={tab.id === activeId ? 'tab active' : 'tab'} role="presentation">
          <FileTab tab={tab} active={tab.id === activeId} />
          <button type="button" className="close" aria-label={`Close ${tab.name}`} onClick={() => closeFile(tab.id)}>
            ×
          </button>
        </div>
      ))}
    </nav>
  );
}

/** The tab's dot is the file's verdict once it is open: red for a finding, amber for notes only. */
function FileTab({ tab, active }: { tab: OpenFile; active: boolean }) {
  const verdict = useMemo(
    () => (tab.status === 'ready' && tab.index ? fileVerdict(tab.index, tab.integrity) : null),
    [tab.status, tab.index, tab.integrity],
  );
  const headline = verdict ? describeVerdict(verdict).headline : null;
  return (
    <button
      type="button"
      role="tab"
      aria-selected={active}
      onClick={() => setActiveFile(tab.id)}
      title={headline ? `${tab.name}: ${headline}` : tab.name}
      data-testid="file-tab"
    >
      <span
        className={`status-dot ${verdict ? verdict.level : tab.status}`}
        aria-hidden="true"
        data-testid="file-tab-dot"
        data-verdict={verdict?.level ?? tab.status}
      />
      {tab.name}
    </button>
  );
}
