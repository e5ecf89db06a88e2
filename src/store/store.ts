import { create } from 'zustand';
import type { SerializedLensError } from '../base/errors';
import type { CheckpointIndex } from '../base/types';
import type { CheckpointSummary } from '../core/summary';
import type { IntegrityReport } from '../integrity/verify';

/** One file the user opened. Holds the index (plain data), never tensor bytes or keys. */
export interface OpenFile {
  id: string;
  name: string;
  /**
   * Where the browser says the file came from: its path inside a picked or dropped folder
   * (`rank_0/fp16.ckpt`), else just its name. Tabs show as much of it as tells files apart.
   */
  path: string;
  size: number;
  status: 'opening' | 'ready' | 'error' | 'needs-key';
  progress: number;
  index?: CheckpointIndex;
  summary?: CheckpointSummary;
  /** The last Verify integrity result: the file's verdict reads it (core/summary fileVerdict). */
  integrity?: IntegrityReport;
  error?: SerializedLensError;
  /** Set when the file is encrypted: the mode from its magic, or a description for legacy files. */
  encryptionMode?: string;
}

export interface ViewState {
  selectedTensor: string | null;
  /** Tree node whose subtree the table shows ('' = everything). */
  treePrefix: string;
}

export interface LensState {
  files: OpenFile[];
  activeFileId: string | null;
  view: ViewState;
  /** The filter expression; applies to every file and lives in the URL fragment. */
  filterText: string;
  /** name_map rules, one `pattern => replacement` per line; used by the load check and export. */
  nameMapText: string;
}

export const useLensStore = create<LensState>()(() => ({
  files: [],
  activeFileId: null,
  view: { selectedTensor: null, treePrefix: '' },
  filterText: '',
  nameMapText: '',
}));

export function updateFile(id: string, patch: Partial<OpenFile>): void {
  useLensStore.setState((state) => ({
    files: state.files.map((file) => (file.id === id ? { ...file, ...patch } : file)),
  }));
}

export function selectActiveFile(state: LensState): OpenFile | undefined {
  return state.files.find((file) => file.id === state.activeFileId);
}
