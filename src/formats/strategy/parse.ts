import { LensError } from '../../base/errors';
import { MAX_DIMS, MAX_STRATEGY_FILE_BYTES, MAX_TENSOR_ENTRIES } from '../../base/limits';
import type { ByteSource } from '../../io/byte-source';
import { readWholeBounded } from '../../io/read-whole';
import { mindspore } from '../../generated/node_strategy.js';
import { plural } from '../../base/plural';
import { looksLikeJsonStrategy } from './sniff';
import type { ParallelStrategy, ParameterLayout, StrategyEncoding, StrategyProblem, TensorMapEntry } from './types';

const straspb = mindspore.straspb;

/** A layout as read, before stage prefixes are resolved. */
interface RawLayout extends Omit<ParameterLayout, 'stages'> {
  key: string;
}

interface RawStrategy {
  encoding: StrategyEncoding;
  currentStage: number;
  fileStage: number | null;
  operatorCount: number;
  layouts: RawLayout[];
  problems: StrategyProblem[];
}

/** What an entry of each list may hold: tensor_map −1 (not split) or an axis; dev_matrix is checked per layout (sizes ≥ 1). */
type DimRule = 'axis' | 'size' | 'count';

function checkDims(values: readonly number[], what: string, key: string, rule: DimRule): number[] {
  if (values.length > MAX_DIMS) {
    throw new LensError('strategy-bad-layout', {
      tensor: key,
      hint: `its ${what} has ${values.length} entries; the limit is ${MAX_DIMS}`,
    });
  }
  for (const value of values) {
    const ok = Number.isSafeInteger(value) && (rule === 'axis' ? value >= -1 : rule === 'count' ? value >= 0 : true);
    if (!ok) {
      throw new LensError('strategy-bad-layout', {
        tensor: key,
        hint: `its ${what} holds ${String(value)}, which is not ${rule === 'axis' ? 'an integer of -1 or more' : rule === 'count' ? 'a whole number of 0 or more' : 'an integer'}`,
      });
    }
  }
  return [...values];
}

/** A dimension's device axes: none → -1, one → that axis, several → the list (outer first). */
function entryOfAxes(axes: readonly number[]): TensorMapEntry {
  const used = axes.filter((axis) => axis !== -1);
  if (used.length === 0) return -1;
  return used.length === 1 ? (used[0] ?? -1) : used;
}

/** §1.4: one TensorMap message = flat map; several = one per tensor dimension (nested). */
function tensorMapOf(messages: readonly { dim?: number[] | null }[], key: string): TensorMapEntry[] {
  if (messages.length === 0) return [];
  if (messages.length === 1) return checkDims(messages[0]?.dim ?? [], 'tensor_map', key, 'axis');
  const perDim = messages.map((message) => checkDims(message.dim ?? [], 'tensor_map', key, 'axis'));
  if (perDim.length > 1 && perDim[perDim.length - 1]?.length === 0) perDim.pop();
  return perDim.map(entryOfAxes);
}

/** A protobufjs decode failure in our words, when the field walk below found nothing more precise. */
function protobufProblem(error: unknown): string {
  const message = error instanceof Error ? error.message : '';
  if (/wire type/i.test(message)) return 'A protobuf field has an invalid wire type: the bytes are damaged.';
  if (/missing required/i.test(message)) return 'A field every ParallelStrategyMap has is missing.';
  return 'Its bytes do not decode as a ParallelStrategyMap.';
}

const hexBytes = (bytes: Uint8Array): string =>
  [...bytes.subarray(0, 8)].map((byte) => byte.toString(16).padStart(2, '0')).join(' ') +
  (bytes.length > 8 ? ' …' : '');

/** A varint at `at`: its value (exact below 2^53) and where it ends, or null when it runs past the end. */
function varintAt(bytes: Uint8Array, at: number): { value: number; end: number } | null {
  let value = 0;
  for (let i = 0; i < 10; i += 1) {
    const byte = bytes[at + i];
    if (byte === undefined) return null;
    value += (byte & 0x7f) * 2 ** (7 * i);
    if ((byte & 0x80) === 0) return { value, end: at + i + 1 };
  }
  return { value: Infinity, end: at + 10 };
}

