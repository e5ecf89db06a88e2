import path from 'node:path';
import { internalError, serializeError, withFile } from '../../base/errors';
import { isNoteProblem } from '../../base/problems';
import { isShardIndexName } from '../../formats/sharded/index-json';
import type { CrcInfo, FileProblem } from '../../base/types';
import {
  CRC_TRAILER_AFTER_ENCRYPTION_NOT_CHECKED,
  crcHex,
  describeNoCrc,
  describeStructureOnlyVerified,
  describeError,
  describeFileProblem,
  describeSerialized,
  describeTensorProblem,
  describeZipCrc,
  oneLine,
  storedCrcHex,
} from '../../core/messages';
import { openCheckpoint } from '../../core/open';
import { sha256OfSource } from '../../integrity/fingerprint';
import { verifyIntegrity, type IntegrityReport } from '../../integrity/verify';
import type { ZipCrcCheck } from '../../integrity/zip-crc';
import { EXIT } from '../args';
import { isIntegrityError } from '../integrity-errors';
import { openFileSource } from '../files';
import { inputFile, openInputCheckpoint } from '../open-input';
import { readKeyOptions } from '../key-options';
import { crcOfUnparsedCkpt } from '../../integrity/unparsed-crc';
import { storedCrcOfTrailer } from '../../base/crc-trailer';
import type { ArgsOf, CliIo } from '../types';
import { shown } from '../terminal';
import { plural } from '../../base/plural';
import type { verifyDefinition } from '../definitions/verify';

interface ReportedProblem {
  code: string;
  detail: string;
  tensor?: string;
  offset?: number;
  block?: number;
}

/** Tensor findings listed one by one; a million damaged entries are counted, not printed. */
const MAX_LISTED_TENSOR_FINDINGS = 50;

/** The JSON contract of `verify --json`: keep keys stable, add only. */
export function verifyJson(report: IntegrityReport) {
  const problems: ReportedProblem[] = report.problems.map((problem: FileProblem) => ({
    code: problem.code,
    detail: describeFileProblem(problem.code, problem.detail, 'cli'),
    ...(problem.offset !== undefined ? { offset: problem.offset } : {}),
  }));
  for (const finding of report.tensorFindings.slice(0, MAX_LISTED_TENSOR_FINDINGS))
    problems.push({
      code: finding.code,
      tensor: finding.tensor,
      detail: `${shown(finding.tensor)}: ${describeTensorProblem(finding.code, finding.detail)}`,
    });
  if (report.tensorFindings.length > MAX_LISTED_TENSOR_FINDINGS)
    problems.push({
      code: 'more-tensor-findings',
      detail: `and ${plural(report.tensorFindings.length - MAX_LISTED_TENSOR_FINDINGS, 'more tensor')} with problems (inspect lists them all)`,
    });
  const failure = report.encryption?.failure;
  if (failure) {
    problems.push({
      code: failure.code,
      detail: oneLine(describeSerialized(failure, 'cli')),
      ...(failure.details.block !== undefined ? { block: failure.details.block } : {}),
    });
  }
  if (report.crcStatus === 'unverifiable') {
    problems.push({ code: 'crc-unverifiable', detail: report.crcNote ?? 'the CRC could not be computed' });
  }
  return {
    ok: report.ok,
    format: report.format,
    crc: {
      present: report.crc.present,
      ok: report.crc.ok,
      expected: report.crc.expected,
      actual: report.crc.actual,
      // What is stored, exactly, when it cannot be a CRC-32 (then expected is null).
      ...(report.crc.stored ? { stored: report.crc.stored } : {}),
    },
    crcStatus: report.crcStatus,
    bytesCovered: report.bytesCovered,
    trailingBytes: report.trailingBytes,
    encryption: report.encryption
      ? {
          mode: report.encryption.mode,
          layout: report.encryption.layout,
          blocksVerified: report.encryption.blocksVerified,
          ok: report.encryption.ok,
        }
      : null,
    blocks: report.encryption?.blocks ?? 0,
    // A PyTorch zip archive: its entries' CRC-32s (absent for other formats).
    ...(report.zip
      ? {
          zip: {
            entries: report.zip.entries,
            checked: report.zip.checked,
            mismatchCount: report.zip.mismatchCount,
            mismatches: report.zip.mismatches,
          },
        }
      : {}),
    problems,
    // How the file was saved, not damage: never makes `ok` false.
    notes: report.notes.map((note) => ({
      code: note.code,
      detail: describeFileProblem(note.code, note.detail, 'cli'),
      ...(note.offset !== undefined ? { offset: note.offset } : {}),
    })),
  };
}

