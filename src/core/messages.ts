import type { ErrorCode, ErrorDetails, SerializedLensError } from '../base/errors';
import type { FileProblemCode, TensorEntry, TensorProblemCode } from '../base/types';
import { plural } from '../base/plural';
import { MAX_STRING_VALUE_BYTES, MAX_VIEW_GATHERED_BYTES, MAX_VIEW_RANGES, MAX_VIEW_SPAN_BYTES } from '../base/limits';
import type { LayoutProblemCode, SetProblemCode } from './distributed/types';
import type { CrcInfo, FormatId, StoredCrcProblem } from '../base/types';
import type { KeyProblem } from './key-input';
import type { ZipCrcCheck, ZipCrcMismatch } from '../integrity/zip-crc';
import type { CrcVerdict, FileVerdict, SelectionCounts } from './summary';
import type { AutoMapLayer, AutoMapProposal } from './name-map/automap';
import type { SkippedTensor } from './stats/tensor-stats';

/**
 * Every sentence a person reads about a failure, in one place: what happened, where, and what
 * to try. The switch is exhaustive over ErrorCode, so a new code cannot ship without words.
 */
export interface UserMessage {
  title: string;
  /** What happened and where. */
  detail: string;
  /** What to try. */
  action: string;
}

function where(details: ErrorDetails): string {
  const parts: string[] = [];
  if (details.file) parts.push(`in ${details.file}`);
  if (details.tensor) parts.push(`tensor "${details.tensor}"`);
  if (details.block !== undefined) parts.push(`block ${details.block}`);
  if (details.offset !== undefined) parts.push(`at byte ${details.offset.toLocaleString('en-US')}`);
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}

/** `"name" (in file)` for a sentence that goes on after a colon. */
const parameterAt = (details: ErrorDetails): string =>
  `${details.tensor !== undefined ? `"${details.tensor}"` : 'A parameter'}${details.file ? ` (in ${details.file})` : ''}`;

/** "1", "1 and 2", "1, 2 and 3". */
const listNumbers = (values: readonly number[]): string =>
  values.length <= 1
    ? values.map(String).join('')
    : `${values.slice(0, -1).join(', ')} and ${String(values[values.length - 1])}`;

/**
 * A wrong key on a CBC file, whose every block's padding was checked: only what was found —
 * how many blocks failed (a few by number), and that the ones passing a padding of 1 to 3 bytes
 * (a wrong key does, about one time in 256 per block) prove nothing.
 */
function describeCbcWrongKey(details: ErrorDetails, count: number, at: string): string {
  const failed = details.failedCount ?? 0;
  const named = details.blocksTried ?? [];
  const pad = details.shortPad;
  const block0Failed = pad === undefined && failed > 0 && named[0] === 0;
  const short = 'with 1 to 3 bytes of padding, which a wrong key gives about one time in 256 per block';
  const either = 'Either the key is not the one the file was saved with, or';
  if (failed === 0) {
    // Every block passed a short check, and the plaintext says what the padding could not.
    const reason = details.hint ?? 'the decrypted bytes are not a checkpoint';
    return count === 1
      ? `Cipher block 0, the only block, passes its padding check with this key, but ${short.replace(' per block', '')}, and ${reason}${at}. ${either} the block was altered; with one block the two cannot be told apart, and a wrong key is far more likely.`
      : `All ${count.toLocaleString('en-US')} cipher blocks pass their padding check with this key, but ${short}, and ${reason}${at}. No block's padding proves the key. ${either} the file was altered, which is far less likely.`;
  }
  const lead =
    pad !== undefined
      ? `Cipher block 0's padding checks with this key, but with only ${plural(pad, 'byte')}, which a wrong key gives about one time in ${(256 ** pad).toLocaleString('en-US')}, so it proves nothing${details.hint ? ` (${details.hint})` : ''}${at}`
      : `Cipher block 0${count === 1 ? ', the only block,' : ''} does not decrypt with this key (${details.hint ?? 'the CBC padding is invalid'})${at}`;
  if (count === 1) {
    return `${lead}. ${either} the block was altered; with one block the two cannot be told apart, and a wrong key is far more likely.`;
  }
  const others = count - 1;
  const othersFailed = failed - (block0Failed ? 1 : 0);
  const othersPassed = others - othersFailed;
  const namedOthers = named.filter((block) => block !== 0);
  const list =
    namedOthers.length === othersFailed
      ? `${othersFailed === 1 ? 'block' : 'blocks'} ${listNumbers(namedOthers)}`
      : `among them blocks ${listNumbers(namedOthers)}`;
  const clauses: string[] = [];
  if (othersFailed > 0) {
    clauses.push(
      `${othersFailed === others ? (others === 1 ? 'the other block fails' : `all ${others.toLocaleString('en-US')} other blocks fail`) : `${othersFailed.toLocaleString('en-US')} of the other ${others.toLocaleString('en-US')} blocks fail`} the padding check too (${list})`,
    );
  }
  if (othersPassed > 0) {
    const all = othersPassed === others;
    clauses.push(
      `${all ? (others === 1 ? 'the other block passes' : `the other ${others.toLocaleString('en-US')} blocks pass`) : `${othersPassed.toLocaleString('en-US')} ${othersPassed === 1 ? 'passes' : 'pass'}`} the padding check ${short}, so ${othersPassed === 1 ? 'that proves' : 'those prove'} nothing`,
    );
  }
  return `${lead}; ${clauses.join(', and ')}. No block's padding proves the key. ${either} every block that fails was altered, which is far less likely.`;
}

/** A clause as a sentence: a full stop added unless it already ends in one. */
const withStop = (text: string): string => (/[.!?]$/.test(text) ? text : `${text}.`);

const bytes = (value: string | number | undefined): string =>
  typeof value === 'number' ? plural(value, 'byte') : String(value ?? 'unknown');

/** What a cut-short .ckpt says about the records before the cut, when the reader counted them. */
function recordsBeforeCut(records: number | undefined): string {
  if (records === undefined) return '';
  if (records === 0) return ' It ends inside the first record: no record of it is whole.';
  return ` The ${plural(records, 'record')} before it ${records === 1 ? 'is' : 'are'} consistent.`;
}

/**
 * Where a sentence is read: the page (fields and buttons) or the command line (options such as
 * --key). Only the advice differs; what happened is said the same way.
 */
export type MessageSurface = 'page' | 'cli';

