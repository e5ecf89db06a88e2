import path from 'node:path';
import { LensError, withFile } from '../../base/errors';
import type { TensorEntry } from '../../base/types';
import { buildAuditReport } from '../../core/report/audit-report';
import { filterPredicate } from '../../core/selection/filter';
import { readFirstValues, readTensorSlice, tensorValuesJson, tensorValuesNumpy } from '../../core/stats/slice';
import {
  auditNonFinite,
  computeAllStats,
  nonFiniteAuditFrom,
  type AllStatsResult,
  type NonFiniteAudit,
  type TensorStats,
} from '../../core/stats/tensor-stats';
import { formatShape } from '../../core/summary';
import { EXIT, parseCommandArgs } from '../args';
import { openInputCheckpoint } from '../open-input';
import { KEY_OPTIONS, KEY_USAGE, readKeyOptions } from '../key-options';
import type { CliCommand, CliIo } from '../types';

function number(value: number | string | null): string {
  if (value === null) return '-';
  if (typeof value === 'string') return value;
  if (Number.isInteger(value)) return String(value);
  const abs = Math.abs(value);
  if (abs < 1e-4 || abs >= 1e6) return value.toExponential(5);
  return Number(value.toPrecision(6)).toString();
}

function printStats(io: CliIo, file: string, all: AllStatsResult, audit: NonFiniteAudit): void {
  io.out(`${path.basename(file)}: ${all.tensors.length} tensors measured`);
  const nameWidth = Math.min(60, Math.max(4, ...all.tensors.map((t) => t.name.length)));
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
  for (const s of all.tensors) {
    const row = [
      s.dtype.padEnd(9),
      formatShape(s.shape).padEnd(16),
      number(s.min).padStart(12),
      number(s.max).padStart(12),
      number(s.mean).padStart(12),
      number(s.std).padStart(12),
      String(s.zeros).padStart(8),
      String(s.nan + s.posInf + s.negInf).padStart(8),
    ];
    io.out(`${s.name.padEnd(nameWidth)}  ${row.join('  ')}`);
  }
  for (const skipped of all.skipped) io.out(`  (skipped ${skipped.name}: ${skipped.dtype}, ${skipped.reason})`);
  printAudit(io, audit);
}

function printAudit(io: CliIo, audit: NonFiniteAudit): void {
  if (audit.clean) {
    io.out(
      `NaN/Inf audit: clean (${audit.scannedTensors} tensors, ${audit.scannedElements.toLocaleString('en-US')} values)`,
    );
    return;
  }
  io.out(`NaN/Inf audit: ${audit.findings.length} tensor(s) hold non-finite values`);
  for (const f of audit.findings)
    io.out(`  ! ${f.name}: ${f.nan} NaN, ${f.posInf} +Inf, ${f.negInf} -Inf (first at flat index ${f.firstNonFinite})`);
}

function printOne(io: CliIo, s: TensorStats): void {
  io.out(
    `${s.name}  ${s.dtype} ${formatShape(s.shape)}  ${s.elements.toLocaleString('en-US')} values${s.legacyBfloat16 ? ' (legacy bfloat16 stored as float32)' : ''}`,
  );
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

function positiveInteger(value: string | undefined, option: string, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(parsed))
    throw new LensError('usage', { hint: `${option} needs a whole number, got "${value}"` });
  return parsed;
}

export const statsCommand: CliCommand = {
  name: 'stats',
  summary:
    `stats <file> [--tensor <name> [--slice <expr> | --head <n>]] [--filter <expr>] [--bins <n>] [--exact-histogram] ` +
    `[--nan-audit] [--markdown] [--json] ${KEY_USAGE}   min/max/mean/std/L2/NaN/Inf/zeros/histogram (exit 3 if NaN/Inf found)`,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, {
      tensor: { type: 'string' },
      slice: { type: 'string' },
      head: { type: 'string' },
      filter: { type: 'string' },
      bins: { type: 'string' },
      'exact-histogram': { type: 'boolean' },
      'nan-audit': { type: 'boolean' },
      markdown: { type: 'boolean' },
      json: { type: 'boolean' },
      ...KEY_OPTIONS,
    });
    const file = positionals[0];
    if (positionals.length !== 1 || !file) return io.usage('stats needs exactly one file');
    const tensorName = values.tensor as string | undefined;
    const slice = values.slice as string | undefined;
    const head = values.head as string | undefined;
    if ((slice !== undefined || head !== undefined) && tensorName === undefined)
      return io.usage('--slice and --head need --tensor <name>');
    if (slice !== undefined && head !== undefined) return io.usage('give --slice or --head, not both');
    if (tensorName !== undefined && values.filter !== undefined) return io.usage('give --tensor or --filter, not both');
    const bins = positiveInteger(values.bins as string | undefined, '--bins', 64);
    const include = values.filter !== undefined ? filterPredicate(values.filter as string) : undefined;
    const json = values.json === true;
    try {
      const { index, plaintext } = await openInputCheckpoint(file, readKeyOptions(values));
      const options = { bins, exactHistogram: values['exact-histogram'] === true };

      if (tensorName !== undefined) {
        const entry = index.tensors.find((t: TensorEntry) => t.name === tensorName);
        if (!entry) throw new LensError('tensor-not-found', { tensor: tensorName });
        if (slice !== undefined || head !== undefined) {
          const result =
            slice !== undefined
              ? await readTensorSlice(plaintext, entry, slice)
              : await readFirstValues(plaintext, entry, positiveInteger(head, '--head', 10));
          io.out(json ? tensorValuesJson(result) : tensorValuesNumpy(result));
          return EXIT.ok;
        }
        const all = await computeAllStats(plaintext, index, { ...options, include: (t) => t === entry });
        const stats = all.tensors[0];
        if (!stats) throw new LensError('tensor-not-numeric', { tensor: entry.name, actual: entry.dtype });
        if (json) io.out(JSON.stringify(stats));
        else printOne(io, stats);
        return stats.nan + stats.posInf + stats.negInf > 0 ? EXIT.integrityFailed : EXIT.ok;
      }

      if (values['nan-audit'] === true) {
        const audit = await auditNonFinite(plaintext, index, { include });
        if (json) io.out(JSON.stringify({ file: path.basename(file), nonFinite: audit }));
        else printAudit(io, audit);
        return audit.clean ? EXIT.ok : EXIT.integrityFailed;
      }

      const all = await computeAllStats(plaintext, index, { ...options, include });
      const audit = nonFiniteAuditFrom(all);
      if (values.markdown === true) {
        io.out(buildAuditReport({ fileName: path.basename(file), index, stats: all, nonFinite: audit }).markdown);
      } else if (json)
        io.out(
          JSON.stringify({ file: path.basename(file), tensors: all.tensors, skipped: all.skipped, nonFinite: audit }),
        );
      else printStats(io, file, all, audit);
      return audit.clean ? EXIT.ok : EXIT.integrityFailed;
    } catch (error) {
      throw withFile(error, file);
    }
  },
};
