import path from 'node:path';
import { withFile } from '../../base/errors';
import type { CheckpointIndex, FileProblemCode, TensorEntry, TensorProblemCode } from '../../base/types';
import { isNoteProblem } from '../../base/problems';
import {
  describeFileProblem,
  describeStoredCrc,
  describeTensorProblem,
  describeUncheckedZipHeaders,
  describeVerdict,
} from '../../core/messages';
import { filterPredicate } from '../../core/selection/filter';
import { fileVerdict, formatBytes, formatShape, summarize } from '../../core/summary';
import { EXIT } from '../args';
import { printJsonWithList } from '../json-out';
import { readKeyOptions } from '../key-options';
import { openInputCheckpoint } from '../open-input';
import { nameColumnWidth, shown } from '../terminal';
import type { ArgsOf, CliIo } from '../types';
import type { inspectDefinition } from '../definitions/inspect';
import { plural } from '../../base/plural';

/** The JSON contract other tools read: keep keys stable, add only. */
function inspectJsonFields(index: CheckpointIndex) {
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
function tensorJsonWriter(): (tensor: TensorEntry) => string {
  let lastDtype = '';
  let lastDtypeText = '""';
  let lastShape: readonly number[] | null = null;
  let lastShapeText = '[]';
  return (tensor) => {
    if (tensor.dtype !== lastDtype) {
      lastDtype = tensor.dtype;
      lastDtypeText = JSON.stringify(tensor.dtype);
    }
    if (tensor.shape !== lastShape) {
      lastShape = tensor.shape;
      lastShapeText = JSON.stringify(tensor.shape);
    }
    let text = `{"name":${JSON.stringify(tensor.name)},"dtype":${lastDtypeText}`;
    if (tensor.rawDtype !== undefined) text += `,"rawDtype":${JSON.stringify(tensor.rawDtype)}`;
    text += `,"shape":${lastShapeText},"bytes":${JSON.stringify(tensor.bytes)}`;
    if (tensor.value !== undefined) text += `,"value":${JSON.stringify(tensor.value)}`;
    if (tensor.problems) text += `,"problems":${JSON.stringify(tensor.problems.map((problem) => problem.code))}`;
    if (tensor.shard !== undefined) text += `,"shard":${JSON.stringify(tensor.shard)}`;
    return `${text}}`;
  };
}

/** Rows of the text table between waits for standard output (CliIo.drained). */
const ROWS_PER_WAIT = 512;

async function printTable(io: CliIo, file: string, index: CheckpointIndex): Promise<void> {
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
  const nameWidth = nameColumnWidth(index.tensors);
  io.out(`${'name'.padEnd(nameWidth)}  ${'dtype'.padEnd(9)}  ${'shape'.padEnd(18)}  bytes`);
  let row = 0;
  for (const tensor of index.tensors) {
    row += 1;
    if (io.drained && row % ROWS_PER_WAIT === 0) await io.drained();
    const value = tensor.value !== undefined ? `  = ${JSON.stringify(tensor.value)}` : '';
    const shard = tensor.shard !== undefined ? `  [${shown(tensor.shard)}]` : '';
    io.out(
      `${shown(tensor.name).padEnd(nameWidth)}  ${shown(tensor.dtype).padEnd(9)}  ${formatShape(tensor.shape).padEnd(18)}  ${tensor.bytes}${value}${shard}`,
    );
    for (const problem of tensor.problems ?? [])
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
    const opened = await openInputCheckpoint(file, keyOptions);
    // --filter keeps the parameters a filter expression matches (core/selection/filter/).
    const index = filter
      ? { ...opened.index, tensors: opened.index.tensors.filter((t) => filter.predicate(t)) }
      : opened.index;
    if (values.json) {
      const filterJson = filter
        ? { filter: { expression: filter.text, matched: index.tensors.length, total: opened.index.tensors.length } }
        : {};
      await printJsonWithList(
        io,
        { ...inspectJsonFields(index), ...filterJson },
        'tensors',
        index.tensors,
        tensorJsonWriter(),
      );
    } else {
      if (filter)
        io.out(
          `filter ${filter.text}: ${index.tensors.length} of ${plural(opened.index.tensors.length, 'parameter')} ${index.tensors.length === 1 ? 'matches' : 'match'}`,
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
