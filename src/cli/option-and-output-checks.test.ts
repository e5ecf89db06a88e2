import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkpointBytes } from '../test/ckpt-records';
import { captureIo, runCli as run } from '../test/cli';
import { main } from './main';
import { fixturePath } from '../test/fixtures';

const work = mkdtempSync(path.join(tmpdir(), 'ckpt-lens-checks-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const TINY = fixturePath('crypto', 'tiny_plain.ckpt');
const text = (result: { out: string[]; err: string[] }): string => [...result.out, ...result.err].join('\n');

describe('options checked against their range before any work', () => {
  it('stats --bins outside 1..4096 is a usage error, in the table and in --json alike', async () => {
    for (const bins of ['0', '4097', '100000000']) {
      for (const extra of [[], ['--json']]) {
        const result = await run('stats', TINY, '--bins', bins, ...extra);
        expect(result.code, `--bins ${bins} ${extra.join(' ')}`).toBe(2);
        expect(text(result)).toContain(`--bins needs a whole number from 1 to 4,096, got "${bins}"`);
      }
    }
    const ok = await run('stats', TINY, '--bins', '4096', '--json');
    expect(ok.code).toBe(0);
  });
});

describe('compare --name-map: two names sent to one are refused before comparing', () => {
  it('whether or not B holds the shared target (exit 1, both names said)', async () => {
    for (const target of ['x', 'conv.weight']) {
      const map = path.join(work, `collide-${target}.json`);
      writeFileSync(map, JSON.stringify({ 'conv.weight': target, 'conv.bias': target }));
      const result = await run('compare', TINY, TINY, '--name-map', map);
      expect(result.code, target).toBe(1);
      expect(text(result)).toContain(`The name map turns "conv.weight" and "conv.bias" into "${target}"`);
    }
  });
});

describe('convert: what it would silently change is refused or said', () => {
  it('--set refuses to replace a weight of the source with a number (nothing written)', async () => {
    const out = path.join(work, 'set.ckpt');
    const result = await run('convert', TINY, out, '--set', 'conv.weight=5');
    expect(result.code).toBe(1);
    expect(text(result)).toContain('the source holds a tensor under this name (Float32, shape [2, 2])');
    expect(existsSync(out)).toBe(false);
    // A new name is still an append_dict value.
    const added = await run('convert', TINY, out, '--set', 'epoch_num=5');
    expect(added.code).toBe(0);
    expect(text(added)).toContain('4 parameters');
  });

  it('a source with a structural finding or an unchecked CRC converts with a note on stderr', async () => {
    const overlap = path.join(work, 'overlap.safetensors');
    const header = JSON.stringify({
      a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
      b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] },
    });
    const length = new Uint8Array(8);
    new DataView(length.buffer).setBigUint64(0, BigInt(header.length), true);
    writeFileSync(overlap, Buffer.concat([length, Buffer.from(header), Buffer.alloc(12)]));
    const result = await run('convert', overlap, path.join(work, 'overlap-out.safetensors'));
    expect(result.code).toBe(0);
    expect(result.err.join('\n')).toContain('note: the source has 1 structural finding');
    expect(result.err.join('\n')).toContain('"b" overlaps');

    // A file with a crc_num trailer, written by convert --crc, converted again.
    const crc = path.join(work, 'with-crc.ckpt');
    expect((await run('convert', TINY, crc, '--crc')).code).toBe(0);
    const withCrc = await run('convert', crc, path.join(work, 'crc-out.ckpt'));
    expect(withCrc.code).toBe(0);
    expect(withCrc.err.join('\n')).toContain("note: the source's stored CRC was not checked by this conversion");
    const plain = await run('convert', TINY, path.join(work, 'plain-out.ckpt'));
    expect(plain.err).toEqual([]);
  });
});

describe('output paths that are not files to write', () => {
  it('/dev/null as the output is named as an output, not as an input with no size', async () => {
    const result = await run('convert', TINY, '/dev/null', '--force');
    expect(result.code).toBe(1);
    expect(text(result)).toContain('/dev/null is not a regular file (it is a character device)');
    expect(text(result)).not.toContain('no size to check before reading');
  });

  it('a folder the system will not create files in (/proc) is not called missing', async () => {
    const result = await run('convert', TINY, '/proc/ckpt-lens-test.ckpt');
    expect(result.code).toBe(1);
    expect(text(result)).not.toContain('does not exist');
    // As root the folder passes the access check and creating the file fails (ENOENT); as
    // another user the access check refuses first. Either way: /proc is named, not "missing".
    expect(text(result)).toMatch(/the system does not let files be created in \/proc|may not write into \/proc/);
  });
});

