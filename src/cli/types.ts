import type { CliArgument, CliOptions, ParsedArgs } from './args';

export interface CliIo {
  out(line: string): void;
  /** Part of a line: the next `out` ends it (long JSON documents are written in pieces). */
  write(text: string): void;
  err(line: string): void;
  /** Print a usage error (and how to get help for `command`) and return the usage exit code. */
  usage(reason: string, command?: string): number;
  /**
   * Resolves once standard output has room again. A pipe is written asynchronously: a listing
   * of a million tensors read slowly (`| less`, a parent process) piled up in memory, 170 MB
   * for a million-tensor --json. Long listings await it every few hundred items.
   */
  drained?(): Promise<void>;
  /**
   * Set while a --json document is being written in pieces (json-out.ts streamJsonList): an
   * error met before it ends closes that document with an "error" member, so standard output
   * is still one JSON document (holding what was written before the error).
   */
  endJsonWithError?: (error: { code: string; message: string }) => void;
}

/**
 * What a command is for the command line: its name, help text, arguments and options. Everything
 * `--help`, `help <command>`, "did you mean" and docs/cli.md need, and nothing more: definitions
 * live in cli/definitions/ and are all loaded at startup, so they import no code that reads files.
 */
export interface CliDefinition<T extends CliOptions = CliOptions> {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** More about it, for `<command> --help` and docs/cli.md. */
  description?: string;
  arguments: readonly CliArgument[];
  options: T;
}

/** The arguments a command's run gets, typed from its definition's options. */
export type ArgsOf<D extends CliDefinition> = ParsedArgs<D['options']>;

/**
 * One subcommand: its definition (cli/definitions/<name>.ts) and its run, whose code
 * (cli/commands/<name>.ts) command-list.ts imports only when the command runs.
 */
export interface CliCommand<T extends CliOptions = CliOptions> extends CliDefinition<T> {
  run(args: ParsedArgs<T>, io: CliIo): Promise<number>;
}
