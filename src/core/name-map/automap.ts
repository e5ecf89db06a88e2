/**
 * Auto-map a (PyTorch-named) checkpoint onto a MindSpore network: for every network parameter
 * that would not load by name, propose the checkpoint tensor it most likely is, as exact
 * `old = new` name-map rules the user accepts.
 *
 * The layer kind of a checkpoint module is inferred from its tensors — which leaves sit side by
 * side and their shapes — never from the module's name:
 * - BatchNorm: `running_mean` and `running_var` (1-d, equal shapes; `weight`/`bias`, when
 *   affine, of that same shape; optionally `num_batches_tracked`, a scalar) →
 *   gamma / beta / moving_mean / moving_variance. `num_batches_tracked` has no MindSpore
 *   counterpart and is listed as not needed.
 * - LayerNorm / GroupNorm: exactly `weight` and `bias`, of equal shape, no running statistics
 *   (a Linear's or conv's bias is 1-d while its weight is not) → gamma / beta.
 * - Embedding: a 2-d `weight` alone in its module → embedding_table.
 * A proposal needs the network parameter to be missing, its shape known and equal, and the
 * source tensor not loadable as is. Modules whose tensors fit no kind, or fit loosely (a lone 1-d
 * weight: RMSNorm? PReLU?), get no proposal: ambiguous cases are not guessed. Pure: names and
 * shapes in, rules out.
 */
import type { TensorRows } from '../../base/tensor-columns';
import { sameShape } from '../../base/dtypes';
import type { NetworkParam } from '../../formats/manifest/types';
import type { NameMap } from './name-map';

export type AutoMapLayer = 'BatchNorm' | 'LayerNorm/GroupNorm' | 'Embedding';

export interface AutoMapProposal {
  /** The network parameter that would not load by name. */
  param: string;
  /** The checkpoint's own name (the key of the exact rule). */
  from: string;
  layer: AutoMapLayer;
  /** The shape both sides share. */
  shape: number[];
}

export interface AutoMapResult {
  proposals: AutoMapProposal[];
  /** Checkpoint buffers of an inferred layer that MindSpore has no parameter for (`num_batches_tracked`). */
  notNeeded: { from: string; layer: AutoMapLayer }[];
  /** The proposals as exact renames, ready for the name map. */
  exact: Record<string, string>;
}

interface Checkpoint {
  name: string;
  shape: readonly number[];
}

/** The checkpoint read by position (an index's rows, or the load check's dict of them). */
type CheckpointRows = Pick<TensorRows, 'length' | 'name' | 'shape'>;

const LEAF_RENAMES: Record<AutoMapLayer, Record<string, string>> = {
  BatchNorm: { weight: 'gamma', bias: 'beta', running_mean: 'moving_mean', running_var: 'moving_variance' },
  'LayerNorm/GroupNorm': { weight: 'gamma', bias: 'beta' },
  Embedding: { weight: 'embedding_table' },
};

/** MindSpore's leaf names, as the torch leaf they correspond to (for inferring the layer). */
const MINDSPORE_LEAF_ROLES = new Map([
  ['gamma', 'weight'],
  ['beta', 'bias'],
  ['moving_mean', 'running_mean'],
  ['moving_variance', 'running_var'],
  ['embedding_table', 'weight'],
]);

function splitName(name: string): { module: string; leaf: string } {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? { module: '', leaf: name } : { module: name.slice(0, dot), leaf: name.slice(dot + 1) };
}

/** The layer a module's tensors (leaf → shape) describe, or null when they fit none of the kinds. */
export function inferLayer(leaves: ReadonlyMap<string, readonly number[]>): AutoMapLayer | null {
  const weight = leaves.get('weight');
  const bias = leaves.get('bias');
  const mean = leaves.get('running_mean');
  const variance = leaves.get('running_var');
  if (mean || variance) {
    if (!mean || !variance || mean.length !== 1 || !sameShape(mean, variance)) return null;
    if (weight && !sameShape(weight, mean)) return null;
    if (bias && !sameShape(bias, mean)) return null;
    const tracked = leaves.get('num_batches_tracked');
    if (tracked && tracked.length > 1) return null;
    const known = new Set(['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked']);
    return [...leaves.keys()].every((leaf) => known.has(leaf)) ? 'BatchNorm' : null;
  }
  if (leaves.size === 2 && weight && bias && weight.length >= 1 && sameShape(weight, bias))
    return 'LayerNorm/GroupNorm';
  if (leaves.size === 1 && weight && weight.length === 2) return 'Embedding';
  return null;
}

/**
 * Propose renames for the network parameters that `nameMap` (the user's rules, applied first)
 * leaves without a checkpoint tensor of their name.
 */
export function proposeAutoMap(
  checkpoint: readonly Checkpoint[] | CheckpointRows,
  network: readonly NetworkParam[],
  nameMap: NameMap | null = null,
): AutoMapResult {
  const netByName = new Map(network.filter((p) => !p.graphInput).map((p) => [p.name, p]));
  const rows: CheckpointRows = Array.isArray(checkpoint)
    ? {
        length: checkpoint.length,
        name: (at) => (checkpoint[at] as Checkpoint).name,
        shape: (at) => (checkpoint[at] as Checkpoint).shape,
      }
    : (checkpoint as CheckpointRows);
  // Checkpoint names as the load check sees them (after the user's rules), with their originals.
  const mapped = Array.from({ length: rows.length }, (_, at) => {
    const original = rows.name(at);
    return { original, name: nameMap?.apply(original) ?? original, shape: rows.shape(at) };
  });
  const present = new Set(mapped.map((entry) => entry.name));

  const modules = new Map<string, Map<string, (typeof mapped)[number]>>();
  for (const entry of mapped) {
    const { module, leaf } = splitName(entry.name);
    const leaves = modules.get(module) ?? new Map<string, (typeof mapped)[number]>();
    // A leaf the user's rules already renamed still tells the layer kind.
    const role = MINDSPORE_LEAF_ROLES.get(leaf);
    leaves.set(role && !leaves.has(role) ? role : leaf, entry);
    modules.set(module, leaves);
  }

  const proposed = new Map<string, AutoMapProposal>();
  const notNeeded: AutoMapResult['notNeeded'] = [];
  for (const [module, leaves] of modules) {
    const layer = inferLayer(new Map([...leaves].map(([leaf, entry]) => [leaf, entry.shape])));
    if (!layer) continue;
    const prefix = module === '' ? '' : `${module}.`;
    let targetsNetwork = false;
    for (const [leaf, target] of Object.entries(LEAF_RENAMES[layer])) {
      const source = leaves.get(leaf);
      const param = netByName.get(prefix + target);
      if (!source || !param) continue;
      targetsNetwork = true;
      // Only what would not load: the target is missing and the source loads nowhere as is.
      if (present.has(param.name) || netByName.has(source.name)) continue;
      if (!param.shape || !sameShape(param.shape, source.shape)) continue;
      proposed.set(param.name, { param: param.name, from: source.original, layer, shape: [...source.shape] });
    }
    const tracked = leaves.get('num_batches_tracked');
    if (layer === 'BatchNorm' && tracked && targetsNetwork && !netByName.has(tracked.name)) {
      notNeeded.push({ from: tracked.original, layer });
    }
  }
  // In network order, as the load check lists parameters.
  const proposals = network.flatMap((param) => proposed.get(param.name) ?? []);
  const exact: Record<string, string> = {};
  for (const proposal of proposals) exact[proposal.from] = proposal.param;
  return { proposals, notNeeded, exact };
}