describe('stats: an unknown dtype is a finding, not "no numbers"', () => {
  it('a Float99 tensor is skipped with the reason, and stats exits 3', async () => {
    const file = path.join(work, 'float99.ckpt');
    writeFileSync(file, checkpointBytes([['w', [2], 'Float99', new Uint8Array(8)]]));
    const result = await run('stats', file);
    expect(result.code).toBe(3);
    expect(text(result)).toContain('! skipped w (Float99): its dtype is not one MindSpore writes');
    const json = await run('stats', file, '--json');
    expect(json.code).toBe(3);
    expect((JSON.parse(json.out[0] ?? '{}') as { skipped: { reason: string }[] }).skipped[0]?.reason).toBe(
      'unknown-dtype',
    );
  });
});

describe('--key-file: a key kept out of the process list, read through the bounded side-input reader', () => {
  const GCM = fixturePath('crypto', 'tiny_aes_gcm.ckpt');
  const KEY = '000102030405060708090a0b0c0d0e0f';

  it('opens with a key file of hex digits (newline and spacing ignored) or a Python bytes literal', async () => {
    const hexFile = path.join(work, 'key.hex');
    writeFileSync(hexFile, `${KEY.replace(/(..)/g, '$1 ')}\n`);
    const hex = await run('inspect', GCM, '--key-file', hexFile);
    expect(hex.code).toBe(0);
    expect(text(hex)).toContain('conv.weight');
    const literalFile = path.join(work, 'key.txt');
    const literal = [...KEY.matchAll(/../g)].map(([pair]) => `\\x${pair}`).join('');
    writeFileSync(literalFile, `b'${literal}'\n`);
    expect((await run('inspect', GCM, '--key-file', literalFile)).code).toBe(0);
    // convert: the input key from a file, the output key from another; both are inputs, never outputs.
    const out = path.join(work, 'reencrypted.ckpt');
    const converted = await run(
      'convert',
      GCM,
      out,
      '--key-file',
      hexFile,
      '--enc-key-file',
      literalFile,
      '--enc-mode',
      'AES-CBC',
    );
    expect(converted.code).toBe(0);
    expect((await run('inspect', out, '--key', KEY)).code).toBe(0);
    expect((await run('convert', GCM, hexFile, '--key-file', hexFile, '--force')).code).toBe(1);
  });

  it('a wrong key from a file is a wrong key; a large, folder or missing key file is refused before reading', async () => {
    const wrong = path.join(work, 'wrong.hex');
    writeFileSync(wrong, '5a'.repeat(16));
    const result = await run('inspect', GCM, '--key-file', wrong);
    expect(result.code).toBe(1);
    expect(text(result)).toMatch(/[Ww]rong key/);
    const large = path.join(work, 'large.hex');
    writeFileSync(large, '00'.repeat(4096));
    const tooLarge = await run('inspect', GCM, '--key-file', large);
    expect(tooLarge.code).toBe(1);
    expect(text(tooLarge)).toContain('The key file is too large');
    expect(text(await run('inspect', GCM, '--key-file', work))).toContain('is a folder');
    const both = await run('inspect', GCM, '--key', KEY, '--key-file', wrong);
    expect(both.code).toBe(2);
    expect(text(both)).toContain('give --key one way');
    const bad = path.join(work, 'bad.hex');
    writeFileSync(bad, 'not a key');
    // What a key file holds is input, not the command line: bad input (1), not a usage error.
    const notKey = await run('inspect', GCM, '--key-file', bad);
    expect(notKey.code).toBe(1);
    expect(text(notKey)).toContain(`The key file does not hold a key: ${bad} (--key-file) holds text`);
  });
});

describe('said instead of guessed', () => {
  it('convert to a name with another extension needs --format (x.bin would get .ckpt bytes)', async () => {
    const out = path.join(work, 'x.bin');
    const result = await run('convert', TINY, out);
    expect(result.code).toBe(2);
    expect(text(result)).toContain('cannot tell the output format from ".bin"');
    expect(existsSync(out)).toBe(false);
    expect((await run('convert', TINY, out, '--format', 'ckpt')).code).toBe(0);
  });

  it('compare refuses a name map that turns a name into ""', async () => {
    const map = path.join(work, 'empty-target.json');
    writeFileSync(map, JSON.stringify({ 'conv.weight': '' }));
    const result = await run('compare', TINY, TINY, '--name-map', map);
    expect(result.code).toBe(1);
    expect(text(result)).toContain('conv.weight');
  });

  it('a manifest that lists one name with two shapes is refused, naming both lines', async () => {
    const manifest = path.join(work, 'twice.txt');
    writeFileSync(manifest, 'conv.weight (2, 2)\nconv.weight (4,)\n');
    const result = await run('diff', TINY, '--manifest', manifest);
    expect(result.code).toBe(1);
    expect(text(result)).toContain('"conv.weight" is listed again with [4] after [2, 2] (line 1)');
    const same = path.join(work, 'twice-same.txt');
    writeFileSync(same, 'conv.weight (2, 2)\nconv.weight (2, 2)\n');
    const repeated = await run('diff', TINY, '--manifest', same);
    expect(text(repeated)).toContain('1 repeated name was listed once');
  });

  it('stats names what the file itself carries (a pickle that calls a function) and exits 3', async () => {
    const pickle = fixturePath('pytorch', 'malicious.pt');
    const result = await run('stats', pickle);
    expect(result.code).toBe(3);
    expect(text(result)).toContain('! DANGER: torch.load would run');
  });
});

