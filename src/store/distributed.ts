import { serializeError } from '../base/errors';
import { plural } from '../base/plural';
import type {
  ResliceStrategyInfo,
  SetExportRequest,
  SetExportResult,
  SetFileInput,
  SetResliceRequest,
  SetResliceResult,
} from '../workers/wire';
import { callback, callWorker, NEVER_ABORTED, progressOf, type JobOptions } from './bridge';
import { EMPTY_OPTIONS, type DistributedState, type SetOptions } from './distributed-slice';
import { releaseWorkerIfNothingOpen, useLensStore } from './store';

/**
 * Actions of the distributed-set view (the store's `distributed` slice): one set at a time. The
 * File blobs and any key live in this module, never in the store.
 */
export type { DistributedState } from './distributed-slice';

/** Read the distributed slice in a component. */
export function useDistributed<T>(selector: (state: DistributedState) => T): T {
  return useLensStore((state) => selector(state.distributed));
}

function getDistributed(): DistributedState {
  return useLensStore.getState().distributed;
}

function setDistributed(
  patch: Partial<DistributedState> | ((state: DistributedState) => Partial<DistributedState>),
): void {
  useLensStore.setState((state) => ({
    distributed: { ...state.distributed, ...(typeof patch === 'function' ? patch(state.distributed) : patch) },
  }));
}

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
  const state = getDistributed();
  const setId = state.setId;
  if (!setId) return;
  abortSetJobs();
  const job = new AbortController();
  openJob = job;
  setDistributed({ status: 'opening', progress: 0, error: null, needsKey: false, replicas: null });
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
      if (openJob === job) setDistributed({ progress: fraction });
    });
    const result = await callWorker(job.signal, (api, jobId) => api.openSet({ ...request, jobId }, onProgress));
    if (openJob !== job) return;
    const selected = getDistributed().selected;
    const keep = result.layout?.parameters.some((plan) => plan.name === selected) ? selected : null;
    setDistributed({
      status: result.status,
      result,
      progress: 1,
      selected: keep ?? result.layout?.parameters.find((plan) => plan.holdings.some((h) => h.present))?.name ?? null,
    });
  } catch (error) {
    if (openJob !== job) return;
    const serialized = serializeError(error);
    setDistributed({
      status: 'error',
      error: serialized,
      needsKey: serialized.code === 'encrypted-needs-key' || serialized.code.startsWith('crypto-'),
    });
  }
}

/** Open files (a picked/dropped folder, or many files) as one distributed set. */
export function openSetFromFiles(inputs: readonly SetFileInput[]): void {
  const previous = getDistributed().setId;
  if (previous) closeSetInWorker(previous);
  files = [...inputs];
  key = undefined;
  setDistributed({
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
  const state = getDistributed();
  const picked = files.filter((file) => file.path.startsWith(PICKED_STRATEGY_PREFIX));
  if (!state.setId || picked.length === 0) {
    openSetFromFiles(inputs);
    return;
  }
  const inNew = (file: SetFileInput): SetFileInput | undefined =>
    inputs.find((input) => sameFile(input.file, file.file));
  files = [...inputs, ...picked.filter((file) => !inNew(file))];
  setDistributed({
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
  if (!getDistributed().setId) {
    openSetFromFiles(inputs);
    if (asStrategy) setSetOptions({ strategyPaths: inputs.map((input) => input.path) });
    return;
  }
  const held = (input: SetFileInput): SetFileInput | undefined =>
    files.find((file) => file.path !== input.path && sameFile(file.file, input.file));
  const fresh = inputs.filter((input) => !held(input));
  const added = new Set(fresh.map((input) => input.path));
  files = [...files.filter((file) => !added.has(file.path)), ...fresh];
  setDistributed({ fileCount: files.length });
  if (asStrategy) setSetOptions({ strategyPaths: inputs.map((input) => held(input)?.path ?? input.path) });
  else void runOpen();
}

export function setSetOptions(patch: Partial<SetOptions>): void {
  setDistributed((state) => ({ options: { ...state.options, ...patch } }));
  void runOpen();
}

export function assignRank(path: string, rank: number | null): void {
  const ranks = { ...getDistributed().options.ranks };
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
  setDistributed({
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
  setDistributed({ visible: false, status: 'choose', fileCount: 0 });
  return offered;
}

export function showSetChooser(): void {
  const state = getDistributed();
  setDistributed({ visible: true, ...(state.setId ? {} : { status: 'choose' as const }) });
}

export function hideSetView(): void {
  setDistributed({ visible: false });
}

export function closeSet(): void {
  const setId = getDistributed().setId;
  if (setId) closeSetInWorker(setId);
  files = [];
  key = undefined;
  setDistributed({
    visible: false,
    setId: null,
    status: 'choose',
    result: null,
    error: null,
    selected: null,
    replicas: null,
    options: EMPTY_OPTIONS,
  });
  releaseWorkerIfNothingOpen();
}

export function selectParameter(name: string | null): void {
  setDistributed({ selected: name });
}

export async function checkSetReplicas(): Promise<void> {
  const setId = getDistributed().setId;
  if (!setId) return;
  replicaJob?.abort();
  const job = new AbortController();
  replicaJob = job;
  setDistributed({ replicas: { status: 'running', progress: 0 } });
  try {
    const result = await callWorker(job.signal, (api, jobId) =>
      api.checkSetReplicas(
        setId,
        jobId,
        callback((fraction: number) => {
          if (replicaJob !== job) return;
          setDistributed((state) => (state.replicas ? { replicas: { ...state.replicas, progress: fraction } } : {}));
        }),
      ),
    );
    if (replicaJob !== job) return;
    setDistributed((state) => ({
      replicas: { status: 'done', progress: 1, result },
      result: state.result ? { ...state.result, layout: result.layout } : state.result,
    }));
  } catch (error) {
    if (replicaJob !== job) return;
    setDistributed({ replicas: { status: 'error', progress: 0, error: serializeError(error) } });
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
    setDistributed({ visible: false });
  }
});
