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
import { elementCount } from '../../base/dtypes';
import type { TensorEntry } from '../../base/types';
import type { NetworkParam } from '../../formats/manifest/types';
import type { NameMap } from '../name-map/name-map';
import { suggestFixes, type Suggestion } from './suggest';

/** The fields of a checkpoint entry the diff needs (a TensorEntry has them). */
export type CheckpointParam = Pick<TensorEntry, 'name' | 'dtype' | 'shape' | 'kind'>;

export interface DiffOptions {
  /** load_param_into_net's strict_load (default False, as in MindSpore). */
  strictLoad?: boolean;
  /** Renames applied to checkpoint names first, as a user would before loading. */
  nameMap?: NameMap | null;
  /** Compute "did you mean" suggestions (default true). */
  suggestions?: boolean;
}

export type PythonException = 'RuntimeError' | 'ValueError' | 'AttributeError';

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

export interface LoadError {
  param: string;
  from: string;
  exception: PythonException;
  /** The message MindSpore raises with. */
  reason: string;
  kind: 'shape' | 'dtype' | 'reshape' | 'not-a-tensor';
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

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((dim, i) => dim === b[i]);
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

interface DictValue {
  key: string;
  entry: CheckpointParam;
  original: string;
}

type UpdateOutcome =
  | { ok: true; loaded: Omit<LoadedParam, 'param' | 'from' | 'via'> }
  | { ok: false; error: Omit<LoadError, 'param' | 'from'> };

/** `_update_param(param, new_param, strict_load)` for one net parameter and one dict value. */
function updateParam(param: NetworkParam, value: DictValue, strictLoad: boolean, warnings: string[]): UpdateOutcome {
  const entry = value.entry;
  const name = param.name;
  if (entry.kind === 'string') {
    // Only the prefix pass gets here: it has no hasattr(value, "data") guard.
    return {
      ok: false,
      error: { exception: 'AttributeError', reason: "'str' object has no attribute 'data'", kind: 'not-a-tensor' },
    };
  }
  if (entry.kind === 'map') return { ok: true, loaded: { map: true } };
  const loaded: Omit<LoadedParam, 'param' | 'from' | 'via'> = {};
  const unchecked: ('dtype' | 'shape')[] = [];
  if (param.shape === null) unchecked.push('shape');
  else if (!sameShape(param.shape, entry.shape)) {
    if (!isGeSpecialCase(param.shape, entry.shape)) {
      return {
        ok: false,
        error: {
          exception: 'RuntimeError',
          kind: 'shape',
          reason:
            `For 'load_param_into_net', ${name} in the argument 'net' should have the same shape as ${name} in the argument ` +
            `'parameter_dict'. But got its shape ${pythonShape(param.shape)} in the argument 'net' and shape ` +
            `${pythonShape(entry.shape)} in the argument 'parameter_dict'.May you need to check whether the checkpoint you ` +
            `loaded is correct or the batch size and so on in the 'net' and 'parameter_dict' are same.`,
        },
      };
    }
    // numpy reshape: only the element count has to agree.
    const ckptCount = elementCount(entry.shape);
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
    loaded.reshape = { checkpoint: [...entry.shape], net: [...param.shape] };
  }
  if (param.dtype === null) unchecked.push('dtype');
  else if (param.dtype !== entry.dtype) {
    if (!canConvert(param.dtype, entry.dtype, strictLoad)) {
      return {
        ok: false,
        error: {
          exception: 'RuntimeError',
          kind: 'dtype',
          reason:
            `For 'load_param_into_net', ${name} in the argument 'net' should have the same type as ${name} in the argument ` +
            `'parameter_dict'. but got its type ${param.dtype} in the argument 'net' and type ${entry.dtype} in the argument ` +
            `'parameter_dict'.May you need to check whether the checkpoint you loaded is correct.`,
        },
      };
    }
    loaded.cast = { from: entry.dtype, to: param.dtype };
    warnings.push(
      `The type of ${value.key}:${entry.dtype} in 'parameter_dict' is different from the type of it in 'net':${param.dtype}, ` +
        `then the type convert from ${entry.dtype} to ${param.dtype} in the network. May consume additional memory and time`,
    );
  }
  if (unchecked.length > 0) loaded.unchecked = unchecked;
  return { ok: true, loaded };
}

/** The parameter_dict load_checkpoint returns: random_op popped, later duplicates win in place. */
function buildDict(entries: readonly CheckpointParam[], nameMap: NameMap | null | undefined) {
  const dict = new Map<string, DictValue>();
  const sources = new Map<string, string[]>();
  for (const entry of entries) {
    if (entry.kind === 'random_op' || entry.name === 'random_op') continue;
    const key = nameMap ? nameMap.apply(entry.name) : entry.name;
    dict.set(key, { key, entry, original: entry.name });
    if (nameMap) {
      const list = sources.get(key);
      if (list) list.push(entry.name);
      else sources.set(key, [entry.name]);
    }
  }
  const collisions = [...sources].filter(([, from]) => from.length > 1).map(([key, from]) => ({ key, from }));
  return { dict, collisions };
}

/**
 * For each unloaded name, the first dict key (in dict order) ending with it, found through
 * reversed keys sorted once plus a range-minimum table — MindSpore scans every key for every
 * name, which is quadratic; the answer is the same.
 */
class SuffixFinder {
  private readonly reversed: string[];
  private readonly order: number[];
  private readonly sparse: Int32Array[];

