import path from 'node:path';
import { LensError, withFile } from '../../base/errors';
import type { CipherMode } from '../../base/types';
import { describeTensorProblem, describeUnreadableTensor } from '../../core/messages';
import {
  compareCheckpoints,
  refuseBadRenames,
  rankChanges,
  type ChangeRanking,
  type CompareResult,
} from '../../core/compare/compare';
import { compileNameMap, parseNameMapJson, readNameMapSource } from '../../core/name-map/name-map';
import type { OpenedCheckpoint } from '../../core/open';
import { tensorRowsOf } from '../../base/tensor-columns';
import { buildAuditReport } from '../../core/report/audit-report';
import { filterPredicate } from '../../core/selection/filter';
import { plural } from '../../base/plural';
import { formatShape } from '../../core/summary';
import { EXIT } from '../args';
import { openFileSource } from '../files';
import { printJsonWithList } from '../json-out';
import { readKeyOptions } from '../key-options';
import { openInputCheckpoint } from '../open-input';
import { nameColumnWidth, shown } from '../terminal';
import type { ArgsOf, CliIo } from '../types';
import type { compareDefinition } from '../definitions/compare';

const RANKINGS: readonly ChangeRanking[] = [
  'relativeL2',
  'maxAbsDelta',
  'meanAbsDelta',
  'cosine',
  'changedFraction',
  'name',
];