export function describeError(code: ErrorCode, details: ErrorDetails, surface: MessageSurface = 'page'): UserMessage {
  const at = where(details);
  // Sentences that begin "Cipher block N" say where without naming the block again.
  const atBlockNamed = where({ ...details, block: undefined });
  const cli = surface === 'cli';
  switch (code) {
    case 'read-failed':
      return {
        title: 'The file could not be read',
        detail: `Reading failed${at}.${details.hint ? ` ${details.hint}` : ''}`,
        action: 'Check that the file still exists and is readable, then open it again.',
      };
    case 'read-too-large':
      return {
        title: 'A read was too large',
        detail: `A single read of ${bytes(details.actual)} was refused${at}; the limit is ${bytes(details.limit)}.`,
        action: cli
          ? 'This is a bug in Ckpt Lens; report it with the command line you ran.'
          : 'This is a bug in Ckpt Lens; use "Copy diagnostics" and report it.',
      };
    case 'cancelled':
      return {
        title: 'Cancelled',
        detail: 'The operation was cancelled before it finished.',
        action: 'Start it again when you are ready.',
      };
    case 'empty-file':
      return {
        title: 'The file is empty',
        detail: `The file has 0 bytes${at}. MindSpore also refuses it ("loaded parameter dict is empty").`,
        action: 'The save or the download probably did not finish; get the file again.',
      };
    case 'unknown-format':
      return {
        title: 'Not a checkpoint Ckpt Lens knows',
        detail: `The first bytes (${String(details.actual)}) are neither a MindSpore .ckpt, an encrypted MindSpore checkpoint, a safetensors file, nor a torch.save file (zip or legacy pickle)${at}.`,
        action: 'Open a .ckpt, .safetensors, or PyTorch .pt/.pth/.bin file.',
      };
    case 'encrypted-needs-key':
      return {
        title: 'This checkpoint is encrypted',
        detail: `It was saved with save_checkpoint(enc_key=…, enc_mode="${String(details.expected)}")${details.hint ? ` (${details.hint})` : ''}${at}.`,
        action: cli
          ? `Give the key it was saved with: --key and its hex digits (or --key-text and the key as text)${details.hint !== undefined ? ', and --mode AES-GCM or --mode AES-CBC' : ''}.`
          : 'Enter the key it was saved with to open it.',
      };
    case 'ckpt-truncated':
      return {
        title: 'The checkpoint is cut short',
        detail:
          typeof details.expected === 'number' && typeof details.actual === 'number'
            ? `The file ends inside a field: it needs ${bytes(details.expected)} but only ${bytes(details.actual)} ${details.actual === 1 ? 'remains' : 'remain'}${at}${details.hint ? `; ${details.hint}` : ''}.${recordsBeforeCut(details.recordsRead)}`
            : `The file ends inside a field${at}.${recordsBeforeCut(details.recordsRead)}`,
        action: 'The file is incomplete (an interrupted download or save). Get a complete copy.',
      };
    case 'ckpt-field-overrun':
      return {
        title: 'The checkpoint is damaged',
        detail: `A field runs past the end of the record that holds it: the record ends at byte ${typeof details.expected === 'number' ? details.expected.toLocaleString('en-US') : '?'} but the field reaches byte ${typeof details.actual === 'number' ? details.actual.toLocaleString('en-US') : '?'}${at}. A length inside the file is wrong; the file does not end early.`,
        action: 'The bytes are corrupted here. Get a fresh copy of the file, or check its CRC.',
      };
    case 'ckpt-text-mangled':
      if (details.expected === 'LF→CRLF')
        return {
          title: 'The file was mangled by a text conversion (LF→CRLF)',
          detail: `The file starts with bytes 0D 0A where a .ckpt starts with 0A, and every 0A in its first ${bytes(details.limit)} (${Number(details.actual ?? 0).toLocaleString('en-US')} of them) has a 0D before it${at}: a text-mode transfer (FTP ascii, git autocrlf, a Windows editor) turned each line feed into a carriage return and a line feed. With those 0D removed the bytes begin a checkpoint record, so the file is damaged throughout, not cut short or of another format. Removing every 0D before a 0A is not a safe repair: a 0D 0A the checkpoint held before cannot be told apart.`,
          action:
            'Get the file again in binary mode (a browser download, curl -o, git LFS, FTP binary mode; for git, mark *.ckpt as binary in .gitattributes).',
        };
      return {
        title: 'The file was mangled by a text conversion',
        detail: `The file holds the text replacement character (bytes EF BF BD) ${String(details.actual ?? 'several')} times in its first ${bytes(details.limit)}, first at byte ${String(details.offset ?? '?')}: that is what an editor, a text-mode transfer or a copy-paste writes in place of bytes that are not text. ${details.hint ?? 'The records stop making sense'}, so the file is damaged throughout, not cut short.`,
        action:
          'Get the file again in binary mode (a browser download, curl -o, git LFS — not copy-paste or a text-mode transfer), and never open and save a checkpoint in a text editor.',
      };
    case 'ckpt-bad-wire-type':
      return {
        title: 'The checkpoint is damaged',
        detail: `A protobuf field has the invalid wire type ${String(details.actual)}${at}.`,
        action: 'The bytes are corrupted here. Compare with the original, or check its CRC.',
      };
    case 'ckpt-varint-overflow':
      return {
        title: 'The checkpoint is damaged',
        detail: `A length or number field runs past 10 bytes${at}, which protobuf never writes (a varint holds at most 64 bits in 10 bytes).`,
        action: 'The bytes are corrupted here. Get a fresh copy of the file.',
      };
    case 'ckpt-length-impossible': {
      const value = BigInt(String(details.actual ?? '0'));
      const what = details.expected === 'key' ? 'A field key' : 'A length';
      const reason =
        details.hint !== undefined
          ? `, which is ${details.hint.replace('-', '−')} as a signed 64-bit number (how protobuf writes a negative int64): ${details.expected === 'key' ? 'a field key' : 'a length'} cannot be negative`
          : `: more than any file holds${typeof details.limit === 'number' ? ` (this one has ${bytes(details.limit)})` : ''}`;
      return {
        title: 'The checkpoint is damaged',
        detail: `${what} holds ${value.toLocaleString('en-US')}${at}${reason}. The varint itself is well formed (protobuf writes up to 10 bytes), so the value was written wrong or the bytes were altered; the file is not cut short.`,
        action: 'The bytes are corrupted here. Get a fresh copy of the file.',
      };
    }
    case 'ckpt-unexpected-byte':
      return {
        title: 'Unexpected bytes in the checkpoint',
        detail: `Found ${String(details.actual)} where the next record should start${at}. Bytes appended after the end (even after a CRC trailer) cause this; MindSpore fails on them too.`,
        action: 'Remove what was appended after the last record, or get the original file.',
      };
    case 'ckpt-missing-field':
      return {
        title: 'A record is incomplete',
        detail: `A record has no ${String(details.expected)}${at}, which MindSpore's writer always writes.`,
        action: 'The file was not written by MindSpore or is corrupted.',
      };
    case 'ckpt-field-too-large':
      return {
        title: 'A field is implausibly large',
        detail: `A name or type field claims ${bytes(details.actual)} (limit ${bytes(details.limit)})${at}.`,
        action: 'The file is corrupted at this point.',
      };
    case 'ckpt-too-many-dims':
      return {
        title: 'Too many dimensions',
        detail: `A tensor declares more than ${String(details.limit)} dimensions${at}.`,
        action: 'The file is corrupted or was not written by MindSpore.',
      };
    case 'ckpt-too-many-records':
      return {
        title: 'Too many records',
        detail: `The file has more than ${String(details.limit)} records${at}.`,
        action: 'Ckpt Lens stops here to stay responsive; split the checkpoint.',
      };
    case 'ckpt-bad-dim':
      return {
        title: 'A dimension is invalid',
        detail: `A dimension value is invalid${at}.`,
        action: 'The file is corrupted at this point.',
      };
    case 'ckpt-bad-utf8':
      return {
        title: 'A name is not valid text',
        detail: `A parameter name or type is not valid UTF-8${at}.`,
        action: 'The file is corrupted at this point; MindSpore cannot read it either.',
      };
    case 'st-too-small':
      return {
        title: 'Too small for safetensors',
        detail: `The file has ${bytes(details.actual)}; a safetensors file starts with an 8-byte header length${at}.`,
        action: 'Get a complete copy of the file.',
      };
    case 'st-header-too-large':
      return {
        title: 'The safetensors header is too large',
        detail: `The header claims ${bytes(details.actual)}; safetensors allows at most ${bytes(details.limit)}${at}.`,
        action: 'The first 8 bytes are corrupted, or this is not a safetensors file.',
      };
    case 'st-header-past-end':
      return {
        title: 'The safetensors file is cut short',
        detail: `Its first 8 bytes say the JSON header ends at byte ${typeof details.expected === 'number' ? details.expected.toLocaleString('en-US') : String(details.expected)}, but the file ends at byte ${typeof details.actual === 'number' ? details.actual.toLocaleString('en-US') : String(details.actual)}, inside the header${at}.`,
        action:
          'The file is incomplete (an interrupted download or save), or its first 8 bytes were changed; get a complete copy.',
      };
    case 'st-header-not-json':
      return {
        title: 'The safetensors header is not valid JSON',
        detail: `${details.hint ?? 'The JSON does not parse'}${at}.`,
        action: 'The header is corrupted; get a fresh copy of the file.',
      };
    case 'st-header-not-object':
      return {
        title: 'The safetensors header is not an object',
        detail: `The header must be a JSON object of tensors${at}.`,
        action: 'This was not written by a safetensors writer.',
      };
    case 'st-bad-entry':
      return {
        title: 'A safetensors entry is invalid',
        detail: `${details.hint ?? 'The entry is malformed'}${at}.`,
        action: 'The header is corrupted or hand-edited; fix or regenerate the file.',
      };
    case 'st-unknown-dtype':
      return {
        title: 'Unknown dtype',
        detail:
          details.actual === ''
            ? `The dtype is empty${at}; a safetensors entry names its dtype, such as "F32".`
            : `The dtype "${String(details.actual)}"${details.limit !== undefined ? ` (${plural(details.limit, 'character')} long)` : ''} is not a safetensors dtype${at}.`,
        action: 'The file uses a dtype newer than Ckpt Lens knows, or is corrupted.',
      };
    case 'st-too-many-entries':
      return {
        title: 'Too many tensors',
        detail: `The header lists ${String(details.actual)} tensors (limit ${String(details.limit)})${at}.`,
        action: 'Split the file into smaller shards.',
      };
    case 'st-name-too-long':
      return {
        title: 'A tensor name is too long',
        detail: `A tensor name is ${bytes(details.actual)} of UTF-8, more than the ${bytes(details.limit)} Ckpt Lens accepts for a name (in .ckpt and safetensors alike)${at}.`,
        action: 'The header is corrupted or was not written for a real model; regenerate the file with shorter names.',
      };
    case 'zip-bad-archive':
      return {
        title: 'The PyTorch archive is damaged',
        detail: `The zip structure is invalid: ${String(details.hint ?? 'unreadable')}${at}.`,
        action: 'The file is probably cut short or corrupted; save it again with torch.save or get a complete copy.',
      };
    case 'zip-entry-compressed':
      return {
        title: 'A compressed entry in the PyTorch archive',
        detail: `"${String(details.actual)}" is compressed (method ${String(details.expected)})${at}; torch.save stores every entry uncompressed.`,
        action: 'The archive was rewritten by another zip tool; save it again with torch.save.',
      };
    case 'pt-missing-record':
      return {
        title: 'A part of the PyTorch file is missing',
        detail: `${String(details.hint ?? 'a record')} "${String(details.actual)}" is not in the file${at}.`,
        action: 'The archive is incomplete or was edited; save it again with torch.save.',
      };
    case 'pt-big-endian':
      return {
        title: 'A big-endian PyTorch file',
        detail: `The file says its tensors are stored big-endian ("${String(details.actual)}")${at}; only little-endian files are read.`,
        action:
          'Load it with torch on the machine that wrote it and save it again on a little-endian machine (x86, ARM).',
      };
    case 'pt-bad-legacy':
      return {
        title: 'The legacy PyTorch file is damaged',
        detail: `${String(details.hint ?? 'The layout is invalid')}${at}.`,
        action: 'The file is probably cut short or corrupted; get a complete copy.',
      };
    case 'pickle-truncated':
      return {
        title: 'The PyTorch pickle is cut short',
        detail:
          details.hint !== undefined && typeof details.expected === 'number' && typeof details.actual === 'number'
            ? `The file ends at byte ${details.actual.toLocaleString('en-US')}, inside ${details.hint}, which takes ${bytes(details.expected)}${at}.`
            : `The pickle ends inside an instruction, before its STOP${at}.`,
        action: 'The file is incomplete (an interrupted save or download). Get a complete copy.',
      };
    case 'pickle-bad-opcode':
      return {
        title: 'The PyTorch pickle is damaged',
        detail: `Byte 0x${Number(details.actual ?? 0)
          .toString(16)
          .padStart(2, '0')} is not a pickle instruction${at}.`,
        action: 'The bytes are corrupted here; get a complete copy of the file.',
      };
    case 'pickle-unsupported-opcode':
      return {
        title: 'A pickle instruction torch.save never writes',
        detail: `${String(details.actual)} is refused${at}: ${String(details.hint ?? 'it is not read')}.`,
        action:
          'The file was not written by torch.save; re-save the weights with torch.save(model.state_dict()) or as safetensors.',
      };
    case 'pickle-malformed':
      return {
        title: 'The PyTorch pickle is malformed',
        detail: `${String(details.hint ?? 'An instruction does not fit the stack')}${at}.`,
        action: 'The pickle is corrupted or hand-made; get the file again or re-save it with torch.save.',
      };
    case 'pt-limit':
      return {
        title: 'The PyTorch file is too large to read safely',
        detail: `${String(details.hint ?? 'A limit')} is ${String(details.actual)}, above the limit of ${String(details.limit)}${at}.`,
        action:
          'Such sizes do not occur in torch.save files; if the file is genuine, re-save the weights as safetensors.',
      };
    case 'pt-bad-tensor':
      return {
        title: 'A tensor in the PyTorch file is malformed',
        detail: `${String(details.hint ?? 'Its arguments are invalid')}${at}.`,
        action: 'The pickle is corrupted or hand-made; get the file again or re-save it with torch.save.',
      };
    case 'crypto-not-encrypted':
      return {
        title: 'This file is not encrypted',
        detail: `A key was given, but the file does not start with a MindSpore cipher block magic (found ${String(details.actual ?? 'other bytes')})${at}.`,
        action: 'Open it without a key. If you expected an encrypted checkpoint, check that this is the right file.',
      };
    case 'crypto-key-length':
      return {
        title: 'The key has the wrong length for this mode',
        detail: `${String(details.expected)} needs a key of ${details.hint ?? 'a different length'}, but the key has ${bytes(details.actual)}${at}. MindSpore passes the key bytes unchanged, without hashing or padding.`,
        action: cli
          ? 'Give the exact key given to save_checkpoint(enc_key=…) with --key: 32, 48 or 64 hex digits for AES, 32 for SM4 (or --key-text for the key as text).'
          : 'Enter the exact key given to save_checkpoint(enc_key=…): 32, 48 or 64 hex digits for AES, 32 for SM4.',
      };
    case 'crypto-wrong-key': {
      const count = details.blockCount ?? 1;
      const detail =
        details.failedCount !== undefined
          ? describeCbcWrongKey(details, count, atBlockNamed)
          : (() => {
              const reason = details.hint ?? 'the check failed';
              const others = (details.blocksTried ?? []).filter((block) => block !== 0);
              return others.length === 0
                ? `Cipher block 0${count === 1 ? ', the only block,' : ''} does not decrypt with this key (${reason})${atBlockNamed}. Either the key is not the one the file was saved with, or the block was altered; with ${count === 1 ? 'one block' : 'no other block tried'} the two cannot be told apart, and a wrong key is far more likely.`
                : `Cipher block 0 does not decrypt with this key (${reason})${atBlockNamed}, and neither ${others.length === 1 ? 'does block' : 'do blocks'} ${listNumbers(others)} of the file's ${count.toLocaleString('en-US')}. Either the key is not the one the file was saved with, or every one of these blocks was altered, which is far less likely.`;
            })();
      return {
        title: 'Wrong key',
        detail,
        action: 'Check the key (hex vs. text, upper/lower case, missing bytes) and try again.',
      };
    }
    case 'crypto-wrong-mode':
      return {
        title: 'The file uses a different cipher mode',
        detail: `You chose ${String(details.expected)}, but the block magic says ${String(details.actual)}${at}.`,
        action: cli
          ? 'Leave out --mode: Ckpt Lens reads the mode from the file (--mode is only needed for MindSpore 1.3–1.6 files).'
          : 'Leave the mode on automatic: Ckpt Lens reads it from the file (the mode is only needed for MindSpore 1.3–1.6 files).',
      };
    case 'crypto-legacy-wrong-mode': {
      const suggestion = String(details.actual ?? 'AES-GCM or AES-CBC');
      return {
        title: `The file is not ${String(details.expected)}`,
        detail: `You chose ${String(details.expected)}, but ${details.hint ?? 'the file does not fit that mode'}${at}. Files of MindSpore 1.3–1.6 do not record their mode, so it has to be chosen; with this one the file itself may well be fine.`,
        action:
          suggestion === 'AES-GCM'
            ? cli
              ? 'Run it again with --mode AES-GCM.'
              : 'Choose AES-GCM and open it again.'
            : cli
              ? "Run it again with --mode AES-GCM (MindSpore's default) or --mode AES-CBC, whichever dec_mode it was saved with."
              : "Choose AES-GCM (MindSpore's default) or AES-CBC, whichever dec_mode it was saved with, and open it again.",
      };
    }
    case 'crypto-mixed-modes':
      return {
        title: 'The encrypted blocks mix cipher modes',
        detail: `Cipher block ${String(details.block ?? '?')} starts with the ${String(details.actual)} block magic, but the ${details.blockCount === 1 ? 'block' : `${plural(Number(details.blockCount ?? 0), 'block')}`} before it ${details.blockCount === 1 ? 'is' : 'are'} ${String(details.expected)}${atBlockNamed}. MindSpore encrypts every block of a file in one mode, so blocks of two files were joined; its reader fails on this file.`,
        action: 'Get the original file; pieces of two encrypted checkpoints cannot be read as one.',
      };
    case 'crypto-legacy-needs-mode':
      return {
        title: 'Old encrypted checkpoint: choose the mode',
        detail: `This file was encrypted by MindSpore 1.3–1.6, which wrote the same magic for AES-GCM and AES-CBC, so the mode cannot be read from the file${at}.`,
        action: cli
          ? "Add --mode with the dec_mode it was saved with: --mode AES-GCM (MindSpore's default) or --mode AES-CBC."
          : "Choose the dec_mode it was saved with (AES-GCM is MindSpore's default) and open it again.",
      };
    case 'crypto-block-corrupted':
      return details.keyBlock !== undefined
        ? {
            title: 'An encrypted block is damaged',
            detail: `Cipher block ${String(details.block ?? '?')} is corrupted or was tampered with: ${details.hint ?? 'it does not decrypt'}${atBlockNamed}. The key is right: block ${details.keyBlock} decrypted and verified with it.`,
            action: 'Get a fresh copy of the file; the bytes of this block cannot be trusted.',
          }
        : {
            title: 'An encrypted block does not decrypt',
            detail: `Cipher block ${String(details.block ?? '?')} does not decrypt with this key: ${details.hint ?? 'the check failed'}${atBlockNamed}. No block has verified the key, so this is either damage to the block or a wrong key.`,
            action: 'Check the key first; if it is right, get a fresh copy of the file.',
          };
    case 'crypto-plaintext-not-checkpoint':
      return {
        title: 'The decrypted file is not a checkpoint',
        detail:
          details.expected === 'AES-GCM'
            ? `The key is right (cipher block ${String(details.keyBlock)} authenticated with it), but the decrypted bytes do not begin a checkpoint record: the file's first block is missing or out of place, or what was encrypted is not a MindSpore checkpoint.`
            : `The key is right (the padding of cipher block ${String(details.keyBlock)} checks with it), but cipher block 0 does not decrypt to the start of a checkpoint record: the beginning of block 0 was altered, the file's first block is missing or out of place, or what was encrypted is not a MindSpore checkpoint.`,
        action: 'Get a fresh copy of the file; the key is fine.',
      };
    case 'crypto-plaintext-damaged': {
      const inner = details.actual;
      const found =
        typeof inner === 'string' && inner.startsWith('ckpt-')
          ? describeError(inner as ErrorCode, {}, surface).title
          : 'A malformed record';
      const place = [
        details.file ? `in ${details.file}` : '',
        details.offset !== undefined ? `at decrypted byte ${details.offset.toLocaleString('en-US')}` : '',
        details.block !== undefined ? `in cipher block ${details.block}` : '',
      ].filter((part) => part !== '');
      const where = place.length > 0 ? ` (${place.join(', ')})` : '';
      if (details.expected === 'AES-GCM' && details.keyBlock !== undefined)
        return {
          title: 'The decrypted contents are damaged',
          detail: `The key is right and every cipher block read up to that point authenticates with it, but the decrypted bytes stop being a checkpoint${where}: ${found.charAt(0).toLowerCase()}${found.slice(1)}. AES-GCM checks each block on its own, so none of those blocks was altered, but a block was removed, repeated or moved, or what was encrypted was already damaged.`,
          action: 'Get a fresh copy of the file; its contents cannot be trusted.',
        };
      return details.keyBlock !== undefined
        ? {
            title: 'The decrypted contents are damaged',
            detail: `The key is right (the padding of cipher block ${details.keyBlock} checks with it) and every block decrypts, but the decrypted bytes stop being a checkpoint${where}: ${found.charAt(0).toLowerCase()}${found.slice(1)}. ${String(details.expected)} carries no integrity check, so an altered or damaged cipher block decrypts to garbage unnoticed whenever that garbage ends in valid padding (about one time in 256): a block at or before that point was damaged or tampered with, or what was encrypted was already damaged.`,
            action: 'Get a fresh copy of the file; its contents cannot be trusted.',
          }
        : {
            title: 'The decrypted bytes are not a checkpoint',
            detail: `The file decrypts with this key, but no block proves the key is right (a wrong key passes a short CBC padding check about one time in 256 per block, and files of MindSpore 1.3–1.6 carry no key check), and the decrypted bytes stop being a checkpoint${where}: ${found.charAt(0).toLowerCase()}${found.slice(1)}. This is either a wrong key or a damaged file.`,
            action: 'Check the key first; if it is right, get a fresh copy of the file.',
          };
    }
    case 'crypto-block-malformed':
      return {
        title: 'An encrypted block header is damaged',
        detail: `The header of cipher block ${String(details.block ?? '?')} is invalid: ${details.hint ?? 'its fields disagree'}${at}. This is damage to the file's structure; it says nothing about the key.`,
        action: 'Get a fresh copy of the file; MindSpore cannot read this block either.',
      };
    case 'crypto-block-empty':
      return {
        title: 'An encrypted block is empty',
        detail: `Cipher block ${String(details.block ?? '?')} declares cipher_len 0: it carries no ciphertext${atBlockNamed}. MindSpore never writes an empty block and its reader refuses one ("Failed to parse encrypt data"). This says nothing about the key.`,
        action: 'The file is damaged or was not written by MindSpore; get a fresh copy.',
      };
    case 'crypto-truncated':
      return {
        title: 'The encrypted checkpoint is cut short',
        detail: `Cipher block ${String(details.block ?? '?')} needs ${bytes(details.expected)} but only ${bytes(details.actual)} remain${atBlockNamed}.`,
        action: 'The file is incomplete (an interrupted download or save). Get a complete copy.',
      };
    case 'crypto-trailing-bytes':
      return {
        title: 'Extra bytes after the encrypted blocks',
        detail: `After its ${String(details.blockCount ?? '?')} complete cipher block${details.blockCount === 1 ? '' : 's'} the file has ${bytes(details.actual)} that do not form a block: they do not start with the block magic${at}. Something was appended to the file; MindSpore's reader fails on them.`,
        action: `Remove the last ${bytes(details.actual)} of the file, or get the original file.`,
      };
    case 'crypto-block-repeated':
      return {
        title: 'An encrypted block is repeated',
        detail: `Cipher block ${String(details.block ?? '?')} carries the same IV as block ${String(details.actual ?? '?')}${atBlockNamed}. save_checkpoint draws a fresh random IV for every block, so a block was copied into the file (or the file was not written by MindSpore); MindSpore's reader does not check this and would read the copy as data.`,
        action: 'Get a fresh copy of the file; its contents cannot be trusted.',
      };
    case 'crypto-too-many-blocks':
      return {
        title: 'Too many encrypted blocks',
        detail:
          details.actual !== undefined
            ? `The file holds about ${Number(details.actual).toLocaleString('en-US')} cipher blocks of equal size (${details.hint ?? 'judged by its first block'}), more than the ${Number(details.limit).toLocaleString('en-US')} Ckpt Lens reads${at}. MindSpore writes 64 MiB blocks, so a real checkpoint this size has a handful.`
            : `The file has more than ${Number(details.limit).toLocaleString('en-US')} cipher blocks${at}, more than Ckpt Lens reads. MindSpore writes 64 MiB blocks, so a real checkpoint has a handful.`,
        action: 'This was not written by save_checkpoint as is; get the original file.',
      };
    case 'crypto-crc-trailer':
      return {
        title: 'Encrypted checkpoint with a CRC trailer',
        detail: `After the encrypted blocks the file ends with a plaintext "crc_num" trailer${at}. save_checkpoint wrote it because both enc_key and crc_check=True were set, which its documentation calls mutually exclusive; MindSpore's own reader takes "crc_" as the next block and fails, so MindSpore cannot load this file either.`,
        action:
          'Remove the last 17 bytes of the file (the trailer) and open it again; next time save with either enc_key or crc_check.',
      };
    case 'filter-syntax':
      return {
        title: 'The filter has a syntax error',
        detail: `At column ${String(details.column ?? '?')}: expected ${String(details.expected ?? 'something else')} but found ${String(details.actual ?? 'the end')}.${details.hint ? ` ${details.hint}` : ''}`,
        action:
          'Fix the expression, e.g. startsWith("conv") and not startsWith("conv1"), name ~ /\\.bias$/, dtype == Float16 and numel > 1e6.',
      };
    case 'filter-too-long':
      return {
        title: 'The filter is too long',
        detail: `The expression has ${String(details.actual)} characters; the limit is ${String(details.limit)}.`,
        action: 'Shorten it, e.g. with startsWith("a", "b") or `in [...]` instead of many or-clauses.',
      };
    case 'filter-too-deep':
      return {
        title: 'The filter is nested too deeply',
        detail: `At column ${String(details.column ?? '?')} the expression nests more than ${String(details.limit)} levels of parentheses, lists or not.`,
        action: 'Remove redundant parentheses or split the condition.',
      };
    case 'filter-literal-too-large':
      return {
        title: 'A literal in the filter is too large',
        detail: `At column ${String(details.column ?? '?')}: ${details.hint ?? 'a string, regex or list'} exceeds the limit of ${String(details.limit)}.`,
        action: 'Use a shorter string, pattern or list.',
      };
    case 'regex-too-costly':
      return {
        title: 'This pattern is too costly to apply to so long a name',
        detail: `Capturing groups of /${details.hint ?? '?'}/ on a name of ${String(details.actual)} characters would take over ${String(details.limit)} steps.`,
        action:
          'Use a shorter pattern (fewer or smaller {m,n} repeats) or a rule without capture groups for such names.',
      };
    case 'filter-too-costly':
      return {
        title: 'This filter is too costly for these names',
        detail: `The filter was stopped after testing ${String(details.actual)} ${details.actual === 1 ? 'name' : 'names'}: /${details.hint ?? '?'}/ used up its budget of ${String(details.limit)} steps (one per character read, and more wherever the pattern keeps many alternatives open).`,
        action:
          'Anchor the pattern or shorten {m,n} repeats that follow a * (as in (a|b)*a(a|b){20}), or narrow first with a cheaper condition — startsWith("…") and name ~ /…/ tests the pattern only on the names that pass.',
      };
    case 'filter-regex-unsupported':
      return {
        title: 'The regular expression is not supported',
        detail: `At column ${String(details.column ?? '?')}: ${details.hint ?? 'this construct is not supported'}${details.actual !== undefined ? ` (${String(details.actual)})` : ''}. Patterns run on a linear-time engine, so backreferences, lookaround and word boundaries are not available.`,
        action:
          'Use literals, ., [classes], \\d \\w \\s, groups, | and the quantifiers * + ? {m,n}; flag i for case-insensitive.',
      };
    case 'filter-type-mismatch':
      return {
        title: 'The filter compares different kinds of values',
        detail: `At column ${String(details.column ?? '?')}: expected ${String(details.expected)} but got ${String(details.actual)}.${details.hint ? ` ${details.hint}` : ''}`,
        action:
          'Compare name with strings or /regex/, dtype with dtype names (Float16), and shape, rank, numel, bytes with numbers.',
      };
    case 'selection-bad-prefix':
      return {
        title: 'MindSpore would reject this prefix',
        detail: `load_checkpoint raises ${details.hint ?? 'an error'} for ${String(details.actual ?? 'this value')}; ${String(details.expected ?? 'a prefix must be a non-empty str, or a non-empty list or tuple of non-empty str')}.`,
        action: 'Give a non-empty string or a non-empty list of non-empty strings.',
      };
    case 'selection-empty':
      return {
        title: 'Nothing would be loaded',
        detail: `After the selection no parameter is left, and MindSpore raises ValueError("The loaded parameter dict is empty after filter or specify, please check whether 'filter_prefix' or 'specify_prefix' are set correctly.")${details.file ? ` for ${details.file}` : ''}.`,
        action:
          'Loosen specify_prefix / choice_func, or remove entries from filter_prefix (filter_prefix wins over specify_prefix).',
      };
    case 'manifest-empty':
      return {
        title: 'The network manifest is empty',
        detail: `No parameter names were found${details.file ? ` in ${details.file}` : ''}.`,
        action: 'Export the network parameters again (see the README one-liners) and open that file.',
      };
    case 'manifest-unknown':
      return {
        title: 'Not a network manifest Ckpt Lens knows',
        detail: `${details.file ?? 'The file'} is neither JSON ({name: {shape, dtype}} or a list of {name, shape, dtype}), a text dump (name (shape), name#(shape)#dtype, bare names), a checkpoint, nor a MindSpore *-graph.meta file.${details.hint ? ` ${details.hint}` : ''}`,
        action:
          'Export the parameters with the README one-liner for MindSpore (net.parameters_and_names()) or PyTorch (state_dict()).',
      };
    case 'manifest-bad-line':
      return {
        title: 'A manifest line cannot be read',
        detail: `Line ${String(details.line ?? '?')}${details.file ? ` of ${details.file}` : ''}: ${details.hint ?? 'unexpected text'}${details.actual !== undefined ? ` ("${String(details.actual)}")` : ''}.`,
        action: `Every line should look like the first ones (${String(details.expected ?? 'name, name (shape) or name#(shape)#dtype')}); fix or remove this line.`,
      };
    case 'manifest-bad-json':
      return {
        title: 'The JSON manifest is not valid',
        detail: `${details.hint ?? 'The JSON does not parse'}${details.tensor ? ` (entry "${details.tensor}")` : ''}${details.file ? ` in ${details.file}` : ''}.`,
        action: 'Use {"name": {"shape": [..], "dtype": "Float32"}} or [{"name": .., "shape": [..], "dtype": ..}].',
      };
    case 'manifest-is-name-map':
      return {
        title: 'This is a name map, not a network manifest',
        detail: `${details.file ?? 'The file'} maps ${String(details.actual ?? 'several')} old names to new names (like {"old": "new"}); it does not list the network's shapes or dtypes.`,
        action: 'Load it under "Name mapping" (CLI: --name-map) and open the network manifest separately.',
      };
    case 'manifest-bad-meta':
      return {
        title: 'The graph .meta file cannot be read',
        detail: `${details.hint ?? 'It does not decode as a MindSpore ModelProto (anf_ir.proto)'}${details.file ? ` in ${details.file}` : ''}.`,
        action:
          'Use the *-graph.meta written next to the checkpoint by ModelCheckpoint, or export a JSON manifest instead.',
      };
    case 'manifest-too-large':
      return {
        title: 'The manifest is too large',
        detail: `It has ${typeof details.actual === 'number' ? `${bytes(details.actual)} (limit ${bytes(details.limit)})` : `${String(details.actual)} (limit ${details.limit?.toLocaleString('en-US') ?? 'unknown'})`}${details.file ? ` in ${details.file}` : ''}.`,
        action: 'Keep only the parameter list (names, shapes, dtypes).',
      };
    case 'name-map-bad-rule':
      return {
        title: 'A rename rule is not valid',
        detail: `${details.line !== undefined ? `Rule ${details.line}` : 'The rename rules'}: ${details.hint ?? 'the pattern or replacement is invalid'}${details.actual !== undefined ? ` ("${String(details.actual)}")` : ''}.`,
        action:
          'Patterns use the filter regex syntax (no lookaround or backreferences); replacements may use $1…$9 and $&.',
      };
    case 'name-map-bad-json':
      return {
        title: 'The name-map JSON is not valid',
        detail: `${details.hint ?? 'It does not parse'}${details.file ? ` in ${details.file}` : ''}.`,
        action: 'Use {"old name": "new name", …} or {"rules": [{"pattern": "…", "replacement": "…"}], "exact": {…}}.',
      };
    case 'name-map-too-large':
      return {
        title: 'The name map is too large',
        detail: `It has ${bytes(details.actual)}${at}; name maps are read whole and the limit is ${bytes(details.limit)}.`,
        action:
          'Check that this is really a name-map JSON file; write renames as a few rules rather than millions of pairs.',
      };
    case 'export-unknown-tensor':
      return {
        title: 'No such parameter to export',
        detail: `The export names "${String(details.tensor)}"${details.hint ? ` in ${details.hint}` : ''}, but the checkpoint has no parameter of that name${details.file ? ` (${details.file})` : ''}.`,
        action: 'Check the spelling against the parameter list, or drop it from the selection.',
      };
    case 'export-name-collision':
      return {
        title: 'Two parameters would get the same name',
        detail:
          details.expected === 'in-source'
            ? `The source holds "${String(details.tensor)}" twice. MindSpore would silently keep only the last one.`
            : `After renaming, "${String(details.tensor)}" would be written twice${details.hint ? ` (${details.hint})` : ''}. MindSpore would silently keep only the last one.`,
        action:
          details.expected === 'in-source'
            ? 'Rename one of them with a name map, or leave one out.'
            : 'Change the rename rules so every exported name is unique, or leave one of them out.',
      };
    case 'export-bad-cast':
      return {
        title: 'This cast is not one MindSpore makes',
        detail: `Cannot cast ${String(details.actual)} to ${String(details.expected)}${at}. MindSpore only converts within the float family (Float16, Float32, Float64, BFloat16) or the int family (Int8, Int16, Int32, Int64).`,
        action: 'Pick a target dtype of the same family, or leave this parameter as it is.',
      };
    case 'export-unsupported-dtype':
      return {
        title: 'This value cannot be written in that format',
        detail:
          details.expected === 'safetensors'
            ? `"${String(details.tensor)}" has ${details.actual === '' ? 'an empty dtype' : `dtype ${String(details.actual)}`}, which Ckpt Lens does not write to safetensors: it writes the dtypes of the safetensors 0.4 format (the 13 MindSpore's save_checkpoint(format="safetensors") writes, and Float8E4M3 and Float8E5M2), and no strings.`
            : `"${String(details.tensor)}" has ${details.actual === '' ? 'an empty dtype' : `dtype ${String(details.actual)}`}, which ${String(details.expected)} cannot store.`,
        action: 'Leave it out of the export (filter it away or --unset it), or export as .ckpt.',
      };
    case 'export-size-mismatch':
      return {
        title: 'A tensor has the wrong number of bytes',
        detail: `"${String(details.tensor)}" holds ${bytes(details.actual)} but its shape and dtype need ${bytes(details.expected)}. Writing it would produce a file MindSpore reads wrongly.`,
        action: 'Leave this parameter out of the export; the source file is damaged here.',
      };
    case 'export-bad-append-value':
      return {
        title: 'This append_dict value cannot be stored',
        detail: `"${String(details.tensor)}": ${details.hint ?? 'the value is not an int, float, bool or str'}.`,
        action:
          details.expected === 'weight'
            ? 'Give the value another name.'
            : 'Use an integer (stored as Int64), a number with a decimal point (Float32), true/false (Bool) or text (str).',
      };
    case 'export-crc-with-encryption':
      return {
        title: 'Encryption and CRC cannot be combined',
        detail:
          'MindSpore appends the crc_num trailer in plaintext after the encrypted blocks, and its own reader then fails on that file (it takes "crc_" as the next block\'s magic).',
        action: 'Choose either encryption or the CRC trailer.',
      };
    case 'export-encrypt-safetensors':
      return {
        title: 'safetensors files cannot be encrypted',
        detail:
          'MindSpore encrypts only .ckpt files; save_checkpoint(format="safetensors") raises ValueError for a non-default enc_key or enc_mode.',
        action: 'Export as .ckpt to encrypt, or export safetensors without a key.',
      };
    case 'export-bad-enc-mode':
      return {
        title: 'Unknown encryption mode',
        detail: `"${String(details.actual)}" is not a mode MindSpore knows; its Encrypt compares the exact strings.`,
        action: 'Use AES-GCM, AES-CBC or SM4-CBC (case-sensitive).',
      };
    case 'export-encryption-unavailable':
      return {
        title: 'Encryption is not available here',
        detail: `Encrypting with ${String(details.expected ?? 'this mode')} is not available in this build${details.hint ? `: ${details.hint}` : ''}.`,
        action: 'Export without a key, or use the command-line tool.',
      };
    case 'export-crc-negative-scalar':
      return {
        title: 'MindSpore cannot compute this safetensors CRC',
        detail: `"${String(details.tensor)}" is a 0-d integer of value ${String(details.actual)}. MindSpore's CRC calls bytes() on it, which for 0-d integers means "that many NUL bytes", so a negative (or huge) value makes save_checkpoint fail.`,
        action: 'Export without the CRC, or change or leave out this value.',
      };
    case 'key-file-too-large':
      return {
        title: 'The key file is too large',
        detail: `${String(details.file)} holds ${plural(Number(details.actual), 'byte')}; a key file holds one key as text (at most ${plural(Number(details.limit), 'byte')}), so this is not one.`,
        action: "Give a file that holds only the key, as hex digits or as a Python bytes literal b'...'.",
      };
    case 'key-file-not-a-key':
      return {
        title: 'The key file does not hold a key',
        detail: `${String(details.file)}${details.hint ? ` (${details.hint})` : ''} ${describeKeyFileContent(details)}. A key file holds one key: 32, 48 or 64 hex digits (a key of 16, 24 or 32 bytes: AES takes all three, SM4 16), or a Python bytes literal b'...' of 16, 24 or 32 bytes.`,
        action:
          details.actual === 'length' && details.expected === 'hex'
            ? "Put only the key in the file. If the file holds the key as text (as save_checkpoint(enc_key=b'...') was given it), write it as a bytes literal b'...'."
            : "Put only the key in the file, as hex digits or as a Python bytes literal b'...'.",
      };
    case 'name-map-collision':
      return {
        title: 'The name map gives two parameters one name',
        detail: `The name map turns ${String(details.hint)} into "${String(details.tensor)}": a comparison pairs each name once, so it could not tell which of them to compare.`,
        action: cli
          ? 'Change the name map so every name it produces is unique, or leave all but one of them out with --filter.'
          : 'Change the name map so every name it produces is unique, or untick "pair names through the name map rules" to compare by the names as they are.',
      };
    case 'export-empty-name':
      return {
        title: 'A parameter has no name',
        detail: 'The source holds a parameter whose name is empty; written out, it could not be loaded by name.',
        action: 'Leave it out with a filter (name != "") or give it a name with a name map.',
      };
    case 'export-damaged-source':
      return {
        title: 'A selected tensor is damaged',
        detail: `"${String(details.tensor)}" contradicts its shape, dtype or the file (${String(details.actual)})${Number(details.expected) > 1 ? `, and so do ${Number(details.expected) - 1} more selected tensors` : ''}. Writing it would give a file that looks re-saved and that load_checkpoint still fails on, so nothing was written.`,
        action: 'Leave the damaged tensors out with a filter (inspect lists them), or get a sound copy of the file.',
      };
    case 'export-empty':
      return {
        title: 'Nothing to export',
        detail: details.hint
          ? `No selected value can be written: ${details.hint} cannot be stored in the output. MindSpore would write an empty file, and load_checkpoint refuses it ("loaded parameter dict is empty").`
          : 'After the selection and removals no parameter is left. MindSpore would write an empty file, and load_checkpoint refuses it ("loaded parameter dict is empty").',
        action: details.hint
          ? 'Run inspect to see why each one cannot be written.'
          : 'Select at least one parameter or add an append_dict value.',
      };
    case 'strategy-unreadable':
      return {
        title: 'Not a strategy file Ckpt Lens can read',
        detail: details.hint
          ? `The file${at} cannot be read as a MindSpore parallel strategy. ${details.hint}`
          : `The file is neither a MindSpore ParallelStrategyMap protobuf nor a JSON strategy${at}.`,
        action:
          'Choose the strategy file written by strategy_ckpt_config (or merge_pipeline_strategys), not a checkpoint or group-info file.',
      };
    case 'strategy-empty':
      return {
        title: details.actual === 0 ? 'The strategy file is empty' : 'The strategy file describes no parameters',
        detail:
          details.actual === 0
            ? `The file has 0 bytes${at}: no strategy was written into it (a save that did not finish, or the wrong file).`
            : `It has no parallel_layout_item entries${at}. MindSpore cannot use it either: for a protobuf strategy file its _build_protobuf_strategy raises a ValueError saying the file "has no sliced parameter".`,
        action: 'Use the strategy file saved by the training run that wrote these checkpoints.',
      };
    case 'strategy-too-large':
      return {
        title: 'The strategy file is too large',
        detail: `It has ${bytes(details.actual)}${at}; strategy files are read whole and the limit is ${bytes(details.limit)}.`,
        action: 'Check that this is really a strategy file and not a checkpoint.',
      };
    case 'strategy-bad-layout':
      return {
        title:
          details.tensor !== undefined
            ? 'A layout in the strategy file is malformed'
            : 'The strategy file cannot be used',
        detail: `${details.tensor !== undefined ? `The layout of "${details.tensor}"` : 'The strategy file'}${details.file ? ` (${details.file})` : ''} is malformed: ${details.hint ?? 'an entry is invalid'}.`,
        action: 'The strategy file is damaged or from an unknown writer; get the file the training run saved.',
      };
    case 'strategy-not-checkpoint':
      return {
        title: 'This is a parallel strategy file, not a checkpoint',
        detail: `The file${at} holds a parallel strategy (which rank holds which slice), no tensors.`,
        action: 'Open the per-rank checkpoints as a distributed set and choose this file as its strategy.',
      };
    case 'distributed-no-ranks':
      return {
        title: 'No rank checkpoints were given',
        detail: `A distributed set needs at least one per-rank checkpoint${at}.`,
        action: 'Add the rank_N folders or the checkpoint_N files of the training run.',
      };
    case 'distributed-duplicate-rank':
      return {
        title: 'Two files claim the same rank',
        detail: `Rank ${String(details.actual)} was given more than once${at}.`,
        action: 'Keep one checkpoint per rank (MindSpore uses the last one of each rank_N folder).',
      };
    case 'distributed-rank-unknown':
      return {
        title: 'The rank of a file is not known',
        detail: `Neither a rank_N folder nor a checkpoint_N file name tells the rank${at}.`,
        action: 'Put each file in a rank_N folder, or assign its rank by hand.',
      };
    case 'distributed-nothing-matches':
      return {
        title: 'The strategy does not describe these checkpoints',
        detail: `None of the parameters in the rank files is in the strategy file${at}.`,
        action: 'Choose the strategy file of the training run that saved these checkpoints.',
      };
    case 'distributed-tensor-unmergeable':
      return {
        title: 'A parameter cannot be merged',
        detail: `${parameterAt(details)}: ${withStop(details.hint ?? 'see the layout problems')}`,
        action:
          'Run "layout" with the same strategy and rank files to see every problem (missing ranks, shapes that contradict the strategy, parameters no rank file holds); nothing was written.',
      };
    case 'distributed-tensor-unsliceable':
      return {
        title: 'A parameter cannot be cut for the target strategy',
        detail: `${parameterAt(details)}: ${withStop(details.hint ?? 'its shape does not fit the strategy')}`,
        action:
          'Check that the input is the full checkpoint of the network the strategy describes; no rank file was written.',
      };
    case 'distributed-input-unmatched':
      return {
        title: "The input holds none of the strategy's parameters",
        detail: `None of the ${String(details.expected ?? '')} parameters the strategy lists is in the input${at}${details.hint ? `; it holds ${details.hint}` : ''}.`,
        action:
          'Give the full (merged or unified) checkpoint of the network the strategy was saved for, or the strategy file of the network this checkpoint comes from.',
      };
    case 'distributed-rank-foreign':
      return {
        title: 'A rank file does not belong to this set',
        detail: `${details.hint ?? 'A rank file contradicts the others'}${at}.`,
        action:
          'Check that every rank file comes from the same training run and save step as the strategy; nothing was written.',
      };
    case 'distributed-tensor-too-large':
      return {
        title: 'The tensor is too large to hold in memory',
        detail: `It needs ${bytes(details.actual)}${at}; the limit for one buffer is ${bytes(details.limit)}.`,
        action: 'Export the merged checkpoint instead: export streams tensors without holding them whole.',
      };
    case 'usage':
      return {
        title: 'Usage',
        detail: withStop(details.hint ?? 'The command line is not valid.'),
        action: 'Run with --help to see the options.',
      };
    case 'shard-index-too-large':
      return {
        title: 'The shard index is too large',
        detail: `The index JSON has ${bytes(details.actual)} (limit ${bytes(details.limit)})${at}.`,
        action:
          'Check that this is the model.safetensors.index.json / param_name_map.json of the set, not a data file.',
      };
    case 'shard-index-bad-json':
      return {
        title: 'The shard index is not valid',
        detail: `${details.hint ?? 'The index JSON does not parse'}${at}.`,
        action:
          'Use the index written with the shards: {"metadata": {"total_size": …}, "weight_map": {"tensor": "shard file"}}.',
      };
    case 'shard-index-bad-file-name':
      return {
        title: 'The shard index names a file outside its folder',
        detail: `The shard "${String(details.actual)}"${at} is not a plain file name; shards must sit beside the index.`,
        action: 'Use an index whose weight_map names only files in its own folder.',
      };
    case 'shard-index-not-found':
      return {
        title: 'No checkpoint or shard index in the folder',
        detail: `The folder ${String(details.file)} holds no *.index.json or param_name_map.json, and not exactly one checkpoint file.`,
        action: 'Give the index JSON of the sharded set, or one checkpoint file.',
      };
    case 'shard-set-incomplete':
      return {
        title: 'The sharded set is incomplete',
        detail: `${details.hint ?? 'Tensors the index names are in no shard'}. Converting it would leave those tensors out without a word, so nothing was written.`,
        action: cli
          ? 'Put the missing shard files beside the index (regular files, by the names it gives), then convert again.'
          : 'Put the missing shard files beside the index (or drop the whole folder), then convert again.',
      };
    case 'shard-set-no-shards':
      return {
        title: 'None of the shards is here',
        detail: `The index names ${String(details.expected)} shard file(s)${at}, and none of them was found beside it.`,
        action: cli
          ? 'Put the shard files in the folder of the index, by the names it gives.'
          : 'Put the shard files in the folder of the index (or drop the whole folder).',
      };
    case 'file-not-found':
      return {
        title: 'File not found',
        detail: `No file at ${String(details.file ?? details.actual)}.`,
        action: 'Check the path.',
      };
    case 'path-is-folder':
      return {
        title: 'A folder, not a file',
        detail: `${String(details.file)} is a folder${details.hint ? ` (${details.hint})` : ''}.`,
        action: 'Give the path of a file inside it.',
      };
    case 'path-not-regular-file':
      return {
        title: 'Not a regular file',
        detail:
          details.expected === 'output'
            ? `${String(details.file)} is not a regular file (it is ${details.hint ?? 'a device, pipe or socket'}); Ckpt Lens writes its output to a new file and moves it into place, which would replace it.`
            : `${String(details.file)} is not a regular file (it is ${details.hint ?? 'a device, pipe or socket'}), so it has no size to check before reading.`,
        action:
          details.expected === 'output'
            ? 'Give the path of a file to write, in a folder you can write to.'
            : 'Save the data to a file first and give that path.',
      };
    case 'permission-denied':
      return {
        title: 'Permission denied',
        detail: `Ckpt Lens may not ${details.hint ?? 'use'} ${String(details.file)}.`,
        action: 'Check the permissions of the file and its folder, or choose another path.',
      };
    case 'output-folder-missing':
      return {
        title: 'The output folder does not exist',
        detail: `${String(details.file)} cannot be written: ${String(details.expected)} ${details.hint ?? 'does not exist'}.`,
        action: 'Create the folder first, or choose an output path in an existing folder.',
      };
    case 'output-is-input':
      return {
        title: 'The output would overwrite an input',
        detail: `${String(details.file)} is also an input of this command; inputs are never modified.`,
        action: 'Choose another output path.',
      };
    case 'shard-parts-incomplete':
      if (details.expected === undefined)
        return {
          title: 'The part files do not form one set',
          detail: `The parts of ${String(details.file)} cannot be joined: ${details.hint ?? 'their names disagree'}.`,
          action: 'Remove the parts that do not belong to this run, or write the set again with --shard i/N.',
        };
      return {
        title: 'Parts of the sharded output are missing',
        detail: `${String(details.file)} is joined from ${String(details.expected)} parts (--shard i/${String(details.expected)}), but ${details.hint ?? 'some are missing'}.`,
        action: 'Run the missing shards (same inputs and options, --shard i/N for each missing i), then join again.',
      };
    case 'shard-part-crc-mismatch':
      return {
        title: 'A part of the sharded output changed after it was written',
        detail: `${String(details.file)} has CRC-32 ${String(details.actual)}, but its shard recorded ${String(details.expected)}; nothing was joined.`,
        action: 'Write that part again (the same command with its --shard i/N), then join again.',
      };
    case 'write-failed':
      return {
        title: 'The output could not be written',
        detail: `Writing ${String(details.file)} failed${details.hint ? `: ${details.hint}` : ''}. Nothing partial was left behind.`,
        action:
          details.expected === 'folder'
            ? 'Choose an output path in a folder that holds ordinary files.'
            : 'Check the free space and that the disk is writable, then run the command again.',
      };
    case 'tensor-not-found':
      return {
        title: 'No such tensor',
        detail: `There is no tensor named "${details.tensor ?? ''}"${details.file ? ` in ${details.file}` : ''}.`,
        action: 'Check the exact name with "inspect"; names are case-sensitive and include every dotted prefix.',
      };
    case 'tensor-not-numeric':
      return {
        title: 'This tensor holds no numbers to measure',
        detail: `Tensor "${details.tensor ?? ''}" has dtype ${String(details.actual ?? 'unknown')}${details.hint ? ` (${details.hint})` : ''}; statistics and value previews need a numeric dtype.`,
        action:
          'Pick a Float, Int, UInt or Bool tensor; strings, MapTensors and unknown dtypes are listed but not decoded.',
      };
    case 'tensor-view-unreadable':
      return {
        title: 'The values of this PyTorch view are not read',
        detail: `Tensor "${details.tensor ?? ''}" ${
          details.expected === 'view-outside-storage'
            ? 'is a view that reaches past the end of its storage; torch.load refuses it'
            : `is a non-contiguous view too large to gather: one of more than ${MAX_VIEW_RANGES.toLocaleString('en-US')} separate runs is read by holding the storage it spans in memory, at most ${gib(MAX_VIEW_SPAN_BYTES)} of it, making at most ${gib(MAX_VIEW_GATHERED_BYTES)} of values`
        }${details.hint ? ` (${details.hint})` : ''}.`,
        action:
          details.expected === 'view-outside-storage'
            ? 'The file is damaged or was altered; re-save the tensor with torch.save.'
            : 'Save it with torch.save(t.contiguous()) (or clone() it) to read its values; the other tensors are read as usual.',
      };
    case 'tensor-content-short':
      return {
        title: 'The tensor bytes end early',
        detail: `Expected ${bytes(details.expected)} but only ${bytes(details.actual)} could be read${at}.`,
        action: 'The file is probably truncated or damaged; re-download or re-save it.',
      };
    case 'tensor-size-impossible':
      return {
        title: 'The declared size is impossible',
        detail: `Tensor "${details.tensor ?? ''}" declares shape ${String(details.actual)} of ${String(details.expected)}: more elements than any file can hold, so its values cannot be read.`,
        action: 'The record header is corrupted; get a fresh copy of the file.',
      };
    case 'slice-invalid':
      return {
        title: 'The slice could not be read',
        detail: `${details.hint ?? 'The slice expression is not valid'}${details.offset !== undefined ? ` (at character ${details.offset + 1})` : ''}.`,
        action: 'Write it like NumPy: [0, :8, 3], [..., -1] or [2:10:2] — integers, start:stop:step and one "...".',
      };
    case 'slice-out-of-range':
      return {
        title: 'The slice is outside the tensor',
        detail: `${details.hint ?? 'An index is out of range'}${details.tensor ? ` for tensor "${details.tensor}"` : ''}.`,
        action: 'Indices run from 0 to size−1 (negative indices count from the end); check the shape.',
      };
    case 'slice-too-large':
      return {
        title: 'The slice selects too many values',
        detail: `The slice selects ${String(details.actual ?? 'too many')} values; at most ${String(details.limit ?? '')} can be shown at once.`,
        action: 'Narrow the slice (for example [0, :100]) or use statistics for the whole tensor.',
      };
    case 'internal':
      return {
        title: 'Something went wrong inside Ckpt Lens',
        detail: details.hint ?? 'An unexpected error occurred.',
        action: cli
          ? 'This is a bug in Ckpt Lens: report it with the command line and this message.'
          : 'Use "Copy diagnostics" and report it; your other files are unaffected.',
      };
  }
}

