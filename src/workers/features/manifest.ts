import { openManifest } from '../../core/load-rules';
import type { NetworkManifest } from '../../formats/manifest';
import { BlobSource } from '../../io/byte-source';

export const manifestApi = {
  /** Read a network manifest of any supported kind (decided by content) into plain data. */
  async openManifestFile(file: Blob, name: string): Promise<NetworkManifest> {
    return openManifest(new BlobSource(file), { file: name });
  },
};
