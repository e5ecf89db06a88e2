import type { FormatDescriptor } from '../descriptor';
import { FORMAT_LABELS } from '../labels';
import { scanCheckpoint } from './scan';

/** MindSpore `save_checkpoint` protobuf (ckpt-format.md). */
export const ckptFormat: FormatDescriptor = {
  id: 'ckpt',
  label: FORMAT_LABELS.ckpt,
  extensions: ['.ckpt'],
  // Field 1 (Checkpoint.value), wire type 2: the first byte of every plaintext checkpoint. One byte
  // says little, so strategy files and the other formats are tried first.
  sniff: (head) => head[0] === 0x0a,
  weak: true,
  open: (source, options) => scanCheckpoint(source, options),
};
