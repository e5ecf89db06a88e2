import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build, type Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error -- plain .mjs script; its options are the ones `npm run build:cli` uses
import { CLI_BUILD_OPTIONS, startupOutputs } from './build-cli.mjs';

interface StartupOutput {
  file: string;
  bytes: number;
  inputs: { input: string; bytes: number }[];
}

/** What `ckpt-lens --help` may compile: the command line's definitions, commander, and little else. */
const STARTUP_INPUTS =
  /^(src\/cli\/(definitions\/[a-z-]+|main|program|command-list|args|terminal|types)\.ts|src\/base\/errors\.ts|package\.json|node_modules\/commander\/.*|lazy-child-process:node:child_process)$/;

const COMMANDS = ['inspect', 'convert', 'verify', 'diff', 'layout', 'merge', 'reslice', 'join', 'stats', 'compare'];

let outdir: string;
let metafile: Metafile;

beforeAll(async () => {
  outdir = mkdtempSync(path.join(tmpdir(), 'ckpt-lens-bundle-'));
  const result = await build({ ...(CLI_BUILD_OPTIONS as object), outdir });
  metafile = result.metafile as Metafile;
});
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

/** Run the bundle; report the Node built-in modules it loaded besides. */
function runBundle(...args: string[]): { status: number | null; stdout: string; loaded: string[] } {
  const report =
    'data:text/javascript,process.on("exit",()=>process.stderr.write(JSON.stringify(process.moduleLoadList)))';
  const result = spawnSync(process.execPath, ['--import', report, path.join(outdir, 'ckpt-lens.mjs'), ...args], {
    encoding: 'utf8',
  });
  return { status: result.status, stdout: result.stdout, loaded: JSON.parse(result.stderr) as string[] };
}

describe('the CLI bundle (scripts/build-cli.mjs)', () => {
  it('compiles only the command definitions and commander at startup; every command runs from a chunk of its own', () => {
    const startup = startupOutputs(metafile) as StartupOutput[];
    const inputs = startup.flatMap((output) => output.inputs.map((entry) => entry.input));
    expect(inputs.filter((input) => !STARTUP_INPUTS.test(input))).toEqual([]);
    expect(inputs).toContain('src/cli/definitions/merge.ts');
    expect(inputs).toContain('src/cli/main.ts');
    for (const name of COMMANDS) {
      const chunk = Object.values(metafile.outputs).find(
        (output) => output.entryPoint === `src/cli/commands/${name}.ts`,
      );
      expect(chunk, name).toBeDefined();
    }
  });

  it("writes merge's worker entry beside the chunk that starts it (new URL('./merge-member.mjs', import.meta.url))", () => {
    const outputs = Object.entries(metafile.outputs);
    const pool = outputs.find(([, output]) => 'src/cli/merge-pool.ts' in output.inputs)?.[0];
    const member = outputs.find(([, output]) => output.entryPoint === 'src/cli/merge-member.ts')?.[0];
    expect(pool).toBeDefined();
    expect(member).toBe(path.join(path.dirname(pool as string), 'merge-member.mjs'));
  });

  it('--help prints the commands without loading node:child_process (commander gets it on first use)', () => {
    const help = runBundle('--help');
    expect(help.status).toBe(0);
    for (const name of COMMANDS) expect(help.stdout).toContain(`  ${name} `);
    expect(help.loaded).not.toContain('NativeModule child_process');
    // A command still runs, from its chunk.
    const inspect = runBundle('inspect', path.resolve('public/samples/lenet-sample.ckpt'));
    expect(inspect.status).toBe(0);
    expect(inspect.stdout).toContain('conv1.weight');
  });
});
