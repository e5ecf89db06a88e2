import { encodeUtf32le } from '../../base/decode';
import { compileNameMap } from '../name-map';
import { byteLengthOf, dtypeInfo, elementCount } from '../../base/dtypes';
import { LensError } from '../../base/errors';
import { tensorRowsOf, type TensorRows } from '../../base/tensor-columns';
import type { CheckpointIndex, TensorEntry, TensorKind, TensorProblemCode } from '../../base/types';
import { isAppendDictValue } from '../../formats/ckpt/append-dict';
import { safetensorsDtypeFor, safetensorsOrder } from '../../formats/safetensors/write';
import { KEY_LENGTHS } from '../../crypto/ciphers';
import { castElementBytes, castFamily, isAllowedCast } from './casts';

export type ExportFormat = 'ckpt' | 'safetensors';

/** Which parameters to keep: explicit names, or a predicate (the filter language compiles to one). */
export type TensorSelection = readonly string[] | ((entry: TensorEntry) => boolean);

export interface RenameRule {
  /** A JavaScript regular expression, applied to the whole name. */
  pattern: string;
  /** Replacement with `$1`…`$9` and `$&`. Every match is replaced. */
  replacement: string;
}

/** name_map (core/name-map's spec): an exact map wins; otherwise the rules apply in order. */
export interface RenameRules {
  exact?: Readonly<Record<string, string>>;
  rules?: readonly RenameRule[];
}

export interface CastRule {
  /**
   * Source dtype this rule applies to. Omitted: every parameter `names` lists, or without
   * `names`, every tensor of the target's family (e.g. `{to: 'Float16'}` casts all floats).
   */
  from?: string;
  to: string;
  /** Source parameter names this rule is limited to (per-parameter casts). */
  names?: readonly string[];
}

/** An `append_dict` value as save_checkpoint stores it (ckpt-format.md §3.4). */
export type AppendValue =
  | { type: 'int'; value: bigint }
  | { type: 'float'; value: number }
  | { type: 'bool'; value: boolean }
  | { type: 'str'; value: string };

export interface AppendDictEdits {
  /** Output name → value, in insertion order. An existing name keeps its position. */
  set?: ReadonlyArray<readonly [string, AppendValue]>;
  /** Output names to leave out. */
  remove?: readonly string[];
}

export type EncryptionMode = 'AES-GCM' | 'AES-CBC' | 'SM4-CBC';

export interface ExportOptions {
  format?: ExportFormat;
  select?: TensorSelection;
  renames?: RenameRules | ((name: string) => string);
  casts?: readonly CastRule[];
  appendDict?: AppendDictEdits;
  /** ckpt: the `crc_num` trailer; safetensors: `__metadata__.crc_num`. */
  crc?: boolean;
  /** ckpt only. The key itself is passed again when the output is built, never kept in the plan. */
  encryption?: { mode: string; keyLength: number } | null;
  /** safetensors `__metadata__.format` (MindSpore 2.7 writes "ms"); none by default, as 2.5/2.6. */
  metadataFormat?: 'ms' | 'pt' | null;
  /** safetensors: further `__metadata__` entries (e.g. the source's own), written first. */
  metadata?: Readonly<Record<string, string>>;
  /**
   * ckpt dims of untouched values: `keep` writes them as stored (legacy `dims [0]` scalars stay,
   * so an unchanged file is reproduced byte for byte); `mindspore` writes what save_checkpoint
   * 2.3+ writes after load_checkpoint (no dims for scalars).
   */
  scalarDims?: 'keep' | 'mindspore';
  /** ckpt record payload limit (512 MiB); injectable for tests. */
  sliceBytes?: number;
}

export interface PlannedTensor {
  /** Name in the output. */
  name: string;
  /** Name in the source, or null for a value added through append_dict. */
  sourceName: string | null;
  /** Position of the source tensor in the index the plan was made from; -1 for an append_dict value. */
  source: number;
  dtype: string;
  shape: readonly number[];
  /** ckpt dims as written. */
  dims: readonly number[];
  kind: TensorKind;
  /** Content bytes in the output. */
  bytes: number;
  cast: { from: string; to: string } | null;
  /** Source bf16 stored as float32 (MindSpore ≤ 2.2), written as native bf16 (high halves). */
  legacyBfloat16?: boolean;
  /** The value when it comes from append_dict edits. */
  appended: AppendValue | null;
}

