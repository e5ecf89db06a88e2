import path from 'node:path';
import { LensError, withFile } from '../../base/errors';
import { DEFAULT_HISTOGRAM_BINS, MAX_HISTOGRAM_BINS, MAX_SLICE_ELEMENTS } from '../../base/limits';
import type { CheckpointIndex, TensorEntry, TensorProblemCode } from '../../base/types';
import { buildAuditReport } from '../../core/report/audit-report';
import { filterPredicate } from '../../core/selection/filter';
import { readFirstValues, readTensorSlice, tensorValuesJson, tensorValuesNumpy } from '../../core/stats/slice';
import { readableContent } from '../../formats/pytorch/gather';
import {
  auditNonFinite,
  computeAllStats,
  nonFiniteAuditFrom,
  type AllStatsResult,
  numericLayout,
  type NonFiniteAudit,
  type TensorStats,
} from '../../core/stats/tensor-stats';
import { plural } from '../../base/plural';
import {
  describeBoolBytes,
  describeFileProblem,
  describeImpossibleStoredCrc,
  describeStatsSkip,
  describeTensorProblem,
  isStatsSkipFinding,
} from '../../core/messages';
import { isNoteProblem } from '../../base/problems';
import { formatShape } from '../../core/summary';
import { EXIT } from '../args';
import { streamJsonList } from '../json-out';
import { readKeyOptions } from '../key-options';
import { openInputCheckpoint } from '../open-input';
import { nameColumnWidth, shown } from '../terminal';
import type { ArgsOf, CliIo } from '../types';
import type { statsDefinition } from '../definitions/stats';

function number(value: number | string | null): string {
  if (value === null) return '-';
  if (typeof value === 'string') return value;
  if (Number.isInteger(value)) return String(value);
  const abs = Math.abs(value);
  if (abs < 1e-4 || abs >= 1e6) return value.toExponential(5);
  return Number(value.toPrecision(6)).toString();
}

/** What was measured when the content and the shape disagree. */
function sizeMismatchText(mismatch: NonNullable<TensorStats['sizeMismatch']>): string {
  const { declaredElements, storedElements } = mismatch;
  return storedElements < declaredElements
    ? `the content holds only ${plural(storedElements, 'value')} of the ${plural(declaredElements, 'value')} its shape declares; the statistics cover those ${plural(storedElements, 'value')}`
    : `the content holds ${plural(storedElements, 'value')}, more than the ${plural(declaredElements, 'value')} its shape declares; the statistics cover the first ${plural(declaredElements, 'value')}`;
}

/** A measured tensor whose content contradicts its shape, or a tensor skipped because its bytes are damaged. */
function hasSizeFinding(all: AllStatsResult): boolean {
  return all.tensors.some((t) => t.sizeMismatch) || all.skipped.some((t) => isStatsSkipFinding(t.reason));
}

/** Tensor findings the statistics show themselves (a size line, or a skip marked "!"). */
const SHOWN_BY_STATS: ReadonlySet<TensorProblemCode> = new Set<TensorProblemCode>([
  'size-mismatch',
  'unknown-dtype',
  'past-end-of-file',
  'view-outside-storage',
]);

/**
 * Findings inspect counts that no number shows: a stored CRC that cannot be a CRC-32 (no contents
 * match it), and a measured or skipped tensor's own finding (a str value that is not UTF-32, a
 * dim MindSpore cannot load). One line each; any makes the exit code 3, as in inspect.
 */
function unmeasuredFindings(index: CheckpointIndex, tensors: Iterable<TensorEntry>): string[] {
  const lines: string[] = [];
  if (index.crc.present && index.crc.stored !== undefined) lines.push(describeImpossibleStoredCrc(index.crc));
  for (const tensor of tensors)
    for (const problem of tensor.problems ?? [])
      if (!isNoteProblem(problem.code) && !SHOWN_BY_STATS.has(problem.code))
        lines.push(`${shown(tensor.name)}: ${describeTensorProblem(problem.code, problem.detail)}`);
  return lines;
}

/**
 * The text table, a row as each tensor is measured (nothing held per tensor): the header row
 * now, `row` per tensor, then `finish` with the skipped tensors, the count and the audit.
 */
