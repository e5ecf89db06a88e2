import { LensError } from '../../base/errors';
import { MAX_DIMS, MAX_MANIFEST_ENTRIES } from '../../base/limits';
import { normalizeDtypeName } from './dtype-names';
import { contradicts, describeContradiction } from './repeats';
import type { NetworkManifest, NetworkParam } from './types';
import { plural } from '../../base/plural';

/**
 * JSON manifests:
 *   {"name": {"shape": [..], "dtype": "Float32"}, …}   (net.parameters_and_names() one-liner)
 *   {"name": [..shape..], …}
 *   [{"name": .., "shape": [..], "dtype": "torch.float32"}, …]   (state_dict() one-liner)
 *   [["name", [..shape..], "dtype"], …]   or   ["name", …]
 * A flat {"old": "new"} object is a name map, not a manifest: that is reported as such.
 */
function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function bad(hint: string, file: string | undefined, tensor?: string): LensError {
  return new LensError('manifest-bad-json', {
    hint,
    ...(tensor !== undefined ? { tensor } : {}),
    ...(file ? { file } : {}),
  });
}

function readShape(value: unknown, name: string, file?: string): number[] | null {
  if (value === undefined || value === null) return null;
  if (!Array.isArray(value) || value.length > MAX_DIMS)
    throw bad('"shape" must be a list of whole numbers', file, name);
  for (const dim of value) {
    if (typeof dim !== 'number' || !Number.isSafeInteger(dim) || dim < 0) {
      throw bad('"shape" must be a list of whole numbers', file, name);
    }
  }
  return value as number[];
}

function readDtype(value: unknown, name: string, file?: string): Pick<NetworkParam, 'dtype' | 'rawDtype'> {
  if (value === undefined || value === null) return { dtype: null };
  if (typeof value !== 'string') throw bad('"dtype" must be a string', file, name);
  const dtype = normalizeDtypeName(value);
  if (dtype === null) throw bad(`unknown dtype "${value}"`, file, name);
  return dtype === value ? { dtype } : { dtype, rawDtype: value };
}

function fromValue(name: string, value: unknown, file?: string): NetworkParam {
  if (Array.isArray(value)) return { name, shape: readShape(value, name, file), dtype: null };
  if (isRecord(value)) {
    return { name, shape: readShape(value.shape, name, file), ...readDtype(value.dtype ?? value.type, name, file) };
  }
  if (value === null) return { name, shape: null, dtype: null };
  throw bad('each entry must be {"shape": [..], "dtype": ".."} or a shape list', file, name);
}

function fromListItem(item: unknown, index: number, file?: string): NetworkParam {
  if (typeof item === 'string') return { name: item, shape: null, dtype: null };
  if (Array.isArray(item) && typeof item[0] === 'string') {
    return { name: item[0], shape: readShape(item[1], item[0], file), ...readDtype(item[2], item[0], file) };
  }
  if (isRecord(item) && typeof item.name === 'string') {
    return {
      name: item.name,
      shape: readShape(item.shape, item.name, file),
      ...readDtype(item.dtype ?? item.type, item.name, file),
    };
  }
  throw bad(`list item ${index + 1} has no "name"`, file);
}

export function parseJsonManifest(text: string, file?: string): NetworkManifest {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw bad(error instanceof Error ? error.message : 'the JSON does not parse', file);
  }
  // {"parameters": …} / {"params": …} wrappers.
  if (isRecord(data)) {
    const keys = Object.keys(data);
    const only = keys.length === 1 ? keys[0] : undefined;
    if (only && ['parameters', 'params', 'state_dict', 'network'].includes(only)) {
      const inner = data[only];
      if (Array.isArray(inner) || isRecord(inner)) data = inner;
    }
  }
  const params: NetworkParam[] = [];
  let layout: string;
  if (Array.isArray(data)) {
    if (data.length > MAX_MANIFEST_ENTRIES)
      throw new LensError('manifest-too-large', { actual: `${data.length} entries`, limit: MAX_MANIFEST_ENTRIES });
    data.forEach((item, index) => params.push(fromListItem(item, index, file)));
    layout = '[{name, shape, dtype}]';
  } else if (isRecord(data)) {
    const entries = Object.entries(data);
    if (entries.length > MAX_MANIFEST_ENTRIES)
      throw new LensError('manifest-too-large', { actual: `${entries.length} entries`, limit: MAX_MANIFEST_ENTRIES });
    if (entries.length > 0 && entries.every(([, value]) => typeof value === 'string')) {
      throw new LensError('manifest-is-name-map', { actual: entries.length, ...(file ? { file } : {}) });
    }
    for (const [name, value] of entries) params.push(fromValue(name, value, file));
    layout = '{name: {shape, dtype}}';
  } else {
    throw bad('the top level must be an object or a list', file);
  }
  if (params.length === 0) throw new LensError('manifest-empty', file ? { file } : {});
  const seen = new Map<string, NetworkParam>();
  const unique = params.filter((param) => {
    const earlier = seen.get(param.name);
    if (!earlier) return (seen.set(param.name, param), true);
    if (contradicts(earlier, param)) throw bad(describeContradiction(earlier, param, ''), file, param.name);
    return false;
  });
  const repeated = params.length - unique.length;
  const notes =
    repeated > 0 ? [`${plural(repeated, 'repeated name')} ${repeated === 1 ? 'was' : 'were'} listed once.`] : [];
  return { kind: 'json', layout, params: unique, notes };
}
