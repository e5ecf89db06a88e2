/** Test-only helpers: build real .ckpt bytes with the project's record writer. */
import { concatBytes } from '../base/bytes';
import { openCheckpoint, type OpenedCheckpoint } from '../core/open';
import { encodeRecord } from '../formats/ckpt/write';
import { MemorySource } from '../io/byte-source';

export type RecordSpec = [tag: string, dims: number[], dtype: string, content: Uint8Array];

export function checkpointBytes(records: readonly RecordSpec[]): Uint8Array {
  const parts = records.map(([tag, dims, dtype, content]) => encodeRecord(tag, dims, dtype, content));
  return concatBytes(parts);
}

export async function openRecords(records: readonly RecordSpec[]): Promise<OpenedCheckpoint> {
  return openCheckpoint(new MemorySource(checkpointBytes(records)));
}

export function bytesOf(view: ArrayBufferView): Uint8Array {
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength).slice();
}