export function describeSerialized(error: SerializedLensError, surface: MessageSurface = 'page'): UserMessage {
  return describeError(error.code, error.details, surface);
}

/** One line for a terminal: title, detail and action. */
export function oneLine(message: UserMessage): string {
  return `${message.title}: ${message.detail} ${message.action}`;
}

/**
 * Where a tensor's bytes are, for its details: "N in k ranges from byte X", or for a gathered
 * PyTorch view (whose one range is the storage it is gathered from, not its values) what it is
 * gathered from.
 */
export function describeTensorPlacement(tensor: Pick<TensorEntry, 'bytes' | 'ranges' | 'view'>): string {
  const count = (value: number): string => value.toLocaleString('en-US');
  const first = tensor.ranges[0];
  if (tensor.view?.gathered && first) {
    return `${count(tensor.bytes)}, gathered in C order from the ${count(first.length)} bytes of storage from byte ${count(first.offset)} (a view of more than ${count(MAX_VIEW_RANGES)} runs)`;
  }
  const ranges = tensor.ranges.length;
  return `${count(tensor.bytes)} in ${ranges} range${ranges === 1 ? '' : 's'}${first ? ` from byte ${count(first.offset)}` : ''}`;
}

/** A power-of-two limit in GiB ("1 GiB", "16 GiB"). */
function gib(bytes: number): string {
  return `${bytes / 1024 ** 3} GiB`;
}

