import type { NetworkManifest } from '../formats/manifest';
import { callWorker, NEVER_ABORTED } from './bridge';

/** Read a network manifest (JSON, text dump, graph.meta or another checkpoint) for the load check. */
export function openManifest(file: Blob, name: string): Promise<NetworkManifest> {
  return callWorker(NEVER_ABORTED, (api) => api.openManifestFile(file, name));
}
