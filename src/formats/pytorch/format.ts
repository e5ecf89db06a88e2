import type { FormatDescriptor } from '../descriptor';
import { FORMAT_LABELS } from '../labels';
import { explainTorchHead, looksLikeTorch, scanPytorch } from './scan';

/** `torch.save` files: the zip archive (torch ≥ 1.6) or the legacy magic-number pickle stream. */
export const pytorchFormat: FormatDescriptor = {
  id: 'pytorch',
  label: FORMAT_LABELS.pytorch,
  extensions: ['.pt', '.pth', '.bin'],
  sniff: (head) => looksLikeTorch(head),
  explainHead: explainTorchHead,
  open: (source, options) => scanPytorch(source, { signal: options.signal }),
};
