import path from 'node:path';
import { LensError, withFile } from '../../base/errors';
import { tensorRowsOf, type TensorRows } from '../../base/tensor-columns';
import type { CheckpointIndex, TensorProblemCode } from '../../base/types';
import { isNoteProblem } from '../../base/problems';
import { diffAgainstNetwork, diffJson, loadedJson, pythonShape, type LoadDiff } from '../../core/load-rules/diff';
import { parameterDict } from '../../core/load-rules/dict-order';
import { openManifest } from '../../core/load-rules/open-manifest';
import {
  describeAutoMapNotNeeded,
  describeAutoMapProposal,
  describeError,
  describeTensorProblem,
} from '../../core/messages';
import { proposeAutoMap, type AutoMapResult } from '../../core/name-map/automap';
import { compileNameMap, readNameMapSource, type NameMap, type NameMapSpec } from '../../core/name-map/name-map';
import { NAME_MAP_PRESETS } from '../../core/name-map/presets';
import { filterPredicate, predicateAt } from '../../core/selection/filter';
import { selectPositionsLikeMindSpore } from '../../core/selection/mindspore';
import { EXIT } from '../args';
import { openFileSource } from '../files';
import { streamJsonList } from '../json-out';
import { openInputCheckpoint } from '../open-input';
import { readKeyOptions } from '../key-options';
import { shown } from '../terminal';
import type { ArgsOf, CliIo } from '../types';
import type { diffDefinition } from '../definitions/diff';
import { plural } from '../../base/plural';

/**
 * Exit codes: 0 when every network parameter loads (extra checkpoint entries are fine, as in
 * MindSpore); 3 when load_param_into_net would raise, leave network parameters unloaded, or
 * load_checkpoint's selection leaves nothing; 1 for unreadable inputs; 2 for usage errors.
 */
function loadsFully(diff: LoadDiff): boolean {
  return diff.errors.length === 0 && diff.param_not_load.length === 0;
}

export async function readNameMap(file: string | undefined, presetId: string | undefined): Promise<NameMapSpec | null> {
  const specs: NameMapSpec[] = [];
  if (presetId !== undefined) {
    const preset = NAME_MAP_PRESETS.find((candidate) => candidate.id === presetId);
    if (!preset) {
      throw new LensError('usage', {
        hint: `unknown --preset "${presetId}"; known: ${NAME_MAP_PRESETS.map((p) => p.id).join(', ')}`,
      });
    }
    specs.push(preset.spec);
  }
  if (file !== undefined) {
    try {
      specs.push(await readNameMapSource(await openFileSource(file), file));
    } catch (error) {
      throw withFile(error, file);
    }
  }
  if (specs.length === 0) return null;
  // A user map's exact renames win; its rules run after the preset's.
  return {
    exact: Object.assign({}, ...specs.map((spec) => spec.exact)) as Record<string, string>,
    rules: specs.flatMap((spec) => spec.rules),
  };
}

interface DamagedParam {
  param: string;
  tensor: string;
  code: TensorProblemCode;
  detail?: string;
}

/**
 * Parameters that would load by name from a checkpoint entry that contradicts its shape, dtype or
 * the file: load_checkpoint fails on it (or reads other bytes), so "everything loads" is not true.
 * `selected`: the entries the diff read, in dict order.
 */
function damagedLoads(diff: LoadDiff, selected: TensorRows): DamagedParam[] {
  const withProblems = selected.withProblems();
  if (withProblems.length === 0) return [];
  // A name loads from its last entry (a later duplicate wins), which may have no problem.
  const suspect = new Set(withProblems.map((at) => selected.name(at)));
  const byName = new Map<string, number>();
  for (let at = 0; at < selected.length; at += 1) {
    const name = selected.name(at);
    if (suspect.has(name)) byName.set(name, at);
  }
  const damaged: DamagedParam[] = [];
  for (const item of diff.loaded) {
    const tensor = item.original ?? item.from;
    const at = byName.get(tensor);
    const problem =
      at === undefined ? undefined : selected.problems(at)?.find((candidate) => !isNoteProblem(candidate.code));
    if (problem)
      damaged.push({
        param: item.param,
        tensor,
        code: problem.code,
        ...(problem.detail ? { detail: problem.detail } : {}),
      });
  }
  return damaged;
}

