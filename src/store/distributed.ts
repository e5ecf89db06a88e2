import { create } from 'zustand';
import { serializeError, type SerializedLensError } from '../base/errors';
import { plural } from '../base/plural';
import type {
  OpenSetResult,
  RankFormat,
  ReplicaCheckResult,
  ResliceStrategyInfo,
  SetExportRequest,
  SetExportResult,
  SetFileInput,
  SetResliceRequest,
  SetResliceResult,
} from '../workers/wire';
import { callback, callWorker, NEVER_ABORTED, progressOf, terminateWhenIdle, type JobOptions } from './bridge';
import { useLensStore } from './store';

/**
 * The distributed-set view's slice: one set at a time (a rank folder + strategy). Holds plain
 * results from the worker; the File blobs and any key live in this module, never in the store.
 */
export type SetStatus = 'choose' | 'offer' | 'opening' | 'ready' | 'needs-strategy' | 'needs-ranks' | 'error';

export interface SetOptions {
  strategyPaths: string[];
  inputFormat: RankFormat | null;
  ranks: Record<string, number>;
}

export interface ReplicaState {
  status: 'running' | 'done' | 'error';
  progress: number;
  result?: ReplicaCheckResult;
  error?: SerializedLensError;
}

export interface DistributedState {
  /** The set view replaces the file view while true. */
  visible: boolean;
  setId: string | null;
  name: string;
  status: SetStatus;
  progress: number;
  fileCount: number;
  result: OpenSetResult | null;
  error: SerializedLensError | null;
  /** The last open failed because an encrypted rank file needs the key. */
  needsKey: boolean;
  options: SetOptions;
  selected: string | null;
  replicas: ReplicaState | null;
}

const EMPTY_OPTIONS: SetOptions = { strategyPaths: [], inputFormat: null, ranks: {} };

export const useDistributedStore = create<DistributedState>()(() => ({
  visible: false,
  setId: null,
  name: '',
  status: 'choose',
  progress: 0,
  fileCount: 0,
  result: null,
  error: null,
  needsKey: false,
  options: EMPTY_OPTIONS,
  selected: null,
  replicas: null,
}));

let files: SetFileInput[] = [];
let key: Uint8Array | undefined;
let nextSet = 1;
/** The open under way: a newer one (options can change while one runs) aborts it. */
let openJob: AbortController | null = null;
/** The replica check under way, if any. */
let replicaJob: AbortController | null = null;
const PICKED_STRATEGY_PREFIX = '(strategy) ';

/** A path for a picked or dropped file: its relative path inside the folder, else its name. */
export function pathOf(file: File): string {
  return file.webkitRelativePath || file.name;
}

function nameOf(inputs: readonly SetFileInput[]): string {
  const first = inputs[0]?.path ?? '';
  const top = first.split('/')[0] ?? '';
  const shared = inputs.every((input) => input.path.startsWith(`${top}/`));
  return shared && top ? top : plural(inputs.length, 'file');
}

async function runOpen(): Promise<void> {
  const state = useDistributedStore.getState();
  const setId = state.setId;
  if (!setId) return;
  abortSetJobs();
  const job = new AbortController();
  openJob = job;
  useDistributedStore.setState({ status: 'opening', progress: 0, error: null, needsKey: false, replicas: null });
  try {
    const request = {
      setId,
      files,
      strategyPaths: state.options.strategyPaths,
      inputFormat: state.options.inputFormat,
      ranks: state.options.ranks,
      ...(key ? { key } : {}),
    };
    const onProgress = callback((fraction: number) => {
      if (openJob === job) useDistributedStore.setState({ progress: fraction });
    });
    const result = await callWorker(job.signal, (api, jobId) => api.openSet({ ...request, jobId }, onProgress));
    if (openJob !== job) return;
    const selected = useDistributedStore.getState().selected;
    const keep = result.layout?.parameters.some((plan) => plan.name === selected) ? selected : null;
    useDistributedStore.setState({
      status: result.status,
      result,
      progress: 1,
      selected: keep ?? result.layout?.parameters.find((plan) => plan.holdings.some((h) => h.present))?.name ?? null,
    });
  } catch (error) {
    if (openJob !== job) return;
    const serialized = serializeError(error);
    useDistributedStore.setState({
      status: 'error',
      error: serialized,
      needsKey: serialized.code === 'encrypted-needs-key' || serialized.code.startsWith('crypto-'),
    });
  }
}

