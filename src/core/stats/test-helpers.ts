/** Test-only helpers: build real .ckpt bytes with the project's record writer. */
import { encodeRecord } from '../../formats/ckpt/write';
import { MemorySource } from '../../io/byte-source';
import { openCheckpoint, type OpenedCheckpoint } from '../open';

export type RecordSpec = [tag: string, dims: number[], dtype: string, content: Uint8Array];

export function checkpointBytes(records: readonly RecordSpec[]): Uint8Array {
  const parts = records.map(([tag, dims, dtype, content]) => encodeRecord(tag, dims, dtype, content));
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

export async function openRecords(records: readonly RecordSpec[]): Promise<OpenedCheckpoint> {
  return openCheckpoint(new MemorySource(checkpointBytes(records)));
}

export function bytesOf(view: ArrayBufferView): Uint8Array {
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength).slice();
}