function printReport(
  io: CliIo,
  checkpoint: string,
  manifest: string,
  diff: LoadDiff,
  selected: number,
  damaged: readonly DamagedParam[],
): void {
  io.out(
    `${path.basename(checkpoint)} → ${path.basename(manifest)} (load_param_into_net, strict_load=${diff.strictLoad ? 'True' : 'False'}, MindSpore ${diff.target})`,
  );
  const casts = diff.loaded.filter((item) => item.cast).length;
  const viaPrefix = diff.loaded.filter((item) => item.via === 'prefix').length;
  io.out(
    `  ${diff.loaded.length} loaded (${viaPrefix} via prefix removal, ${casts} with a dtype cast), ` +
      `${diff.param_not_load.length} not loaded, ${plural(diff.errors.length, 'error')}, ` +
      `${plural(diff.ckpt_not_load.length, 'checkpoint entry', 'checkpoint entries')} unused by exact name, ${selected} selected`,
  );
  if (diff.raises) io.out(`  MindSpore raises ${diff.raises.exception} at "${shown(diff.raises.param)}".`);
  else if (damaged.length > 0)
    io.out(
      `  ${plural(damaged.length, 'network parameter')} would load from a damaged checkpoint entry; load_checkpoint fails or reads other bytes for ${damaged.length === 1 ? 'it' : 'them'}:`,
    );
  else if (diff.param_not_load.length === 0) io.out('  Everything in the network loads.');
  for (const item of damaged.slice(0, 50))
    io.out(`  ! ${shown(item.tensor)}: ${describeTensorProblem(item.code, item.detail)}`);
  for (const item of diff.loaded) {
    const notes: string[] = [];
    if (item.from !== item.param) notes.push(`from ${item.from}`);
    if (item.original !== undefined) notes.push(`renamed from ${item.original}`);
    if (item.cast) notes.push(`cast ${item.cast.from} → ${item.cast.to}`);
    if (item.reshape)
      notes.push(`GE reshape ${pythonShape(item.reshape.checkpoint)} → ${pythonShape(item.reshape.net)}`);
    if (item.unchecked) notes.push(`${item.unchecked.join(' and ')} not checked`);
    if (notes.length > 0) io.out(`  ok    ${shown(item.param)}  (${notes.map(shown).join('; ')})`);
  }
  for (const error of diff.errors) io.out(`  FAIL  ${shown(error.param)}: ${error.exception}: ${shown(error.reason)}`);
  for (const name of diff.param_not_load) io.out(`  MISS  ${shown(name)}`);
  for (const item of diff.skipped) io.out(`  SKIP  ${shown(item.param)}: ${shown(item.reason)}`);
  for (const name of diff.ckpt_not_load) io.out(`  extra ${shown(name)}`);
  for (const name of diff.ignored) io.out(`  input ${shown(name)} (graph input, not a weight)`);
  for (const suggestion of diff.suggestions) {
    io.out(`  hint  ${shown(suggestion.param)} ← ${shown(suggestion.candidate)}: ${suggestion.why}`);
  }
  for (const collision of diff.collisions)
    io.out(`  ! name map sends ${collision.from.map(shown).join(', ')} to ${shown(collision.key)}`);
}

/** The user's map with the auto-map's exact renames added (they were computed on its output). */
export function withAutoMap(spec: NameMapSpec | null, autoMap: AutoMapResult): NameMap {
  return compileNameMap({ exact: { ...spec?.exact, ...autoMap.exact }, rules: spec?.rules ?? [] });
}

