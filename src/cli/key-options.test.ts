import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../test/cli';
import { fixturePath } from '../test/fixtures';

const work = mkdtempSync(path.join(tmpdir(), 'ckpt-lens-key-file-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const GCM = fixturePath('crypto', 'tiny_aes_gcm.ckpt');
const KEY = '000102030405060708090a0b0c0d0e0f';

function keyFile(name: string, content: string | Uint8Array): string {
  const at = path.join(work, name);
  writeFileSync(at, content);
  return at;
}

const text = (result: { out: string[]; err: string[] }): string => [...result.err, ...result.out].join('\n');

describe('--key-file holding something that is not a key: bad input (exit 1) naming the file and what it holds', () => {
  const cases: [string, string | Uint8Array, RegExp][] = [
    ['empty', '', /is empty/],
    ['blank', ' \n\n', /is empty/],
    [
      'binary',
      new Uint8Array([0x8f, 0x00, 0x13, 0xfe, 0x41, 0x42, 0x07, 0x99, 1, 2, 3, 4, 5, 6, 7, 8]),
      /holds 16 bytes of binary data, not text/,
    ],
    [
      'short hex',
      'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4\n',
      /holds 40 hex digits, a key of 20 bytes, a length no mode takes/,
    ],
    ['text key as hex', '0123456789ABCDEF\n', /holds 16 hex digits, a key of 8 bytes/],
    ['odd hex', `${KEY}0\n`, /holds 33 hex digits, an odd number/],
    ['prose', 'my secret key\n', /holds text that is neither hex digits nor a bytes literal/],
    ['short literal', "b'0123456789'\n", /holds a bytes literal of 10 bytes, a length no mode takes/],
    ['bad escape', "b'\\xZZ0123456789abcdef'\n", /a bytes literal with a "\\x" not followed by two hex digits/],
  ];
  it.each(cases)('%s', async (name, content, found) => {
    const file = keyFile(`${name.replace(/ /g, '-')}.key`, content);
    for (const argv of [
      ['inspect', GCM, '--key-file', file],
      ['verify', GCM, '--key-file', file, '--json'],
      ['convert', GCM, path.join(work, 'out.ckpt'), '--enc-key-file', file, '--enc-mode', 'AES-GCM'],
    ]) {
      const result = await runCli(...argv);
      expect(result.code, text(result)).toBe(1);
      const flag = argv.includes('--enc-key-file') ? '--enc-key-file' : '--key-file';
      expect(text(result)).toContain(`The key file does not hold a key: ${file} (${flag}) `);
      expect(text(result)).toMatch(found);
      expect(text(result)).toContain('32, 48 or 64 hex digits');
      expect(text(result)).not.toMatch(/usage error|--help/);
    }
  });

  it('never shows what the file holds', async () => {
    const secret = 'deadbeefcafebabe0011';
    const result = await runCli('inspect', GCM, '--key-file', keyFile('secret.key', secret));
    expect(result.code).toBe(1);
    expect(text(result)).not.toContain(secret);
    expect(text(result)).not.toContain('deadbeef');
  });

  it('a key file of a length some mode takes is a key; the mode then judges it (SM4 takes only 16 bytes)', async () => {
    const ok = await runCli('inspect', GCM, '--key-file', keyFile('right.key', `${KEY}\n`));
    expect(ok.code).toBe(0);
    const sm4 = fixturePath('crypto', 'tiny_sm4_cbc.ckpt');
    const long = await runCli('inspect', sm4, '--key-file', keyFile('k24.key', '11'.repeat(24)));
    expect(long.code).toBe(1);
    expect(text(long)).toMatch(/^The key has the wrong length for this mode/);
  });

  it('real usage errors stay usage errors (exit 2): the key given two ways, a malformed --key', async () => {
    const file = keyFile('both.key', KEY);
    expect((await runCli('inspect', GCM, '--key', KEY, '--key-file', file)).code).toBe(2);
    expect((await runCli('inspect', GCM, '--key', 'xyz')).code).toBe(2);
  });
});