  constructor(private readonly keys: readonly string[]) {
    const reversedKeys = keys.map((key) => [...key].reverse().join(''));
    const indices = keys
      .map((_, i) => i)
      .sort((a, b) => (reversedKeys[a]! < reversedKeys[b]! ? -1 : reversedKeys[a]! > reversedKeys[b]! ? 1 : a - b));
    this.reversed = indices.map((i) => reversedKeys[i]!);
    this.order = indices;
    const levels: Int32Array[] = [Int32Array.from(indices)];
    for (let width = 2; width <= indices.length; width *= 2) {
      const previous = levels[levels.length - 1]!;
      const level = new Int32Array(indices.length - width + 1);
      for (let i = 0; i < level.length; i += 1) level[i] = Math.min(previous[i]!, previous[i + width / 2]!);
      levels.push(level);
    }
    this.sparse = levels;
  }

  private lowerBound(target: string): number {
    let low = 0;
    let high = this.reversed.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.reversed[mid]! < target) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  /** Dict index of the first key ending with `suffix`, or -1. */
  firstEndingWith(suffix: string): number {
    if (this.order.length === 0) return -1;
    const target = [...suffix].reverse().join('');
    const start = this.lowerBound(target);
    // Keys starting with `target` (reversed) form a contiguous run; "\uffff" bounds it.
    const end = this.lowerBound(`${target}\uffff`);
    if (start >= end) return -1;
    const level = Math.floor(Math.log2(end - start));
    const table = this.sparse[level]!;
    return Math.min(table[start]!, table[end - (1 << level)]!);
  }