function printAutoMap(io: CliIo, autoMap: AutoMapResult): void {
  io.out(`auto-map: ${plural(autoMap.proposals.length, 'rename')} proposed and applied`);
  for (const proposal of autoMap.proposals) io.out(`  map   ${shown(describeAutoMapProposal(proposal))}`);
  for (const item of autoMap.notNeeded) io.out(`  drop  ${shown(describeAutoMapNotNeeded(item))}`);
}

export async function run({ values, positionals }: ArgsOf<typeof diffDefinition>, io: CliIo): Promise<number> {
  const checkpoint = positionals[0] as string;
  const manifestFile = values.manifest;
  if (!manifestFile)
    return io.usage('diff needs --manifest <file> (JSON, text dump, *-graph.meta or a checkpoint)', 'diff');
  const predicate = values.filter !== undefined ? filterPredicate(values.filter) : undefined;
  const nameMapSpec = await readNameMap(values['name-map'] as string | undefined, values.preset as string | undefined);
  let nameMap = nameMapSpec ? compileNameMap(nameMapSpec) : null;
  const keyOptions = await readKeyOptions(values);

  // By position over the scan's columns: a million tensors without an object each.
  let rows: TensorRows;
  let format: CheckpointIndex['format'];
  try {
    const { index } = await openInputCheckpoint(checkpoint, { ...keyOptions, columns: true });
    rows = tensorRowsOf(index);
    format = index.format;
  } catch (error) {
    throw withFile(error, checkpoint);
  }
  const manifest = await openManifest(await openFileSource(manifestFile), { file: manifestFile });

  /** load_checkpoint's dict: the entries it keeps, in its order. */
  let selected: TensorRows;
  try {
    const kept = selectPositionsLikeMindSpore(rows.length, (at) => rows.name(at), {
      specifyPrefix: values['specify-prefix'],
      filterPrefix: values['filter-prefix'],
      ...(predicate ? { choice: predicateAt(predicate, rows) } : {}),
      file: checkpoint,
      // A PyTorch file's keys are selected as load_checkpoint selects a .ckpt's (one dict, no prefix rules of its own).
      format: format === 'safetensors' ? 'safetensors' : 'ckpt',
    });
    selected = parameterDict(rows, format, kept);
  } catch (error) {
    if (error instanceof LensError && error.code === 'selection-empty') {
      const message = describeError(error.code, error.details, 'cli');
      if (values.json) io.out(JSON.stringify({ error: { code: error.code, message: message.detail } }));
      else io.err(`${message.title}: ${message.detail}`);
      return EXIT.integrityFailed;
    }
    throw error;
  }

  // --auto-map: renames onto the network's names (core/name-map/automap), after the user's map.
  let autoMap: AutoMapResult | null = null;
  if (values['auto-map']) {
    autoMap = proposeAutoMap(selected, manifest.params, nameMap);
    nameMap = withAutoMap(nameMapSpec, autoMap);
  }
  const diff = diffAgainstNetwork(selected, manifest.params, { strictLoad: values.strict === true, nameMap });
  const damaged = damagedLoads(diff, selected);
  if (values.json) {
    const { strict_load, target, ...rest } = diffJson(diff);
    const out = streamJsonList(io, { strict_load, target }, 'loaded');
    for (const item of diff.loaded) await out.add(JSON.stringify(loadedJson(item)));
    await out.end({
      ...rest,
      damaged,
      ...(autoMap
        ? { autoMap: { proposals: autoMap.proposals, notNeeded: autoMap.notNeeded, exact: autoMap.exact } }
        : {}),
      manifest: { kind: manifest.kind, layout: manifest.layout, notes: manifest.notes },
    });
  } else {
    if (autoMap) printAutoMap(io, autoMap);
    printReport(io, checkpoint, manifestFile, diff, selected.length, damaged);
    for (const note of manifest.notes) io.out(`  note  ${note}`);
  }
  return loadsFully(diff) && damaged.length === 0 ? EXIT.ok : EXIT.integrityFailed;
}