export function describeTensorProblem(code: TensorProblemCode, detail?: string): string {
  const suffix = detail ? ` (${detail})` : '';
  switch (code) {
    case 'size-mismatch':
      return `Content size does not match shape × dtype${suffix}; MindSpore would read uninitialised memory or overrun.`;
    case 'unknown-dtype':
      return detail === ''
        ? 'The tensor_type is empty; load_checkpoint fails with a KeyError on it.'
        : `Unknown tensor_type${suffix}; load_checkpoint fails with a KeyError on it.`;
    case 'not-loadable-dtype':
      return `MindSpore writes this dtype but load_checkpoint cannot read it${suffix}.`;
    case 'legacy-bfloat16-as-float32':
      return 'BFloat16 stored as float32 (MindSpore ≤ 2.2); 2.3+ keeps the high half of each value.';
    case 'legacy-scalar-dims':
      return 'Scalar stored with dims [0] (MindSpore ≤ 2.2); loaded as shape ().';
    case 'map-tensor-unsupported':
      return 'MapParameter record: listed, but its contents are not shown.';
    case 'duplicate-name':
      return 'The name appears again later in the file; the later value wins, as in MindSpore.';
    case 'past-end-of-file':
      return `Its bytes lie past the end of the file${suffix}.`;
    case 'overlaps-previous':
      return 'Its bytes overlap another tensor.';
    case 'dim-too-large-for-mindspore':
      return `A dimension is negative or above 2^31−1${suffix}; MindSpore casts dims to int and cannot load it.`;
    case 'string-not-utf32':
      return 'The string content is not valid UTF-32.';
    case 'string-too-large': {
      const stored = Number.parseInt(detail ?? '', 10);
      return `The str value is ${Number.isFinite(stored) ? `${plural(stored, 'byte')} (${plural(Math.floor(stored / 4), 'character')} of UTF-32)` : 'larger'}, more than the ${plural(MAX_STRING_VALUE_BYTES, 'byte')} (256 KiB) Ckpt Lens decodes: it is listed, and its text is not read or shown.`;
    }
    case 'no-mindspore-dtype':
      return `MindSpore has no dtype for this torch dtype${suffix}; it is listed but cannot be converted.`;
    case 'view-outside-storage':
      return `The tensor view reaches past the end of its storage${suffix}; torch.load refuses it and its values are not read.`;
    case 'view-too-fragmented':
      return `The non-contiguous view is too large to gather${suffix}: a view of more than ${MAX_VIEW_RANGES.toLocaleString('en-US')} separate runs is read by holding the storage it spans in memory, at most ${gib(MAX_VIEW_SPAN_BYTES)} of it, and makes at most ${gib(MAX_VIEW_GATHERED_BYTES)} of values. Its values are not read or converted here; save it with torch.save(t.contiguous()) (or clone() it) to read it.`;
  }
}

