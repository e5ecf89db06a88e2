import type { CliArgument, CliOptions, ParsedArgs } from './args';

export interface CliIo {
  out(line: string): void;
  /** Part of a line: the next `out` ends it (long JSON documents are written in pieces). */
  write(text: string): void;
  err(line: string): void;
  /** Print a usage error (and how to get help for `command`) and return the usage exit code. */
  usage(reason: string, command?: string): number;
}

/** One subcommand. Each lives in cli/commands/<name>.ts and is listed once in main.ts. */
export interface CliCommand<T extends CliOptions = CliOptions> {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** More about it, for `<command> --help` and docs/cli.md. */
  description?: string;
  arguments: readonly CliArgument[];
  options: T;
  run(args: ParsedArgs<T>, io: CliIo): Promise<number>;
}