function statsTable(io: CliIo, names: readonly { name: string }[]) {
  const nameWidth = nameColumnWidth(names.length, (i) => (names[i] as { name: string }).name);
  const head = [
    'dtype'.padEnd(9),
    'shape'.padEnd(16),
    'min'.padStart(12),
    'max'.padStart(12),
    'mean'.padStart(12),
    'std'.padStart(12),
    'zeros'.padStart(8),
    'nan/inf'.padStart(8),
  ];
  io.out(`${'name'.padEnd(nameWidth)}  ${head.join('  ')}`);
  return {
    row(s: TensorStats): void {
      // One template, not an array joined: a million rows.
      io.out(
        `${shown(s.name).padEnd(nameWidth)}  ${shown(s.dtype).padEnd(9)}  ${formatShape(s.shape).padEnd(16)}  ` +
          `${number(s.min).padStart(12)}  ${number(s.max).padStart(12)}  ${number(s.mean).padStart(12)}  ` +
          `${number(s.std).padStart(12)}  ${String(s.zeros).padStart(8)}  ${String(s.nan + s.posInf + s.negInf).padStart(8)}`,
      );
      if (s.sizeMismatch) io.out(`  ! ${shown(s.name)}: ${sizeMismatchText(s.sizeMismatch)}`);
      if (s.boolBytes) io.out(`  note ${shown(s.name)}: ${describeBoolBytes(s.boolBytes.count, s.boolBytes.first)}`);
    },
    finish(file: string, all: AllStatsResult, audit: NonFiniteAudit): void {
      for (const skipped of all.skipped)
        io.out(
          `  ${isStatsSkipFinding(skipped.reason) ? '! ' : ''}skipped ${shown(skipped.name)} (${shown(skipped.dtype)}): ${describeStatsSkip(skipped.reason)}`,
        );
      io.out(`${path.basename(file)}: ${plural(all.measured, 'tensor')} measured`);
      printAudit(io, audit);
    },
  };
}

function printAudit(io: CliIo, audit: NonFiniteAudit): void {
  if (audit.scannedTensors === 0) {
    io.out('NaN/Inf audit: no values were measured, so none were checked');
    return;
  }
  if (audit.clean) {
    io.out(
      `NaN/Inf audit: clean (${plural(audit.scannedTensors, 'tensor')}, ${plural(audit.scannedElements, 'value')})`,
    );
    return;
  }
  io.out(
    `NaN/Inf audit: ${plural(audit.findings.length, 'tensor')} ${audit.findings.length === 1 ? 'holds' : 'hold'} non-finite values`,
  );
  for (const f of audit.findings)
    io.out(
      `  ! ${shown(f.name)}: ${f.nan} NaN, ${f.posInf} +Inf, ${f.negInf} -Inf (first at flat index ${f.firstNonFinite})`,
    );
}

function printOne(io: CliIo, s: TensorStats): void {
  io.out(
    `${shown(s.name)}  ${shown(s.dtype)} ${formatShape(s.shape)}  ${plural(s.elements, 'value')}${s.legacyBfloat16 ? ' (legacy bfloat16 stored as float32)' : ''}`,
  );
  if (s.sizeMismatch) io.out(`  ! ${sizeMismatchText(s.sizeMismatch)}`);
  if (s.boolBytes) io.out(`  note: ${describeBoolBytes(s.boolBytes.count, s.boolBytes.first)}`);
  io.out(
    `  min ${number(s.min)}  max ${number(s.max)}  mean ${number(s.mean)}  std ${number(s.std)}  L2 ${number(s.l2)}`,
  );
  io.out(`  zeros ${s.zeros}  NaN ${s.nan}  +Inf ${s.posInf}  -Inf ${s.negInf}`);
  if (!s.histogram) return;
  const { counts, lo, hi, method } = s.histogram;
  const peak = Math.max(1, ...counts);
  const width = (hi - lo) / counts.length;
  io.out(`  histogram (${counts.length} bins, ${method}):`);
  counts.forEach((count, bin) => {
    const left = lo + bin * width;
    io.out(`  ${number(left).padStart(12)}  ${'#'.repeat(Math.round((count / peak) * 40)).padEnd(40)}  ${count}`);
  });
}

/** Rows of the text table between waits for standard output (CliIo.drained). */
const ROWS_PER_WAIT = 512;

/** A whole-number option checked against its range before any work. */
function wholeNumber(value: string | undefined, option: string, fallback: number, range: [number, number]): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  const [least, most] = range;
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(parsed) || parsed < least || parsed > most)
    throw new LensError('usage', {
      hint: `${option} needs a whole number from ${least} to ${most.toLocaleString('en-US')}, got "${value}"`,
    });
  return parsed;
}

