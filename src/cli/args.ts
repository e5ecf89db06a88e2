/**
 * The one definition of every command's arguments and options: commander parses them
 * (program.ts), --help and docs/cli.md are generated from them, and the commands read typed values.
 */

export interface CliOptionSpec {
  type: 'string' | 'boolean';
  /** A string option that may be given several times (values in order). */
  multiple?: boolean;
  /** The value's placeholder in help, e.g. "<hex>". */
  value?: string;
  description: string;
}

export type CliOptions = Readonly<Record<string, CliOptionSpec>>;

export interface CliArgument {
  name: string;
  required: boolean;
  variadic?: boolean;
  description: string;
}

/** What a command gets: option values keyed by the long option name, as parseArgs gave them. */
export type OptionValues<T extends CliOptions> = {
  [K in keyof T]?: T[K]['type'] extends 'boolean' ? boolean : T[K]['multiple'] extends true ? string[] : string;
};

export interface ParsedArgs<T extends CliOptions> {
  values: OptionValues<T>;
  positionals: string[];
}

/** Exit codes shared by every command. */
export const EXIT = { ok: 0, badInput: 1, usage: 2, integrityFailed: 3 } as const;
