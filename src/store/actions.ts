import { plural } from '../base/plural';
import { serializeError } from '../base/errors';
import type { CipherMode } from '../base/types';
import { callback, callWorker, NEVER_ABORTED, startWorkerEarly } from './bridge';
import { releaseWorkerIfNothingOpen, updateFile, useLensStore } from './store';

/**
 * Module-level actions: the UI calls these, they call the worker and write the store.
 * File handles live here (not in the store) so an encrypted file can be re-opened with a key.
 */
const handles = new Map<string, Blob>();
let nextId = 1;

async function runOpen(id: string, file: Blob, key?: Uint8Array, mode?: CipherMode): Promise<void> {
  updateFile(id, { status: 'opening', progress: 0, error: undefined });
  try {
    // Opening is cancelled by closing the file (closeFile cancels the job the worker runs under the file's id).
    const request = { fileId: id, file, ...(key ? { key } : {}), ...(mode ? { mode } : {}) };
    const onProgress = callback((fraction: number) => updateFile(id, { progress: fraction }));
    const result = await callWorker(NEVER_ABORTED, (api) => api.openFile(request, onProgress));
    updateFile(id, {
      status: 'ready',
      progress: 1,
      index: result.index,
      summary: result.summary,
      integrity: undefined,
    });
  } catch (error) {
    const serialized = serializeError(error);
    if (serialized.code === 'encrypted-needs-key') {
      updateFile(id, { status: 'needs-key', encryptionMode: String(serialized.details.expected) });
    } else {
      updateFile(id, { status: 'error', error: serialized });
    }
  }
}

/** A file to open and where it came from: its path inside a picked or dropped folder, else its name. */
export interface FileToOpen {
  path: string;
  file: Blob;
}

export function openFiles(inputs: Iterable<File | FileToOpen>): void {
  for (const input of inputs) {
    const { path, file } = input instanceof File ? { path: input.name, file: input } : input;
    const id = `f${nextId++}`;
    handles.set(id, file);
    const name = path.split('/').pop() || path;
    useLensStore.setState((state) => ({
      files: [...state.files, { id, name, path, size: file.size, status: 'opening', progress: 0 }],
      activeFileId: id,
      view: { selectedTensor: null, treePrefix: '' },
    }));
    void runOpen(id, file);
  }
}

/** The sample shipped in public/: fetched from our own origin, never from elsewhere. */
export async function openSample(): Promise<void> {
  const response = await fetch(`${import.meta.env.BASE_URL}samples/lenet-sample.ckpt`);
  const blob = await response.blob();
  openFiles([new File([blob], 'lenet-sample.ckpt')]);
}

export function submitKey(id: string, key: Uint8Array, mode?: CipherMode): void {
  const file = handles.get(id);
  if (file) void runOpen(id, file, key, mode);
}

export function closeFile(id: string): void {
  handles.delete(id);
  void callWorker(NEVER_ABORTED, async (api) => {
    await api.closeFile(id);
    await api.forgetNumbers(id);
  });
  useLensStore.setState((state) => {
    const files = state.files.filter((file) => file.id !== id);
    const activeFileId = state.activeFileId === id ? (files[files.length - 1]?.id ?? null) : state.activeFileId;
    return { files, activeFileId, view: { selectedTensor: null, treePrefix: '' } };
  });
  releaseWorkerIfNothingOpen();
}

export function setActiveFile(id: string): void {
  useLensStore.setState({ activeFileId: id, view: { selectedTensor: null, treePrefix: '' } });
}

export function selectTensor(name: string | null): void {
  useLensStore.setState((state) => ({ view: { ...state.view, selectedTensor: name } }));
}

export function setTreePrefix(prefix: string): void {
  useLensStore.setState((state) => ({ view: { ...state.view, treePrefix: prefix } }));
}

/**
 * The page URL's fragment carries shareable view state (`#filter=…`). Only the filter: never a
 * key, never a file name.
 */
const FILTER_PARAM = 'filter';

export function readFilterFromUrl(): string {
  const params = new URLSearchParams(window.location.hash.replace(/^#/, ''));
  return params.get(FILTER_PARAM) ?? '';
}

/** The URL follows the filter once typing pauses: a history.replaceState costs a few ms. */
const URL_UPDATE_DELAY_MS = 150;
let urlUpdate: ReturnType<typeof setTimeout> | undefined;

export function setFilterText(text: string): void {
  useLensStore.setState({ filterText: text });
  clearTimeout(urlUpdate);
  urlUpdate = setTimeout(() => writeFilterToUrl(text), URL_UPDATE_DELAY_MS);
}

function writeFilterToUrl(text: string): void {
  const params = new URLSearchParams(window.location.hash.replace(/^#/, ''));
  if (text.trim() === '') params.delete(FILTER_PARAM);
  else params.set(FILTER_PARAM, text);
  const hash = params.toString();
  window.history.replaceState(null, '', hash ? `#${hash}` : window.location.pathname + window.location.search);
}

/**
 * Work the first file dropped would otherwise wait for, done while the page is idle: the parsing
 * worker's start, and the count format's locale data (its first use, in the page's first counts).
 */
export function prepareForFirstFile(): void {
  startWorkerEarly();
  plural(0, 'parameter');
}

export function initialiseFromUrl(): void {
  useLensStore.setState({ filterText: readFilterFromUrl() });
  window.addEventListener('hashchange', () => useLensStore.setState({ filterText: readFilterFromUrl() }));
}

export function setNameMapText(text: string): void {
  useLensStore.setState({ nameMapText: text });
}
