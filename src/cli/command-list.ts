import { compareCommand } from './commands/compare';
import { convertCommand } from './commands/convert';
import { diffCommand } from './commands/diff';
import { inspectCommand } from './commands/inspect';
import { joinCommand } from './commands/join';
import { layoutCommand } from './commands/layout';
import { mergeCommand } from './commands/merge';
import { resliceCommand } from './commands/reslice';
import { statsCommand } from './commands/stats';
import { verifyCommand } from './commands/verify';
import type { CliCommand } from './types';

/** Every command, in the order --help lists them. */
export const commands: readonly CliCommand[] = [
  inspectCommand,
  convertCommand,
  verifyCommand,
  diffCommand,
  layoutCommand,
  mergeCommand,
  resliceCommand,
  joinCommand,
  statsCommand,
  compareCommand,
];
