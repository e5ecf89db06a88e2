#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { serializeError } from '../base/errors';
import { describeSerialized, oneLine } from '../core/messages';
import { EXIT } from './args';
import { convertCommand } from './commands/convert';
import { diffCommand } from './commands/diff';
import { inspectCommand } from './commands/inspect';
import { layoutCommand } from './commands/layout';
import { mergeCommand } from './commands/merge';
import { resliceCommand } from './commands/reslice';
import { compareCommand } from './commands/compare';
import { statsCommand } from './commands/stats';
import { verifyCommand } from './commands/verify';
import { safeOutput, shown } from './terminal';
import type { CliCommand, CliIo } from './types';

const commands: CliCommand[] = [
  inspectCommand,
  convertCommand,
  verifyCommand,
  diffCommand,
  layoutCommand,
  mergeCommand,
  resliceCommand,
  statsCommand,
  compareCommand,
];

function help(io: CliIo): void {
  io.out('ckpt-lens <command> [options]\n');
  for (const command of commands) io.out(`  ${command.summary}`);
  io.out('\nExit codes: 0 ok, 1 bad input, 2 usage error, 3 integrity check failed (diff: something would not load).');
}

/** Error codes that are integrity findings (exit 3), not bad input. */
const INTEGRITY_CODES: ReadonlySet<string> = new Set(['distributed-rank-foreign']);

export async function main(argv: string[], rawIo: CliIo): Promise<number> {
  // Nothing a file says reaches the terminal as a control sequence (terminal.ts).
  const io: CliIo = {
    out: (line) => rawIo.out(safeOutput(line)),
    write: (text) => rawIo.write(safeOutput(text)),
    err: (line) => rawIo.err(shown(line)),
    usage: (reason) => rawIo.usage(shown(reason)),
  };
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') {
    help(io);
    return name ? EXIT.ok : EXIT.usage;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) return io.usage(`unknown command "${name}"`);
  try {
    return await command.run(rest, io);
  } catch (error) {
    const serialized = serializeError(error);
    io.err(oneLine(describeSerialized(serialized)));
    if (serialized.code === 'usage') return EXIT.usage;
    return INTEGRITY_CODES.has(serialized.code) ? EXIT.integrityFailed : EXIT.badInput;
  }
}

const processIo: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  write: (text) => process.stdout.write(text),
  err: (line) => process.stderr.write(`${line}\n`),
  usage(reason) {
    process.stderr.write(`usage error: ${reason}\nRun with --help for the commands.\n`);
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
  main(process.argv.slice(2), processIo).then((code) => {
    process.exitCode = code;
  });
}
