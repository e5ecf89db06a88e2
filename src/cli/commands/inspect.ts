import path from 'node:path';
import { withFile } from '../../base/errors';
import type { CheckpointIndex, TensorEntry } from '../../base/types';
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

function tensorJson(tensor: TensorEntry) {
  return {
    name: tensor.name,
    dtype: tensor.dtype,
    ...(tensor.rawDtype !== undefined ? { rawDtype: tensor.rawDtype } : {}),
    shape: tensor.shape,
    bytes: tensor.bytes,
    ...(tensor.value !== undefined ? { value: tensor.value } : {}),
    ...(tensor.problems ? { problems: tensor.problems.map((p) => p.code) } : {}),
    ...(tensor.shard !== undefined ? { shard: tensor.shard } : {}),
  };
}

function printTable(io: CliIo, file: string, index: CheckpointIndex): void {
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
  for (const tensor of index.tensors) {
    const value = tensor.value !== undefined ? `  = ${JSON.stringify(tensor.value)}` : '';
    const shard = tensor.shard !== undefined ? `  [${shown(tensor.shard)}]` : '';
    io.out(
      `${shown(tensor.name).padEnd(nameWidth)}  ${shown(tensor.dtype).padEnd(9)}  ${formatShape(tensor.shape).padEnd(18)}  ${tensor.bytes}${value}${shard}`,
    );
    for (const problem of tensor.problems ?? []) io.out(`    ! ${describeTensorProblem(problem.code, problem.detail)}`);
  }
  for (const problem of index.problems) io.out(`! ${describeFileProblem(problem.code, problem.detail)}`);
}

export async function run({ values, positionals }: ArgsOf<typeof inspectDefinition>, io: CliIo): Promise<number> {
  const file = positionals[0] as string;
  const keyOptions = readKeyOptions(values);
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
      printJsonWithList(io, { ...inspectJsonFields(index), ...filterJson }, 'tensors', index.tensors, tensorJson);
    } else {
      if (filter)
        io.out(
          `filter ${filter.text}: ${index.tensors.length} of ${plural(opened.index.tensors.length, 'parameter')} ${index.tensors.length === 1 ? 'matches' : 'match'}`,
        );
      printTable(io, file, index);
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