/** Open files (a picked/dropped folder, or many files) as one distributed set. */
export function openSetFromFiles(inputs: readonly SetFileInput[]): void {
  const previous = useDistributedStore.getState().setId;
  if (previous) closeSetInWorker(previous);
  files = [...inputs];
  key = undefined;
  useDistributedStore.setState({
    visible: true,
    setId: `set${nextSet++}`,
    name: nameOf(inputs),
    fileCount: inputs.length,
    result: null,
    selected: null,
    options: EMPTY_OPTIONS,
  });
  void runOpen();
}

/** A file of the set by its path, to open it on its own in the file view (its folder shown in its tab). */
export function setFileAt(path: string): SetFileInput | undefined {
  return files.find((file) => file.path === path);
}

/** A strategy file picked on its own gets a path that cannot collide with a folder's. */
export function pickedStrategyPath(name: string): string {
  return `${PICKED_STRATEGY_PREFIX}${name}`;
}

/**
 * The same file given twice — picked by hand and also inside the chosen folder or files: the
 * same name, size and modification time (a browser hands out no other identity).
 */
function sameFile(a: Blob, b: Blob): boolean {
  return (
    a instanceof File &&
    b instanceof File &&
    a.name === b.name &&
    a.size === b.size &&
    a.lastModified === b.lastModified
  );
}

/**
 * New rank files (folder or files) for the set; strategy files picked on their own stay chosen,
 * under their place among the new files when those hold them too (listed once).
 */
export function replaceRankFiles(inputs: readonly SetFileInput[]): void {
  const state = useDistributedStore.getState();
  const picked = files.filter((file) => file.path.startsWith(PICKED_STRATEGY_PREFIX));
  if (!state.setId || picked.length === 0) {
    openSetFromFiles(inputs);
    return;
  }
  const inNew = (file: SetFileInput): SetFileInput | undefined =>
    inputs.find((input) => sameFile(input.file, file.file));
  files = [...inputs, ...picked.filter((file) => !inNew(file))];
  useDistributedStore.setState({
    name: nameOf(inputs),
    fileCount: files.length,
    options: { ...EMPTY_OPTIONS, strategyPaths: picked.map((file) => inNew(file)?.path ?? file.path) },
  });
  void runOpen();
}

/**
 * Add files to the open set (e.g. the strategy, picked separately); strategy files become the
 * chosen strategy. A file the set already holds under another path (the strategy inside the
 * chosen folder, picked again by hand) is used where it is, not added a second time.
 */
export function addSetFiles(inputs: readonly SetFileInput[], asStrategy: boolean): void {
  if (!useDistributedStore.getState().setId) {
    openSetFromFiles(inputs);
    if (asStrategy) setSetOptions({ strategyPaths: inputs.map((input) => input.path) });
    return;
  }
  const held = (input: SetFileInput): SetFileInput | undefined =>
    files.find((file) => file.path !== input.path && sameFile(file.file, input.file));
  const fresh = inputs.filter((input) => !held(input));
  const added = new Set(fresh.map((input) => input.path));
  files = [...files.filter((file) => !added.has(file.path)), ...fresh];
  useDistributedStore.setState({ fileCount: files.length });
  if (asStrategy) setSetOptions({ strategyPaths: inputs.map((input) => held(input)?.path ?? input.path) });
  else void runOpen();
}

export function setSetOptions(patch: Partial<SetOptions>): void {
  useDistributedStore.setState((state) => ({ options: { ...state.options, ...patch } }));
  void runOpen();
}

export function assignRank(path: string, rank: number | null): void {
  const ranks = { ...useDistributedStore.getState().options.ranks };
  if (rank === null) delete ranks[path];
  else ranks[path] = rank;
  setSetOptions({ ranks });
}

/** One key for every encrypted rank file; it goes to the worker with each open of this set. */
export function submitSetKey(bytes: Uint8Array): void {
  key = bytes;
  void runOpen();
}

