export interface CliIo {
  out(line: string): void;
  /** Part of a line: the next `out` ends it (long JSON documents are written in pieces). */
  write(text: string): void;
  err(line: string): void;
  /** Print a usage error and return the usage exit code. */
  usage(reason: string): number;
}

/** One subcommand. Each lives in cli/commands/<name>.ts and is listed once in main.ts. */
export interface CliCommand {
  name: string;
  /** One line for --help. */
  summary: string;
  run(argv: string[], io: CliIo): Promise<number>;
}
