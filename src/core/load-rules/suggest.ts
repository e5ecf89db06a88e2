/**
 * "Did you mean …" for parameters that will not load: known PyTorch ↔ MindSpore renames,
 * prefixes MindSpore cannot strip, nearest names (token overlap, then edit distance), and
 * shape or dtype fixes for parameters that raise. All work is bounded (limits.ts).
 */
import { elementCount, sameShape } from '../../base/dtypes';
import {
  MAX_NEAREST_NAME_COMPARISONS,
  MAX_NEAREST_NAME_PARAMS,
  MAX_SUGGESTION_CANDIDATES,
  MAX_SUGGESTIONS_TOTAL,
} from '../../base/limits';
import type { NetworkParam } from '../../formats/manifest/types';
import type { LoadError } from './types';

/** What the suggestions read of a dict value. */
interface DictValue {
  dtype: string;
  shape: readonly number[];
}

// Local copies: the loops below read them often.
const CANDIDATES = MAX_SUGGESTION_CANDIDATES;
const COMPARISONS = MAX_NEAREST_NAME_COMPARISONS;
const NEAREST_PARAMS = MAX_NEAREST_NAME_PARAMS;
const TOTAL = MAX_SUGGESTIONS_TOTAL;

export interface Suggestion {
  param: string;
  /** rename: another checkpoint name that may be the one meant; fix: the entry that raised. */
  candidate: string;
  why: string;
  /**
   * 'rename' ("did you mean"): always a name other than `param`. 'fix': how to make the entry
   * that raised (`candidate`, often the same name) load.
   */
  kind: 'rename' | 'fix';
}

/** [network name, checkpoint name] for the last segment of a parameter name. */
const KNOWN_RENAMES: [string, string, string][] = [
  ['moving_mean', 'running_mean', 'PyTorch BatchNorm running_mean is MindSpore moving_mean'],
  ['moving_variance', 'running_var', 'PyTorch BatchNorm running_var is MindSpore moving_variance'],
  ['gamma', 'weight', 'PyTorch norm weight is MindSpore gamma'],
  ['beta', 'bias', 'PyTorch norm bias is MindSpore beta'],
  ['embedding_table', 'weight', 'PyTorch Embedding weight is MindSpore embedding_table'],
  ['running_mean', 'moving_mean', 'MindSpore moving_mean is PyTorch BatchNorm running_mean'],
  ['running_var', 'moving_variance', 'MindSpore moving_variance is PyTorch BatchNorm running_var'],
  ['weight', 'gamma', 'MindSpore norm gamma is PyTorch weight'],
  ['bias', 'beta', 'MindSpore norm beta is PyTorch bias'],
  ['weight', 'embedding_table', 'MindSpore embedding_table is PyTorch Embedding weight'],
  ['weight', 'kernel', 'TensorFlow kernel is the weight (transposed for dense layers)'],
  ['weight', 'weights', 'TensorFlow "weights" is "weight"'],
  ['bias', 'biases', 'TensorFlow "biases" is "bias"'],
];

const TOKEN_SPLIT = /[._/:-]+/;

function tokens(name: string): string[] {
  return name.split(TOKEN_SPLIT).filter((token) => token !== '');
}

/** Levenshtein distance, giving up (returning limit + 1) once it must exceed `limit`. */
export function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let previous = new Uint32Array(b.length + 1);
  let current = new Uint32Array(b.length + 1);
  for (let j = 0; j <= b.length; j += 1) previous[j] = j;
  for (let i = 1; i <= a.length; i += 1) {
    current[0] = i;
    let rowMin = current[0];
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (current[j]! < rowMin) rowMin = current[j]!;
    }
    if (rowMin > limit) return limit + 1;
    [previous, current] = [current, previous];
  }
  return previous[b.length]!;
}

function pythonShape(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

interface SuggestInput {
  /** param_not_load, as network parameters. */
  notLoaded: readonly NetworkParam[];
  errors: readonly { error: LoadError; param: NetworkParam }[];
  /** The dict value under a key: its dtype and shape. */
  dict: { get(key: string): DictValue | undefined };
  /** Dict keys no parameter used. */
  unusedKeys: readonly string[];
}

class NearestNames {
  private readonly postings = new Map<string, number[]>();
  constructor(private readonly keys: readonly string[]) {
    keys.forEach((key, index) => {
      for (const token of new Set(tokens(key))) {
        const list = this.postings.get(token);
        if (list) list.push(index);
        else this.postings.set(token, [index]);
      }
    });
  }

  /** Best candidate by shared tokens, then edit distance; null if nothing is close. */
  find(name: string): { key: string; distance: number } | null {
    const counts = new Map<number, number>();
    let considered = 0;
    for (const token of new Set(tokens(name))) {
      const list = this.postings.get(token);
      // Tokens such as "weight" are everywhere and say nothing; skip very common ones.
      if (!list || list.length > CANDIDATES) continue;
      for (const index of list) {
        counts.set(index, (counts.get(index) ?? 0) + 1);
        considered += 1;
        if (considered > CANDIDATES * 4) break;
      }
    }
    const ranked = [...counts].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, COMPARISONS);
    const limit = Math.max(2, Math.floor(name.length * 0.35));
    let best: { key: string; distance: number } | null = null;
    for (const [index] of ranked) {
      const key = this.keys[index]!;
      const distance = editDistance(name, key, best ? Math.min(best.distance, limit) : limit);
      if (distance <= limit && (!best || distance < best.distance)) best = { key, distance };
    }
    return best;
  }
}

