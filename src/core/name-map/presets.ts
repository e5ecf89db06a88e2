import type { NameMapSpec, RenameRule } from './name-map';

/**
 * Built-in rename presets, meant to be inspected and edited in the UI. Names alone cannot tell
 * a BatchNorm weight from a conv weight, so the norm rules key on the module's name (bn, norm,
 * ln, layer_norm, LayerNorm, …); a BatchNorm inside an nn.Sequential (`downsample.1.weight`)
 * needs a rule of the user's own.
 */
const NORM_MODULE = '([A-Za-z_]*(?:[Nn]orm|bn|BN|ln|LN)[A-Za-z_0-9]*)';
const EMBEDDING_MODULE =
  '(embed_tokens|token_embedding|position_embedding|word_embeddings|position_embeddings|token_type_embeddings|embeddings|embedding|embed|wte|wpe|tok_embeddings)';

export const PYTORCH_TO_MINDSPORE_RULES: RenameRule[] = [
  { pattern: '\\.running_mean$', replacement: '.moving_mean', description: 'BatchNorm running_mean → moving_mean' },
  {
    pattern: '\\.running_var$',
    replacement: '.moving_variance',
    description: 'BatchNorm running_var → moving_variance',
  },
  {
    pattern: `(^|\\.)${NORM_MODULE}\\.weight$`,
    replacement: '$1$2.gamma',
    description: 'BatchNorm / LayerNorm / GroupNorm weight → gamma',
  },
  {
    pattern: `(^|\\.)${NORM_MODULE}\\.bias$`,
    replacement: '$1$2.beta',
    description: 'BatchNorm / LayerNorm / GroupNorm bias → beta',
  },
  {
    pattern: `(^|\\.)${EMBEDDING_MODULE}\\.weight$`,
    replacement: '$1$2.embedding_table',
    description: 'Embedding weight → embedding_table',
  },
  {
    pattern: '(^|\\.)fc(\\d*)\\.',
    replacement: '$1dense$2.',
    description: 'fc → dense (only for networks whose nn.Dense cells are named dense; off by default)',
    enabled: false,
  },
];

export interface NameMapPreset {
  id: string;
  label: string;
  spec: NameMapSpec;
}

export const NAME_MAP_PRESETS: NameMapPreset[] = [
  {
    id: 'pytorch-to-mindspore',
    label: 'PyTorch → MindSpore (BatchNorm, LayerNorm, Embedding)',
    spec: { exact: {}, rules: PYTORCH_TO_MINDSPORE_RULES },
  },
];