/**
 * Why a selected value is not written: MindSpore's writer skips empty tensors; a PyTorch tensor
 * whose dtype MindSpore lacks, or whose view cannot be read, has no values to write.
 */
export type OmitReason = 'zero-size' | 'no-mindspore-dtype' | 'view-outside-storage' | 'view-too-fragmented';
const UNWRITABLE: ReadonlySet<string> = new Set<OmitReason>([
  'no-mindspore-dtype',
  'view-outside-storage',
  'view-too-fragmented',
]);

/**
 * Tensor problems an export refuses to copy: the entry contradicts its shape, dtype or the file.
 * (Views a reader cannot gather are omitted instead; notes on how a file was saved are copied.)
 */
const DAMAGE: ReadonlySet<string> = new Set<TensorProblemCode>([
  'size-mismatch',
  'unknown-dtype',
  'past-end-of-file',
  'dim-too-large-for-mindspore',
  'string-not-utf32',
]);

export interface ExportPlan {
  format: ExportFormat;
  /** In file order for ckpt; safetensors re-sorts when writing. */
  tensors: PlannedTensor[];
  /** Selected values that will not be in the output, and why. */
  omitted: { name: string; reason: OmitReason }[];
  crc: boolean;
  encryption: { mode: EncryptionMode; keyLength: number } | null;
  metadataFormat: 'ms' | 'pt' | null;
  /** safetensors `__metadata__` entries besides `format` and `crc_num`. */
  metadata: Record<string, string>;
  sliceBytes: number | null;
}

/** MindSpore refuses these before writing a byte (ckpt-format.md §5.1, §6; ckpt-crypto.md §5). */
export function checkEncryptionOptions(
  format: ExportFormat,
  crc: boolean,
  encryption: { mode: string; keyLength: number } | null | undefined,
): { mode: EncryptionMode; keyLength: number } | null {
  if (!encryption) return null;
  if (format === 'safetensors') throw new LensError('export-encrypt-safetensors');
  if (!Object.hasOwn(KEY_LENGTHS, encryption.mode)) {
    throw new LensError('export-bad-enc-mode', { actual: encryption.mode });
  }
  const mode = encryption.mode as EncryptionMode;
  const allowed = KEY_LENGTHS[mode];
  if (!allowed.includes(encryption.keyLength)) {
    throw new LensError('crypto-key-length', {
      expected: mode,
      actual: encryption.keyLength,
      hint: `${allowed.join(', ')} bytes`,
    });
  }
  if (crc) throw new LensError('export-crc-with-encryption');
  return { mode, keyLength: encryption.keyLength };
}

/** Rules run on the linear-time regex engine of core/name-map, like the load check's. */
function compileRenames(renames: ExportOptions['renames']): (name: string) => string {
  if (!renames) return (name) => name;
  if (typeof renames === 'function') return renames;
  return compileNameMap({ exact: { ...(renames.exact ?? {}) }, rules: [...(renames.rules ?? [])] }).apply;
}

/** The positions of the selected tensors, in file order. */
function selectPositions(rows: TensorRows, select: TensorSelection | undefined): number[] {
  const positions: number[] = [];
  if (select === undefined) {
    for (let at = 0; at < rows.length; at += 1) positions.push(at);
    return positions;
  }
  if (typeof select === 'function') {
    // The predicate gets an entry made for the call (from columns, one at a time).
    for (let at = 0; at < rows.length; at += 1) if (select(rows.entry(at))) positions.push(at);
    return positions;
  }
  const names = new Set<string>();
  for (let at = 0; at < rows.length; at += 1) names.add(rows.name(at));
  const wanted = new Set<string>();
  for (const name of select) {
    if (!names.has(name)) throw new LensError('export-unknown-tensor', { tensor: name, hint: 'the selection' });
    wanted.add(name);
  }
  // File order, whatever order the names were given in.
  for (let at = 0; at < rows.length; at += 1) if (wanted.has(rows.name(at))) positions.push(at);
  return positions;
}

