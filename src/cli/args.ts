import { parseArgs, type ParseArgsConfig } from 'node:util';
import { LensError } from '../base/errors';

export type CliOptions = NonNullable<ParseArgsConfig['options']>;

/** node:util parseArgs with usage errors turned into LensError('usage'). */
export function parseCommandArgs(argv: string[], options: CliOptions) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new LensError('usage', { hint: error instanceof Error ? error.message : String(error) });
  }
}

/** Exit codes shared by every command. */
export const EXIT = { ok: 0, badInput: 1, usage: 2, integrityFailed: 3 } as const;
