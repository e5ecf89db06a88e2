/**
 * "Will it load?": what `load_param_into_net(net, load_checkpoint(file), strict_load)` does,
 * computed from the checkpoint index and a network manifest (ckpt-format.md §9). Target:
 * MindSpore 2.5/2.6 — where versions differ (the GE 4-D case, qint4x2), the 2.5+ behaviour is
 * reported and the difference noted.
 *
 * MindSpore raises at the FIRST failing parameter and loads nothing after it. The diff keeps
 * going so one run shows every problem; `raises` names the exception MindSpore would actually
 * raise, and `errors` lists all of them in the order MindSpore would meet them.
 */
import { elementCount, sameShape } from '../../base/dtypes';
import { NAME_HASH_PRIME, NAME_HASH_START } from '../../base/duplicates';
import type { NetworkParam } from '../../formats/manifest/types';
import type { NameMap } from '../name-map/name-map';
import { suggestFixes, type Suggestion } from './suggest';
import { paramsOf, type CheckpointParam, type CheckpointParams, type LoadError } from './types';

export type { CheckpointParam, CheckpointParams, LoadError } from './types';

export interface DiffOptions {
  /** load_param_into_net's strict_load (default False, as in MindSpore). */
  strictLoad?: boolean;
  /** Renames applied to checkpoint names first, as a user would before loading. */
  nameMap?: NameMap | null;
  /** Compute "did you mean" suggestions (default true). */
  suggestions?: boolean;
}

export interface LoadedParam {
  param: string;
  /** The parameter_dict key it was loaded from (after renaming). */
  from: string;
  /** The checkpoint's own name, when the name map renamed it. */
  original?: string;
  via: 'exact' | 'prefix';
  /** Prefix removed by the prefix-recovery pass. */
  prefix?: string;
  /** dtype conversion _update_param performs (strict_load=False, same family). */
  cast?: { from: string; to: string };
  /**
   * GE 4-D case: the checkpoint has extra trailing 1-dims. 2.5+ loads it and the parameter ends
   * up with the checkpoint's shape; 2.3/2.4 raise ValueError in Parameter.set_data.
   */
  reshape?: { checkpoint: number[]; net: number[] };
  /** MapParameter record: loaded with import_data, contents not checked. */
  map?: true;
  /** What the manifest did not say, so could not be checked. */
  unchecked?: ('dtype' | 'shape')[];
}

export interface SkippedParam {
  param: string;
  from: string;
  reason: string;
}

export interface LoadDiff {
  strictLoad: boolean;
  /** The MindSpore behaviour modelled. */
  target: '2.5+';
  loaded: LoadedParam[];
  /** Net order; what load_param_into_net returns first. */
  param_not_load: string[];
  /** Dict keys not loaded by exact name (the prefix pass does not update it, as in MindSpore). */
  ckpt_not_load: string[];
  errors: LoadError[];
  /** The exception load_param_into_net raises (the first error), or null if it returns. */
  raises: LoadError | null;
  /** A `str` value under a net parameter's name: skipped silently by the exact pass. */
  skipped: SkippedParam[];
  /** Manifest entries that are graph inputs, not weights. */
  ignored: string[];
  suggestions: Suggestion[];
  /** Log lines MindSpore would print (prefix removal, casts, not-loaded warnings). */
  warnings: string[];
  /** Checkpoint names that the name map sent to the same key (the later one wins). */
  collisions: { key: string; from: string[] }[];
}

const FLOAT_FAMILY = new Set(['Float16', 'Float32', 'Float64', 'BFloat16']);
/** qint4x2 joins this set on master (2.7); 2.5/2.6 do not convert it. */
const INT_FAMILY = new Set(['Int8', 'Int16', 'Int32', 'Int64']);

