import { LensError } from '../../base/errors';
import { MAX_PICKLE_CONTAINER_ITEMS, MAX_PICKLE_NESTING, MAX_STRING_VALUE_BYTES } from '../../base/limits';
import { pyRepr, type PickleResult, type PyDict, type PyObject, type PyTensor, type PyValue } from './pickle';

/** What a pickled object holds, by dotted key path: tensors, plain values, and what we could not read. */
export interface Flattened {
  tensors: { name: string; tensor: PyTensor }[];
  metadata: Record<string, string | number | boolean>;
  /** Key paths of objects torch.load would accept but which are not dense tensors (quantized, sparse, …). */
  unsupported: { name: string; what: string }[];
}

function keyText(key: PyValue): string {
  if (typeof key === 'string') return key;
  if (typeof key === 'number' || typeof key === 'bigint') return String(key);
  return pyRepr(key, 80);
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function dictGet(dict: PyDict | undefined, key: string): PyValue | undefined {
  return dict?.entries.find(([k]) => k === key)?.[1];
}

function asDict(value: PyValue | undefined): PyDict | undefined {
  return typeof value === 'object' && value !== null && value.kind === 'dict' ? value : undefined;
}

/** An nn.Module's `__dict__` (BUILD state): it has `_parameters`, `_buffers` and `_modules`. */
function moduleState(object: PyObject): PyDict | undefined {
  const state = asDict(object.state);
  return state && dictGet(state, '_parameters') !== undefined ? state : undefined;
}

/**
 * Walk the unpickled value into key paths (nested dict keys and list indexes joined with `.`).
 * A whole pickled nn.Module (a placeholder whose state has `_parameters`, `_buffers`, `_modules`)
 * yields its `state_dict()` names. Depth and total visits are bounded: the memo can make a value
 * refer to itself or share one list many times over.
 */
export function flattenPickle(result: Pick<PickleResult, 'value' | 'containerItems'>): Flattened {
  const out: Flattened = { tensors: [], metadata: {}, unsupported: [] };
  // A tree is walked in about one visit per container item; far more means containers shared many
  // times over (a "billion laughs" of memo references), refused before the walk blows up.
  const budget = Math.min(MAX_PICKLE_CONTAINER_ITEMS, 4 * result.containerItems + 1024);
  let visits = 0;

  const visit = (depth: number): void => {
    visits += 1;
    if (visits > budget) {
      throw new LensError('pt-limit', {
        hint: 'The number of values reached walking the pickle (shared containers)',
        actual: visits,
        limit: budget,
      });
    }
    if (depth > MAX_PICKLE_NESTING) {
      throw new LensError('pt-limit', {
        hint: 'The nesting depth of the pickled containers',
        actual: depth,
        limit: MAX_PICKLE_NESTING,
      });
    }
  };

  // defineProperty: a key named "__proto__" is data, not the object's prototype.
  const setMetadata = (path: string, value: string | number | boolean): void => {
    Object.defineProperty(out.metadata, path, { value, enumerable: true, writable: true, configurable: true });
  };

  const walkModule = (state: PyDict, path: string, depth: number): void => {
    visit(depth);
    const parameters = asDict(dictGet(state, '_parameters'));
    for (const [key, value] of parameters?.entries ?? [])
      if (value !== null) walk(value, join(path, keyText(key)), depth + 1);
    const nonPersistent = dictGet(state, '_non_persistent_buffers_set');
    const skip = new Set(
      typeof nonPersistent === 'object' && nonPersistent !== null && nonPersistent.kind === 'set'
        ? nonPersistent.items.filter((item): item is string => typeof item === 'string')
        : [],
    );
    for (const [key, value] of asDict(dictGet(state, '_buffers'))?.entries ?? []) {
      if (value !== null && !skip.has(keyText(key))) walk(value, join(path, keyText(key)), depth + 1);
    }
    for (const [key, value] of asDict(dictGet(state, '_modules'))?.entries ?? []) {
      if (value !== null) walk(value, join(path, keyText(key)), depth + 1);
    }
  };

  const walk = (value: PyValue, path: string, depth: number): void => {
    visit(depth);
    if (value === null) {
      setMetadata(path, 'None');
      return;
    }
    switch (typeof value) {
      case 'boolean':
      case 'number':
        setMetadata(path, value);
        return;
      case 'bigint':
        setMetadata(path, String(value));
        return;
      case 'string':
        setMetadata(path, value.length > MAX_STRING_VALUE_BYTES ? `${value.slice(0, MAX_STRING_VALUE_BYTES)}…` : value);
        return;
    }
    switch (value.kind) {
      case 'tensor':
        out.tensors.push({ name: path, tensor: value });
        return;
      case 'dict':
        for (const [key, item] of value.entries) walk(item, join(path, keyText(key)), depth + 1);
        return;
      case 'list':
      case 'tuple':
      case 'set':
        value.items.forEach((item, index) => walk(item, join(path, String(index)), depth + 1));
        return;
      case 'bytes':
      case 'global':
        setMetadata(path, pyRepr(value, 200));
        return;
      case 'storage':
        out.unsupported.push({ name: path, what: `a bare storage (${value.dtype}) without a tensor` });
        return;
      case 'object': {
        const module = moduleState(value);
        if (module) {
          walkModule(module, path, depth + 1);
          return;
        }
        if (value.allowed) {
          out.unsupported.push({ name: path, what: `${value.callee}(…), which is not a dense tensor` });
          return;
        }
        // Any other object: its attributes (BUILD state) and dict / list items, as key paths.
        const state = value.state;
        const slots =
          typeof state === 'object' && state !== null && state.kind === 'tuple' && state.items.length === 2
            ? state.items
            : [state];
        for (const part of slots) {
          const dict = asDict(part ?? null);
          if (dict) for (const [key, item] of dict.entries) walk(item, join(path, keyText(key)), depth + 1);
        }
        for (const [key, item] of value.entries ?? []) walk(item, join(path, keyText(key)), depth + 1);
        (value.items ?? []).forEach((item, index) => walk(item, join(path, String(index)), depth + 1));
        return;
      }
    }
  };

  walk(result.value, '', 0);
  return out;
}
