import { closeFile, setActiveFile } from '../../store/actions';
import { useLensStore } from '../../store/store';

export function FileTabs() {
  // The files array keeps its identity until a file changes: select it whole, no derived objects.
  const tabs = useLensStore((state) => state.files);
  const activeId = useLensStore((state) => state.activeFileId);
  if (tabs.length === 0) return null;
  return (
    <nav className="file-tabs" role="tablist" aria-label="Open files">
      {tabs.map((tab) => (
        <div key={tab.id} className={tab.id === activeId ? 'tab active' : 'tab'} role="presentation">
          <button
            type="button"
            role="tab"
            aria-selected={tab.id === activeId}
            onClick={() => setActiveFile(tab.id)}
            title={tab.name}
          >
            <span className={`status-dot ${tab.status}`} aria-hidden="true" />
            {tab.name}
          </button>
          <button type="button" className="close" aria-label={`Close ${tab.name}`} onClick={() => closeFile(tab.id)}>
            ×
          </button>
        </div>
      ))}
    </nav>
  );
}
