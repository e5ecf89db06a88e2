import path from 'node:path';
import { withFile } from '../../base/errors';
import { factsOf, pickRows, tensorRowsOf, type TensorRows } from '../../base/tensor-columns';
import type { CheckpointIndex, FileProblemCode, TensorProblemCode } from '../../base/types';
import { isNoteProblem } from '../../base/problems';
import {
  describeFileProblem,
  describeStoredCrc,
  describeTensorProblem,
  describeUncheckedZipHeaders,
  describeVerdict,
} from '../../core/messages';
import { filterPredicate, matchingPositions } from '../../core/selection/filter';
import { fileVerdict, formatBytes, formatShape, summarize } from '../../core/summary';
import { EXIT } from '../args';
import { streamJsonList } from '../json-out';
import { readKeyOptions } from '../key-options';
import { openInputCheckpoint } from '../open-input';
import { nameColumnWidth, shown } from '../terminal';
import type { ArgsOf, CliIo } from '../types';
import type { inspectDefinition } from '../definitions/inspect';
import { plural } from '../../base/plural';

/** An index with its tensors by position (the columns the scan made, or the filter's matches of them). */
type ListedIndex = Omit<CheckpointIndex, 'tensors'> & { tensors: TensorRows };

/** The JSON contract other tools read: keep keys stable, add only. */
function inspectJsonFields(index: ListedIndex) {
  return {
    format: index.format,
    size: index.size,
    encryption: index.encryption,
    crc: { present: index.crc.present, ok: index.crc.ok },
    metadata: index.metadata,
    problems: index.problems,
    verdict: fileVerdict(index).level,
    ...(index.sharded ? { sharded: index.sharded } : {}),
    // Storages whose local headers are checked only when their bytes are read (not at open).
    ...(index.zipUnchecked ? { zipLocalHeadersUnchecked: index.zipUnchecked.length } : {}),
  };
}

/**
 * One tensor of `inspect --json` as JSON text, written directly (a million objects built to be
 * stringified were a second of a million-tensor listing): keys name, dtype, rawDtype?, shape,
 * bytes, value?, problems? (codes), shard?. A dtype or shape repeated from the last tensor
 * reuses its text.
 */
function tensorJsonWriter(rows: TensorRows): (i: number) => string {
  let lastDtype = '';
  let lastDtypeText = '""';
  let lastShape: readonly number[] | null = null;
  let lastShapeText = '[]';
  return (i) => {
    const dtype = rows.dtype(i);
    if (dtype !== lastDtype) {
      lastDtype = dtype;
      lastDtypeText = JSON.stringify(dtype);
    }
    const shape = rows.shape(i);
    if (shape !== lastShape) {
      lastShape = shape;
      lastShapeText = JSON.stringify(shape);
    }
    let text = `{"name":${JSON.stringify(rows.name(i))},"dtype":${lastDtypeText}`;
    const rawDtype = rows.rawDtype(i);
    if (rawDtype !== undefined) text += `,"rawDtype":${JSON.stringify(rawDtype)}`;
    text += `,"shape":${lastShapeText},"bytes":${JSON.stringify(rows.bytes(i))}`;
    const value = rows.value(i);
    if (value !== undefined) text += `,"value":${JSON.stringify(value)}`;
    const problems = rows.problems(i);
    if (problems) text += `,"problems":${JSON.stringify(problems.map((problem) => problem.code))}`;
    const shard = rows.shard(i);
    if (shard !== undefined) text += `,"shard":${JSON.stringify(shard)}`;
    return `${text}}`;
  };
}

/** Rows of the text table between waits for standard output (CliIo.drained). */
const ROWS_PER_WAIT = 512;

