import path from 'node:path';
import { LensError, withFile } from '../../base/errors';
import { isNoteProblem } from '../../base/problems';
import type { CheckpointIndex, CipherMode } from '../../base/types';
import { CIPHER_MAGICS } from '../../base/cipher-magic';
import { openDecryptedSource } from '../../crypto/decrypted-source';
import type { ByteSource } from '../../io/byte-source';
import {
  buildExport,
  parseAppendValue,
  planExport,
  verifyExport,
  type AppendValue,
  type CastRule,
  type ExportFormat,
  type ExportJob,
  type ExportOptions,
  type VerifyReport,
} from '../../core/export';
import { openManifest } from '../../core/load-rules/open-manifest';
import {
  describeAutoMapNotNeeded,
  describeAutoMapProposal,
  describeFileProblem,
  describeImpossibleStoredCrc,
  describeTensorProblem,
} from '../../core/messages';
import { compileNameMap, proposeAutoMap, type AutoMapResult } from '../../core/name-map';
import { openCheckpoint, type OpenedCheckpoint } from '../../core/open';
import { filterPredicate } from '../../core/selection/filter';
import { formatBytes } from '../../core/summary';
import { EXIT } from '../args';
import { checkOutputFile, openFileSource, writeExportFile } from '../files';
import { streamJsonList } from '../json-out';
import { openInputCheckpoint } from '../open-input';
import { tensorRowsOf } from '../../base/tensor-columns';
import { parseShard, shardPartFile, writeShardRange } from '../shard';
import { shown } from '../terminal';
import type { ArgsOf, CliIo } from '../types';
import type { convertDefinition } from '../definitions/convert';
import { plural } from '../../base/plural';
import { readNameMap, withAutoMap } from './diff';
import { keyFrom } from '../key-options';

function usage(reason: string): LensError {
  return new LensError('usage', { hint: reason });
}

function parseCasts(values: string[]): CastRule[] {
  return values.map((value) => {
    const match = /^([A-Za-z0-9]+)(?::([A-Za-z0-9]+))?$/.exec(value);
    if (!match) throw usage(`--cast "${value}" must look like Float32:Float16 (or just Float16 for every float)`);
    return match[2] === undefined ? { to: match[1] as string } : { from: match[1] as string, to: match[2] };
  });
}

function parseSets(values: string[]): [string, AppendValue][] {
  return values.map((value) => {
    const at = value.indexOf('=');
    if (at <= 0) throw usage(`--set "${value}" must look like key=value`);
    return [value.slice(0, at), parseAppendValue(value.slice(at + 1))];
  });
}

/**
 * Open the input (a file, an index JSON or a folder), decrypting it when a key is given. As
 * columns: the plan and the output read it by position, with no entry of every tensor at once.
 */
function openInput(
  file: string,
  key: Uint8Array | undefined,
  mode: string | undefined,
  signal: AbortSignal,
): Promise<OpenedCheckpoint> {
  return openInputCheckpoint(file, {
    ...(key ? { key } : {}),
    ...(mode ? { mode: mode as CipherMode } : {}),
    signal,
    columns: true,
  });
}

/** Write to `<out>.partial`, then rename: a cancelled export never leaves a complete-looking file. */
async function verifyOutput(
  out: string,
  job: Pick<ExportJob, 'plan' | 'contentAt'>,
  encKey: Uint8Array | undefined,
  signal: AbortSignal,
): Promise<VerifyReport> {
  let source: ByteSource = await openFileSource(out);
  if (job.plan.encryption && encKey) {
    source = await openDecryptedSource(source, encKey, { mode: job.plan.encryption.mode, signal });
  }
  // As columns: the check makes an entry object for one written tensor at a time.
  return verifyExport(await openCheckpoint(source, { signal, columns: true }), job, { signal });
}

/** The output is a fresh file that looks sound: what the source carried that it no longer shows. */
function notesAboutSource(index: CheckpointIndex, input: string): string[] {
  const notes: string[] = [];
  const findings = index.problems.filter((problem) => !isNoteProblem(problem.code));
  const first = findings[0];
  if (first)
    notes.push(
      `note: the source has ${plural(findings.length, 'structural finding')} ("inspect" lists them), which the output no longer shows: ${describeFileProblem(first.code, first.detail, 'cli')}`,
    );
  if (index.crc.present && index.crc.stored !== undefined)
    notes.push(`note: ${describeImpossibleStoredCrc(index.crc)} The output no longer shows it.`);
  else if (index.crc.present && index.crc.ok === null && !index.crc.zipEntries)
    notes.push(
      `note: the source's stored CRC was not checked by this conversion; "ckpt-lens verify ${input}" checks it.`,
    );
  return notes;
}

