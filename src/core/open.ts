import type { CheckpointIndex } from '../base/types';
import type { ByteSource } from '../io/byte-source';
import { indexPlainFile, type OpenOptions } from '../formats/open';

export interface OpenedCheckpoint {
  index: CheckpointIndex;
  /** The plaintext bytes the index's ranges refer to (the file itself unless encrypted). */
  plaintext: ByteSource;
}

/** Open any supported file: sniff, (later: decrypt), index. The one entry point UI and CLI share. */
export async function openCheckpoint(source: ByteSource, options: OpenOptions = {}): Promise<OpenedCheckpoint> {
  const index = await indexPlainFile(source, options);
  return { index, plaintext: source };
}
