import path from 'node:path';
import { build, type Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';
// @ts-expect-error -- plain .mjs script; its options are the ones `npm run build:cli` uses
import { CLI_BUILD_OPTIONS, startupOutputs } from './build-cli.mjs';

interface StartupOutput {
  file: string;
  bytes: number;
  inputs: { input: string; bytes: number }[];
}

/** What `ckpt-lens --help` may compile: the command line's definitions, commander, and little else. */
const STARTUP_INPUTS =
  /^(src\/cli\/(definitions\/[a-z-]+|main|program|command-list|args|terminal|types)\.ts|src\/base\/errors\.ts|package\.json|node_modules\/commander\/.*)$/;

describe('the CLI bundle (scripts/build-cli.mjs)', () => {
  it('compiles only the command definitions and commander at startup; every command runs from a chunk of its own', async () => {
    const result = await build({
      ...(CLI_BUILD_OPTIONS as object),
      outdir: path.resolve('dist-cli-test'),
      write: false,
    });
    const metafile = result.metafile as Metafile;
    const startup = startupOutputs(metafile) as StartupOutput[];
    const inputs = startup.flatMap((output) => output.inputs.map((entry) => entry.input));
    expect(inputs.filter((input) => !STARTUP_INPUTS.test(input))).toEqual([]);
    expect(inputs).toContain('src/cli/definitions/merge.ts');
    expect(inputs).toContain('src/cli/main.ts');
    // Each command's run is the entry of a chunk that only import() reaches.
    for (const name of [
      'inspect',
      'convert',
      'verify',
      'diff',
      'layout',
      'merge',
      'reslice',
      'join',
      'stats',
      'compare',
    ]) {
      const chunk = Object.values(metafile.outputs).find(
        (output) => output.entryPoint === `src/cli/commands/${name}.ts`,
      );
      expect(chunk, name).toBeDefined();
    }
  });
});