export async function run({ values, positionals }: ArgsOf<typeof statsDefinition>, io: CliIo): Promise<number> {
  const file = positionals[0] as string;
  const tensorName = values.tensor;
  const slice = values.slice;
  const head = values.head;
  if ((slice !== undefined || head !== undefined) && tensorName === undefined)
    return io.usage('--slice and --head need --tensor <name>');
  if (slice !== undefined && head !== undefined) return io.usage('give --slice or --head, not both');
  if (tensorName !== undefined && values.filter !== undefined) return io.usage('give --tensor or --filter, not both');
  const bins = wholeNumber(values.bins, '--bins', DEFAULT_HISTOGRAM_BINS, [1, MAX_HISTOGRAM_BINS]);
  const include = values.filter !== undefined ? filterPredicate(values.filter) : undefined;
  const json = values.json === true;
  try {
    const { index, plaintext } = await openInputCheckpoint(file, await readKeyOptions(values));
    const options = { bins, exactHistogram: values['exact-histogram'] === true };
    // What the file itself carries (a pickle that calls a function, overlapping tensors, a shard
    // missing from a set) is said beside the numbers and decides the exit code as in inspect:
    // statistics of what could be read are not a clean bill.
    const fileFindings = index.problems.filter((problem) => !isNoteProblem(problem.code));
    const entry = tensorName !== undefined ? index.tensors.find((t: TensorEntry) => t.name === tensorName) : undefined;
    if (tensorName !== undefined && !entry) throw new LensError('tensor-not-found', { tensor: tensorName });
    const otherFindings = unmeasuredFindings(
      index,
      entry ? [entry] : include ? index.tensors.filter((t) => include(t)) : index.tensors,
    );
    const findingsText = (): void => {
      for (const problem of fileFindings) io.out(`! ${describeFileProblem(problem.code, problem.detail, 'cli')}`);
      for (const line of otherFindings) io.out(`! ${line}`);
    };
    const findingsJson = { fileProblems: fileFindings, ...(otherFindings.length > 0 ? { otherFindings } : {}) };
    const exitWith = (clean: boolean): number =>
      clean && fileFindings.length === 0 && otherFindings.length === 0 ? EXIT.ok : EXIT.integrityFailed;

    if (entry) {
      if (slice !== undefined || head !== undefined) {
        const result =
          slice !== undefined
            ? await readTensorSlice(plaintext, entry, slice)
            : await readFirstValues(plaintext, entry, wholeNumber(head, '--head', 10, [1, MAX_SLICE_ELEMENTS]));
        io.out(json ? tensorValuesJson(result) : tensorValuesNumpy(result));
        return EXIT.ok;
      }
      const all = await computeAllStats(plaintext, index, { ...options, include: (t) => t === entry });
      const stats = all.tensors[0];
      if (!stats) {
        const reason = all.skipped[0]?.reason;
        if (reason === 'content-short')
          throw new LensError('tensor-content-short', { tensor: entry.name, expected: entry.bytes });
        if (reason === 'view-outside-storage' || reason === 'view-too-fragmented') readableContent(plaintext, entry); // throws why
        numericLayout(entry); // throws the sentence: impossible size, or no numbers
        throw new LensError('tensor-not-numeric', { tensor: entry.name, actual: entry.dtype });
      }
      if (json) io.out(JSON.stringify({ ...stats, ...findingsJson }));
      else {
        printOne(io, stats);
        findingsText();
      }
      return exitWith(stats.nan + stats.posInf + stats.negInf === 0 && !stats.sizeMismatch);
    }

    if (values['nan-audit'] === true) {
      const audit = await auditNonFinite(plaintext, index, { include });
      if (json) io.out(JSON.stringify({ file: path.basename(file), nonFinite: audit, ...findingsJson }));
      else {
        printAudit(io, audit);
        findingsText();
      }
      return exitWith(audit.clean);
    }

    if (!json && values.markdown !== true) {
      // Rows as they are measured, no histograms (the table shows none), nothing kept per
      // tensor but findings: a million tensors print in constant memory.
      const table = statsTable(io, include ? index.tensors.filter((t) => include(t)) : index.tensors);
      let rows = 0;
      const all = await computeAllStats(plaintext, index, {
        ...options,
        bins: 0,
        include,
        keep: 'findings',
        // Rows wait for a slow reader of standard output now and then, so they do not pile up in memory.
        onTensor: async (stats) => {
          table.row(stats);
          rows += 1;
          if (io.drained && rows % ROWS_PER_WAIT === 0) await io.drained();
        },
      });
      const audit = nonFiniteAuditFrom(all);
      table.finish(file, all, audit);
      findingsText();
      return exitWith(audit.clean && !hasSizeFinding(all));
    }
    if (values.markdown === true) {
      const all = await computeAllStats(plaintext, index, { ...options, include });
      const audit = nonFiniteAuditFrom(all);
      io.out(buildAuditReport({ fileName: path.basename(file), index, stats: all, nonFinite: audit }).markdown);
      return exitWith(audit.clean && !hasSizeFinding(all));
    }
    // Each tensor's statistics are written as they are measured, nothing kept per tensor but
    // findings: a million tensors with histograms were 3 GB held and printed as one string.
    const out = streamJsonList(io, { file: path.basename(file) }, 'tensors');
    const all = await computeAllStats(plaintext, index, {
      ...options,
      include,
      keep: 'findings',
      onTensor: (stats) => out.add(JSON.stringify(stats)),
    });
    const audit = nonFiniteAuditFrom(all);
    await out.end({ skipped: all.skipped, nonFinite: audit, ...findingsJson });
    return exitWith(audit.clean && !hasSizeFinding(all));
  } catch (error) {
    throw withFile(error, file);
  }
}