/** The top-level fields of a ParallelStrategyMap: tag byte → what it holds. */
const MAP_FIELDS: ReadonlyMap<number, 'current_stage' | 'operator item' | 'layout item'> = new Map([
  [0x08, 'current_stage'],
  [0x12, 'operator item'],
  [0x1a, 'layout item'],
] as const);

/**
 * Why bytes that protobufjs refused are not a ParallelStrategyMap, found by walking its top-level
 * fields: garbage from the start (not a strategy), bytes after complete fields (appended or
 * overwritten, not a cut), a field that runs past the end (cut short), or a damaged item. Null
 * when every field is well formed (the caller falls back to the decoder's reason).
 */
function walkProblem(bytes: Uint8Array): string | null {
  let at = 0;
  let fields = 0;
  while (at < bytes.length) {
    const start = at;
    const what = MAP_FIELDS.get(bytes[at] ?? 0);
    if (!what) {
      if (fields === 0)
        return `Its first bytes (${hexBytes(bytes)}) are not the fields a ParallelStrategyMap starts with: it is not protobuf strategy data.`;
      const rest = bytes.subarray(start);
      return `Its ${plural(fields, 'field')} up to byte ${start.toLocaleString('en-US')} form a complete ParallelStrategyMap, but the ${plural(rest.length, 'byte')} after them (${hexBytes(rest)}) are not a field of one: bytes were appended to the file or overwritten there; it is not cut short.`;
    }
    const length = varintAt(bytes, at + 1);
    if (!length) return cutShort(start, fields, 'its value');
    at = length.end;
    if (what !== 'current_stage') {
      const remaining = bytes.length - at;
      if (length.value > remaining)
        return cutShort(start, fields, `${length.value.toLocaleString('en-US')} bytes`, remaining);
      const body = bytes.subarray(at, at + length.value);
      try {
        if (what === 'layout item') straspb.ParallelLayoutItem.decode(body);
        else straspb.ParallelStrategyItem.decode(body);
      } catch {
        return `The ${what} at byte ${start.toLocaleString('en-US')} does not decode: the bytes are damaged there.`;
      }
      at += length.value;
    }
    fields += 1;
  }
  return null;
}

function cutShort(at: number, fieldsBefore: number, needs: string, remaining?: number): string {
  const need = remaining === undefined ? '' : ` (it needs ${needs}, ${plural(remaining, 'byte')} remain)`;
  return fieldsBefore > 0
    ? `Its protobuf data ends in the middle of the field at byte ${at.toLocaleString('en-US')}${need}: the file is cut short.`
    : `Its first field already runs past the end of the file${need}: the file is cut short, or it is not a strategy file.`;
}

function tooManyLayouts(count: number): LensError {
  return new LensError('strategy-bad-layout', {
    hint: `lists ${count.toLocaleString('en-US')} parameters; the limit is ${MAX_TENSOR_ENTRIES.toLocaleString('en-US')}`,
  });
}

