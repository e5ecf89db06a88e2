import { readFileSync } from 'node:fs';
import path from 'node:path';
import { LensError, withFile } from '../../base/errors';
import { compareCheckpoints, rankChanges, type ChangeRanking, type CompareResult } from '../../core/compare/compare';
import { compileNameMap, parseNameMapJson } from '../../core/name-map/name-map';
import type { OpenedCheckpoint } from '../../core/open';
import { buildAuditReport } from '../../core/report/audit-report';
import { filterPredicate } from '../../core/selection/filter';
import { formatShape } from '../../core/summary';
import { EXIT, parseCommandArgs } from '../args';
import { openInputCheckpoint } from '../open-input';
import type { CliCommand, CliIo } from '../types';

const RANKINGS: readonly ChangeRanking[] = [
  'relativeL2',
  'maxAbsDelta',
  'meanAbsDelta',
  'cosine',
  'changedFraction',
  'name',
];

/** `--name-map` takes a JSON file, or the JSON itself when it starts with { or [. */
function readRename(argument: string | undefined): ((name: string) => string) | undefined {
  if (argument === undefined) return undefined;
  const inline = /^\s*[[{]/.test(argument);
  let text = argument;
  if (!inline) {
    try {
      text = readFileSync(argument, 'utf8');
    } catch {
      throw new LensError('file-not-found', { file: argument });
    }
  }
  try {
    return compileNameMap(parseNameMapJson(text, inline ? undefined : argument)).apply;
  } catch (error) {
    throw inline ? error : withFile(error, argument);
  }
}

async function openSide(file: string): Promise<OpenedCheckpoint> {
  try {
    return await openInputCheckpoint(file);
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
      `${s.shapeChanged} shape / ${s.dtypeChanged} dtype changes; ${s.onlyInA} only in A, ${s.onlyInB} only in B`,
  );
  const ranked = rankChanges(result.pairs, by).filter((pair) => pair.status !== 'identical');
  if (ranked.length > 0) {
    const shown = ranked.slice(0, top);
    const nameWidth = Math.min(60, Math.max(4, ...shown.map((p) => p.name.length)));
    io.out(`\nwhat changed most (by ${by}):`);
    io.out(
      `${'name'.padEnd(nameWidth)}  ${['max|d|', 'mean|d|', 'relL2', 'cosine'].map((h) => h.padStart(11)).join('  ')}  notes`,
    );
    for (const p of shown) {
      const notes = [
        p.nameB !== p.name ? `-> ${p.nameB}` : '',
        p.dtypeChanged ? `dtype ${p.dtypeA} -> ${p.dtypeB}` : '',
        p.shapeChanged ? `shape ${formatShape(p.shapeA)} -> ${formatShape(p.shapeB)}` : '',
        p.reason ?? '',
        p.nonFiniteMismatches ? `${p.nonFiniteMismatches} NaN/Inf mismatches` : '',
      ].filter(Boolean);
      const cells = [p.maxAbsDelta, p.meanAbsDelta, p.relativeL2, p.cosine].map((v) => number(v).padStart(11));
      io.out(`${p.name.padEnd(nameWidth)}  ${cells.join('  ')}  ${notes.join('; ')}`);
    }
    if (ranked.length > top) io.out(`… ${ranked.length - top} more (use --top or --json)`);
  }
  if (result.onlyInA.length > 0) io.out(`\nonly in A: ${result.onlyInA.join(', ')}`);
  if (result.onlyInB.length > 0) io.out(`only in B: ${result.onlyInB.join(', ')}`);
  for (const conflict of result.renameConflicts)
    io.out(`! ${conflict.sources.join(', ')} all renamed to ${conflict.target}; only the first was paired`);
}

export const compareCommand: CliCommand = {
  name: 'compare',
  summary:
    'compare <a> <b> [--name-map <json>] [--filter <expr>] [--sort relativeL2|maxAbsDelta|meanAbsDelta|cosine|changedFraction|name] ' +
    '[--top <n>] [--markdown] [--json]   per-tensor value deltas between two checkpoints',
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, {
      'name-map': { type: 'string' },
      filter: { type: 'string' },
      sort: { type: 'string' },
      top: { type: 'string' },
      markdown: { type: 'boolean' },
      json: { type: 'boolean' },
    });
    const [fileA, fileB] = positionals;
    if (positionals.length !== 2 || !fileA || !fileB) return io.usage('compare needs exactly two files');
    const by = (values.sort as string | undefined) ?? 'relativeL2';
    if (!(RANKINGS as readonly string[]).includes(by)) return io.usage(`--sort must be one of ${RANKINGS.join(', ')}`);
    const topText = (values.top as string | undefined) ?? '30';
    if (!/^\d+$/.test(topText)) return io.usage('--top needs a whole number');
    const rename = readRename(values['name-map'] as string | undefined);
    const include = values.filter !== undefined ? filterPredicate(values.filter as string) : undefined;
    const a = await openSide(fileA);
    const b = await openSide(fileB);
    const result = await compareCheckpoints(a, b, { rename, include });
    if (values.json === true) {
      io.out(
        JSON.stringify({
          a: path.basename(fileA),
          b: path.basename(fileB),
          ...result,
          pairs: rankChanges(result.pairs, by as ChangeRanking),
        }),
      );
    } else if (values.markdown === true) {
      io.out(
        buildAuditReport({
          fileName: path.basename(fileA),
          index: a.index,
          compare: { fileA: path.basename(fileA), fileB: path.basename(fileB), result },
        }).markdown,
      );
    } else printResult(io, fileA, fileB, result, by as ChangeRanking, Number(topText));
    return EXIT.ok;
  },
};