export function describeFileProblem(code: FileProblemCode, detail: string, surface: MessageSurface = 'page'): string {
  switch (code) {
    case 'safetensors-gap':
      return `Gap in the data section: ${detail}.`;
    case 'safetensors-overlap':
      return `Overlapping tensors: ${detail}.`;
    case 'safetensors-trailing-bytes':
      return `Extra bytes: ${detail}. The safetensors library rejects such files.`;
    case 'safetensors-past-end':
      return `Truncated: ${detail}.`;
    case 'safetensors-duplicate-key':
      return `The header names ${detail} more than once; the last entry is used here (as Python's json does), but the safetensors format forbids duplicates and other readers may refuse the file.`;
    case 'ckpt-duplicate-tag':
      return `"${detail}" appears in two separate runs; MindSpore keeps the later value at the first position.`;
    case 'ckpt-unknown-field':
      return `The file holds protobuf data that is not a parameter record: ${detail}. Protobuf skips fields it does not know, so load_checkpoint loads the file without them; save_checkpoint writes none, so something else wrote or changed this file.`;
    case 'empty-checkpoint':
      return 'The checkpoint holds no parameters; load_checkpoint raises "loaded parameter dict is empty".';
    case 'crc-trailer-after-encryption':
      return `A plaintext crc_num trailer follows the encrypted blocks: ${detail}. MindSpore cannot read such files either.`;
    case 'zip-trailing-bytes':
      return `${plural(Number(detail), 'byte')} follow the end of the zip archive: torch.save writes none and no CRC covers them.`;
    case 'pickle-calls-function':
      return `DANGER: torch.load would run ${detail}. Nothing was run here; load this file only with torch.load(weights_only=True), or not at all.`;
    case 'pickle-needs-classes':
      return `The pickle stores whole objects: torch.load needs ${detail} importable (weights_only=True refuses them). Their tensors are listed under their state_dict names.`;
    case 'pickle-unsupported-object':
      return `Not read: ${detail}.`;
    case 'ddp-prefix':
      return `Every tensor name starts with "${detail}" (saved from a DistributedDataParallel or DataParallel wrapper); strip the prefix to match the bare model.`;
    case 'shard-file-missing':
      return surface === 'cli'
        ? `A shard file the index names is not beside it: ${detail}. Its tensors are not listed; put the file there to see them.`
        : `A shard file the index names is not here: ${detail}. Its tensors are not listed; add the file (drop the whole folder) to see them.`;
    case 'shard-file-not-regular':
      return `A shard the index names is not a regular file: ${detail}. Its tensors are not listed; put the shard file itself at that name to see them.`;
    case 'shard-tensor-missing':
      return `A tensor the index names is in no shard where it says: ${detail}. Loading this set by its index fails for it.`;
    case 'shard-tensor-not-indexed':
      return `A shard holds a tensor the index does not name: ${detail}. Loaders that follow the index skip it.`;
    case 'shard-duplicate-name':
      return `A name is in two shards: ${detail}. Which copy a loader keeps depends on the loader.`;
    case 'shard-total-size-mismatch':
      return `The index's metadata.total_size disagrees with the shards: ${detail}. The index may belong to another version of these files.`;
  }
}

