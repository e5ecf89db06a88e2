import { existsSync, readdirSync, rmdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { LensError, withFile } from '../../base/errors';
import { checkResliceCoverage, combineCheckpoints, openReslicedView, strategyRanks } from '../../core/distributed';
import { buildExport, planExport, type ExportFormat } from '../../core/export';
import { openCheckpoint, type OpenedCheckpoint } from '../../core/open';
import { plural } from '../../base/plural';
import { formatBytes } from '../../core/summary';
import { EXIT } from '../args';
import {
  collectRankPaths,
  openCheckedMergedView,
  openRankPaths,
  parseInputFormat,
  readStrategies,
} from '../distributed-input';
import { checkOutputFolder, createFolder, openFileSource, writeExportFile } from '../files';
import { ownsOutput, parseShard } from '../shard';
import type { ArgsOf, CliIo } from '../types';
import type { resliceDefinition } from '../definitions/reslice';

function usage(reason: string): LensError {
  return new LensError('usage', { hint: reason });
}

/** A unified checkpoint: one file, or a directory of parts (every .safetensors/.ckpt in it). */
async function openUnified(input: string): Promise<OpenedCheckpoint> {
  const isDir = existsSync(input) && statSync(input).isDirectory();
  const files = isDir
    ? readdirSync(input)
        .filter((name) => /\.(safetensors|ckpt)$/i.test(name))
        .sort()
        .map((name) => path.join(input, name))
    : [input];
  if (files.length === 0)
    throw new LensError('file-not-found', { file: input, hint: 'no .safetensors or .ckpt in it' });
  const opened = [];
  for (const file of files) {
    try {
      opened.push({ name: file, opened: await openCheckpoint(await openFileSource(file)) });
    } catch (error) {
      throw withFile(error, file);
    }
  }
  return opened.length === 1 && opened[0] ? opened[0].opened : combineCheckpoints(opened);
}

async function writeView(
  view: OpenedCheckpoint,
  format: ExportFormat,
  out: string,
  signal: AbortSignal,
): Promise<number> {
  const plan = planExport(view.index, { format, metadataFormat: format === 'safetensors' ? 'ms' : null });
  const job = await buildExport(view, plan, { signal });
  return writeExportFile(job, out, signal);
}

/** Remove what this run wrote (the rank files, then their folders if left empty). */
function removeWritten(files: readonly string[]): void {
  for (const file of files) {
    rmSync(file, { force: true });
    rmSync(`${file}.partial`, { force: true });
    try {
      rmdirSync(path.dirname(file));
    } catch {
      // not empty (other files were there before): keep it
    }
  }
}

export async function run({ values, positionals }: ArgsOf<typeof resliceDefinition>, io: CliIo): Promise<number> {
  const out = values.out;
  if (!out) return io.usage('reslice needs --out <dir>');
  const format = (values.format ?? 'safetensors') as ExportFormat;
  if (format !== 'ckpt' && format !== 'safetensors')
    throw usage(`--format must be safetensors or ckpt, not "${String(format)}"`);
  const shard = values.shard !== undefined ? parseShard(values.shard) : null;
  const allowIncomplete = values['allow-incomplete'] ?? false;
  checkOutputFolder(out);
  const controller = new AbortController();
  const onInterrupt = (): void => controller.abort();
  process.once('SIGINT', onInterrupt);
  const written: { rank: number; file: string; bytes: number; tensors: number }[] = [];
  try {
    const target = await readStrategies(values.strategy);
    let full: OpenedCheckpoint;
    let input: string;
    if (values['train-strategy']) {
      // transform_checkpoints: merge with the training strategy (after every check merge makes), then cut.
      const train = await readStrategies(values['train-strategy']);
      const paths = collectRankPaths(positionals, parseInputFormat(values['input-format']));
      const files = await openRankPaths(paths, { key: values.key, keyText: values['key-text'] }, controller.signal);
      full = (
        await openCheckedMergedView(train, files, {
          checkReplicas: !values['no-check-replicas'],
          allowIncomplete,
          signal: controller.signal,
        })
      ).view;
      input = positionals.join(', ');
    } else {
      if (positionals.length !== 1)
        throw usage('give one unified file or directory (or --train-strategy with rank files)');
      input = positionals[0] as string;
      full = await openUnified(input);
    }
    checkResliceCoverage(full, target, input, {
      allowIncomplete,
      allowHint: '--allow-incomplete writes the rank files without them',
    });
    const all = strategyRanks(target);
    const ranks = values.rank ? values.rank.map(Number) : all;
    for (const rank of ranks) {
      if (!Number.isSafeInteger(rank) || !all.includes(rank)) {
        throw usage(`--rank ${String(rank)} is not one of the target strategy's ranks 0–${all.length - 1}`);
      }
    }
    // --shard: every process lists the same ranks, then writes the rank files that fall to it.
    const mine = ranks.filter((_, index) => !shard || ownsOutput(shard, index));
    // Every rank's view first (metadata only): a tensor that cannot be cut stops the run before any file is written.
    const planned = mine.map((rank) => {
      const file = path.join(out, `rank_${rank}`, `net.${format}`);
      if (existsSync(file) && !values.force) throw usage(`${file} exists; add --force to replace it`);
      return { rank, file, view: openReslicedView(full, target, rank) };
    });
    for (const { rank, file, view } of planned) {
      createFolder(path.dirname(file));
      const bytes = await writeView(view, format, file, controller.signal);
      written.push({ rank, file, bytes, tensors: view.index.tensors.length });
    }
  } catch (error) {
    removeWritten(written.map((item) => item.file));
    throw error;
  } finally {
    process.removeListener('SIGINT', onInterrupt);
  }
  if (values.json) io.out(JSON.stringify({ format, outputs: written }));
  else
    for (const item of written) io.out(`${item.file}: ${formatBytes(item.bytes)}, ${plural(item.tensors, 'tensor')}`);
  return EXIT.ok;
}
