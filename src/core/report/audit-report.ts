/**
 * The audit report: what Ckpt Lens found about a checkpoint, as JSON (stable keys, add only)
 * and as Markdown for a ticket or a README. Built from plain data only — nothing is read here.
 */
import type { CheckpointIndex, FileProblem, TensorProblemCode } from '../../base/types';
import { plural } from '../../base/plural';
import type { CompareResult } from '../compare/compare';
import { rankChanges } from '../compare/compare';
import {
  describeFileProblem,
  describeStatsSkip,
  describeStoredCrc,
  describeTensorProblem,
  describeVerdict,
} from '../messages';
import type { AllStatsResult, NonFiniteAudit } from '../stats/tensor-stats';
import { fileVerdict, formatBytes, formatShape, summarize, type CheckpointSummary } from '../summary';

export interface AuditReportInput {
  /** The file as the user knows it. */
  fileName: string;
  index: CheckpointIndex;
  stats?: AllStatsResult;
  nonFinite?: NonFiniteAudit;
  compare?: { fileA: string; fileB: string; result: CompareResult };
  /** "Will it load" or any other preview, passed through as plain JSON data. */
  loadPreview?: unknown;
  /** ISO time; passed in so reports are reproducible. */
  generatedAt?: string;
  /** Rows per table in the Markdown (JSON always has everything). Default 200. */
  markdownRowLimit?: number;
}

export interface AuditReportJson {
  report: 'ckpt-lens-audit';
  version: 1;
  generatedAt: string | null;
  file: { name: string; format: string; size: number; encryption: CheckpointIndex['encryption'] };
  summary: CheckpointSummary;
  integrity: {
    crc: CheckpointIndex['crc'];
    fileProblems: FileProblem[];
    tensorProblems: { tensor: string; code: TensorProblemCode; detail?: string }[];
  };
  nonFinite: NonFiniteAudit | null;
  stats: AllStatsResult | null;
  compare: { fileA: string; fileB: string; result: CompareResult } | null;
  loadPreview: unknown;
}

export interface AuditReport {
  json: AuditReportJson;
  markdown: string;
}

export function buildAuditReport(input: AuditReportInput): AuditReport {
  const { index } = input;
  const json: AuditReportJson = {
    report: 'ckpt-lens-audit',
    version: 1,
    generatedAt: input.generatedAt ?? null,
    file: { name: input.fileName, format: index.format, size: index.size, encryption: index.encryption },
    summary: summarize(index),
    integrity: {
      crc: index.crc,
      fileProblems: index.problems.map((problem) => ({ ...problem })),
      tensorProblems: index.tensors.flatMap((tensor) =>
        (tensor.problems ?? []).map((problem) => ({
          tensor: tensor.name,
          code: problem.code,
          ...(problem.detail !== undefined ? { detail: problem.detail } : {}),
        })),
      ),
    },
    nonFinite: input.nonFinite ?? null,
    stats: input.stats ?? null,
    compare: input.compare ?? null,
    loadPreview: input.loadPreview ?? null,
  };
  return { json, markdown: renderMarkdown(input, json) };
}

/** Table cells: no pipes or newlines from names breaking the table. */
function cell(value: unknown): string {
  const text =
    value === null || value === undefined ? '—' : typeof value === 'number' ? formatNumber(value) : String(value);
  return text
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/[\r\n]+/g, ' ');
}

function formatNumber(value: number): string {
  if (Number.isInteger(value) && Math.abs(value) < 1e15) return value.toLocaleString('en-US');
  if (value === 0) return '0';
  const abs = Math.abs(value);
  return abs >= 1e-3 && abs < 1e6 ? Number(value.toPrecision(6)).toString() : value.toExponential(4);
}

function table(headers: string[], rows: unknown[][], limit: number): string[] {
  const lines = [`| ${headers.join(' | ')} |`, `|${headers.map(() => ' --- ').join('|')}|`];
  for (const row of rows.slice(0, limit)) lines.push(`| ${row.map(cell).join(' | ')} |`);
  if (rows.length > limit) lines.push('', `_${rows.length - limit} more rows in the JSON report._`);
  return lines;
}

/** The CRC facts, with the numbers the page's verdict line leaves to the integrity report. */
function crcLine(crc: CheckpointIndex['crc']): string {
  if (!crc.present) return 'No CRC stored in the file: the contents could not be checked against one.';
  if (crc.ok === null) return `CRC stored (${describeStoredCrc(crc)}), not verified in this session.`;
  if (crc.zipEntries !== undefined)
    return crc.ok
      ? `CRC verified: all ${crc.zipEntries} zip entries match their CRC-32.`
      : '**CRC MISMATCH**: a zip entry differs from its CRC-32 (Verify integrity names it).';
  return crc.ok
    ? `CRC verified: ${crc.expected} matches.`
    : `**CRC MISMATCH**: stored ${describeStoredCrc(crc)}, computed ${crc.actual}.`;
}