export function suggestFixes(input: SuggestInput): Suggestion[] {
  const suggestions: Suggestion[] = [];
  const unused = new Set(input.unusedKeys);
  const push = (suggestion: Suggestion): boolean => {
    if (suggestions.length >= TOTAL) return false;
    // A name is never its own "did you mean".
    if (suggestion.kind === 'rename' && suggestion.candidate === suggestion.param) return false;
    suggestions.push(suggestion);
    return true;
  };
  const shapeNote = (param: NetworkParam, key: string): string => {
    const netShape = param.shape;
    const ckptShape = input.dict.get(key)?.shape;
    if (!netShape || !ckptShape) return '';
    if (sameShape(netShape, ckptShape)) return '; same shape';
    return `; shape ${pythonShape(ckptShape)} vs ${pythonShape(netShape)} in the net`;
  };

  let nearest: NearestNames | null = null;
  let nearestSearches = 0;
  for (const param of input.notLoaded) {
    const name = param.name;
    if (suggestions.length >= TOTAL) break;
    let found = false;
    // 1. Known renames of the last segment.
    for (const [netSegment, ckptSegment, why] of KNOWN_RENAMES) {
      if (name !== netSegment && !name.endsWith(`.${netSegment}`)) continue;
      const candidate = name.slice(0, name.length - netSegment.length) + ckptSegment;
      if (unused.has(candidate)) {
        found = push({
          param: name,
          candidate,
          why: `${why}${shapeNote(param, candidate)}; add a rename rule (see the PyTorch → MindSpore preset)`,
          kind: 'rename',
        });
        break;
      }
    }
    if (found) continue;
    // 2. The network name has an extra leading prefix (MindSpore only strips checkpoint prefixes).
    for (let dot = name.indexOf('.'); dot >= 0; dot = name.indexOf('.', dot + 1)) {
      const candidate = name.slice(dot + 1);
      if (unused.has(candidate)) {
        found = push({
          param: name,
          candidate,
          why: `the network adds the prefix "${name.slice(0, dot + 1)}"; load_param_into_net only removes prefixes from checkpoint names, so add a rename rule ^ → ${name.slice(0, dot + 1)}${shapeNote(param, candidate)}`,
          kind: 'rename',
        });
        break;
      }
    }
    if (found) continue;
    // 3. Nearest name.
    if (nearestSearches >= NEAREST_PARAMS || unused.size === 0) continue;
    nearestSearches += 1;
    nearest ??= new NearestNames([...unused]);
    const best = nearest.find(name);
    if (best && best.key !== name) {
      const why = best.key.endsWith(name)
        ? `the checkpoint name has the extra prefix "${best.key.slice(0, best.key.length - name.length)}" (strict_load=False strips it only when the prefix pass finds it)`
        : `closest unused checkpoint name (edit distance ${best.distance})`;
      push({ param: name, candidate: best.key, why: `${why}${shapeNote(param, best.key)}`, kind: 'rename' });
    }
  }

  for (const { error, param: netParam } of input.errors) {
    const entry = input.dict.get(error.from);
    if (!entry) continue;
    if (error.kind === 'shape' || error.kind === 'reshape') {
      const netShape = netParam.shape ?? [];
      const ckptShape = entry.shape;
      if (
        netShape.length === 2 &&
        ckptShape.length === 2 &&
        netShape[0] === ckptShape[1] &&
        netShape[1] === ckptShape[0]
      ) {
        push({
          param: error.param,
          candidate: error.from,
          why: `transposed: the checkpoint holds ${pythonShape(ckptShape)}, the net wants ${pythonShape(netShape)} (a TensorFlow kernel or a converted dense weight); transpose it when converting`,
          kind: 'fix',
        });
      } else if (elementCount(netShape) === elementCount(ckptShape)) {
        push({
          param: error.param,
          candidate: error.from,
          why: `same number of elements (${elementCount(ckptShape)}): a reshape from ${pythonShape(ckptShape)} to ${pythonShape(netShape)} when converting would fit`,
          kind: 'fix',
        });
      } else {
        const ratio = elementCount(ckptShape) / Math.max(1, elementCount(netShape));
        push({
          param: error.param,
          candidate: error.from,
          why:
            Number.isInteger(ratio) || Number.isInteger(1 / ratio)
              ? `the sizes differ by a factor of ${ratio >= 1 ? ratio : 1 / ratio}: a different width, vocabulary, class count or a tensor-parallel slice`
              : 'different layer size: the checkpoint is for another configuration of the network',
          kind: 'fix',
        });
      }
    } else if (error.kind === 'dtype' && netParam.dtype) {
      push({
        param: error.param,
        candidate: error.from,
        why: `MindSpore converts only within float16/float32/float64/bfloat16 or int8/int16/int32/int64, and only with strict_load=False; convert ${entry.dtype} to ${netParam.dtype} before loading`,
        kind: 'fix',
      });
    }
  }
  return suggestions;
}