/** The first damaged tensor among `selected` (ascending) and how many there are. */
function damagedAmong(rows: TensorRows, selected: readonly number[]): { at: number; count: number } | null {
  let first = -1;
  let count = 0;
  let k = 0;
  // Both lists ascend: one merge, no set of a million positions.
  for (const at of rows.withProblems()) {
    while (k < selected.length && (selected[k] as number) < at) k += 1;
    if (selected[k] !== at || !rows.problems(at)?.some((problem) => DAMAGE.has(problem.code))) continue;
    if (first < 0) first = at;
    count += 1;
  }
  return first < 0 ? null : { at: first, count };
}

interface CompiledCastRule {
  from?: string;
  to: string;
  names?: ReadonlySet<string>;
}

function castTarget(entry: TensorEntry, casts: readonly CompiledCastRule[]): string | null {
  let target: string | null = null;
  for (const rule of casts) {
    if (rule.names && !rule.names.has(entry.name)) continue;
    if (rule.from !== undefined && rule.from !== entry.dtype) continue;
    if (!rule.names && rule.from === undefined && (entry.kind !== 'tensor' || !isAllowedCast(entry.dtype, rule.to))) {
      continue;
    }
    target = rule.to; // later rules win, so a per-parameter rule can follow a per-dtype one
  }
  return target === entry.dtype ? null : target;
}

/** Content of an append_dict value: dtype, ckpt dims and bytes (ckpt-format.md §3.3, §3.4). */
export function encodeAppendValue(
  name: string,
  value: AppendValue,
): { dtype: string; dims: number[]; bytes: Uint8Array } {
  switch (value.type) {
    case 'int': {
      const bytes = new Uint8Array(8);
      const view = new DataView(bytes.buffer);
      if (value.value >= -(2n ** 63n) && value.value < 2n ** 63n) {
        view.setBigInt64(0, value.value, true);
        return { dtype: 'Int64', dims: [], bytes };
      }
      // Python ints ≥ 2^63 become numpy uint64, so Tensor(value) is UInt64.
      if (value.value >= 0n && value.value < 2n ** 64n) {
        view.setBigUint64(0, value.value, true);
        return { dtype: 'UInt64', dims: [], bytes };
      }
      throw new LensError('export-bad-append-value', {
        tensor: name,
        hint: `${value.value} does not fit a 64-bit integer`,
      });
    }
    case 'float': {
      const bytes = new Uint8Array(4);
      new DataView(bytes.buffer).setFloat32(0, value.value, true);
      return { dtype: 'Float32', dims: [], bytes };
    }
    case 'bool':
      return { dtype: 'Bool', dims: [], bytes: new Uint8Array([value.value ? 1 : 0]) };
    case 'str': {
      // numpy `<U` content; "" is one NUL code point (dtype <U1).
      const bytes = encodeUtf32le(value.value);
      return { dtype: 'str', dims: [0], bytes };
    }
  }
}