export function pythonShape(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

function pythonList(names: readonly string[]): string {
  return `[${names.map((name) => `'${name}'`).join(', ')}]`;
}

export function canConvert(netDtype: string, ckptDtype: string, strictLoad: boolean): boolean {
  if (strictLoad) return false;
  return (
    (FLOAT_FAMILY.has(netDtype) && FLOAT_FAMILY.has(ckptDtype)) ||
    (INT_FAMILY.has(netDtype) && INT_FAMILY.has(ckptDtype))
  );
}

/** `_special_process_par`: ckpt rank > net rank and every extra trailing ckpt dim is 1. */
export function isGeSpecialCase(netShape: readonly number[], ckptShape: readonly number[]): boolean {
  if (ckptShape.length <= netShape.length) return false;
  for (let i = netShape.length; i < ckptShape.length; i += 1) if (ckptShape[i] !== 1) return false;
  return true;
}

/** load_checkpoint's parameter_dict, as parallel arrays (a million entries without an object each). */
interface ParameterDict {
  keys: string[];
  /** Where each key's value is in the checkpoint's params. */
  at: number[];
  /** The checkpoint's own name where the name map changed it. */
  originals: Map<number, string>;
  indexOf: Map<string, number>;
}

type UpdateOutcome =
  | {
      ok: true;
      cast?: LoadedParam['cast'];
      reshape?: LoadedParam['reshape'];
      map?: true;
      unchecked?: LoadedParam['unchecked'];
    }
  | { ok: false; error: Omit<LoadError, 'param' | 'from'> };

const LOADED: UpdateOutcome = { ok: true };

/** `_update_param(param, new_param, strict_load)` for one net parameter and one dict value. */
function updateParam(
  param: NetworkParam,
  key: string,
  params: CheckpointParams,
  at: number,
  strictLoad: boolean,
  warnings: string[],
): UpdateOutcome {
  const name = param.name;
  const kind = params.kind(at);
  if (kind === 'string') {
    // Only the prefix pass gets here: it has no hasattr(value, "data") guard.
    return {
      ok: false,
      error: { exception: 'AttributeError', reason: "'str' object has no attribute 'data'", kind: 'not-a-tensor' },
    };
  }
  if (kind === 'map') return { ok: true, map: true };
  const dtype = params.dtype(at);
  const shape = params.shape(at);
  const sameDtype = param.dtype === dtype;
  const shapesEqual = param.shape !== null && sameShape(param.shape, shape);
  if (sameDtype && shapesEqual) return LOADED; // the common case, without allocating
  let reshape: LoadedParam['reshape'];
  let cast: LoadedParam['cast'];
  const unchecked: ('dtype' | 'shape')[] = [];
  if (param.shape === null) unchecked.push('shape');
  else if (!shapesEqual) {
    if (!isGeSpecialCase(param.shape, shape)) {
      return {
        ok: false,
        error: {
          exception: 'RuntimeError',
          kind: 'shape',
          reason:
            `For 'load_param_into_net', ${name} in the argument 'net' should have the same shape as ${name} in the argument ` +
            `'parameter_dict'. But got its shape ${pythonShape(param.shape)} in the argument 'net' and shape ` +
            `${pythonShape(shape)} in the argument 'parameter_dict'.May you need to check whether the checkpoint you ` +
            `loaded is correct or the batch size and so on in the 'net' and 'parameter_dict' are same.`,
        },
      };
    }
    // numpy reshape: only the element count has to agree.
    const ckptCount = elementCount(shape);
    if (ckptCount !== elementCount(param.shape)) {
      return {
        ok: false,
        error: {
          exception: 'ValueError',
          kind: 'reshape',
          reason: `cannot reshape array of size ${ckptCount} into shape ${pythonShape(param.shape)}`,
        },
      };
    }
    reshape = { checkpoint: [...shape], net: [...param.shape] };
  }
  if (param.dtype === null) unchecked.push('dtype');
  else if (!sameDtype) {
    if (!canConvert(param.dtype, dtype, strictLoad)) {
      return {
        ok: false,
        error: {
          exception: 'RuntimeError',
          kind: 'dtype',
          reason:
            `For 'load_param_into_net', ${name} in the argument 'net' should have the same type as ${name} in the argument ` +
            `'parameter_dict'. but got its type ${param.dtype} in the argument 'net' and type ${dtype} in the argument ` +
            `'parameter_dict'.May you need to check whether the checkpoint you loaded is correct.`,
        },
      };
    }
    cast = { from: dtype, to: param.dtype };
    warnings.push(
      `The type of ${key}:${dtype} in 'parameter_dict' is different from the type of it in 'net':${param.dtype}, ` +
        `then the type convert from ${dtype} to ${param.dtype} in the network. May consume additional memory and time`,
    );
  }
  return {
    ok: true,
    ...(cast ? { cast } : {}),
    ...(reshape ? { reshape } : {}),
    ...(unchecked.length > 0 ? { unchecked } : {}),
  };
}

/** The parameter_dict load_checkpoint returns: random_op popped, later duplicates win in place. */
function buildDict(params: CheckpointParams, nameMap: NameMap | null | undefined) {
  const dict: ParameterDict = { keys: [], at: [], originals: new Map(), indexOf: new Map() };
  const sources = new Map<string, string[]>();
  for (let at = 0; at < params.length; at += 1) {
    const name = params.name(at);
    if (name === 'random_op' || params.kind(at) === 'random_op') continue;
    const key = nameMap ? nameMap.apply(name) : name;
    // One Map operation per entry in the common case; a repeated key is rare.
    let index = dict.keys.length;
    const sizeBefore = dict.indexOf.size;
    dict.indexOf.set(key, index);
    if (dict.indexOf.size === sizeBefore) {
      index = dict.keys.lastIndexOf(key);
      dict.indexOf.set(key, index);
      dict.at[index] = at;
    } else {
      dict.keys.push(key);
      dict.at.push(at);
    }
    if (nameMap) {
      if (key !== name) dict.originals.set(index, name);
      else dict.originals.delete(index);
      const list = sources.get(key);
      if (list) list.push(name);
      else sources.set(key, [name]);
    }
  }
  const collisions = [...sources].filter(([, from]) => from.length > 1).map(([key, from]) => ({ key, from }));
  return { dict, collisions };
}

/**
 * For each unloaded name, the first dict key (in dict order) that ends with it. MindSpore scans
 * every key for every name, which is quadratic; this answers the same question by bucketing the
 * keys on a hash of their last K characters (K = min(name length, SUFFIX_CHARS)). Bucket lists
 * stay in dict order, so the first key that really ends with the name is the answer.
 */
const SUFFIX_CHARS = 8;

function tailHash(text: string, chars: number): number {
  let hash = NAME_HASH_START;
  for (let i = text.length - chars; i < text.length; i += 1)
    hash = Math.imul(hash ^ text.charCodeAt(i), NAME_HASH_PRIME);
  return hash >>> 0;
}

class SuffixFinder {
  private readonly buckets = new Map<number, Map<number, number[]>>();

  constructor(private readonly keys: readonly string[]) {}

  private bucketsFor(chars: number): Map<number, number[]> {
    let buckets = this.buckets.get(chars);
    if (!buckets) {
      buckets = new Map();
      for (let i = 0; i < this.keys.length; i += 1) {
        const key = this.keys[i]!;
        if (key.length < chars) continue;
        const hash = tailHash(key, chars);
        const list = buckets.get(hash);
        if (list) list.push(i);
        else buckets.set(hash, [i]);
      }
      this.buckets.set(chars, buckets);
    }
    return buckets;
  }

  /** Dict index of the first key ending with `suffix`, or -1. */
  firstEndingWith(suffix: string): number {
    if (suffix.length === 0) return this.keys.length > 0 ? 0 : -1;
    const chars = Math.min(suffix.length, SUFFIX_CHARS);
    for (const index of this.bucketsFor(chars).get(tailHash(suffix, chars)) ?? []) {
      if (this.keys[index]!.endsWith(suffix)) return index;
    }
    return -1;
  }

  key(index: number): string {
    return this.keys[index]!;
  }
}

/**
 * `checkpoint`: load_checkpoint's entries in dict order, as a list or read by position
 * (`parameterDict`).
 */
export function diffAgainstNetwork(
  checkpoint: readonly CheckpointParam[] | CheckpointParams,
  networkParams: readonly NetworkParam[],
  options: DiffOptions = {},
): LoadDiff {
  const strictLoad = options.strictLoad ?? false;
  const params = Array.isArray(checkpoint) ? paramsOf(checkpoint) : (checkpoint as CheckpointParams);
  const { dict, collisions } = buildDict(params, options.nameMap);
  const net: NetworkParam[] = [];
  const ignored: string[] = [];
  for (const param of networkParams) {
    if (param.graphInput) ignored.push(param.name);
    else net.push(param);
  }
  const loaded: LoadedParam[] = [];
  const errors: LoadError[] = [];
  const errorParams: NetworkParam[] = [];
  const skipped: SkippedParam[] = [];
  const warnings: string[] = [];
  // Per dict entry: EXACT = loaded by exact name (leaves ckpt_not_load), USED = any pass read it.
  const EXACT = 1;
  const USED = 2;
  const status = new Uint8Array(dict.keys.length);
  /** Indices into `net` of param_not_load, always in net order. */
  let notLoaded: number[] = [];

  const record = (param: NetworkParam, index: number, via: 'exact' | 'prefix', prefix?: string): void => {
    status[index]! |= USED;
    const key = dict.keys[index]!;
    const outcome = updateParam(param, key, params, dict.at[index]!, strictLoad, warnings);
    if (!outcome.ok) {
      errors.push({ param: param.name, from: key, ...outcome.error });
      errorParams.push(param);
      return;
    }
    const item: LoadedParam = { param: param.name, from: key, via };
    if (dict.originals.size > 0) {
      const original = dict.originals.get(index);
      if (original !== undefined) item.original = original;
    }
    if (prefix !== undefined) item.prefix = prefix;
    if (outcome.cast) item.cast = outcome.cast;
    if (outcome.reshape) item.reshape = outcome.reshape;
    if (outcome.map) item.map = true;
    if (outcome.unchecked) item.unchecked = outcome.unchecked;
    loaded.push(item);
  };

  // Exact-name pass (§9.2).
  for (let i = 0; i < net.length; i += 1) {
    const param = net[i]!;
    const index = dict.indexOf.get(param.name);
    if (index === undefined) {
      notLoaded.push(i);
      continue;
    }
    if (params.kind(dict.at[index]!) === 'string') {
      skipped.push({
        param: param.name,
        from: dict.keys[index]!,
        reason:
          'The checkpoint value is a string (str record): load_param_into_net skips it silently; the parameter keeps its initial value.',
      });
      status[index]! |= USED;
      continue;
    }
    record(param, index, 'exact');
    status[index]! |= EXACT;
  }

  // Prefix-recovery pass (§9.3), strict_load=False only.
  if (notLoaded.length > 0 && !strictLoad) {
    const finder = new SuffixFinder(dict.keys);
    const sentinel = net[notLoaded[0]!]!.name;
    const attempted = new Uint8Array(net.length);
    let prefix = '';
    while (prefix !== sentinel && notLoaded.length > 0) {
      prefix = sentinel;
      for (const i of notLoaded) {
        const name = net[i]!.name;
        const index = finder.firstEndingWith(name);
        if (index >= 0) {
          const key = finder.key(index);
          prefix = key.slice(0, key.length - name.length);
        }
        if (prefix !== sentinel) break;
      }
      if (prefix === sentinel) break;
      warnings.push(`For 'load_param_into_net', remove parameter prefix name: ${prefix}, continue to load.`);
      // MindSpore walks the whole net in order and picks the unloaded ones: `notLoaded` is that
      // subsequence already.
      for (const i of notLoaded) {
        const param = net[i]!;
        const index = dict.indexOf.get(prefix + param.name);
        if (index === undefined) continue;
        record(param, index, 'prefix', prefix);
        // An attempted parameter leaves param_not_load whether it loaded or (in our continued
        // simulation) raised; MindSpore would have stopped at the raise.
        attempted[i] = 1;
      }
      notLoaded = notLoaded.filter((i) => !attempted[i]);
    }
  }
  const paramNotLoad = notLoaded.map((i) => net[i]!.name);

  if (paramNotLoad.length > 0) {
    warnings.push(
      `For 'load_param_into_net', ${paramNotLoad.length} parameters in the 'net' are not loaded, because they are not in the ` +
        `'parameter_dict', please check whether the network structure is consistent when training and loading checkpoint.`,
    );
    warnings.push(`${pythonList(paramNotLoad)} are not loaded.`);
  }

  const ckptNotLoad: string[] = [];
  const unusedKeys: string[] = [];
  for (let i = 0; i < dict.keys.length; i += 1) {
    if (!(status[i]! & EXACT)) ckptNotLoad.push(dict.keys[i]!);
    if (!(status[i]! & USED)) unusedKeys.push(dict.keys[i]!);
  }
  // `errors` is already in the order MindSpore meets them: exact pass in net order, then each prefix round.
  const suggestions =
    options.suggestions === false || (paramNotLoad.length === 0 && errors.length === 0)
      ? []
      : suggestFixes({
          notLoaded: notLoaded.map((i) => net[i]!),
          errors: errors.map((error, i) => ({ error, param: errorParams[i]! })),
          dict: {
            get: (key) => {
              const index = dict.indexOf.get(key);
              if (index === undefined) return undefined;
              const at = dict.at[index]!;
              return { dtype: params.dtype(at), shape: params.shape(at) };
            },
          },
          unusedKeys,
        });
  return {
    strictLoad,
    target: '2.5+',
    loaded,
    param_not_load: paramNotLoad,
    ckpt_not_load: ckptNotLoad,
    errors,
    raises: errors[0] ?? null,
    skipped,
    ignored,
    suggestions,
    warnings,
    collisions,
  };
}

/** The CLI's JSON contract: keep keys stable, add only. */
/** One loaded parameter as `diff --json` writes it. */
export function loadedJson(item: LoadedParam) {
  return {
    param: item.param,
    from: item.from,
    ...(item.original !== undefined ? { original: item.original } : {}),
    via: item.via,
    ...(item.prefix !== undefined ? { prefix: item.prefix } : {}),
    ...(item.cast ? { cast: item.cast } : {}),
    ...(item.reshape ? { reshape: item.reshape } : {}),
    ...(item.map ? { map: true } : {}),
    ...(item.unchecked ? { unchecked: item.unchecked } : {}),
  };
}

/**
 * The report as `diff --json` writes it, in its key order, but for `loaded` (one item per loaded
 * parameter, a million for a million): written between `target` and `param_not_load`, item by
 * item with loadedJson.
 */
export function diffJson(diff: LoadDiff) {
  return {
    strict_load: diff.strictLoad,
    target: diff.target,
    param_not_load: diff.param_not_load,
    ckpt_not_load: diff.ckpt_not_load,
    errors: diff.errors.map((error) => ({
      param: error.param,
      from: error.from,
      exception: error.exception,
      reason: error.reason,
    })),
    raises: diff.raises
      ? { exception: diff.raises.exception, param: diff.raises.param, message: diff.raises.reason }
      : null,
    skipped: diff.skipped,
    ignored: diff.ignored,
    suggestions: diff.suggestions,
    warnings: diff.warnings,
    collisions: diff.collisions,
  };
}
