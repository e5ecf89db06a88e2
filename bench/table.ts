// The benchmark table as docs/performance.md shows it, rendered from bench/results.json, so the
// page quotes exactly one full run: `npm run bench` rewrites the section between the markers and
// bench/table.test.ts fails when the two disagree.

export interface BenchRow {
  metric: string;
  value: number;
  unit: string;
  ratio?: number;
  baseline?: string;
  target?: string;
  pass?: boolean;
  peakRssMiB?: number;
  /** CPU time of all Chromium's processes during the measured run, and that over its wall time. */
  cpuSeconds?: number;
  coresBusy?: number;
  /**
   * Streaming rows: Chromium CPU-seconds per GiB beyond a raw read of the same bytes (this row's
   * CPU-s/GiB less its raw-read baseline's, same run), and the goal for it where there is one.
   */
  extraCpuPerGiB?: number;
  extraCpuTarget?: number;
  note?: string;
  /** Nothing was measured (a reference tool is not installed here): `value` means nothing, the note says why. */
  skipped?: boolean;
}

export interface BenchResults {
  date: string;
  machine: { cpus: number; cpuModel: string; memoryGiB: number; chromium: string; node: string };
  inputs: { sizeMiB: number; tensors: number; dir: string };
  rows: BenchRow[];
  /** Partial runs (BENCH_ONLY) merged in since this full run, oldest first; a full run clears them. */
  remeasured?: Remeasured[];
}

/** A partial run merged into the full run's results: when, which sections, on what, how many rows. */
export interface Remeasured {
  date: string;
  sections: string[];
  inputs: { sizeMiB: number; tensors: number };
  chromium: string;
  rows: number;
}

/**
 * A partial run (BENCH_ONLY) merged into the published results: each of its rows replaces the
 * row of the same metric, in place, or is appended; every other row stays as the full run measured it.
 */
export function mergePartial(full: BenchResults, partial: BenchResults, sections: string[]): BenchResults {
  const fresh = new Map(partial.rows.map((row) => [row.metric, row]));
  const rows = full.rows.map((row) => fresh.get(row.metric) ?? row);
  const known = new Set(full.rows.map((row) => row.metric));
  // A new row goes beside the row measured before it in the partial run, or last.
  partial.rows.forEach((row, index) => {
    if (known.has(row.metric)) return;
    const before = partial.rows[index - 1]?.metric;
    const at = before === undefined ? -1 : rows.findIndex((kept) => kept.metric === before);
    if (at >= 0) rows.splice(at + 1, 0, row);
    else rows.push(row);
    known.add(row.metric);
  });
  const run: Remeasured = {
    date: partial.date,
    sections,
    inputs: { sizeMiB: partial.inputs.sizeMiB, tensors: partial.inputs.tensors },
    chromium: partial.machine.chromium,
    rows: partial.rows.length,
  };
  return { ...full, rows, remeasured: [...(full.remeasured ?? []), run] };
}

/** A row as results.json stores it: the value to 0.1, the ratio to 0.01. */
export function roundedRow(row: BenchRow): BenchRow {
  return {
    ...row,
    value: Math.round(row.value * 10) / 10,
    ...(row.ratio !== undefined ? { ratio: Math.round(row.ratio * 100) / 100 } : {}),
  };
}

/**
 * `results` with the rows of the same metrics replaced by `rows` (measured later, alone, by
 * `command`: their notes say when and how), where the old ones stood; every other row as it was.
 * Rows not there before are added at the end.
 */
export function withRemeasuredRows(
  results: BenchResults,
  rows: readonly BenchRow[],
  date: string,
  command: string,
): BenchResults {
  const metrics = new Set(rows.map((row) => row.metric));
  const at = results.rows.findIndex((row) => metrics.has(row.metric));
  const kept = results.rows.filter((row) => !metrics.has(row.metric));
  const measured = rows.map((row) =>
    roundedRow({ ...row, note: `${row.note ?? ''}; measured ${date.slice(0, 10)} by \`${command}\`` }),
  );
  const insertAt = at < 0 ? kept.length : at;
  return { ...results, rows: [...kept.slice(0, insertAt), ...measured, ...kept.slice(insertAt)] };
}

/** Where the table is published (it was in README.md until the README became one screen). */
export const PERFORMANCE_DOC = 'docs/performance.md';

export const TABLE_START = '<!-- bench-table:start (written by npm run bench from bench/results.json) -->';
export const TABLE_END = '<!-- bench-table:end -->';