function printReport(io: CliIo, file: string, json: ReturnType<typeof verifyJson>, zip?: ZipCrcCheck): void {
  const name = path.basename(file);
  const crc = json.crc;
  const hex = crcHex;
  if (zip) for (const line of describeZipCrc(zip)) io.out(`${name}: ${line}`);
  else if (!crc.present && json.problems.some((problem) => problem.code === 'crc-trailer-after-encryption'))
    io.out(`${name}: ${CRC_TRAILER_AFTER_ENCRYPTION_NOT_CHECKED}`);
  else if (!crc.present)
    io.out(
      json.format === 'pytorch'
        ? `${name}: the legacy torch.save layout (before torch 1.6) stores no CRC`
        : `${name}: ${describeNoCrc(json.format)}`,
    );
  else if (crc.ok)
    io.out(`${name}: CRC ok (${hex(crc.actual)} over ${json.bytesCovered.toLocaleString('en-US')} bytes)`);
  else if (crc.ok === false) io.out(`${name}: CRC MISMATCH: stored ${storedCrcHex(crc)}, computed ${hex(crc.actual)}`);
  else io.out(`${name}: CRC could not be checked`);
  if (json.encryption) {
    io.out(
      `encrypted ${json.encryption.mode} (${json.encryption.layout} layout): ${json.encryption.blocksVerified} of ${json.blocks} blocks verified`,
    );
  }
  if (json.trailingBytes > 0) io.out(`${json.trailingBytes} trailing bytes after the last tensor`);
  for (const problem of json.problems) io.out(`! ${problem.detail}`);
  for (const note of json.notes) io.out(`note: ${note.detail}`);
  // "ok" only where the bytes were checked against something: a CRC, zip entry CRCs, or GCM tags.
  const bytesChecked = crc.ok === true || (zip !== undefined && zip.checked > 0) || json.encryption?.mode === 'AES-GCM';
  io.out(
    json.ok ? (bytesChecked ? 'integrity: ok' : `integrity: ${describeStructureOnlyVerified()}`) : 'integrity: FAILED',
  );
}

type KeyOptions = Awaited<ReturnType<typeof readKeyOptions>>;

/** One file verified: its exit code, and its report as `verify --json` prints it (null when it could not be opened). */
interface FileOutcome {
  code: number;
  json: Record<string, unknown> | null;
}