function plannedFromEntry(
  entry: TensorEntry,
  source: number,
  name: string,
  format: ExportFormat,
  cast: string | null,
  scalarDims: 'keep' | 'mindspore',
): PlannedTensor {
  const sizeProblem = entry.problems?.find((p) => p.code === 'size-mismatch');
  const isLegacyBf16 = entry.problems?.some((p) => p.code === 'legacy-bfloat16-as-float32') ?? false;
  // MindSpore ≤ 2.2 stored bf16 as float32; unless copied verbatim, it becomes native bf16.
  const convertsLegacyBf16 = isLegacyBf16 && !(format === 'ckpt' && scalarDims === 'keep' && cast === null);
  if (sizeProblem) {
    const info = dtypeInfo(entry.dtype);
    throw new LensError('export-size-mismatch', {
      tensor: entry.name,
      actual: entry.bytes,
      expected: info ? byteLengthOf(info, elementCount(entry.shape)) : 'unknown',
    });
  }
  if (entry.kind === 'map' && (format === 'safetensors' || cast !== null)) {
    throw new LensError('export-unsupported-dtype', {
      tensor: entry.name,
      actual: 'MapTensor',
      expected: format === 'safetensors' ? 'safetensors' : 'a cast',
    });
  }
  if (format === 'safetensors') safetensorsDtypeFor({ name: entry.name, dtype: cast ?? entry.dtype });
  let bytes = convertsLegacyBf16 ? entry.bytes / 2 : entry.bytes;
  if (cast !== null) {
    if (entry.kind !== 'tensor' || !isAllowedCast(entry.dtype, cast)) {
      throw new LensError('export-bad-cast', { tensor: entry.name, actual: entry.dtype, expected: cast });
    }
    bytes = (bytes / (castElementBytes(entry.dtype) as number)) * (castElementBytes(cast) as number);
  }
  const storedDims = entry.storedDims ?? entry.shape;
  // save_checkpoint 2.3+ writes shape () as no dims; strings always carry dims [0].
  const rewritten = scalarDims === 'mindspore' || cast !== null || convertsLegacyBf16;
  const dims = entry.kind === 'tensor' && rewritten ? entry.shape : storedDims;
  return {
    name,
    sourceName: entry.name,
    source,
    dtype: cast ?? entry.dtype,
    // The entry's arrays, shared (interned shapes are frozen: nothing edits them in place).
    shape: entry.shape,
    dims,
    kind: entry.kind,
    bytes,
    cast: cast !== null ? { from: entry.dtype, to: cast } : null,
    legacyBfloat16: convertsLegacyBf16,
    appended: null,
  };
}

/**
 * Decide what an export writes, without reading any tensor bytes: selection, renames, casts,
 * append_dict edits and the format's rules. Throws a LensError for anything MindSpore refuses.
 */