const HEADER = [
  'metric',
  'value',
  'ratio',
  'target',
  'peak RSS Δ',
  'Chromium CPU',
  'CPU-s/GiB beyond raw read',
  'notes',
];

/** "0.62 (≤ 0.4 ✗)": the extra CPU per GiB, with its target and whether it is met. */
function extraCpuCell(row: BenchRow): string {
  if (row.extraCpuPerGiB === undefined) return '';
  if (row.extraCpuTarget === undefined) return `${row.extraCpuPerGiB}`;
  return `${row.extraCpuPerGiB} (≤ ${row.extraCpuTarget} ${row.extraCpuPerGiB <= row.extraCpuTarget ? '✓' : '✗'})`;
}

/** The cells of each row, in the table's column order. */
export function tableCells(results: BenchResults): string[][] {
  return results.rows.map((row) => {
    const status = row.pass === undefined ? '' : row.pass ? ' ✓' : ' ✗';
    return [
      row.metric,
      row.skipped ? 'not measured' : `${row.value} ${row.unit}`,
      row.ratio !== undefined ? `${row.ratio}×` : '',
      `${row.target ?? ''}${status}`,
      row.peakRssMiB !== undefined ? `${row.peakRssMiB} MiB` : '',
      row.cpuSeconds !== undefined ? `${row.cpuSeconds} s, ${row.coresBusy ?? '?'} cores` : '',
      extraCpuCell(row),
      row.note ?? '',
    ];
  });
}

const minute = (date: string): string => date.replace('T', ' ').slice(0, 16);

/**
 * "2026-11-24 05:29 UTC on AMD EPYC, 2 cores, 24 GiB, Chromium …; inputs 2048 MiB, 10000 tensors",
 * then one sentence per partial run merged in since.
 */
export function measuredOn(results: BenchResults): string {
  const { cpuModel, cpus, memoryGiB, chromium } = results.machine;
  const partial = (results.remeasured ?? []).map(
    (run) =>
      ` ${run.rows} rows re-measured ${minute(run.date)} UTC by \`BENCH_ONLY=${run.sections.join(',')}\`` +
      `${run.chromium !== chromium ? ` on ${run.chromium}` : ''}` +
      ` (inputs ${run.inputs.sizeMiB} MiB, ${run.inputs.tensors} tensors): each replaced the row of its metric or was added.`,
  );
  return (
    `Measured ${minute(results.date)} UTC on ${cpuModel}, ${cpus} cores, ${memoryGiB} GiB, ${chromium}; ` +
    `inputs ${results.inputs.sizeMiB} MiB, ${results.inputs.tensors} tensors (bench/results.json).${partial.join('')}`
  );
}

/** The published section: the measured-on line and the table (prettier aligns it afterwards). */
export function renderSection(results: BenchResults): string {
  const line = (cells: string[]) => {
    if (cells.some((cell) => cell.includes('|'))) throw new Error(`a table cell contains "|": ${cells.join(' / ')}`);
    return `| ${cells.join(' | ')} |`;
  };
  return [measuredOn(results), '', line(HEADER), line(HEADER.map(() => '---')), ...tableCells(results).map(line)].join(
    '\n',
  );
}

function sectionBounds(readme: string): { start: number; end: number } {
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  if (start < 0 || end < start) throw new Error(`${PERFORMANCE_DOC} has no "${TABLE_START}" … "${TABLE_END}" section`);
  return { start: start + TABLE_START.length, end };
}

/** The page with its table section replaced by these results. */
export function withSection(readme: string, results: BenchResults): string {
  const { start, end } = sectionBounds(readme);
  return `${readme.slice(0, start)}\n\n${renderSection(results)}\n\n${readme.slice(end)}`;
}

/** What the page's section says: its measured-on line and each table row's trimmed cells. */
export function readSection(readme: string): { measuredOn: string; rows: string[][] } {
  const { start, end } = sectionBounds(readme);
  const lines = readme
    .slice(start, end)
    .split('\n')
    .map((text) => text.trim())
    .filter(Boolean);
  const tableLines = lines.filter((text) => text.startsWith('|'));
  return {
    measuredOn: lines.filter((text) => !text.startsWith('|')).join(' '),
    // Skip the header and the |---| line; a cell never contains '|' (notes are plain prose).
    rows: tableLines.slice(2).map((text) =>
      text
        .slice(1, -1)
        .split('|')
        .map((cell) => cell.trim()),
    ),
  };
}
