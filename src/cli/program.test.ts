import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli as run } from '../test/cli';
import { fixturePath } from '../test/fixtures';
import { commands } from './command-list';

const LENET = fixturePath('real', 'XMU_AI_ISP__checkpoint_lenet-1_1875.ckpt');

describe('ckpt-lens on commander', () => {
  it('<command> --help and help <command> list every option the command accepts', async () => {
    for (const command of commands) {
      const viaFlag = await run(command.name, '--help');
      const viaHelp = await run('help', command.name);
      expect(viaFlag.code).toBe(0);
      expect(viaHelp.code).toBe(0);
      expect(viaHelp.out).toEqual(viaFlag.out);
      const help = viaFlag.out.join('\n');
      for (const name of Object.keys(command.options)) expect(help, `${command.name} --${name}`).toContain(`--${name}`);
    }
    // Options the hand-written usage text used to leave out.
    const convert = (await run('convert', '--help')).out.join('\n');
    for (const flag of ['--force', '--scalar-dims']) expect(convert).toContain(flag);
    const merge = (await run('merge', '--help')).out.join('\n');
    for (const flag of ['--input-format', '--key', '--check-replicas', '--allow-incomplete', '--force'])
      expect(merge).toContain(flag);
  });

  it('--version prints the version of package.json', async () => {
    const result = await run('--version');
    expect(result.code).toBe(0);
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    expect(result.out).toEqual([version]);
  });

  it('a mistyped command or option: usage error (exit 2) with "did you mean"', async () => {
    const command = await run('convrt', LENET);
    expect(command.code).toBe(2);
    expect(command.err.join('\n')).toContain("unknown command 'convrt' (Did you mean convert?)");
    const option = await run('inspect', LENET, '--jsn');
    expect(option.code).toBe(2);
    expect(option.err.join('\n')).toContain("unknown option '--jsn' (Did you mean --json?)");
    const missing = await run('compare', LENET);
    expect(missing.code).toBe(2);
    expect(missing.err.join('\n')).toContain("missing required argument 'b'");
  });

  it('--json: errors are JSON on stdout too ({"error": {code, message}}), usage errors included', async () => {
    const bad = await run('inspect', fixturePath('real', 'no-such-file.ckpt'), '--json');
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.out[0] ?? '{}')).toMatchObject({ error: { code: 'file-not-found' } });
    expect(bad.err.join('\n')).toContain('File not found');
    const usage = await run('stats', LENET, '--slice', '[0]', '--json');
    expect(usage.code).toBe(2);
    expect(JSON.parse(usage.out[0] ?? '{}')).toMatchObject({ error: { code: 'usage' } });
  });

  it('no command: the overview, exit 2', async () => {
    const result = await run();
    expect(result.code).toBe(2);
    expect(result.out.join('\n')).toContain('Usage: ckpt-lens');
  });
});