export function planExport(index: CheckpointIndex, options: ExportOptions = {}): ExportPlan {
  const format = options.format ?? 'ckpt';
  const crc = options.crc ?? false;
  const encryption = checkEncryptionOptions(format, crc, options.encryption);
  const scalarDims = options.scalarDims ?? 'keep';
  const rename = compileRenames(options.renames);
  // By position: a columnar index is read without making an entry of every tensor at once.
  const rows = tensorRowsOf(index);
  const casts = options.casts ?? [];
  // Made only when a cast rule names tensors (a million names are a Set of ~50 MB).
  let sourceNames: Set<string> | null = null;
  for (const rule of casts) {
    if (castFamily(rule.to) === null || (rule.from !== undefined && !isAllowedCast(rule.from, rule.to))) {
      throw new LensError('export-bad-cast', { actual: rule.from, expected: rule.to });
    }
    for (const name of rule.names ?? []) {
      sourceNames ??= new Set(Array.from({ length: rows.length }, (_, at) => rows.name(at)));
      if (!sourceNames.has(name)) {
        throw new LensError('export-unknown-tensor', { tensor: name, hint: 'a cast rule' });
      }
    }
  }

  const compiledCasts: CompiledCastRule[] = casts.map((rule) => ({
    from: rule.from,
    to: rule.to,
    names: rule.names ? new Set(rule.names) : undefined,
  }));
  const tensors: PlannedTensor[] = [];
  const positionByName = new Map<string, number>();
  const removed = new Set(options.appendDict?.remove ?? []);
  const removedFound = new Set<string>();
  const omitted: ExportPlan['omitted'] = [];
  const selected = selectPositions(rows, options.select);
  // A selected entry that contradicts its shape or dtype would be written as it is: a file that
  // looks re-saved by MindSpore and that load_checkpoint still fails on. Refused before any byte.
  const damaged = damagedAmong(rows, selected);
  if (damaged) {
    throw new LensError('export-damaged-source', {
      tensor: rows.name(damaged.at),
      actual: rows.problems(damaged.at)?.find((problem) => DAMAGE.has(problem.code))?.code,
      expected: damaged.count,
    });
  }
  for (const at of selected) {
    // From columns, an entry made for this tensor only: the plan keeps none of it but its shapes.
    const entry = rows.entry(at);
    const name = rename(entry.name);
    if (removed.has(name)) {
      removedFound.add(name);
      continue;
    }
    const unwritable = entry.problems?.find((problem) => UNWRITABLE.has(problem.code));
    if (unwritable) {
      omitted.push({ name, reason: unwritable.code as OmitReason });
      continue;
    }
    if (name.length === 0) {
      if (entry.name.length === 0) throw new LensError('export-empty-name');
      throw new LensError('name-map-bad-rule', { actual: entry.name, hint: 'they turn this name into ""' });
    }
    const previous = positionByName.get(name);
    if (previous !== undefined) {
      const first = String(tensors[previous]?.sourceName);
      throw new LensError('export-name-collision', {
        tensor: name,
        ...(first === entry.name ? { expected: 'in-source' } : {}),
        hint: `from "${first}" and "${entry.name}"`,
      });
    }
    positionByName.set(name, tensors.length);
    tensors.push(plannedFromEntry(entry, at, name, format, castTarget(entry, compiledCasts), scalarDims));
  }

  for (const name of removed) {
    if (!removedFound.has(name) && !(options.appendDict?.set ?? []).some(([key]) => key === name)) {
      throw new LensError('export-unknown-tensor', { tensor: name, hint: 'the values to remove' });
    }
  }
  for (const [name, value] of options.appendDict?.set ?? []) {
    if (name.length === 0) throw new LensError('export-bad-append-value', { tensor: name, hint: 'the name is empty' });
    const encoded = encodeAppendValue(name, value);
    if (format === 'safetensors') safetensorsDtypeFor({ name, dtype: encoded.dtype });
    const planned: PlannedTensor = {
      name,
      sourceName: null,
      source: -1,
      dtype: encoded.dtype,
      shape: [],
      dims: encoded.dims,
      kind: encoded.dtype === 'str' ? 'string' : 'tensor',
      bytes: encoded.bytes.length,
      cast: null,
      appended: value,
    };
    // save_checkpoint's OrderedDict: a later value replaces an earlier one in place — but only
    // a value: a weight of the source replaced by a number would be lost without a word.
    const existing = positionByName.get(name);
    const replaced = existing === undefined ? undefined : tensors[existing];
    if (replaced && replaced.sourceName !== null && !isAppendDictValue(replaced))
      throw new LensError('export-bad-append-value', {
        tensor: name,
        expected: 'weight',
        hint: `the source holds a tensor under this name (${replaced.dtype}, shape [${replaced.shape.join(', ')}]), and values set this way only add or replace append_dict values (numbers and strings)`,
      });
    if (existing !== undefined) tensors[existing] = planned;
    else {
      positionByName.set(name, tensors.length);
      tensors.push(planned);
    }
  }

  const kept = tensors.filter((tensor) => !removed.has(tensor.name));
  const written = kept.filter((tensor) => {
    // The default ckpt writer emits no record for an empty tensor (ckpt-format.md §3.2).
    if (format === 'ckpt' && tensor.bytes === 0 && tensor.kind !== 'map') {
      omitted.push({ name: tensor.name, reason: 'zero-size' });
      return false;
    }
    return true;
  });
  if (written.length === 0) {
    // Say what was left out and why, when it was not the user's selection that emptied it.
    const shown = omitted.slice(0, 3).map((item) => `"${item.name}" (${item.reason})`);
    throw new LensError(
      'export-empty',
      omitted.length > 0
        ? { hint: `${shown.join(', ')}${omitted.length > 3 ? ` and ${omitted.length - 3} more` : ''}` }
        : {},
    );
  }
  return {
    format,
    tensors: written,
    omitted,
    crc,
    encryption,
    metadataFormat: format === 'safetensors' ? (options.metadataFormat ?? null) : null,
    metadata: format === 'safetensors' ? { ...(options.metadata ?? {}) } : {},
    sliceBytes: options.sliceBytes ?? null,
  };
}

/** Source names in the order the written file reads their content (safetensors re-sorts). */
export function contentReadOrder(plan: ExportPlan): string[] {
  const tensors = plan.format === 'safetensors' ? safetensorsOrder(plan.tensors) : plan.tensors;
  return tensors.flatMap((tensor) => (tensor.sourceName === null ? [] : [tensor.sourceName]));
}
