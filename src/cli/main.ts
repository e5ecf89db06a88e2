#!/usr/bin/env node
import { once } from 'node:events';
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { serializeError } from '../base/errors';
import { CommanderError } from 'commander';
import { EXIT } from './args';
import { commands } from './command-list';
import { buildProgram } from './program';
import { safeOutput, shown } from './terminal';
import type { CliIo } from './types';

/** A commander message ("error: unknown option '--x'\n(Did you mean --y?)") as one clause. */
function commanderReason(message: string): string {
  return message
    .replace(/^error: /, '')
    .replace(/\s*\n\s*/g, ' ')
    .trim();
}

export async function main(argv: string[], rawIo: CliIo): Promise<number> {
  // Nothing a file says reaches the terminal as a control sequence (terminal.ts).
  // --json: errors also go to stdout as {"error":{"code","message"}}, so scripts never parse stderr.
  const json = argv.includes('--json');
  const commandName = commands.find((command) => command.name === argv[0])?.name;
  const out = (line: string): void => rawIo.out(safeOutput(line));
  const usageError = (reason: string): number => {
    if (json) out(JSON.stringify({ error: { code: 'usage', message: reason } }));
    return rawIo.usage(shown(reason), commandName);
  };
  const io: CliIo = {
    out,
    write: (text) => rawIo.write(safeOutput(text)),
    err: (line) => rawIo.err(shown(line)),
    usage: usageError,
    ...(rawIo.drained ? { drained: rawIo.drained } : {}),
  };
  if (argv.length === 0) {
    io.out(
      buildProgram(commands, async () => undefined)
        .helpInformation()
        .trimEnd(),
    );
    return EXIT.usage;
  }
  let code: number = EXIT.ok;
  const program = buildProgram(commands, async (command, args) => {
    code = await command.run(args, io);
  });
  program.exitOverride();
  program.configureOutput({
    writeOut: (text) => io.out(text.replace(/\n$/, '')),
    writeErr: () => undefined,
    outputError: () => undefined,
  });
  for (const command of program.commands) {
    command.exitOverride();
    command.configureOutput({
      writeOut: (text) => io.out(text.replace(/\n$/, '')),
      writeErr: () => undefined,
      outputError: () => undefined,
    });
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.exitCode === 0) return EXIT.ok; // --help, help <command>, --version
      return usageError(commanderReason(error.message));
    }
    const serialized = serializeError(error);
    if (serialized.code === 'usage') return usageError(serialized.details.hint ?? 'the command line is not valid');
    // The sentences (core/messages.ts, ~60 kB) are loaded only here: --help never needs them.
    const { describeSerialized, oneLine } = await import('../core/messages');
    const { isIntegrityError } = await import('./integrity-errors');
    const message = oneLine(describeSerialized(serialized, 'cli'));
    if (json) {
      // A document already begun is closed with the error; otherwise the error is the document.
      if (io.endJsonWithError) io.endJsonWithError({ code: serialized.code, message });
      else io.out(JSON.stringify({ error: { code: serialized.code, message } }));
    }
    io.err(message);
    return isIntegrityError(serialized) ? EXIT.integrityFailed : EXIT.badInput;
  }
}

/**
 * Standard output in 64 KiB writes: a million-line listing was a million write calls (half the
 * time of `stats` on a million tiny tensors). Flushed before anything goes to stderr, so the two
 * stay in order on a terminal, and when the command ends.
 */
const STDOUT_BUFFER_CHARS = 64 * 1024;
let pending: string[] = [];
let pendingChars = 0;
function flushStdout(): void {
  if (pendingChars === 0) return;
  process.stdout.write(pending.join(''));
  pending = [];
  pendingChars = 0;
}
function bufferedStdout(text: string): void {
  pending.push(text);
  pendingChars += text.length;
  if (pendingChars >= STDOUT_BUFFER_CHARS) flushStdout();
}

const processIo: CliIo = {
  out: (line) => bufferedStdout(`${line}\n`),
  write: (text) => bufferedStdout(text),
  err: (line) => {
    flushStdout();
    process.stderr.write(`${line}\n`);
  },
  async drained() {
    if (process.stdout.writableNeedDrain) await once(process.stdout, 'drain');
  },
  usage(reason, command) {
    flushStdout();
    const sentence = /[.!?]$/.test(reason) ? reason : `${reason}.`;
    process.stderr.write(`usage error: ${sentence}\nRun "ckpt-lens ${command ? `${command} ` : ''}--help".\n`);
    return EXIT.usage;
  },
};

/**
 * True when this module is what node was asked to run: `tsx src/cli/main.ts …` in development, or
 * the bundled `ckpt-lens` (dist-cli/ckpt-lens.mjs), usually reached through a symlink in a bin folder.
 */
function isProcessEntry(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isProcessEntry()) {
  // `… | head` closes the pipe early: that is not an error worth a stack trace.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
  });
  process.on('exit', flushStdout);
  main(process.argv.slice(2), processIo).then((code) => {
    flushStdout();
    process.exitCode = code;
  });
}
