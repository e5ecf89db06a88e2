import { existsSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { LensError } from '../../base/errors';
import { mergedNamesJob, planUnifiedParts, type MergedView } from '../../core/distributed';
import type { ExportFormat } from '../../core/export';
import { describeSetProblem } from '../../core/messages';
import { plural } from '../../base/plural';
import { formatBytes } from '../../core/summary';
import { EXIT } from '../args';
import { checkOutputFile, checkOutputFolder, createFolder, fsError, writeExportFile } from '../files';
import {
  collectRankPaths,
  openCheckedMergedView,
  openRankPaths,
  parseInputFormat,
  readStrategies,
} from '../distributed-input';
import { writeOnPool } from '../merge-pool';
import { ownsOutput, parseShard, shardPartFile, writeShardRange, type Shard } from '../shard';
import { shown } from '../terminal';
import type { ArgsOf, CliIo } from '../types';
import type { mergeDefinition } from '../definitions/merge';

function usage(reason: string): LensError {
  return new LensError('usage', { hint: reason });
}

const UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  kb: 1e3,
  kib: 1024,
  mb: 1e6,
  mib: 1024 ** 2,
  gb: 1e9,
  gib: 1024 ** 3,
  tb: 1e12,
  tib: 1024 ** 4,
};

/** "3GiB", "500MB", "1048576" → bytes. */
export function parseSize(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const unit = UNITS[(match?.[2] ?? '').toLowerCase()];
  const bytes = match && unit !== undefined ? Math.floor(Number(match[1]) * unit) : NaN;
  if (!Number.isSafeInteger(bytes) || bytes <= 0) throw usage(`--part-size "${text}" must look like 3GiB or 500MB`);
  return bytes;
}

/** "4" → 4 worker threads (1 to 64). */
function parseProcessCount(text: string): number {
  const count = Number(text);
  if (!Number.isInteger(count) || count < 1 || count > 64)
    throw usage(`--max-process-num "${text}" must be a whole number from 1 to 64`);
  return count;
}

async function writeTensors(
  view: MergedView,
  names: readonly string[],
  format: ExportFormat,
  out: string,
  signal: AbortSignal,
): Promise<number> {
  return writeExportFile(await mergedNamesJob(view, names, format, signal), out, signal);
}

interface Written {
  file: string;
  bytes: number;
  tensors: number;
}