/** Dropped files that look like a set: let the user choose how to open them. */
export function offerSet(inputs: readonly SetFileInput[]): void {
  files = [...inputs];
  key = undefined;
  useDistributedStore.setState({
    visible: true,
    setId: null,
    status: 'offer',
    name: nameOf(inputs),
    fileCount: inputs.length,
    result: null,
    error: null,
  });
}

export function acceptOffer(): void {
  openSetFromFiles(files);
}

/** The offered files as separate checkpoints instead (the normal path). */
export function declineOffer(): File[] {
  const offered = files.map((input) => input.file).filter((file): file is File => file instanceof File);
  files = [];
  useDistributedStore.setState({ visible: false, status: 'choose', fileCount: 0 });
  return offered;
}

export function showSetChooser(): void {
  const state = useDistributedStore.getState();
  useDistributedStore.setState({ visible: true, ...(state.setId ? {} : { status: 'choose' as const }) });
}

export function hideSetView(): void {
  useDistributedStore.setState({ visible: false });
}

export function closeSet(): void {
  const setId = useDistributedStore.getState().setId;
  if (setId) closeSetInWorker(setId);
  files = [];
  key = undefined;
  useDistributedStore.setState({
    visible: false,
    setId: null,
    status: 'choose',
    result: null,
    error: null,
    selected: null,
    replicas: null,
    options: EMPTY_OPTIONS,
  });
  // Nothing open any more: the worker (and any key in it) goes once the close has run.
  if (useLensStore.getState().files.length === 0) terminateWhenIdle();
}

export function selectParameter(name: string | null): void {
  useDistributedStore.setState({ selected: name });
}

export async function checkSetReplicas(): Promise<void> {
  const setId = useDistributedStore.getState().setId;
  if (!setId) return;
  replicaJob?.abort();
  const job = new AbortController();
  replicaJob = job;
  useDistributedStore.setState({ replicas: { status: 'running', progress: 0 } });
  try {
    const result = await callWorker(job.signal, (api, jobId) =>
      api.checkSetReplicas(
        setId,
        jobId,
        callback((fraction: number) => {
          if (replicaJob !== job) return;
          useDistributedStore.setState((state) =>
            state.replicas ? { replicas: { ...state.replicas, progress: fraction } } : {},
          );
        }),
      ),
    );
    if (replicaJob !== job) return;
    useDistributedStore.setState((state) => ({
      replicas: { status: 'done', progress: 1, result },
      result: state.result ? { ...state.result, layout: result.layout } : state.result,
    }));
  } catch (error) {
    if (replicaJob !== job) return;
    useDistributedStore.setState({ replicas: { status: 'error', progress: 0, error: serializeError(error) } });
  } finally {
    if (replicaJob === job) replicaJob = null;
  }
}

export function cancelSetReplicas(): void {
  replicaJob?.abort();
}

/** Stop the open and replica check under way; their outcomes are no longer wanted. */
function abortSetJobs(): void {
  openJob?.abort();
  openJob = null;
  replicaJob?.abort();
  replicaJob = null;
}

function closeSetInWorker(setId: string): void {
  abortSetJobs();
  void callWorker(NEVER_ABORTED, (api) => api.closeSet(setId));
}

/** Export the open set merged: one file, or parts and param_name_map.json. */
export function exportSet(request: Omit<SetExportRequest, 'jobId'>, options: JobOptions): Promise<SetExportResult> {
  return callWorker(options.signal, (api, jobId) => api.exportSet({ ...request, jobId }, progressOf(options)));
}

/** Read a target strategy file for re-slicing: which ranks it has. */
export function readResliceStrategy(file: Blob, name: string): Promise<ResliceStrategyInfo> {
  return callWorker(NEVER_ABORTED, (api, jobId) => api.readResliceStrategy(file, name, jobId));
}

/** Cut the open set's merged tensors for a target strategy, one checkpoint per rank. */
export function resliceSet(request: Omit<SetResliceRequest, 'jobId'>, options: JobOptions): Promise<SetResliceResult> {
  return callWorker(options.signal, (api, jobId) => api.resliceSet({ ...request, jobId }, progressOf(options)));
}

// Opening or switching to a checkpoint file shows the file view again.
useLensStore.subscribe((state, previous) => {
  if (state.activeFileId !== previous.activeFileId && state.activeFileId !== null) {
    useDistributedStore.setState({ visible: false });
  }
});