describe('verify: a .ckpt that no longer parses but keeps its crc_num trailer', () => {
  it('is a CRC mismatch (exit 3) with where the records stop making sense, not bad input', async () => {
    const withCrc = path.join(work, 'verify-crc.ckpt');
    expect((await run('convert', TINY, withCrc, '--crc')).code).toBe(0);
    const bytes = readFileSync(withCrc);
    // The first record's length (byte 1, a one-byte varint here) grows by one: the records no
    // longer line up, and the trailer's CRC no longer matches.
    bytes[1] = (bytes[1] as number) + 1;
    const broken = path.join(work, 'verify-crc-broken.ckpt');
    writeFileSync(broken, bytes);
    const result = await run('verify', broken);
    expect(result.code).toBe(3);
    expect(text(result)).toMatch(/CRC MISMATCH \(stored 0x[0-9a-f]{8}, computed 0x[0-9a-f]{8}\)/);
    expect(text(result)).toContain('integrity: FAILED');
    const json = await run('verify', broken, '--json');
    expect(json.code).toBe(3);
    expect((JSON.parse(json.out[0] ?? '{}') as { crc: { ok: boolean } }).crc.ok).toBe(false);
    // The same damage without a trailer stays what it is: a damaged file (bad input, exit 1).
    const plain = Buffer.from(readFileSync(TINY));
    plain[1] = (plain[1] as number) + 1;
    const noCrc = path.join(work, 'verify-nocrc-broken.ckpt');
    writeFileSync(noCrc, plain);
    expect((await run('verify', noCrc)).code).toBe(1);
  });
});

it('inspect marks a note as "note:" and a finding as "!", as the verdict line counts them', async () => {
  const file = path.join(work, 'dup-key.safetensors');
  const header =
    '{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}';
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(header.length));
  writeFileSync(file, Buffer.concat([length, Buffer.from(header), Buffer.alloc(8)]));
  const result = await run('inspect', file);
  expect(result.code).toBe(3);
  expect(result.out).toContainEqual(expect.stringMatching(/^note: The header names "a" more than once/));
  expect(result.out).toContainEqual(expect.stringMatching(/^! Extra bytes: 4 bytes after the last tensor/));
  expect(result.out).toContain('Finding: 1 structural problem (listed below).');
});

it('verify of a file with no CRC does not say "integrity: ok": it says what was and was not checked', async () => {
  const result = await run('verify', TINY);
  expect(result.code).toBe(0);
  expect(result.out).toContain(
    'integrity: No findings in the structure (every tensor against its shape, dtype and the file); with no CRC, the bytes themselves could not be checked.',
  );
  const crc = path.join(work, 'verify-ok-crc.ckpt');
  expect((await run('convert', TINY, crc, '--crc')).code).toBe(0);
  expect((await run('verify', crc)).out).toContain('integrity: ok');
});

it('the stats table waits for a slow reader of standard output every 512 rows', async () => {
  const records = Array.from({ length: 1100 }, (_, i): [string, number[], string, Uint8Array] => [
    `t${i}`,
    [1],
    'Float32',
    new Uint8Array(new Float32Array([i]).buffer),
  ]);
  const file = path.join(work, 'many-rows.ckpt');
  writeFileSync(file, checkpointBytes(records));
  const { io, out } = captureIo();
  let waits = 0;
  io.drained = async () => {
    waits += 1;
  };
  expect(await main(['stats', file], io)).toBe(0);
  expect(out.filter((line) => /^t\d+ /.test(line))).toHaveLength(1100);
  expect(waits).toBe(2);
});

it('bytes appended after a torch zip archive are a finding in inspect and verify, not "integrity: ok"', async () => {
  const appended = path.join(work, 'appended.pt');
  writeFileSync(appended, Buffer.concat([readFileSync(fixturePath('pytorch', 'tiny_cnn.pt')), Buffer.alloc(100, 7)]));
  const sentence = '100 bytes follow the end of the zip archive: torch.save writes none and no CRC covers them';
  const inspect = await run('inspect', appended);
  expect(inspect.code).toBe(3);
  expect(text(inspect)).toContain(sentence);
  const verify = await run('verify', appended);
  expect(verify.code).toBe(3);
  expect(text(verify)).toContain('integrity: FAILED');
  // The file as torch.save wrote it has none.
  expect((await run('verify', fixturePath('pytorch', 'tiny_cnn.pt'))).code).toBe(0);
});
