import type { FormatId } from '../base/types';

/** What each format is called on screen; the format descriptors (formats/registry.ts) use the same words. */
export const FORMAT_LABELS: Readonly<Record<FormatId, string>> = {
  ckpt: 'MindSpore .ckpt (protobuf)',
  safetensors: 'safetensors',
  pytorch: 'PyTorch torch.save (pickle)',
};
