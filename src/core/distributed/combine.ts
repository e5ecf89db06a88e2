import { LensError } from '../../base/errors';
import type { CheckpointIndex, TensorEntry } from '../../base/types';
import type { OpenedCheckpoint } from '../open';
import { BoxedTensorsSource, type BoxedTensor } from './boxes';
import { viewContent } from '../../formats/pytorch/gather';

/**
 * Several opened checkpoints seen as one (a unified directory: part0…partN + hyper_param), so
 * re-slicing or export can treat them as a single full checkpoint. Nothing is read.
 */
export function combineCheckpoints(files: readonly { name: string; opened: OpenedCheckpoint }[]): OpenedCheckpoint {
  const seen = new Map<string, string>();
  const boxed: BoxedTensor[] = [];
  const entries: TensorEntry[] = [];
  for (const { name, opened } of files) {
    for (const entry of opened.index.tensors) {
      if (entry.kind === 'map') continue;
      const other = seen.get(entry.name);
      if (other !== undefined) {
        throw new LensError('export-name-collision', { tensor: entry.name, hint: `in ${other} and ${name}` });
      }
      seen.set(entry.name, name);
      // A gathered PyTorch view is read through a source of its values in C order, and listed
      // as what it then is: values in C order (no `gathered` mark).
      const content = viewContent(opened.plaintext, entry);
      boxed.push({
        shape: [entry.bytes],
        itemBytes: 1,
        pieces: [
          {
            outStart: [0],
            extent: [entry.bytes],
            ...content,
            sourceShape: [entry.bytes],
            sourceStart: [0],
          },
        ],
      });
      entries.push(content.entry);
    }
  }
  const plaintext = new BoxedTensorsSource(boxed);
  const tensors = entries.map((entry, i): TensorEntry => {
    const { ranges: _ranges, ...rest } = entry;
    return { ...rest, ranges: [{ offset: plaintext.offsetOf(i), length: entry.bytes }] };
  });
  const index: CheckpointIndex = {
    format: files[0]?.opened.index.format ?? 'safetensors',
    size: plaintext.size,
    plaintextSize: plaintext.size,
    encryption: null,
    crc: { present: false, ok: null, expected: null, actual: null },
    metadata: {},
    tensors,
    problems: [],
  };
  return { index, plaintext };
}
