import { LensError } from '../../base/errors';
import type { FormatDescriptor } from '../descriptor';
import { FORMAT_LABELS } from '../labels';
import { scanCheckpoint } from './scan';
import { beginsWithRecord, recordAfterLeadingFields } from './wire';

const CR = 0x0d;
const LF = 0x0a;

/**
 * A .ckpt that went through an LF→CRLF conversion (an FTP ascii transfer, git's autocrlf, a
 * Windows editor): its first byte, 0A, became 0D 0A, and so did every other 0A. Said so when the
 * head holds no 0A without a 0D before it and, with those 0D removed, begins a record.
 */
function explainCkptHead(head: Uint8Array, size: number): LensError | null {
  if (head[0] !== CR || head[1] !== LF) return null;
  const restored: number[] = [];
  let pairs = 0;
  for (let at = 0; at < head.length; at += 1) {
    const byte = head[at] as number;
    if (byte === LF && head[at - 1] !== CR) return null;
    if (byte === CR && head[at + 1] === LF) {
      pairs += 1;
      continue;
    }
    restored.push(byte);
  }
  if (!beginsWithRecord(Uint8Array.from(restored), size)) return null;
  return new LensError('ckpt-text-mangled', { offset: 0, expected: 'LF→CRLF', actual: pairs, limit: head.length });
}

/** MindSpore `save_checkpoint` protobuf (ckpt-format.md). */
export const ckptFormat: FormatDescriptor = {
  id: 'ckpt',
  label: FORMAT_LABELS.ckpt,
  extensions: ['.ckpt'],
  // Field 1 (Checkpoint.value), wire type 2: the first byte of every plaintext checkpoint. One byte
  // says little, so strategy files and the other formats are tried first. A file that starts with
  // a few fields that are not records (protobuf skips them, so MindSpore loads it) is one too.
  sniff: (head, size) => head[0] === 0x0a || recordAfterLeadingFields(head, size) !== null,
  weak: true,
  explainHead: explainCkptHead,
  open: (source, options) => scanCheckpoint(source, options),
};