/**
 * A file's verdict (core/summary fileVerdict) in words: the headline states the findings, or
 * that there are none; `crc` states what is known about the CRC — never more than was checked.
 */
export function describeVerdict(verdict: FileVerdict, format?: FormatId): { headline: string; crc: string } {
  const findings: string[] = [];
  if (verdict.crcImpossible) {
    findings.push(
      'what is stored as the CRC cannot be a CRC-32, so no contents match it and a load that checks the CRC fails: the stored CRC was damaged or not written by MindSpore',
    );
  } else if (verdict.crc === 'mismatch') {
    findings.push('the CRC does not match the contents: the file was changed or damaged after it was saved');
  }
  if (verdict.encryption?.failed) {
    findings.push('an encrypted block failed to decrypt: a wrong key, or the file was damaged');
  }
  if (verdict.structuralFindings > 0) {
    findings.push(`${plural(verdict.structuralFindings, 'structural problem')} (listed below)`);
  }
  const headline =
    findings.length > 0
      ? `Finding: ${findings.join('; ')}.`
      : verdict.structuralNotes > 0
        ? `No structural problems found; ${plural(verdict.structuralNotes, 'note')} on how the file is stored (listed below).`
        : 'No structural problems found.';
  return { headline, crc: describeCrcVerdict(verdict.crc, verdict.crcNote, format) };
}

