import type { LoadDiff } from '../core/load-rules';
import type { NetworkManifest } from '../formats/manifest';
import type { LoadDiffRequest } from '../workers/wire';
import { callWorker, NEVER_ABORTED } from './bridge';

/** Read a network manifest (JSON, text dump, graph.meta or another checkpoint) for the load check. */
export function openManifest(file: Blob, name: string): Promise<NetworkManifest> {
  return callWorker(NEVER_ABORTED, (api) => api.openManifestFile(file, name));
}

/**
 * The load check's diff runs in the worker, where the index lives: 0.5–2 s for 100,000 names
 * (docs/architecture.md "Which side runs what"). A newer request aborts an older one.
 */
export function loadDiff(request: LoadDiffRequest, signal: AbortSignal): Promise<LoadDiff> {
  return callWorker(signal, (api) => api.loadDiffOf(request));
}