function decodeProtobuf(bytes: Uint8Array): RawStrategy {
  let map: ReturnType<typeof straspb.ParallelStrategyMap.decode>;
  try {
    map = straspb.ParallelStrategyMap.decode(bytes);
  } catch (error) {
    throw new LensError('strategy-unreadable', { hint: walkProblem(bytes) ?? protobufProblem(error) }, error);
  }
  if (map.parallelLayoutItem.length > MAX_TENSOR_ENTRIES) throw tooManyLayouts(map.parallelLayoutItem.length);
  const problems: StrategyProblem[] = [];
  const layouts = map.parallelLayoutItem.map((item): RawLayout => {
    const key = item.paramName;
    const layout = item.parallelLayouts;
    const devMatrix = layout.devMatrix ?? [];
    const paramSplitShape = layout.paramSplitShape ?? [];
    // The Python reader fails on a missing param_split_shape[0]; an absent entry means "even split".
    if (paramSplitShape.length === 0 || devMatrix.length === 0) {
      problems.push({ code: 'layout-defaulted', detail: key });
    }
    const ints = {
      field: layout.field ?? 0,
      opt_weight_shard_step: layout.optWeightShardStep ?? 0,
      opt_weight_shard_size: layout.optWeightShardSize ?? 0,
    };
    checkLayoutInts(ints, key);
    return {
      key,
      name: key,
      devMatrix: checkDims(devMatrix[0]?.dim ?? [], 'dev_matrix', key, 'size'),
      tensorMap: tensorMapOf(layout.tensorMap ?? [], key),
      paramSplitShape: checkDims(paramSplitShape[0]?.dim ?? [], 'param_split_shape', key, 'count'),
      indicesOffset: checkDims(layout.indicesOffset?.[0]?.dim ?? [], 'indices_offset', key, 'count'),
      field: ints.field,
      optStep: ints.opt_weight_shard_step,
      optSize: ints.opt_weight_shard_size,
    };
  });
  return {
    encoding: 'protobuf',
    currentStage: map.currentStage,
    fileStage: map.parallelStrategyItem[0]?.parallelStrategys.stage ?? null,
    operatorCount: map.parallelStrategyItem.length,
    layouts,
    problems,
  };
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function numberList(value: unknown, what: string, key: string, rule: DimRule): number[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    throw new LensError('strategy-bad-layout', {
      tensor: key,
      hint: `its ${what} is ${foundJson(value)}, not a list of integers`,
    });
  }
  const other = value.findIndex((v) => typeof v !== 'number');
  if (other !== -1) {
    throw new LensError('strategy-bad-layout', {
      tensor: key,
      hint: `its ${what} holds ${foundJson(value[other])}, which is not an integer`,
    });
  }
  return checkDims(value as number[], what, key, rule);
}

function jsonTensorMap(value: unknown, key: string): TensorMapEntry[] {
  if (!Array.isArray(value))
    throw new LensError('strategy-bad-layout', { tensor: key, hint: 'it has no tensor_map list' });
  return value.map((entry): TensorMapEntry => {
    if (typeof entry === 'number') return checkDims([entry], 'tensor_map', key, 'axis')[0] ?? -1;
    if (!Array.isArray(entry)) {
      throw new LensError('strategy-bad-layout', {
        tensor: key,
        hint: `its tensor_map holds ${foundJson(entry)}, which is neither a device axis nor a list of them`,
      });
    }
    return entryOfAxes(numberList(entry, 'tensor_map', key, 'axis'));
  });
}

/**
 * A whole-number field of MindSpore's strategy with its protobuf type's range (node_strategy.proto:
 * current_stage and stage are uint32; field, opt_weight_shard_step and opt_weight_shard_size int32)
 * and, within it, the values that mean something: a size of −1 means "the whole replica group".
 */
interface IntField {
  min: number;
  max: number;
}
const UINT32: IntField = { min: 0, max: 2 ** 32 - 1 };
const INT32_FIELDS: Readonly<Record<'field' | 'opt_weight_shard_step' | 'opt_weight_shard_size', IntField>> = {
  field: { min: 0, max: 2 ** 31 - 1 },
  opt_weight_shard_step: { min: 0, max: 2 ** 31 - 1 },
  opt_weight_shard_size: { min: -1, max: 2 ** 31 - 1 },
};

/** A JSON value as a sentence quotes it: the value (shortened) and, for what is not a number, its kind. */
function foundJson(value: unknown): string {
  if (value === undefined) return 'missing';
  if (typeof value === 'number') return `${String(value)}`;
  const kind = jsonKind(value);
  if (value === null || typeof value === 'object') return kind;
  const text = JSON.stringify(value);
  return `${text.length > 40 ? `${text.slice(0, 40)}…` : text} (${kind})`;
}

function rangeText(range: IntField): string {
  return `a whole number from ${range.min.toLocaleString('en-US')} to ${range.max.toLocaleString('en-US')}`;
}

/** Why `value` is not a whole number in `range`, as a clause naming the field; null when it is. */
function intFieldProblem(value: unknown, what: string, range: IntField): string | null {
  if (typeof value === 'number' && Number.isInteger(value) && value >= range.min && value <= range.max) return null;
  return `its ${what} is ${foundJson(value)}, not ${rangeText(range)}`;
}