  key(index: number): string {
    return this.keys[index]!;
  }
}

export function diffAgainstNetwork(
  checkpointEntries: readonly CheckpointParam[],
  networkParams: readonly NetworkParam[],
  options: DiffOptions = {},
): LoadDiff {
  const strictLoad = options.strictLoad ?? false;
  const { dict, collisions } = buildDict(checkpointEntries, options.nameMap);
  const net = networkParams.filter((param) => !param.graphInput);
  const ignored = networkParams.filter((param) => param.graphInput).map((param) => param.name);
  const loaded: LoadedParam[] = [];
  const errors: LoadError[] = [];
  const skipped: SkippedParam[] = [];
  const warnings: string[] = [];
  const loadedByExactName = new Set<string>();
  const usedKeys = new Set<string>();
  let paramNotLoad: string[] = [];

  const record = (param: NetworkParam, value: DictValue, via: 'exact' | 'prefix', prefix?: string): void => {
    usedKeys.add(value.key);
    const outcome = updateParam(param, value, strictLoad, warnings);
    const renamed = value.original !== value.key ? { original: value.original } : {};
    if (outcome.ok) {
      loaded.push({
        param: param.name,
        from: value.key,
        ...renamed,
        via,
        ...(prefix !== undefined ? { prefix } : {}),
        ...outcome.loaded,
      });
    } else {
      errors.push({ param: param.name, from: value.key, ...outcome.error });
    }
  };

  // Exact-name pass (§9.2).
  for (const param of net) {
    const value = dict.get(param.name);
    if (!value) {
      paramNotLoad.push(param.name);
      continue;
    }
    if (value.entry.kind === 'string') {
      skipped.push({
        param: param.name,
        from: value.key,
        reason:
          'The checkpoint value is a string (str record): load_param_into_net skips it silently; the parameter keeps its initial value.',
      });
      usedKeys.add(value.key);
      continue;
    }
    record(param, value, 'exact');
    loadedByExactName.add(value.key);
  }

  // Prefix-recovery pass (§9.3), strict_load=False only.
  if (paramNotLoad.length > 0 && !strictLoad) {
    const keys = [...dict.keys()];
    const finder = new SuffixFinder(keys);
    const sentinel = paramNotLoad[0]!;
    let prefix = '';
    while (prefix !== sentinel && paramNotLoad.length > 0) {
      prefix = sentinel;
      for (const name of paramNotLoad) {
        const index = finder.firstEndingWith(name);
        if (index >= 0) {
          const key = finder.key(index);
          prefix = key.slice(0, key.length - name.length);
        }
        if (prefix !== sentinel) break;
      }
      if (prefix === sentinel) break;
      warnings.push(`For 'load_param_into_net', remove parameter prefix name: ${prefix}, continue to load.`);
      const pending = new Set(paramNotLoad);
      const attempted = new Set<string>();
      for (const param of net) {
        if (!pending.has(param.name)) continue;
        const value = dict.get(prefix + param.name);
        if (!value) continue;
        record(param, value, 'prefix', prefix);
        attempted.add(param.name);
      }
      // An attempted parameter leaves param_not_load whether it loaded or (in our continued
      // simulation) raised; MindSpore would have stopped at the raise.
      paramNotLoad = paramNotLoad.filter((name) => !attempted.has(name));
    }
  }

  if (paramNotLoad.length > 0) {
    warnings.push(
      `For 'load_param_into_net', ${paramNotLoad.length} parameters in the 'net' are not loaded, because they are not in the ` +
        `'parameter_dict', please check whether the network structure is consistent when training and loading checkpoint.`,
    );
    warnings.push(`${pythonList(paramNotLoad)} are not loaded.`);
  }

  const ckptNotLoad = [...dict.keys()].filter((key) => !loadedByExactName.has(key));
  // `errors` is already in the order MindSpore meets them: exact pass in net order, then each prefix round.
  const suggestions =
    options.suggestions === false
      ? []
      : suggestFixes({
          paramNotLoad,
          errors,
          net,
          dict: new Map([...dict].map(([key, value]) => [key, value.entry])),
          unusedKeys: [...dict.keys()].filter((key) => !usedKeys.has(key)),
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
export function diffJson(diff: LoadDiff) {
  return {
    strict_load: diff.strictLoad,
    target: diff.target,
    loaded: diff.loaded.map((item) => ({
      param: item.param,
      from: item.from,
      ...(item.original !== undefined ? { original: item.original } : {}),
      via: item.via,
      ...(item.prefix !== undefined ? { prefix: item.prefix } : {}),
      ...(item.cast ? { cast: item.cast } : {}),
      ...(item.reshape ? { reshape: item.reshape } : {}),
      ...(item.map ? { map: true } : {}),
      ...(item.unchecked ? { unchecked: item.unchecked } : {}),
    })),
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
