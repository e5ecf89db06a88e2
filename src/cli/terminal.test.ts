import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../test/cli';
import { bytesOf, checkpointBytes } from '../test/ckpt-records';
import { safeOutput, shown } from './terminal';

const work = mkdtempSync(path.join(tmpdir(), 'ckpt-lens-terminal-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** What a terminal could act on: C0 but the line break, DEL, C1, line/paragraph separators, bidi controls. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

/** ESC (a colour), BEL, C1 NEL and CSI, a right-to-left override, a bidi isolate, a line separator. */
const EVIL = 'evil\u001b[31m\u0007\u0085\u009b\u202e\u2066\u2028name';
const EVIL_SHOWN = 'evil\\u001b[31m\\u0007\\u0085\\u009b\\u202e\\u2066\\u2028name';

describe('shown and safeOutput', () => {
  it('escape every control character as \\u, and hand clean text back as it is', () => {
    expect(shown(EVIL)).toBe(EVIL_SHOWN);
    expect(shown('a\nb\u007f')).toBe('a\\u000ab\\u007f');
    expect(safeOutput(`${EVIL}\nnext`)).toBe(`${EVIL_SHOWN}\nnext`);
    for (const text of ['', 'model.layers.0.weight', 'é ü 😀 \u00a0 \u2027 \u202f \u206a'])
      for (const check of [shown, safeOutput]) expect(check(text)).toBe(text);
    // Repeated calls: the non-global tests keep no state between texts.
    for (let i = 0; i < 3; i += 1) {
      expect(shown(EVIL)).toBe(EVIL_SHOWN);
      expect(shown('clean')).toBe('clean');
    }
  });
});

describe('stats with terminal escapes in tensor names', () => {
  const file = path.join(work, 'escapes.ckpt');
  writeFileSync(
    file,
    checkpointBytes([
      [EVIL, [2], 'Float32', bytesOf(new Float32Array([1, 2]))],
      // A NaN: the name is printed again in the audit's findings.
      [`${EVIL}.nan`, [3], 'Float32', bytesOf(new Float32Array([1, NaN, 2]))],
    ]),
  );

  it('text: every one is printed as a \\u escape, in the table and in the audit', async () => {
    const result = await runCli('stats', file);
    expect(result.code).toBe(3);
    const printed = result.out.join('\n');
    expect(printed).not.toMatch(RAW_CONTROL);
    expect(printed).toContain(`${EVIL_SHOWN}  Float32`);
    expect(printed).toContain(`! ${EVIL_SHOWN}.nan: 1 NaN`);
  });

  it('--json: none reaches standard output raw, and the names parse back as they are in the file', async () => {
    const result = await runCli('stats', file, '--json');
    expect(result.code).toBe(3);
    const printed = result.out.join('\n');
    expect(printed).not.toMatch(RAW_CONTROL);
    const parsed = JSON.parse(printed) as { tensors: { name: string }[]; nonFinite: { findings: { name: string }[] } };
    expect(parsed.tensors.map((t) => t.name)).toEqual([EVIL, `${EVIL}.nan`]);
    expect(parsed.nonFinite.findings.map((f) => f.name)).toEqual([`${EVIL}.nan`]);
  });

  it('--tensor and --json: the one tensor too', async () => {
    for (const json of [false, true]) {
      const result = await runCli('stats', file, '--tensor', EVIL, ...(json ? ['--json'] : []));
      expect(result.code).toBe(0);
      const printed = result.out.join('\n');
      expect(printed).not.toMatch(RAW_CONTROL);
      if (json) expect((JSON.parse(printed) as { name: string }).name).toBe(EVIL);
      else expect(printed).toContain(EVIL_SHOWN);
    }
  });
});