export async function run({ values, positionals }: ArgsOf<typeof mergeDefinition>, io: CliIo): Promise<number> {
  const out = values.out;
  if (!out) return io.usage('merge needs --out <file|dir>');
  const unified =
    values['part-size'] !== undefined || out.endsWith('/') || (existsSync(out) && statSync(out).isDirectory());
  const format = (values.format ??
    (!unified && out.toLowerCase().endsWith('.ckpt') ? 'ckpt' : 'safetensors')) as ExportFormat;
  if (format !== 'ckpt' && format !== 'safetensors')
    throw usage(`--format must be safetensors or ckpt, not "${String(format)}"`);
  const partBytes = values['part-size'] !== undefined ? parseSize(values['part-size']) : undefined;
  const processes = values['max-process-num'] !== undefined ? parseProcessCount(values['max-process-num']) : 1;
  const force = values.force ?? false;
  const shard: Shard | null = values.shard !== undefined ? parseShard(values.shard) : null;
  if (shard && !unified && processes > 1)
    throw usage('--shard writes one byte range of one file: give it without --max-process-num');
  if (unified) checkOutputFolder(out);
  else
    checkOutputFile(shard ? shardPartFile(out, shard) : out, {
      inputs: [...positionals, ...(values.strategy ?? [])],
      force,
    });

  const controller = new AbortController();
  const onInterrupt = (): void => controller.abort();
  process.once('SIGINT', onInterrupt);
  try {
    const strategy = await readStrategies(values.strategy);
    const paths = collectRankPaths(positionals, parseInputFormat(values['input-format']));
    const files = await openRankPaths(paths, { key: values.key, keyText: values['key-text'] }, controller.signal);
    const { view, layout, replicas, skipped } = await openCheckedMergedView(strategy, files, {
      checkReplicas: !values['no-check-replicas'],
      allowIncomplete: values['allow-incomplete'] ?? false,
      signal: controller.signal,
    });

    const written: Written[] = [];
    const kindOf = new Map(view.plans.map((plan) => [plan.name, plan.kind]));
    const outputs: { file: string; names: string[] }[] = [];
    let nameMap: unknown = null;
    if (!unified) {
      outputs.push({ file: out, names: view.index.tensors.map((t) => t.name) });
    } else {
      createFolder(out);
      const plan = planUnifiedParts(view, { partBytes, extension: format });
      // With --shard every process plans all parts, then writes the ones that fall to it.
      const targets = [...plan.parts, ...(plan.hyperParams ? [plan.hyperParams] : [])];
      for (const [index, target] of targets.entries())
        if (!shard || ownsOutput(shard, index))
          outputs.push({ file: path.join(out, target.file), names: target.names });
      for (const { file } of outputs)
        if (existsSync(file) && !force) throw usage(`${file} exists; add --force to replace it`);
      nameMap = plan.nameMap;
    }
    if (shard && !unified) {
      const { file, names } = outputs[0] as { file: string; names: string[] };
      const job = await mergedNamesJob(view, names, format);
      const part = await writeShardRange(job, file, shard, controller.signal);
      written.push({ file: part.file, bytes: part.bytes, tensors: 0 });
    } else if (processes > 1) {
      const jobs = await Promise.all(
        outputs.map(async (output) => ({ ...output, job: await mergedNamesJob(view, output.names, format) })),
      );
      await writeOnPool(
        jobs,
        {
          strategyPaths: values.strategy ?? [],
          inputs: positionals,
          inputFormat: parseInputFormat(values['input-format']),
          ...(values.key !== undefined ? { key: values.key } : {}),
          ...(values['key-text'] !== undefined ? { keyText: values['key-text'] } : {}),
          format,
        },
        processes,
        controller.signal,
      );
      for (const { file, names, job } of jobs) written.push({ file, bytes: job.size, tensors: names.length });
    } else {
      for (const { file, names } of outputs) {
        const bytes = await writeTensors(view, names, format, file, controller.signal);
        written.push({ file, bytes, tensors: names.length });
      }
    }
    // The name map is the same on every shard: shard 0 writes it.
    if (unified && (!shard || shard.index === 0)) {
      const mapFile = path.join(out, 'param_name_map.json');
      await writeFile(mapFile, JSON.stringify(nameMap, null, 2)).catch((error: unknown) => {
        throw fsError(error, mapFile, 'write');
      });
      written.push({ file: mapFile, bytes: statSync(mapFile).size, tensors: 0 });
    }

    if (values.json) {
      io.out(
        JSON.stringify({
          format,
          outputs: written,
          merged: view.index.tensors.filter((t) => kindOf.get(t.name) === 'sharded').length,
          copied: view.index.tensors.filter((t) => kindOf.get(t.name) === 'extra').length,
          skipped: skipped.map((plan) => ({ name: plan.name, problems: plan.problems })),
          problems: layout.problems,
          replicasCompared: replicas.reduce((sum, report) => sum + report.compared, 0),
        }),
      );
    } else {
      for (const item of written)
        io.out(`${item.file}: ${formatBytes(item.bytes)}${item.tensors ? `, ${plural(item.tensors, 'tensor')}` : ''}`);
      const absent = skipped.filter((plan) => plan.problems.some((p) => p.code === 'not-in-files'));
      for (const plan of skipped) if (!absent.includes(plan)) io.out(`skipped ${shown(plan.name)}`);
      if (absent.length > 0)
        io.out(`skipped ${plural(absent.length, 'strategy parameter')} that no rank file holds (listed below)`);
      for (const problem of layout.problems)
        io.out(`! ${describeSetProblem(problem.code, problem.detail, problem.ranks)}`);
    }
    return EXIT.ok;
  } finally {
    process.removeListener('SIGINT', onInterrupt);
  }
}