/** field and the optimizer-shard pair, whatever the encoding (protobuf int32 can be negative too). */
function checkLayoutInts(values: Record<keyof typeof INT32_FIELDS, unknown>, key: string): void {
  for (const [what, range] of Object.entries(INT32_FIELDS)) {
    const problem = intFieldProblem(values[what as keyof typeof INT32_FIELDS], what, range);
    if (problem) throw new LensError('strategy-bad-layout', { tensor: key, hint: problem });
  }
}

/** current_stage, and each operator item's stage (the first names the file's pipeline stage). */
function checkJsonStages(root: Record<string, unknown>): void {
  if (root.current_stage !== undefined) {
    const problem = intFieldProblem(root.current_stage, 'current_stage', UINT32);
    if (problem) throw new LensError('strategy-bad-layout', { hint: problem });
  }
  const operators = root.parallel_strategy_item;
  if (operators === undefined) return;
  if (!isRecord(operators)) {
    throw new LensError('strategy-bad-layout', {
      hint: `its parallel_strategy_item is ${foundJson(operators)}, not an object of operator items`,
    });
  }
  for (const [name, item] of Object.entries(operators)) {
    const problem = !isRecord(item)
      ? `its operator item ${JSON.stringify(name)} is ${foundJson(item)}, not an object`
      : intFieldProblem(item.stage, `stage of operator ${JSON.stringify(name)}`, UINT32);
    if (problem) throw new LensError('strategy-bad-layout', { hint: problem });
  }
}

/** Deeper than any strategy (root → parallel_layout_item → name → tensor_map → axes is 5): not one, and JSON.parse need not see it. */
const MAX_JSON_DEPTH = 32;

/** How deep the JSON text nests, counted up to just past `limit` (brackets inside strings do not count). */
function jsonDepth(bytes: Uint8Array, limit: number): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i += 1) {
    const byte = bytes[i];
    if (inString) {
      if (byte === 0x5c) i += 1;
      else if (byte === 0x22) inString = false;
    } else if (byte === 0x22) inString = true;
    else if (byte === 0x7b || byte === 0x5b) {
      depth += 1;
      if (depth > deepest && (deepest = depth) > limit) return deepest;
    } else if (byte === 0x7d || byte === 0x5d) depth -= 1;
  }
  return deepest;
}

const jsonKind = (value: unknown): string =>
  value === null
    ? 'null'
    : Array.isArray(value)
      ? 'an array'
      : typeof value === 'object'
        ? 'an object'
        : `a ${typeof value}`;