export async function run({ values, positionals }: ArgsOf<typeof convertDefinition>, io: CliIo): Promise<number> {
  const [input, out] = positionals as [string, string];
  const extension = path.extname(out).toLowerCase();

  const format: ExportFormat = (values.format ??
    (extension === '.safetensors' ? 'safetensors' : 'ckpt')) as ExportFormat;
  if (format !== 'ckpt' && format !== 'safetensors')
    throw usage(`--format must be ckpt or safetensors, not "${format}"`);
  const metadataFormat = values['metadata-format'];
  if (metadataFormat !== undefined && metadataFormat !== 'ms' && metadataFormat !== 'pt') {
    throw usage('--metadata-format must be ms or pt');
  }
  const scalarDims = values['scalar-dims'];
  if (scalarDims !== undefined && scalarDims !== 'keep' && scalarDims !== 'mindspore') {
    throw usage('--scalar-dims must be keep or mindspore');
  }
  if (values.mode !== undefined && !(Object.values(CIPHER_MAGICS) as string[]).includes(values.mode)) {
    throw usage('--mode must be AES-GCM, AES-CBC or SM4-CBC');
  }
  const inputKey = await keyFrom({ hex: values.key, text: values['key-text'], file: values['key-file'] }, '--key');
  const encKey = await keyFrom(
    { hex: values['enc-key'], text: values['enc-key-text'], file: values['enc-key-file'] },
    '--enc-key',
  );
  if (encKey && values['enc-mode'] === undefined) throw usage('--enc-key needs --enc-mode');
  if (!encKey && values['enc-mode'] !== undefined) throw usage('--enc-mode needs --enc-key');
  const shard = values.shard !== undefined ? parseShard(values.shard) : null;
  if (shard && values.verify) throw usage('--verify reads the whole file: run verify on it once the parts are joined');
  if (shard && encKey)
    throw usage('--enc-key encrypts the whole file, so it cannot be cut with --shard; write it in one process');
  const nameMapFile = values['name-map'];
  checkOutputFile(shard ? shardPartFile(out, shard) : out, {
    inputs: [
      input,
      ...[nameMapFile, values.manifest, values['key-file'], values['enc-key-file']].filter(
        (file): file is string => file !== undefined,
      ),
    ],
    force: values.force ?? false,
  });
  // The format comes from --format or the output's extension; any other name would get .ckpt
  // bytes without a word (x.bin is a PyTorch name, x.pt another format again).
  if (values.format === undefined && extension !== '.ckpt' && extension !== '.safetensors')
    throw usage(
      `cannot tell the output format from ${extension ? `"${extension}"` : 'a name with no extension'}: name the file .ckpt or .safetensors, or add --format ckpt|safetensors`,
    );
  if (values['auto-map'] && values.manifest === undefined)
    throw usage('--auto-map needs --manifest <network manifest>');
  if (!values['auto-map'] && values.manifest !== undefined) throw usage('--manifest is used with --auto-map');
  const nameMapSpec = await readNameMap(nameMapFile, values.preset);

  const controller = new AbortController();
  const onInterrupt = (): void => controller.abort();
  process.once('SIGINT', onInterrupt);
  try {
    // The source is opened, planned and written in a scope of its own: once the output is written
    // only the job (its parts) is kept, and the source's index (a million entries for a million
    // tensors) can go before --verify opens the output.
    const { plan, job, written, autoMap, sourceNotes } = await (async () => {
      const opened = await openInput(input, inputKey, values.mode, controller.signal).catch((error: unknown) => {
        throw withFile(error, input);
      });
      // A set with tensors in no shard would be written without them: a load finding, nothing written.
      const lost = opened.index.problems.filter(
        (problem) =>
          problem.code === 'shard-file-missing' ||
          problem.code === 'shard-file-not-regular' ||
          problem.code === 'shard-tensor-missing',
      );
      if (lost.length > 0)
        throw new LensError('shard-set-incomplete', {
          file: input,
          hint: lost
            .map((problem) => describeFileProblem(problem.code, problem.detail, 'cli').replace(/\.$/, ''))
            .join('; '),
        });
      const options: ExportOptions = {
        format,
        crc: values.crc ?? false,
        metadataFormat: (metadataFormat as 'ms' | 'pt' | undefined) ?? null,
        scalarDims: (scalarDims as 'keep' | 'mindspore' | undefined) ?? 'keep',
        casts: parseCasts(values.cast ?? []),
        appendDict: { set: parseSets(values.set ?? []), remove: values.unset ?? [] },
        encryption: encKey ? { mode: values['enc-mode'] as string, keyLength: encKey.length } : null,
      };
      if (values.filter !== undefined) options.select = filterPredicate(values.filter);
      let nameMap = nameMapSpec ? compileNameMap(nameMapSpec) : null;
      // --auto-map: the network's names for what would not load (core/name-map/automap), after the user's map.
      let autoMap: AutoMapResult | null = null;
      if (values['auto-map'] && values.manifest !== undefined) {
        const manifest = await openManifest(await openFileSource(values.manifest), { file: values.manifest });
        autoMap = proposeAutoMap(tensorRowsOf(opened.index), manifest.params, nameMap);
        nameMap = withAutoMap(nameMapSpec, autoMap);
      }
      if (nameMap) options.renames = nameMap.apply;
      const plan = planExport(opened.index, options);
      const job = await buildExport(opened, plan, { encryptionKey: encKey, signal: controller.signal });
      const written = shard
        ? await writeShardRange(job, out, shard, controller.signal)
        : { file: out, bytes: await writeExportFile(job, out, controller.signal) };
      // The job without its parts (a million record headers): --verify reads each tensor's content only.
      const { parts: _parts, ...kept } = job;
      return { plan, job: kept, written, autoMap, sourceNotes: notesAboutSource(opened.index, input) };
    })();
    const report = values.verify ? await verifyOutput(out, job, encKey, controller.signal) : null;
    const casts = job.castReport();
    if (values.json) {
      // The tensors (a million for a million) are written a few at a time, in the document's key order.
      const out = streamJsonList(
        io,
        {
          output: written.file,
          format: plan.format,
          size: job.size,
          ...(shard ? { shard: { index: shard.index, count: shard.count, bytes: written.bytes } } : {}),
        },
        'tensors',
      );
      for (const t of plan.tensors)
        await out.add(
          JSON.stringify({
            name: t.name,
            ...(t.sourceName !== null && t.sourceName !== t.name ? { from: t.sourceName } : {}),
            dtype: t.dtype,
            shape: t.shape,
            ...(t.cast ? { cast: t.cast } : {}),
          }),
        );
      await out.end({
        omitted: plan.omitted,
        crc: plan.crc,
        encryption: plan.encryption ? { mode: plan.encryption.mode } : null,
        casts,
        ...(autoMap ? { autoMap: { proposals: autoMap.proposals, notNeeded: autoMap.notNeeded } } : {}),
        ...(report ? { verify: report } : {}),
      });
    } else {
      io.out(
        `${path.basename(written.file)}: ${shard ? `${formatBytes(written.bytes)} of ` : ''}${plan.format}, ${formatBytes(job.size)}, ${plural(plan.tensors.length, 'parameter')}` +
          `${plan.crc ? ', with CRC' : ''}${plan.encryption ? `, encrypted ${plan.encryption.mode}` : ''}`,
      );
      for (const proposal of autoMap?.proposals ?? []) io.out(`  auto-map ${describeAutoMapProposal(proposal)}`);
      for (const item of autoMap?.notNeeded ?? []) io.out(`  auto-map ${describeAutoMapNotNeeded(item)}`);
      for (const omitted of plan.omitted)
        io.out(
          `  omitted ${shown(omitted.name)} (${omitted.reason === 'zero-size' ? "zero-size, as MindSpore's writer does" : describeTensorProblem(omitted.reason)})`,
        );
      for (const cast of casts) {
        io.out(
          `  cast ${shown(cast.name)} ${cast.from} → ${cast.to}: ${plural(cast.elements, 'value')}, ${cast.overflowToInfinity} overflowed to ±inf, ` +
            `${cast.nans} NaN, ${cast.underflowToZero} flushed to 0, max error ${cast.maxAbsoluteError.toPrecision(3)} ` +
            `(relative ${cast.maxRelativeError.toPrecision(3)})${cast.outOfRange ? `, ${cast.outOfRange} out of range (wrapped)` : ''}`,
        );
      }
      if (report) {
        io.out(
          report.ok
            ? `verified: ${plural(report.tensorsChecked, 'parameter')}, ${plural(report.valuesCompared, 'value')} compared byte for byte`
            : `VERIFY FAILED: ${report.mismatches.map((m) => `${shown(m.name)} ${m.kind}`).join('; ')}`,
        );
      }
    }
    for (const note of sourceNotes) io.err(note);
    return report && !report.ok ? EXIT.integrityFailed : EXIT.ok;
  } finally {
    process.off('SIGINT', onInterrupt);
  }
}