function renderMarkdown(input: AuditReportInput, json: AuditReportJson): string {
  const limit = input.markdownRowLimit ?? 200;
  const { index } = input;
  const out: string[] = [`# Ckpt Lens audit: ${input.fileName.replace(/[\r\n]+/g, ' ')}`, ''];
  if (json.generatedAt) out.push(`Generated ${json.generatedAt}.`, '');

  out.push('## Summary', '');
  out.push(
    ...table(
      ['format', 'size', 'parameters', 'elements', 'encryption'],
      [
        [
          index.format,
          formatBytes(index.size),
          json.summary.parameterCount,
          json.summary.totalElements,
          index.encryption ? `${index.encryption.mode} (${index.encryption.layout})` : 'none',
        ],
      ],
      1,
    ),
  );
  out.push(
    '',
    ...table(
      ['dtype', 'tensors', 'bytes'],
      json.summary.bytesByDtype.map((row) => [row.dtype, row.count, formatBytes(row.bytes)]),
      limit,
    ),
    '',
  );

  out.push('## Integrity', '', `- ${describeVerdict(fileVerdict(index)).headline}`, `- ${crcLine(index.crc)}`);
  for (const problem of index.problems) out.push(`- ${cell(describeFileProblem(problem.code, problem.detail))}`);
  if (json.integrity.tensorProblems.length > 0) {
    out.push(
      '',
      ...table(
        ['tensor', 'problem'],
        json.integrity.tensorProblems.map((p) => [p.tensor, describeTensorProblem(p.code, p.detail)]),
        limit,
      ),
    );
  } else out.push('- No tensor problems found while indexing.');
  out.push('');

  if (input.nonFinite) {
    const audit = input.nonFinite;
    out.push('## NaN / Inf audit', '');
    out.push(
      audit.clean
        ? `No NaN or ±Inf in ${plural(audit.scannedTensors, 'scanned tensor')} (${plural(audit.scannedElements, 'value')}).`
        : `**${plural(audit.findings.length, 'tensor holds', 'tensors hold')} NaN or ±Inf** (of ${audit.scannedTensors} scanned).`,
    );
    if (audit.findings.length > 0) {
      out.push(
        '',
        ...table(
          ['tensor', 'dtype', 'shape', 'NaN', '+Inf', '−Inf', 'first at'],
          audit.findings.map((f) => [
            f.name,
            f.dtype,
            formatShape(f.shape),
            f.nan,
            f.posInf,
            f.negInf,
            f.firstNonFinite,
          ]),
          limit,
        ),
      );
    }
    if (audit.skipped.length > 0)
      out.push(
        '',
        `Not scanned: ${audit.skipped.map((s) => `${cell(s.name)} (${describeStatsSkip(s.reason)})`).join(', ')}.`,
      );
    out.push('');
  }

  if (input.stats) {
    out.push('## Statistics', '');
    out.push(
      ...table(
        ['tensor', 'dtype', 'shape', 'min', 'max', 'mean', 'std', 'L2', 'zeros', 'NaN', '±Inf'],
        input.stats.tensors.map((s) => [
          s.name,
          s.dtype,
          formatShape(s.shape),
          s.min,
          s.max,
          s.mean,
          s.std,
          s.l2,
          s.zeros,
          s.nan,
          s.posInf + s.negInf,
        ]),
        limit,
      ),
      '',
    );
  }

  if (input.compare) {
    const { fileA, fileB, result } = input.compare;
    const s = result.summary;
    out.push(`## Compare: ${cell(fileA)} → ${cell(fileB)}`, '');
    out.push(
      `${s.paired} paired: ${s.identical} identical, ${s.changed} changed, ${s.incomparable} not comparable (${s.shapeChanged} shape and ${s.dtypeChanged} dtype changes); ${s.onlyInA} only in A, ${s.onlyInB} only in B.`,
      '',
    );
    const changed = rankChanges(result.pairs, 'relativeL2').filter((pair) => pair.status !== 'identical');
    if (changed.length > 0) {
      out.push('What changed most (by relative L2):', '');
      out.push(
        ...table(
          ['tensor', 'status', 'dtype', 'shape', 'max |Δ|', 'mean |Δ|', 'rel. L2', 'cosine'],
          changed.map((p) => [
            p.name === p.nameB ? p.name : `${p.name} → ${p.nameB}`,
            p.reason ? `${p.status} (${p.reason})` : p.status,
            p.dtypeChanged ? `${p.dtypeA} → ${p.dtypeB}` : p.dtypeA,
            p.shapeChanged ? `${formatShape(p.shapeA)} → ${formatShape(p.shapeB)}` : formatShape(p.shapeA),
            p.maxAbsDelta,
            p.meanAbsDelta,
            p.relativeL2,
            p.cosine,
          ]),
          limit,
        ),
        '',
      );
    }
    if (result.onlyInA.length > 0)
      out.push(
        `Only in A: ${result.onlyInA
          .slice(0, limit)
          .map((n) => `\`${n.replace(/`/g, "'")}\``)
          .join(', ')}${result.onlyInA.length > limit ? ', …' : ''}`,
        '',
      );
    if (result.onlyInB.length > 0)
      out.push(
        `Only in B: ${result.onlyInB
          .slice(0, limit)
          .map((n) => `\`${n.replace(/`/g, "'")}\``)
          .join(', ')}${result.onlyInB.length > limit ? ', …' : ''}`,
        '',
      );
  }

  if (input.loadPreview !== undefined) {
    out.push(
      '## Load preview',
      '',
      '```json',
      JSON.stringify(input.loadPreview, null, 2).replace(/```/g, '` ` `'),
      '```',
      '',
    );
  }
  return `${out
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd()}\n`;
}