function decodeJson(bytes: Uint8Array): RawStrategy {
  if (jsonDepth(bytes, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) {
    throw new LensError('strategy-unreadable', {
      hint: `It is JSON nested more than ${MAX_JSON_DEPTH} levels deep; a strategy's JSON nests at most 5, so this is not one.`,
    });
  }
  let root: unknown;
  try {
    root = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (error) {
    const reason =
      error instanceof SyntaxError
        ? ` (${error.message})`
        : error instanceof TypeError
          ? ' (it is not UTF-8 text)'
          : '';
    throw new LensError('strategy-unreadable', { hint: `It starts like JSON but is not valid JSON${reason}.` }, error);
  }
  if (!isRecord(root)) {
    throw new LensError('strategy-unreadable', {
      hint: `It is JSON, but its top level is ${jsonKind(root)}, not the object with "parallel_layout_item" a strategy is.`,
    });
  }
  if (!isRecord(root.parallel_layout_item)) {
    throw new LensError('strategy-unreadable', { hint: 'It is JSON, but it has no "parallel_layout_item" object.' });
  }
  checkJsonStages(root);
  const operators = isRecord(root.parallel_strategy_item) ? Object.values(root.parallel_strategy_item) : [];
  const firstOperator = operators[0];
  const entries = Object.entries(root.parallel_layout_item);
  if (entries.length > MAX_TENSOR_ENTRIES) throw tooManyLayouts(entries.length);
  const layouts = entries.map(([key, item]): RawLayout => {
    if (!isRecord(item)) throw new LensError('strategy-bad-layout', { tensor: key, hint: 'it is not a JSON object' });
    checkLayoutInts(item as Record<keyof typeof INT32_FIELDS, unknown>, key);
    // The fields MindSpore's Python reader requires (_build_json_strategy); tensor_shape is extra.
    return {
      key,
      name: key,
      devMatrix: numberList(item.dev_matrix, 'dev_matrix', key, 'size'),
      tensorMap: jsonTensorMap(item.tensor_map, key),
      paramSplitShape: numberList(item.param_split_shape, 'param_split_shape', key, 'count'),
      indicesOffset: numberList(item.indices_offset, 'indices_offset', key, 'count'),
      field: item.field as number,
      optStep: item.opt_weight_shard_step as number,
      optSize: item.opt_weight_shard_size as number,
      ...(item.tensor_shape !== undefined
        ? { fullShape: numberList(item.tensor_shape, 'tensor_shape', key, 'count') }
        : {}),
    };
  });
  const stage = isRecord(firstOperator) ? (firstOperator.stage as number) : null;
  return {
    encoding: 'json',
    currentStage: (root.current_stage as number | undefined) ?? 0,
    fileStage: stage,
    operatorCount: operators.length,
    layouts,
    problems: [],
  };
}

/** §1.5 app rule: a leading decimal integer followed by `-` is the stage (split at the first `-`). */
const STAGE_PREFIX = /^(\d+)-(.+)$/s;

function sameLayout(a: RawLayout, b: RawLayout): boolean {
  return (
    JSON.stringify([a.devMatrix, a.tensorMap, a.optStep, a.optSize, a.field]) ===
    JSON.stringify([b.devMatrix, b.tensorMap, b.optStep, b.optSize, b.field])
  );
}

/** Resolve stage prefixes: the layout of the lowest stage wins (newest `_convert_to_list`). */
function normalise(raw: RawStrategy, files: string[]): ParallelStrategy {
  const problems = [...raw.problems];
  const prefixed = raw.layouts.length > 0 && raw.layouts.every((layout) => STAGE_PREFIX.test(layout.key));
  const byName = new Map<string, { layout: RawLayout; stages: number[] }>();
  for (const layout of raw.layouts) {
    let stage = raw.fileStage ?? 0;
    let name = layout.key;
    if (prefixed) {
      const match = STAGE_PREFIX.exec(layout.key);
      stage = Number(match?.[1]);
      name = match?.[2] ?? layout.key;
    }
    const seen = byName.get(name);
    if (!seen) {
      byName.set(name, { layout: { ...layout, name }, stages: [stage] });
      continue;
    }
    if (seen.stages.includes(stage)) {
      problems.push({ code: 'duplicate-layout', detail: layout.key });
      continue;
    }
    if (!sameLayout(seen.layout, layout)) problems.push({ code: 'stage-layouts-differ', detail: name });
    if (stage < Math.min(...seen.stages)) seen.layout = { ...layout, name };
    seen.stages.push(stage);
  }
  const layouts = [...byName.values()].map(({ layout, stages }): ParameterLayout => {
    const { key: _key, ...rest } = layout;
    return { ...rest, stages: stages.sort((a, b) => a - b) };
  });
  const stages = [...new Set(layouts.flatMap((layout) => layout.stages))].sort((a, b) => a - b);
  if (stages.some((stage, index) => stage !== index)) {
    problems.push({ code: 'stages-incomplete', detail: stages.join(', ') });
  }
  return {
    encoding: raw.encoding,
    files,
    currentStage: raw.currentStage,
    fileStage: raw.fileStage,
    pipelineMerged: prefixed,
    stages,
    operatorCount: raw.operatorCount,
    layouts,
    problems,
  };
}

/** A JSON strategy starts with `{`; `[` is JSON too (then told apart as "not a strategy object", not as damaged protobuf). */
function looksLikeJson(head: Uint8Array): boolean {
  if (looksLikeJsonStrategy(head)) return true;
  const first = head.find((byte) => byte !== 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d);
  return first === 0x5b;
}

export interface ParseStrategyOptions {
  /** File name as the user knows it (for messages). */
  fileName?: string;
}

/**
 * Parse a strategy file's bytes. The content decides the encoding (a renamed file still works);
 * a file that is neither a ParallelStrategyMap nor a JSON strategy fails with `strategy-unreadable`,
 * and one without layout items with `strategy-empty` (MindSpore: "has no sliced parameter").
 */
export function parseStrategy(bytes: Uint8Array, options: ParseStrategyOptions = {}): ParallelStrategy {
  const file = options.fileName ?? 'strategy';
  if (bytes.length === 0) throw new LensError('strategy-empty', { file, actual: 0 });
  if (bytes.length > MAX_STRATEGY_FILE_BYTES) {
    throw new LensError('strategy-too-large', { file, actual: bytes.length, limit: MAX_STRATEGY_FILE_BYTES });
  }
  try {
    // The content decides (MindSpore goes by the `.json` suffix; a renamed file still works here).
    const raw = looksLikeJson(bytes.subarray(0, 64)) ? decodeJson(bytes) : decodeProtobuf(bytes);
    if (raw.layouts.length === 0) throw new LensError('strategy-empty', { file });
    return normalise(raw, [file]);
  } catch (error) {
    if (error instanceof LensError && error.details.file === undefined) {
      throw new LensError(error.code, { ...error.details, file }, error.cause);
    }
    throw error;
  }
}

/** Read a strategy file from a ByteSource (it is small: the whole file is read once). */
export async function readStrategy(
  source: ByteSource,
  options: ParseStrategyOptions & { signal?: AbortSignal } = {},
): Promise<ParallelStrategy> {
  const file = options.fileName ?? 'strategy';
  const bytes = await readWholeBounded(
    source,
    MAX_STRATEGY_FILE_BYTES,
    (size) => new LensError('strategy-too-large', { file, actual: size, limit: MAX_STRATEGY_FILE_BYTES }),
    options.signal,
  );
  return parseStrategy(bytes, options);
}

/**
 * Combine one strategy file per pipeline stage, as `merge_pipeline_strategys` does: each file's
 * stage is its `parallel_strategy_item[0].stage`; a second file of an already-seen stage is skipped.
 * A single already-merged file is returned unchanged.
 */
export function combineStageStrategies(strategies: readonly ParallelStrategy[]): ParallelStrategy {
  const first = strategies[0];
  if (!first) throw new LensError('strategy-empty', {});
  if (strategies.length === 1) return first;
  const problems: StrategyProblem[] = [];
  const seenStages = new Set<number>();
  const byName = new Map<string, ParameterLayout>();
  for (const strategy of strategies) {
    problems.push(...strategy.problems.filter((problem) => problem.code !== 'stages-incomplete'));
    const stage = strategy.fileStage ?? 0;
    if (!strategy.pipelineMerged) {
      if (seenStages.has(stage)) {
        problems.push({ code: 'duplicate-stage', detail: `${strategy.files.join(', ')} (stage ${stage})` });
        continue;
      }
      seenStages.add(stage);
    }
    for (const layout of strategy.layouts) {
      const seen = byName.get(layout.name);
      if (!seen) {
        byName.set(layout.name, { ...layout, stages: [...layout.stages] });
        continue;
      }
      const stages = [...new Set([...seen.stages, ...layout.stages])].sort((a, b) => a - b);
      const lowest = Math.min(...layout.stages) < Math.min(...seen.stages) ? layout : seen;
      byName.set(layout.name, { ...lowest, stages });
    }
  }
  const layouts = [...byName.values()];
  const stages = [...new Set(layouts.flatMap((layout) => layout.stages))].sort((a, b) => a - b);
  if (stages.some((stage, index) => stage !== index)) {
    problems.push({ code: 'stages-incomplete', detail: stages.join(', ') });
  }
  return {
    encoding: first.encoding,
    files: strategies.flatMap((strategy) => strategy.files),
    currentStage: 1,
    fileStage: null,
    pipelineMerged: true,
    stages,
    operatorCount: strategies.reduce((sum, strategy) => sum + strategy.operatorCount, 0),
    layouts,
    problems,
  };
}