/** Why a file of this format has no CRC, as a clause (a PyTorch zip always has one per entry). */
function noCrcReason(format?: FormatId): string {
  switch (format) {
    case 'safetensors':
      return 'MindSpore adds crc_num to the metadata only with crc_check=True; other writers store none';
    case 'pytorch':
      return 'the legacy torch.save layout, before torch 1.6, stores none';
    default:
      return 'MindSpore writes one only with crc_check=True';
  }
}

/** Verify integrity's line for tensors whose entries contradict their shape, dtype or the file. */
const STATS_SKIP_REASONS: Record<SkippedTensor['reason'], string> = {
  'not-numeric': 'holds no numbers Ckpt Lens can measure',
  'unknown-dtype':
    'its dtype is not one MindSpore writes, so its bytes cannot be read as numbers (load_checkpoint fails on it)',
  'content-short': 'its bytes run past the end of the file',
  'size-impossible': 'its shape declares more elements than any file can hold',
  'view-outside-storage': 'its view reaches past the end of its storage',
  'view-too-fragmented': `not measured: its view spans more than the ${gib(MAX_VIEW_SPAN_BYTES)} of storage Ckpt Lens gathers a view from, or would make more than ${gib(MAX_VIEW_GATHERED_BYTES)} of values`,
};

/** Why statistics skipped a tensor. */
export function describeStatsSkip(reason: SkippedTensor['reason']): string {
  return STATS_SKIP_REASONS[reason];
}

/** A skip that is damage (a finding), not a tensor that simply holds no numbers. */
export function isStatsSkipFinding(reason: SkippedTensor['reason']): boolean {
  return reason !== 'not-numeric' && reason !== 'view-too-fragmented';
}

/** A compared tensor that could not be read at all. */
export function describeUnreadableTensor(): string {
  return 'damaged: its bytes run past the end of the file, so it cannot be read';
}

export function describeTensorFindings(count: number): string {
  return `${plural(count, 'tensor')} ${count === 1 ? 'contradicts' : 'contradict'} its shape, dtype or the file (listed under Integrity notes).`;
}

/**
 * An encrypted file followed by a plaintext crc_num trailer: a CRC is stored, but not one any
 * check applies to (MindSpore's reader fails on the file), so it is not compared.
 */
export const CRC_TRAILER_AFTER_ENCRYPTION_NOT_CHECKED =
  'A crc_num trailer follows the encrypted blocks in plaintext; it is not checked, since MindSpore cannot read such a file (listed below).';

/** The file stores no CRC: a sentence saying why, and that nothing was checked. */
export function describeNoCrc(format?: FormatId): string {
  return `No CRC stored (${noCrcReason(format)}): the contents could not be checked against one.`;
}

/**
 * The outcome of a verify that found nothing wrong but had nothing to check the bytes against (no
 * CRC, no authenticated cipher): "ok" would claim more than was established.
 */
export function describeStructureOnlyVerified(): string {
  return 'No findings in the structure (every tensor against its shape, dtype and the file); with no CRC, the bytes themselves could not be checked.';
}

function describeCrcVerdict(crc: CrcVerdict, note?: string, format?: FormatId): string {
  switch (crc) {
    case 'absent':
      return describeNoCrc(format);
    case 'not-verified':
      return 'A CRC is stored but not checked yet: Verify integrity compares it with the contents.';
    case 'verified':
      return 'CRC verified: the contents are as they were saved.';
    case 'mismatch':
      return 'CRC mismatch: the stored CRC differs from the one computed over the contents.';
    case 'unverifiable':
      return `The stored CRC could not be checked${note ? `: ${note}` : ''}.`;
  }
}

/** A CRC-32 as the reports print it: 0x and eight hex digits. */
export function crcHex(value: number | null): string {
  return value === null ? '?' : `0x${value.toString(16).padStart(8, '0')}`;
}

/**
 * inspect on a torch zip: storages placed from the central directory, whose local headers are
 * read only together with their bytes (formats/pytorch/checked-source), so not yet checked.
 */
export function describeUncheckedZipHeaders(count: number): string {
  return `zip local headers: ${count} not read at open (their storages are placed from the central directory; each header is checked when its bytes are first read, and verify reads them all)`;
}

const STORED_CRC_PROBLEM: Record<StoredCrcProblem, string> = {
  'above-32-bits': 'larger than 2^32−1 = 4,294,967,295',
  negative: 'negative',
  'not-a-number': 'not a decimal number',
};

/**
 * What the file stores as its CRC, before any check: the ckpt/safetensors number, one per zip
 * entry, or — when it cannot be a CRC-32 — exactly what is stored and why it is none.
 */
export function describeStoredCrc(crc: CrcInfo): string {
  if (crc.zipEntries !== undefined) return `one per zip entry, ${plural(crc.zipEntries, 'entry', 'entries')}`;
  if (crc.stored) {
    const shown = crc.stored.text.startsWith('0x') ? crc.stored.text : JSON.stringify(crc.stored.text);
    return `${shown} (not a CRC-32: ${STORED_CRC_PROBLEM[crc.stored.problem]})`;
  }
  return String(crc.expected);
}

/**
 * A stored CRC that cannot be a CRC-32, as one line where no verify ran (stats, convert): known
 * without computing one, so it is said as a finding, as inspect's verdict counts it.
 */
export function describeImpossibleStoredCrc(crc: CrcInfo): string {
  return `The stored CRC is ${describeStoredCrc(crc)}: no contents match it, so a load that checks the CRC fails. It was damaged, or not written by MindSpore.`;
}

/** The stored CRC in a mismatch line: eight hex digits, or what is stored when it is no CRC-32. */
export function storedCrcHex(crc: CrcInfo): string {
  return crc.stored ? describeStoredCrc(crc) : crcHex(crc.expected);
}

function describeZipMismatch(mismatch: ZipCrcMismatch): string {
  const stored =
    mismatch.local === null || mismatch.local === mismatch.central
      ? `stores CRC-32 ${crcHex(mismatch.central)}`
      : `stores CRC-32 ${crcHex(mismatch.central)} in the central directory and ${crcHex(mismatch.local)} in its local header`;
  return `zip entry "${mismatch.entry}" ${stored}; its bytes give ${crcHex(mismatch.computed)}`;
}

/**
 * A PyTorch zip archive's per-entry CRC check (integrity/zip-crc) in words: the outcome, then one
 * line per listed entry whose bytes differ from its stored CRC-32. Entries that could not be
 * checked are the report's crcNote.
 */
export function describeZipCrc(check: ZipCrcCheck): string[] {
  if (check.mismatchCount === 0) {
    return check.uncheckedCount === 0
      ? [`CRC-32 ok for all ${plural(check.entries, 'zip entry', 'zip entries')} (${plural(check.bytes, 'byte')})`]
      : [
          `CRC-32 ok for ${check.checked} of ${plural(check.entries, 'zip entry', 'zip entries')}; the others could not be checked`,
        ];
  }
  const lines = [
    `CRC MISMATCH in ${plural(check.mismatchCount, 'zip entry', 'zip entries')}: the file was changed or damaged after torch.save wrote it`,
    ...check.mismatches.map(describeZipMismatch),
  ];
  if (check.mismatchCount > check.mismatches.length)
    lines.push(`and ${plural(check.mismatchCount - check.mismatches.length, 'more entry', 'more entries')}`);
  return lines;
}

/**
 * Shown in the export panel where the browser has no File System Access API (Firefox, Safari):
 * "Save to file…" is not offered and Download is the way out.
 */
/** The same where an export of several parts would go into a chosen folder. */
export const SAVE_TO_FOLDER_UNAVAILABLE =
  'This browser cannot write into a folder you choose ("Save parts to a folder…" needs Chrome or Edge), so each part is saved with Download, to your downloads folder.';

export const SAVE_TO_FILE_UNAVAILABLE =
  'This browser cannot write to a file you choose ("Save to file…" needs Chrome or Edge), so the export is saved with Download, to your downloads folder.';

