import { useEffect, useMemo, type KeyboardEvent } from 'react';
import { describeVerdict } from '../../core/messages';
import { fileVerdict } from '../../core/summary';
import { closeFile, setActiveFile } from '../../store/actions';
import { useLensStore, type OpenFile } from '../../store/store';
import { fileLabels, type FileLabel } from './labels';
import { moveBetweenTabs } from './tabs';

/**
 * Set just before files are opened by the user (a drop, "Open files…", "Try a sample"): the next
 * file to become active takes the focus, so keyboard users land on what they opened instead of
 * on the page body (the button they pressed may be gone).
 */
let focusNextOpened = false;
export function focusOpenedFile(): void {
  focusNextOpened = true;
}

/** What a file's tab and heading say (see `fileLabels`); '' for a file that is not open. */
export function fileLabel(files: readonly OpenFile[], id: string): FileLabel {
  return fileLabels(files).get(id) ?? { short: '', full: '' };
}

export const fileTabId = (fileId: string): string => `file-tab-${fileId}`;

/**
 * The open files as WAI-ARIA tabs: one Tab stop (the active tab), Left/Right/Home/End move
 * between files, Delete closes the focused one; the × is for the mouse.
 */
export function FileTabs() {
  // The files array keeps its identity until a file changes: select it whole, no derived objects.
  const tabs = useLensStore((state) => state.files);
  const activeId = useLensStore((state) => state.activeFileId);

  useEffect(() => {
    if (!focusNextOpened || activeId === null) return;
    focusNextOpened = false;
    document.getElementById(fileTabId(activeId))?.focus();
  }, [activeId]);

  const labels = useMemo(() => fileLabels(tabs), [tabs]);
  if (tabs.length === 0) return null;
  const ids = tabs.map((tab) => tab.id);
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>): void => {
    if (activeId === null || moveBetweenTabs(event, ids, activeId, setActiveFile)) return;
    if (event.key === 'Delete') {
      event.preventDefault();
      // The focus follows to the tab that becomes active.
      focusNextOpened = true;
      closeFile(activeId);
    }
  };
  return (
    <div className="file-tabs" role="tablist" aria-label="Open files" onKeyDown={onKeyDown}>
      {tabs.map((tab) => (
        <FileTab
          key={tab.id}
          tab={tab}
          label={labels.get(tab.id) ?? { short: tab.name, full: tab.path }}
          active={tab.id === activeId}
        />
      ))}
    </div>
  );
}

/** The tab's dot is the file's verdict once it is open: red for a finding, amber for notes only. */
function FileTab({ tab, label, active }: { tab: OpenFile; label: FileLabel; active: boolean }) {
  const verdict = useMemo(
    () => (tab.status === 'ready' && tab.index ? fileVerdict(tab.index, tab.integrity) : null),
    [tab.status, tab.index, tab.integrity],
  );
  const headline = verdict ? describeVerdict(verdict).headline : null;
  return (
    <button
      id={fileTabId(tab.id)}
      type="button"
      role="tab"
      aria-selected={active}
      aria-keyshortcuts="Delete"
      tabIndex={active ? 0 : -1}
      className={active ? 'tab active' : 'tab'}
      onClick={() => setActiveFile(tab.id)}
      aria-label={label.full}
      title={`${headline ? `${label.full}: ${headline}` : label.full} — Delete closes it`}
      data-testid="file-tab"
    >
      <span
        className={`status-dot ${verdict ? verdict.level : tab.status}`}
        aria-hidden="true"
        data-testid="file-tab-dot"
        data-verdict={verdict?.level ?? tab.status}
      />
      <span className="tab-name">{label.short}</span>
      <span
        className="close"
        aria-hidden="true"
        title={`Close ${label.full}`}
        onClick={(event) => {
          event.stopPropagation();
          closeFile(tab.id);
        }}
      >
        ×
      </span>
    </button>
  );
}
