import { create } from 'zustand';
import type { SerializedLensError } from '../base/errors';
import type { ColumnarIndex } from '../base/tensor-columns';
import type { CheckpointSummary } from '../core/summary';
import type { IntegrityReport } from '../integrity/verify';
import { terminateWhenIdle } from './bridge';
import { INITIAL_DISTRIBUTED, type DistributedState } from './distributed-slice';

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
  index?: ColumnarIndex;
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

/** The files slice: what is open and which file is shown. */
interface FilesSlice {
  files: OpenFile[];
  activeFileId: string | null;
}

/** The view slice: where the user is looking and what they typed that applies to every file. */
interface ViewSlice {
  view: ViewState;
  /** The filter expression; applies to every file and lives in the URL fragment. */
  filterText: string;
  /** name_map rules, one `pattern => replacement` per line; used by the load check and export. */
  nameMapText: string;
}

/** The distributed slice: the one open distributed set (store/distributed.ts has its actions). */
interface DistributedSlice {
  distributed: DistributedState;
}

export type LensState = FilesSlice & ViewSlice & DistributedSlice;

const filesSlice: FilesSlice = { files: [], activeFileId: null };
const viewSlice: ViewSlice = { view: { selectedTensor: null, treePrefix: '' }, filterText: '', nameMapText: '' };
const distributedSlice: DistributedSlice = { distributed: INITIAL_DISTRIBUTED };

/**
 * The app's one store, made of slices. Components select narrowly from it; module-level actions
 * (store/actions.ts, distributed.ts, sharded.ts, …) write it and are the only callers of the
 * worker bridge.
 */
export const useLensStore = create<LensState>()(() => ({ ...filesSlice, ...viewSlice, ...distributedSlice }));

export function updateFile(id: string, patch: Partial<OpenFile>): void {
  useLensStore.setState((state) => ({
    files: state.files.map((file) => (file.id === id ? { ...file, ...patch } : file)),
  }));
}

/** Nothing open any more: the worker (and any key in it) goes once its last call has run. */
export function releaseWorkerIfNothingOpen(): void {
  const state = useLensStore.getState();
  if (state.files.length === 0 && state.distributed.setId === null) terminateWhenIdle();
}

export function selectActiveFile(state: LensState): OpenFile | undefined {
  return state.files.find((file) => file.id === state.activeFileId);
}