/** What an export of one file wrote (the export panel). */
export function describeExportWritten(
  saved: boolean,
  fileName: string,
  size: string,
  entries: number,
  omitted: number,
): string {
  const left =
    omitted > 0
      ? ` (${plural(omitted, 'tensor')} omitted: zero-size ones, as MindSpore does, and any without a MindSpore dtype or readable values)`
      : '';
  return `${saved ? 'Saved' : 'Wrote'} ${fileName}: ${size}, ${plural(entries, 'entry', 'entries')}${left}.`;
}

/** Re-reading what an export wrote: all as planned, or where it differs. */
export function describeExportVerified(report: {
  ok: boolean;
  tensorsChecked: number;
  valuesCompared: number;
  mismatches: readonly { name: string; kind: string }[];
}): string {
  return report.ok
    ? `Verified: ${plural(report.tensorsChecked, 'entry matches', 'entries match')} the plan; ${plural(report.valuesCompared, 'untouched tensor')} byte-identical to the source.`
    : `Differences: ${report.mismatches.map((m) => `${m.name} (${m.kind})`).join(', ')}`;
}

/** What a cast did over every tensor it touched. */
export function describeCastReport(
  tensors: number,
  total: { elements: number; overflow: number; underflow: number; nans: number },
  worst: { name: string; maxAbsoluteError: number } | undefined,
): string {
  return (
    `Cast ${plural(tensors, 'tensor')} (${plural(total.elements, 'value')}): ${total.overflow} overflowed to ±inf, ` +
    `${total.underflow} flushed to zero, ${total.nans} NaN` +
    `${worst ? `; largest rounding error ${worst.maxAbsoluteError.toPrecision(3)} in ${worst.name}` : ''}.`
  );
}

/** The export's key field could not be read. */
/** Why typed key text is not a key (core/key-input), as a sentence. */
export function describeKeyProblem(problem: KeyProblem): string {
  switch (problem.code) {
    case 'empty':
      return 'No key was given.';
    case 'hex-not-digits':
      return 'A hex key may only contain 0-9 and a-f.';
    case 'hex-odd-digits':
      return `A hex key needs an even number of digits; this one has ${problem.digits}.`;
    case 'text-not-ascii':
      return 'Python bytes literals only hold ASCII; write other bytes as \\xNN.';
    case 'text-bad-hex-escape':
      return `"\\x" must be followed by two hex digits (at character ${problem.at}).`;
    case 'text-unknown-escape':
      return `Unknown escape "\\${problem.escape}" at character ${problem.at}.`;
  }
}

/** What a key file holds instead of a key (cli/key-options), never its bytes. */
function describeKeyFileContent(details: ErrorDetails): string {
  const count = Number(details.limit ?? 0);
  switch (details.actual) {
    case 'empty':
      return 'is empty (or holds only spaces and line ends)';
    case 'binary':
      return `holds ${plural(count, 'byte')} of binary data, not text (a raw key must be written as hex, e.g. with xxd -p)`;
    case 'length':
      return details.expected === 'text'
        ? `holds a bytes literal of ${plural(count, 'byte')}, a length no mode takes`
        : `holds ${plural(count * 2, 'hex digit')}, a key of ${plural(count, 'byte')}, a length no mode takes`;
    case 'hex-odd-digits':
      return `holds ${plural(count, 'hex digit')}, an odd number, so not whole bytes`;
    case 'hex-not-digits':
      return "holds text that is neither hex digits nor a bytes literal b'...'";
    case 'text-not-ascii':
      return 'holds a bytes literal with characters outside ASCII (write other bytes as \\xNN)';
    case 'text-bad-hex-escape':
      return 'holds a bytes literal with a "\\x" not followed by two hex digits';
    case 'text-unknown-escape':
      return 'holds a bytes literal with an escape Python does not know';
    default:
      return 'does not hold a key';
  }
}

export function describeExportKeyProblem(problem: KeyProblem): string {
  return `Encryption key: ${describeKeyProblem(problem)}`;
}

export const PART_SIZE_INVALID = 'Part size must be a positive number of MiB';
export const WORKER_COUNT_INVALID = 'Workers must be a whole number from 1 to 8, or empty for auto';

/** A Bool tensor holding bytes other than 0 and 1 (core/stats boolBytes). */
export function describeBoolBytes(count: number, first: number): string {
  const byte = `0x${first.toString(16).padStart(2, '0')}`;
  return `${plural(count, 'Bool value')} ${count === 1 ? 'is' : 'are'} stored as a byte other than 0 or 1 (the first is ${byte}); numpy and MindSpore read any non-zero byte as True, so ${count === 1 ? 'it is' : 'they are'} measured as 1. MindSpore writes only 0 and 1: the bytes were changed or written by another tool.`;
}

/** A merged export's parameters that cannot be merged. */
export function describeLeftOutParameters(names: readonly string[]): string {
  return `Left out ${plural(names.length, 'parameter')} that cannot be merged: ${names.slice(0, 10).join(', ')}${names.length > 10 ? ', …' : ''}.`;
}

/** The Numbers picker lists only the first tensors of a long selection. */
export function describePickerCap(listed: number, total: number): string {
  return (
    `The list shows the first ${listed.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} tensors ` +
    'with numbers; type a filter above to narrow it, or click a tensor in the Parameters table.'
  );
}

/**
 * The selection in words, from one count (core/summary selectionCounts): the filter's status
 * line, and the table's caption, which adds the tree's branch when one is selected.
 */
export function describeSelection(
  counts: SelectionCounts,
  filtered: boolean,
  branch: string,
): { filter: string; table: string } {
  const filter = filtered
    ? `${counts.matched.toLocaleString('en-US')} of ${plural(counts.total, 'parameter')} ${counts.matched === 1 ? 'matches' : 'match'}`
    : counts.total === 1
      ? '1 parameter'
      : `All ${plural(counts.total, 'parameter')}`;
  if (branch === '') return { filter, table: filter };
  const under = counts.shown.length.toLocaleString('en-US');
  const table = filtered
    ? `Showing ${branch}.*: ${under} of the ${plural(counts.matched, 'matching parameter')}`
    : `Showing ${branch}.*: ${under} of ${plural(counts.total, 'parameter')}`;
  return { filter, table };
}

const LAYER_EVIDENCE: Record<AutoMapLayer, string> = {
  BatchNorm: 'its module holds running_mean and running_var',
  'LayerNorm/GroupNorm': 'its module holds a weight and a bias of one shape, no running statistics',
  Embedding: 'its module holds a 2-d weight alone',
};

/** A compare whose two files share no tensor name (after the name map, when one was used). */
export function describeNothingPaired(nameA: string, nameB: string): string {
  return `No tensor name is in both ${nameA} and ${nameB}, so no values were compared. If they hold the same network under other names, write a name map (Will it load? → name map) and compare again with "pair names through the name map rules".`;
}

/** One auto-map proposal (core/name-map/automap), as the CLI and the load-check panel show it. */
export function describeAutoMapProposal(proposal: AutoMapProposal): string {
  const shape = proposal.shape.length === 1 ? `(${proposal.shape[0]},)` : `(${proposal.shape.join(', ')})`;
  return `${proposal.from} → ${proposal.param}: ${proposal.layer} (${LAYER_EVIDENCE[proposal.layer]}), shape ${shape} on both sides.`;
}

/** A checkpoint buffer the auto-map found no network parameter for, by design. */
export function describeAutoMapNotNeeded(item: { from: string; layer: AutoMapLayer }): string {
  return `${item.from}: not needed by the network — a ${item.layer} buffer MindSpore has no parameter for; load_param_into_net leaves it unused.`;
}

const rankList = (ranks: readonly number[] | undefined): string =>
  ranks && ranks.length > 0 ? ` (rank${ranks.length > 1 ? 's' : ''} ${ranks.join(', ')})` : '';

/** A distributed-set problem with one parameter (core/distributed): what it means for the merge. */
export function describeLayoutProblem(code: LayoutProblemCode, detail?: string, ranks?: readonly number[]): string {
  const suffix = detail ? `: ${detail}` : '';
  const who = rankList(ranks);
  switch (code) {
    case 'missing-block':
      return `No file holds some of its slices; each group needs one of its ranks${suffix}. It cannot be merged.`;
    case 'slice-shape-mismatch':
      return `A slice has a shape that contradicts the other ranks${who}${suffix}.`;
    case 'slice-size-mismatch':
      return `A slice has fewer or more bytes than its shape and dtype need${who}.`;
    case 'dtype-mismatch':
      return `Ranks disagree on the dtype${who}${suffix}.`;
    case 'tensor-map-rank-mismatch':
      return `The strategy's tensor map does not fit the tensor${suffix}.`;
    case 'bad-tensor-map':
      return `The tensor map cannot be used${suffix}.`;
    case 'bad-device-matrix':
      return `The device matrix cannot be used${suffix}.`;
    case 'opt-shard-inconsistent':
      return `The optimizer-shard settings cannot describe these slices${suffix}.`;
    case 'full-shape-mismatch':
      return `The full shape in the strategy differs from the one the slices give${suffix}.`;
    case 'uneven-split-unsupported':
      return `Manually (unevenly) split parameters are not merged${suffix}. MindSpore's unified_safetensors and load_distributed_checkpoint refuse them too ("only support uniform split"); only merge_sliced_parameter joins them, which Ckpt Lens does not do yet.`;
    case 'field-split-unsupported':
      return `Field-split embedding tables are not merged${suffix}: MindSpore joins them only in merge_sliced_parameter (column-wise reshaping), which Ckpt Lens does not do yet.`;
    case 'dtype-not-byte-sized':
      return `Sub-byte dtypes cannot be merged${suffix}.`;
    case 'not-in-files':
      return `The strategy lists it but no rank file holds it${who}${suffix}.`;
    case 'missing-in-rank':
      return `Some rank files of its stage do not hold it${who}; other replicas are used.`;
    case 'opt-step-mismatch':
      return `The optimizer-shard step does not match the spacing of the replicas${suffix}; MindSpore refuses such layouts when re-slicing.`;
    case 'not-in-strategy':
      return `Not in the strategy: kept unchanged${suffix}, as MindSpore does.`;
    case 'replicas-differ':
      return `Replicas that should be identical differ${suffix}. The strategy may not describe these files.`;
  }
}

/** A problem of a whole distributed set. */
export function describeSetProblem(code: SetProblemCode, detail: string, ranks?: readonly number[]): string {
  const who = rankList(ranks);
  switch (code) {
    case 'missing-ranks':
      return `Rank files are missing${who}: ${detail}. Parameters whose slices they alone hold cannot be merged.`;
    case 'unexpected-ranks':
      return `Rank files the strategy does not describe${who}: ${detail}. They do not belong to this set, and MindSpore's load_distributed_checkpoint refuses a set with them (its file count must equal the training device count); remove them, or choose the strategy they were saved with.`;
    case 'strategy-params-not-in-files':
      return `The strategy does not match the files: ${detail}.`;
    case 'files-params-not-in-strategy':
      return `${detail}.`;
    case 'device-counts-differ':
      return `Parameters use different device counts: ${detail}.`;
    case 'strategy-problem':
      return `The strategy file: ${detail}.`;
    case 'unmergeable-parameters':
      return `${detail}.`;
  }
}