async function verifyFile(
  file: string,
  keyOptions: KeyOptions,
  options: { sha256: boolean; json: boolean },
  io: CliIo,
): Promise<FileOutcome> {
  let report: IntegrityReport;
  try {
    const opened = await openCheckpoint(await openFileSource(file), { ...keyOptions, tolerateCrcTrailer: true });
    report = await verifyIntegrity(opened);
  } catch (error) {
    const serialized = serializeError(withFile(error, file));
    // A damaged block found while indexing is an integrity failure, not a bad argument.
    if (isIntegrityError(serialized)) {
      const message = describeError(serialized.code, serialized.details, 'cli');
      if (!options.json) io.err(oneLine(message));
      return {
        code: EXIT.integrityFailed,
        json: {
          ok: false,
          crc: { present: false, ok: null, expected: null, actual: null },
          encryption: null,
          blocks: 0,
          problems: [{ code: serialized.code, detail: oneLine(message), block: serialized.details.block }],
        },
      };
    }
    // A plain .ckpt that cannot be parsed may still end in its crc_num trailer: then the CRC
    // says whether these are the bytes MindSpore wrote, which is what verify is asked.
    if (serialized.code.startsWith('ckpt-') && keyOptions.key === undefined) {
      const crc = await crcOfUnparsedCkpt(await openFileSource(file));
      if (crc && !crc.ok) {
        // What the parse found, without its advice ("…or check its CRC": that is this check).
        const found = describeError(serialized.code, serialized.details, 'cli');
        const damage = `${found.title}: ${found.detail}`;
        const info: CrcInfo = { present: true, ok: false, actual: crc.actual, ...storedCrcOfTrailer(crc.stored) };
        if (!options.json)
          io.out(
            `${path.basename(file)}: CRC MISMATCH (stored ${storedCrcHex(info)}, computed ${crcHex(crc.actual)}): the file was changed or damaged after it was saved; where its records stop making sense: ${damage}\nintegrity: FAILED`,
          );
        return {
          code: EXIT.integrityFailed,
          json: {
            ok: false,
            crc: info,
            encryption: null,
            blocks: 0,
            problems: [{ code: serialized.code, detail: damage }],
          },
        };
      }
    }
    throw withFile(error, file);
  }
  const json = verifyJson(report);
  // The digest of the file as stored (for an encrypted file, its ciphertext), as hubs publish it.
  const sha256 = options.sha256 ? (await sha256OfSource(await openFileSource(file))).hex : null;
  if (!options.json) {
    printReport(io, file, json, report.zip);
    if (sha256) io.out(`sha256: ${sha256}`);
  }
  return { code: report.ok ? EXIT.ok : EXIT.integrityFailed, json: sha256 ? { ...json, sha256 } : json };
}

/**
 * A sharded set (its index JSON, or a folder holding one): every shard the index names is
 * verified as its own file, and the set's own findings (a shard file missing, a tensor in no
 * shard or in two) are listed; the verdict covers all of it.
 */
async function verifySet(
  indexFile: string,
  keyOptions: KeyOptions,
  options: { sha256: boolean; json: boolean },
  io: CliIo,
): Promise<number> {
  const opened = await openInputCheckpoint(indexFile, keyOptions);
  const set = opened.index.sharded;
  if (!set) throw internalError('a shard index opened as no sharded set');
  const dir = path.dirname(indexFile);
  const shards: Record<string, unknown>[] = [];
  let failed = false;
  for (const shard of set.shards) {
    const outcome = await verifyFile(path.join(dir, shard.file), keyOptions, options, io);
    if (outcome.code !== EXIT.ok) failed = true;
    shards.push({ file: shard.file, ...outcome.json });
  }
  const findings = opened.index.problems.filter((problem) => !isNoteProblem(problem.code));
  if (findings.length > 0) failed = true;
  const problems = opened.index.problems.map((problem) => ({
    code: problem.code,
    detail: describeFileProblem(problem.code, problem.detail),
  }));
  if (options.json) {
    io.out(JSON.stringify({ ok: !failed, set: { index: path.basename(indexFile), shards, problems } }));
  } else {
    for (const problem of problems) io.out(`! ${problem.detail}`);
    io.out(
      `${path.basename(indexFile)}: ${plural(set.shards.length, 'shard')} verified one by one; set integrity: ${failed ? 'FAILED' : 'ok'}`,
    );
  }
  return failed ? EXIT.integrityFailed : EXIT.ok;
}

export async function run({ values, positionals }: ArgsOf<typeof verifyDefinition>, io: CliIo): Promise<number> {
  const file = inputFile(positionals[0] as string);
  const keyOptions = await readKeyOptions(values);
  const options = { sha256: values.sha256 === true, json: values.json === true };
  if (isShardIndexName(file)) return verifySet(file, keyOptions, options, io);
  const outcome = await verifyFile(file, keyOptions, options, io);
  if (options.json) io.out(JSON.stringify(outcome.json));
  return outcome.code;
}
