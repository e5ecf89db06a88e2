import { main } from '../cli/main';
import type { CliIo } from '../cli/types';

/** A CliIo that records what a command prints, for tests. */
export function captureIo(): { io: CliIo; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  let pending = '';
  return {
    out,
    err,
    io: {
      out: (line) => {
        out.push(pending + line);
        pending = '';
      },
      write: (text) => {
        pending += text;
      },
      err: (line) => err.push(line),
      usage: (reason) => {
        err.push(reason);
        return 2;
      },
    },
  };
}

/** Run the CLI in-process and collect its exit code and output. */
export async function runCli(...argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const { io, out, err } = captureIo();
  return { code: await main(argv, io), out, err };
}