/** `--name-map` takes a JSON file, or the JSON itself when it starts with { or [. */
async function readRename(argument: string | undefined): Promise<((name: string) => string) | undefined> {
  if (argument === undefined) return undefined;
  if (/^\s*[[{]/.test(argument)) return compileNameMap(parseNameMapJson(argument)).apply;
  try {
    return compileNameMap(await readNameMapSource(await openFileSource(argument), argument)).apply;
  } catch (error) {
    throw withFile(error, argument);
  }
}

/** The key options and whether either side has needed them. */
interface SideKeys {
  options: { key?: Uint8Array; mode?: CipherMode };
  used: boolean;
}

/**
 * One side, as columns (the comparison makes an entry for one pair at a time). The key is for
 * whichever side is encrypted: a side opens without it first, and with it only when it says it
 * needs one, so A and B may be one encrypted and one not.
 */
async function openSide(file: string, keys: SideKeys): Promise<OpenedCheckpoint> {
  try {
    try {
      return await openInputCheckpoint(file, { columns: true });
    } catch (error) {
      if (keys.options.key === undefined || !(error instanceof LensError) || error.code !== 'encrypted-needs-key')
        throw error;
      keys.used = true;
      return await openInputCheckpoint(file, { ...keys.options, columns: true });
    }
  } catch (error) {
    throw withFile(error, file);
  }
}

function number(value: number | null): string {
  if (value === null) return '-';
  if (value === 0) return '0';
  const abs = Math.abs(value);
  return abs >= 1e-3 && abs < 1e6 ? Number(value.toPrecision(6)).toString() : value.toExponential(3);
}

function printResult(
  io: CliIo,
  fileA: string,
  fileB: string,
  result: CompareResult,
  by: ChangeRanking,
  top: number,
): void {
  const s = result.summary;
  io.out(`${path.basename(fileA)} -> ${path.basename(fileB)}`);
  io.out(
    `${s.paired} paired: ${s.identical} identical, ${s.changed} changed, ${s.incomparable} not comparable; ` +
      `${plural(s.shapeChanged, 'shape change')}, ${plural(s.dtypeChanged, 'dtype change')}; ${s.onlyInA} only in A, ${s.onlyInB} only in B` +
      (s.unreadable > 0 ? `; ${s.unreadable} unreadable (damaged)` : ''),
  );
  const ranked = rankChanges(result.pairs, by).filter((pair) => pair.status !== 'identical');
  if (ranked.length > 0) {
    const listed = ranked.slice(0, top);
    const nameWidth = nameColumnWidth(listed.length, (i) => (listed[i] as (typeof listed)[number]).name);
    io.out(`\nwhat changed most (by ${by}):`);
    io.out(
      `${'name'.padEnd(nameWidth)}  ${['max|d|', 'mean|d|', 'relL2', 'cosine'].map((h) => h.padStart(11)).join('  ')}  notes`,
    );
    for (const p of listed) {
      const notes = [
        p.nameB !== p.name ? `-> ${shown(p.nameB)}` : '',
        p.dtypeChanged ? `dtype ${shown(p.dtypeA)} -> ${shown(p.dtypeB)}` : '',
        p.shapeChanged ? `shape ${formatShape(p.shapeA)} -> ${formatShape(p.shapeB)}` : '',
        p.reason ?? '',
        p.nonFiniteMismatches ? `${p.nonFiniteMismatches} NaN/Inf mismatches` : '',
      ].filter(Boolean);
      const cells = [p.maxAbsDelta, p.meanAbsDelta, p.relativeL2, p.cosine].map((v) => number(v).padStart(11));
      io.out(`${shown(p.name).padEnd(nameWidth)}  ${cells.join('  ')}  ${notes.join('; ')}`);
    }
    if (ranked.length > top) io.out(`… ${ranked.length - top} more (use --top or --json)`);
  }
  if (result.onlyInA.length > 0) io.out(`\nonly in A: ${result.onlyInA.map(shown).join(', ')}`);
  if (result.onlyInB.length > 0) io.out(`only in B: ${result.onlyInB.map(shown).join(', ')}`);
  for (const item of result.unreadable) io.out(`! ${shown(item.name)} in ${item.side}: ${describeUnreadableTensor()}`);
}

export async function run({ values, positionals }: ArgsOf<typeof compareDefinition>, io: CliIo): Promise<number> {
  const [fileA, fileB] = positionals as [string, string];
  const by = values.sort ?? 'relativeL2';
  if (!(RANKINGS as readonly string[]).includes(by)) return io.usage(`--sort must be one of ${RANKINGS.join(', ')}`);
  const topText = values.top ?? '30';
  if (!/^\d+$/.test(topText)) return io.usage('--top needs a whole number');
  const rename = await readRename(values['name-map']);
  const include = values.filter !== undefined ? filterPredicate(values.filter) : undefined;
  const keys: SideKeys = { options: await readKeyOptions(values), used: false };
  const a = await openSide(fileA, keys);
  // A map that empties a name or sends two names to one is refused before B is opened (core/compare).
  if (rename) refuseBadRenames(tensorRowsOf(a.index), rename, include);
  const b = await openSide(fileB, keys);
  if (keys.options.key !== undefined && !keys.used)
    throw new LensError('usage', {
      hint: 'a key was given, but neither checkpoint is encrypted: compare them without one',
    });
  const result = await compareCheckpoints(a, b, { rename, include });
  if (values.json === true) {
    // The pairs (a million for a million tensors) are written a few hundred at a time, last.
    await printJsonWithList(
      io,
      { a: path.basename(fileA), b: path.basename(fileB), ...result },
      'pairs',
      rankChanges(result.pairs, by as ChangeRanking),
      (pair) => JSON.stringify(pair),
    );
  } else if (values.markdown === true) {
    io.out(
      buildAuditReport({
        fileName: path.basename(fileA),
        index: a.index,
        compare: { fileA: path.basename(fileA), fileB: path.basename(fileB), result },
      }).markdown,
    );
  } else {
    printResult(io, fileA, fileB, result, by as ChangeRanking, Number(topText));
    for (const item of result.damaged.slice(0, 50))
      io.out(`! ${shown(item.name)} in ${item.side}: ${describeTensorProblem(item.code, item.detail)}`);
  }
  // Bytes past the end of a file, or an entry that contradicts itself, are damage, not a difference.
  const damaged =
    result.unreadable.length > 0 ||
    result.damaged.length > 0 ||
    result.pairs.some((pair) => pair.reason === 'content-short');
  return damaged ? EXIT.integrityFailed : EXIT.ok;
}