async function printTable(io: CliIo, file: string, index: ListedIndex): Promise<void> {
  const summary = summarize(index);
  io.out(
    `${path.basename(file)}: ${index.format}, ${formatBytes(index.size)}, ${plural(summary.parameterCount, 'parameter')}, ${plural(summary.totalElements, 'element')}`,
  );
  if (index.encryption) {
    io.out(
      `encrypted: ${index.encryption.mode} (${index.encryption.layout} layout), ${formatBytes(index.plaintextSize)} decrypted`,
    );
  }
  if (index.crc.present)
    io.out(
      `${index.crc.zipEntries !== undefined ? 'crc' : 'crc_num'}: ${describeStoredCrc(index.crc)}${index.crc.ok === null ? ' (not verified)' : index.crc.ok ? ' (ok)' : ' (MISMATCH)'}`,
    );
  if (index.zipUnchecked) io.out(describeUncheckedZipHeaders(index.zipUnchecked.length));
  if (index.sharded) {
    io.out(`sharded: ${plural(index.sharded.shards.length, 'shard')} from ${shown(index.sharded.indexFile)}`);
    for (const shard of index.sharded.shards)
      io.out(
        `  ${shown(shard.file)}: ${shard.format}, ${formatBytes(shard.size)}, ${plural(shard.tensorCount, 'parameter')}`,
      );
  }
  const rows = index.tensors;
  const nameWidth = nameColumnWidth(rows.length, (i) => rows.name(i));
  io.out(`${'name'.padEnd(nameWidth)}  ${'dtype'.padEnd(9)}  ${'shape'.padEnd(18)}  bytes`);
  for (let i = 0; i < rows.length; i += 1) {
    if (io.drained && (i + 1) % ROWS_PER_WAIT === 0) await io.drained();
    const value = rows.value(i);
    const shard = rows.shard(i);
    const valueText = value !== undefined ? `  = ${JSON.stringify(value)}` : '';
    const shardText = shard !== undefined ? `  [${shown(shard)}]` : '';
    io.out(
      `${shown(rows.name(i)).padEnd(nameWidth)}  ${shown(rows.dtype(i)).padEnd(9)}  ${formatShape(rows.shape(i)).padEnd(18)}  ${rows.bytes(i)}${valueText}${shardText}`,
    );
    for (const problem of rows.problems(i) ?? [])
      io.out(`    ${mark(problem.code)} ${describeTensorProblem(problem.code, problem.detail)}`);
  }
  for (const problem of index.problems)
    io.out(`${mark(problem.code)} ${describeFileProblem(problem.code, problem.detail, 'cli')}`);
}

/** "!" before a finding, "note:" before a note (how the file was saved), as the verdict counts them. */
function mark(code: TensorProblemCode | FileProblemCode): string {
  return isNoteProblem(code) ? 'note:' : '!';
}

export async function run({ values, positionals }: ArgsOf<typeof inspectDefinition>, io: CliIo): Promise<number> {
  const file = positionals[0] as string;
  const keyOptions = await readKeyOptions(values);
  const filterText = values.filter;
  const filter = filterText !== undefined ? { text: filterText, predicate: filterPredicate(filterText) } : null;
  try {
    // As columns: a million tensors are listed without an object each.
    const opened = await openInputCheckpoint(file, { ...keyOptions, columns: true });
    const all = tensorRowsOf(opened.index);
    // --filter keeps the parameters a filter expression matches (core/selection/filter/).
    const index: ListedIndex = {
      ...factsOf(opened.index),
      tensors: filter ? pickRows(all, matchingPositions(filter.predicate, all)) : all,
    };
    const shownCount = index.tensors.length;
    if (values.json) {
      const filterJson = filter ? { filter: { expression: filter.text, matched: shownCount, total: all.length } } : {};
      const out = streamJsonList(io, { ...inspectJsonFields(index), ...filterJson }, 'tensors');
      const tensorJson = tensorJsonWriter(index.tensors);
      for (let i = 0; i < shownCount; i += 1) await out.add(tensorJson(i));
      await out.end();
    } else {
      if (filter)
        io.out(
          `filter ${filter.text}: ${shownCount} of ${plural(all.length, 'parameter')} ${shownCount === 1 ? 'matches' : 'match'}`,
        );
      await printTable(io, file, index);
    }
    // A structural finding (damage, a pickle that would run code) is exit 3, as in verify and diff;
    // notes on how a file was saved are not. The CRC is not computed here: that is verify's work.
    const verdict = fileVerdict(index);
    if (!values.json && verdict.level === 'finding') io.out(describeVerdict(verdict, index.format).headline);
    return verdict.level === 'finding' ? EXIT.integrityFailed : EXIT.ok;
  } catch (error) {
    throw withFile(error, file);
  }
}
