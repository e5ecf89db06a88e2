import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixturePath, hexToBytes } from '../../test/fixtures';
import { captureIo as capture } from '../../test/cli';
import { main } from '../main';
import { encryptBytes } from '../../crypto/encrypt';
import { encodeRecord } from '../../formats/ckpt/write';
import { readFrameTable } from '../../crypto/frames';
import { MemorySource } from '../../io/byte-source';
import type { CipherMode } from '../../base/types';

// ckpt-format.md §12.3: the worked file with its crc_num trailer (CRC 0x5F3FCC5F).
const WORKED =
  '0a2c0a0966632e776569676874121f080208021207466c6f617433321a100000803f000000400000404000008040' +
  '0a200a0766632e62696173121508021207466c6f617433321a080000003f000000bf' +
  '0a1e0a0965706f63685f6e756d12111205496e7436341a080300000000000000' +
  '0a150a026c72120f1207466c6f617433321a040ad7233c' +
  '0a120a05747261696e12091204426f6f6c1a0101' +
  '0a190a046e6f74651211080012037374721a086800000069000000' +
  '6372635f6e756d0000000000005f3fcc5f';

const dir = mkdtempSync(path.join(tmpdir(), 'ckpt-lens-verify-'));
const SM4_KEY = '0123456789abcdeffedcba9876543210';

describe('ckpt-lens verify', () => {
  it('exit 0 and the JSON contract for an encrypted file with its key', async () => {
    const { io, out } = capture();
    const code = await main(['verify', fixturePath('crypto', 'tiny_sm4_cbc.ckpt'), '--key', SM4_KEY, '--json'], io);
    expect(code).toBe(0);
    const json = JSON.parse(out[0] as string);
    expect(json).toMatchObject({
      crc: { present: false, ok: null, expected: null, actual: null },
      encryption: { mode: 'SM4-CBC', layout: 'current' },
      blocks: 1,
      problems: [],
    });
  });

  it('exit 0 with CRC ok, exit 3 on a flipped byte', async () => {
    const good = path.join(dir, 'worked.ckpt');
    writeFileSync(good, hexToBytes(WORKED));
    const first = capture();
    expect(await main(['verify', good, '--json'], first.io)).toBe(0);
    expect(JSON.parse(first.out[0] as string).crc).toEqual({
      present: true,
      ok: true,
      expected: 0x5f3fcc5f,
      actual: 0x5f3fcc5f,
    });

    const bad = hexToBytes(WORKED);
    bad[40]! ^= 0x80;
    const badPath = path.join(dir, 'worked-bad.ckpt');
    writeFileSync(badPath, bad);
    const second = capture();
    expect(await main(['verify', badPath, '--json'], second.io)).toBe(3);
    expect(JSON.parse(second.out[0] as string).crc.ok).toBe(false);
  });

  it('exit 3 for an encrypted file followed by a crc_num trailer, with the explanation', async () => {
    const file = path.join(dir, 'gcm-crc.ckpt');
    const { readFileSync } = await import('node:fs');
    const tiny = readFileSync(fixturePath('crypto', 'tiny_aes_gcm.ckpt'));
    writeFileSync(file, Buffer.concat([tiny, Buffer.from('6372635f6e756d00000000000000000000', 'hex')]));
    const { io, out } = capture();
    expect(await main(['verify', file, '--key', '000102030405060708090a0b0c0d0e0f', '--json'], io)).toBe(3);
    expect(JSON.parse(out[0] as string).problems[0].code).toBe('crc-trailer-after-encryption');
  });

  it('exit 1 for a wrong key, with the wrong-key sentence', async () => {
    const { io, err } = capture();
    const code = await main(['verify', fixturePath('crypto', 'tiny_aes_gcm.ckpt'), '--key', '5a'.repeat(16)], io);
    expect(code).toBe(1);
    expect(err.join('\n')).toMatch(/^Wrong key/);
  });
});

describe('ckpt-lens inspect with a key', () => {
  it('--key-text takes a Python bytes literal with \\x escapes', async () => {
    const { io, out } = capture();
    const text =
      'b"' +
      Array.from(hexToBytes('000102030405060708090a0b0c0d0e0f'), (b) => `\\x${b.toString(16).padStart(2, '0')}`).join(
        '',
      ) +
      '"';
    const code = await main(['inspect', fixturePath('crypto', 'tiny_aes_cbc.ckpt'), '--key-text', text, '--json'], io);
    expect(code).toBe(0);
    const json = JSON.parse(out[0] as string);
    expect(json.encryption).toEqual({ mode: 'AES-CBC', layout: 'current' });
    expect(json.tensors.map((t: { name: string }) => t.name)).toEqual(['conv.weight', 'conv.bias', 'global_step']);
  });

  it('exit 3 for a tensor that contradicts its shape or dtype, even with no CRC to compare (text and JSON)', async () => {
    const file = path.join(dir, 'short-content.ckpt');
    // A [4,4] Float32 record carrying 8 bytes, and one of an unknown tensor_type.
    writeFileSync(
      file,
      Buffer.concat([
        Buffer.from(encodeRecord('w', [4, 4], 'Float32', new Uint8Array(8))),
        Buffer.from(encodeRecord('u', [1], 'Float99', new Uint8Array(4))),
      ]),
    );
    const text = capture();
    expect(await main(['verify', file], text.io)).toBe(3);
    expect(text.out.join('\n')).toMatch(/! w: Content size does not match/);
    expect(text.out.join('\n')).toMatch(/! u: Unknown tensor_type/);
    expect(text.out.join('\n')).toContain('integrity: FAILED');
    const json = capture();
    expect(await main(['verify', file, '--json'], json.io)).toBe(3);
    const report = JSON.parse(json.out.join('')) as { ok: boolean; problems: { code: string; tensor?: string }[] };
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: 'size-mismatch', tensor: 'w' }),
        expect.objectContaining({ code: 'unknown-dtype', tensor: 'u' }),
      ]),
    );
  });

  it('a field that is not a record is a note, not a finding: exit 0, said in text and JSON', async () => {
    // Field 15 (varint) before the worked file's records; the file has no trailer, so no CRC.
    const file = path.join(dir, 'unknown-field.ckpt');
    writeFileSync(file, hexToBytes(`7801${WORKED.slice(0, WORKED.indexOf('6372635f6e756d'))}`));
    const text = capture();
    expect(await main(['verify', file], text.io)).toBe(0);
    expect(text.out.join('\n')).toMatch(
      /note: The file holds protobuf data that is not a parameter record: field 15 \(varint\) at byte 0/,
    );
    const json = capture();
    expect(await main(['verify', file, '--json'], json.io)).toBe(0);
    const report = JSON.parse(json.out[0] as string);
    expect(report.problems).toEqual([]);
    expect(report.notes).toEqual([expect.objectContaining({ code: 'ckpt-unknown-field', offset: 0 })]);
  });

  it('a bad --mode is a usage error', async () => {
    const { io } = capture();
    expect(
      await main(['inspect', fixturePath('crypto', 'tiny_aes_cbc.ckpt'), '--key', '00', '--mode', 'AES-XTS'], io),
    ).toBe(2);
  });

  it('--sha256 adds the digest of the file as stored (ciphertext for an encrypted file)', async () => {
    const file = fixturePath('crypto', 'tiny_sm4_cbc.ckpt');
    const want = createHash('sha256').update(readFileSync(file)).digest('hex');
    const json = capture();
    expect(await main(['verify', file, '--key', SM4_KEY, '--sha256', '--json'], json.io)).toBe(0);
    expect(JSON.parse(json.out[0] as string).sha256).toBe(want);
    const text = capture();
    expect(await main(['verify', file, '--key', SM4_KEY, '--sha256'], text.io)).toBe(0);
    expect(text.out).toContain(`sha256: ${want}`);
  });

  it('a PyTorch zip: every entry CRC-32 ok (exit 0); a flipped data byte names the entry (exit 3, text and JSON)', async () => {
    const good = capture();
    expect(await main(['verify', fixturePath('pytorch', 'tiny_cnn.pt')], good.io)).toBe(0);
    expect(good.out).toEqual(['tiny_cnn.pt: CRC-32 ok for all 21 zip entries (7,968 bytes)', 'integrity: ok']);

    const bytes = new Uint8Array(readFileSync(fixturePath('pytorch', 'tiny_cnn.pt')));
    // The bias of the first conv (tiny_cnn/data/1, 32 bytes) starts where its float values do in the file.
    const bias = Buffer.from(bytes).indexOf(Buffer.from('tiny_cnn/data/1'), 0);
    const data = bias + 'tiny_cnn/data/1'.length + new DataView(bytes.buffer).getUint16(bias - 2, true);
    bytes[data + 5]! ^= 0x10;
    const file = path.join(dir, 'tiny_cnn-flipped.pt');
    writeFileSync(file, bytes);
    const text = capture();
    expect(await main(['verify', file], text.io)).toBe(3);
    expect(text.out[0]).toBe(
      'tiny_cnn-flipped.pt: CRC MISMATCH in 1 zip entry: the file was changed or damaged after torch.save wrote it',
    );
    expect(text.out[1]).toMatch(
      /^tiny_cnn-flipped\.pt: zip entry "tiny_cnn\/data\/1" stores CRC-32 0x[0-9a-f]{8}; its bytes give 0x[0-9a-f]{8}$/,
    );
    expect(text.out.at(-1)).toBe('integrity: FAILED');
    const json = capture();
    expect(await main(['verify', file, '--json'], json.io)).toBe(3);
    const parsed = JSON.parse(json.out[0] as string);
    expect(parsed).toMatchObject({
      ok: false,
      format: 'pytorch',
      crcStatus: 'mismatch',
      crc: { present: true, ok: false },
    });
    expect(parsed.zip).toMatchObject({
      entries: 21,
      checked: 21,
      mismatchCount: 1,
      mismatches: [{ entry: 'tiny_cnn/data/1', local: null }],
    });
  });
});

describe('ckpt-lens verify: wrong key vs damaged block, on a 4096-byte-block file (block 0 decides)', () => {
  // The finding: a real checkpoint in 4096-byte blocks (121 blocks), AES with a 24-byte key.
  const plaintext = new Uint8Array(readFileSync(fixturePath('real', 'AI-lab2__checkpoint_lenet-1_1875.ckpt')));
  const keys: Record<CipherMode, string> = {
    'AES-GCM': '202122232425262728292a2b2c2d2e2f3031323334353637',
    'AES-CBC': '202122232425262728292a2b2c2d2e2f3031323334353637',
    'SM4-CBC': SM4_KEY,
  };
  const modes = Object.keys(keys) as CipherMode[];

  async function encrypted(mode: CipherMode, edit?: (bytes: Uint8Array, starts: number[]) => void): Promise<string> {
    const bytes = await encryptBytes(plaintext, { mode, key: hexToBytes(keys[mode]), blockBytes: 4096 });
    const starts = Array.from((await readFrameTable(new MemorySource(bytes))).offsets);
    edit?.(bytes, starts);
    const file = path.join(dir, `${mode}-${edit ? 'edited' : 'good'}-${Math.random().toString(36).slice(2)}.ckpt`);
    writeFileSync(file, bytes);
    return file;
  }

  it.each(modes)('%s: the right key verifies every block (exit 0)', async (mode) => {
    const { io, out } = capture();
    expect(await main(['verify', await encrypted(mode), '--key', keys[mode], '--json'], io)).toBe(0);
    expect(JSON.parse(out[0] as string)).toMatchObject({ ok: true, blocks: 121, encryption: { blocksVerified: 121 } });
  });

  it.each(modes)('%s: a wrong key is "Wrong key" (exit 1), never "the key is right"', async (mode) => {
    const wrong = hexToBytes(keys[mode]).map((byte) => byte ^ 0x33);
    for (const command of ['verify', 'inspect']) {
      const { io, err } = capture();
      const key = Buffer.from(wrong).toString('hex');
      expect(await main([command, await encrypted(mode), '--key', key], io)).toBe(1);
      // The IVs are fresh each run: one time in 256 a wrong key gives CBC block 0 a valid short
      // padding, said as what it is (it proves nothing), and the verdict is still "Wrong key".
      expect(err.join('\n')).toMatch(
        /^Wrong key: Cipher block 0( does not decrypt with this key|'s padding checks with this key, but with only \d+ bytes?, which a wrong key gives)/,
      );
      // Only what was found: GCM tried blocks 0, 1 and the last; CBC checked every block's
      // padding, and counts those that fail (naming a few) apart from those passing by chance.
      expect(err.join('\n')).toMatch(
        mode === 'AES-GCM'
          ? /neither do blocks 1 and 120 of the file's 121/
          : // Which blocks are named depends on which (if any) passed a short padding by chance.
            /(all 120 other blocks|\d+ of the other 120 blocks) fail the padding check too \((among them )?blocks (\d+, )+\d+ and \d+\)/,
      );
      expect(err.join('\n')).not.toMatch(/key is right/);
    }
  });

  it.each(modes)('%s: a tampered block 0 with the right key is an integrity finding (exit 3)', async (mode) => {
    const file = await encrypted(mode, (bytes, starts) => {
      // The last byte of block 0's next-to-last 16-byte unit. CBC: it is XORed into the last
      // plaintext byte, the padding's 0x10, which becomes 0x00 — never valid padding (flipping a
      // byte of the last unit instead garbles it, and 1 time in 256 the garbage is valid padding:
      // the case below). GCM: any changed byte fails the tag.
      bytes[(starts[1] as number) - 17]! ^= 0x10;
    });
    const { io, err } = capture();
    expect(await main(['verify', file, '--key', keys[mode]], io)).toBe(3);
    expect(err.join('\n')).toMatch(/Cipher block 0 is corrupted .* The key is right: block 1 decrypted and verified/);
  });

  it.each(['AES-CBC', 'SM4-CBC'] as const)(
    '%s: block 0 passing a short padding check by chance proves no key: with no block proving it, a failing block means "Wrong key" (exit 1)',
    async (mode) => {
      // What a wrong key gives one time in 256: block 0's padding checks with one byte, every
      // other block's fails. Built with the right key, each block's padding byte set by hand.
      const file = await encrypted(mode, (bytes, starts) => {
        bytes[(starts[1] as number) - 17]! ^= 0x11; // block 0: pad 0x10 → 0x01
        for (let block = 1; block < starts.length; block += 1) {
          const end = block + 1 < starts.length ? (starts[block + 1] as number) : bytes.length;
          if (end - 17 > (starts[block] as number) + 48) bytes[end - 17]! ^= 0xff; // pad byte → never valid
        }
      });
      for (const command of ['verify', 'inspect']) {
        const { io, err } = capture();
        expect(await main([command, file, '--key', keys[mode]], io)).toBe(1);
        expect(err.join('\n')).toMatch(
          /^Wrong key: Cipher block 0's padding checks with this key, but with only 1 byte, which a wrong key gives about one time in 256, so it proves nothing.*; all 120 other blocks fail the padding check too \(among them blocks 1, 2, 3, 4, 5 and 120\)\. No block's padding proves the key\./,
        );
        expect(err.join('\n')).not.toMatch(/key is right/);
      }
    },
  );

  it('a limit of this tool reached inside a well-formed encrypted file is said as that limit, not as damage', async () => {
    const records = new Uint8Array([
      ...encodeRecord('w', [2], 'Float32', new Uint8Array(8)),
      ...encodeRecord('n'.repeat(70 * 1024), [1], 'Float32', new Uint8Array(4)),
    ]);
    const bytes = await encryptBytes(records, { mode: 'AES-CBC', key: hexToBytes(keys['AES-CBC']), blockBytes: 4096 });
    const file = path.join(dir, 'cbc-long-name.ckpt');
    writeFileSync(file, bytes);
    const { io, err } = capture();
    expect(await main(['inspect', file, '--key', keys['AES-CBC']], io)).toBe(1);
    expect(err.join('\n')).toMatch(/^A field is implausibly large/);
    expect(err.join('\n')).not.toMatch(/damaged|wrong key/i);
  });

  it('AES-GCM: a whole block removed (every remaining block authenticates) is damage, not a download cut short (verify exit 3)', async () => {
    const bytes = await encryptBytes(plaintext, {
      mode: 'AES-GCM',
      key: hexToBytes(keys['AES-GCM']),
      blockBytes: 4096,
    });
    const starts = Array.from((await readFrameTable(new MemorySource(bytes))).offsets);
    const cut = new Uint8Array(bytes.length - ((starts[2] as number) - (starts[1] as number)));
    cut.set(bytes.subarray(0, starts[1]));
    cut.set(bytes.subarray(starts[2]), starts[1] as number);
    const file = path.join(dir, 'gcm-block-removed.ckpt');
    writeFileSync(file, cut);
    const { io, err } = capture();
    expect(await main(['verify', file, '--key', keys['AES-GCM']], io)).toBe(3);
    const sentence = err.join('\n');
    expect(sentence).toMatch(
      /^The decrypted contents are damaged: The key is right and every cipher block read up to that point authenticates/,
    );
    expect(sentence).toMatch(/a block was removed, repeated or moved/);
    expect(sentence).not.toMatch(/interrupted download|appended/);
  });

  it.each(['AES-CBC', 'SM4-CBC'] as const)(
    '%s: a tampered block 0 whose padding still checks is damage the parse finds (exit 3 in verify and inspect), never "bytes appended"',
    async (mode) => {
      const file = await encrypted(mode, (bytes, starts) => {
        // The padding's last byte 0x10 becomes 0x01: one byte of valid padding, so block 0
        // "decrypts" with its last 16 bytes of records garbled and 15 bytes of garbage after them.
        bytes[(starts[1] as number) - 17]! ^= 0x11;
      });
      const verify = capture();
      expect(await main(['verify', file, '--key', keys[mode]], verify.io)).toBe(3);
      const sentence = verify.err.join('\n');
      expect(sentence).toMatch(
        /^The decrypted contents are damaged: The key is right \(the padding of cipher block 1 checks with it\)/,
      );
      expect(sentence).toMatch(/at decrypted byte [\d,]+, in cipher block \d+\)/);
      expect(sentence).toMatch(new RegExp(`${mode} carries no integrity check`));
      expect(sentence).not.toMatch(/appended|interrupted download/);
      const inspect = capture();
      expect(await main(['inspect', file, '--key', keys[mode]], inspect.io)).toBe(3);
      expect(inspect.err.join('\n')).toMatch(/^The decrypted contents are damaged/);
    },
  );

  it.each(modes)('%s: a tampered last block with the right key names it (exit 3)', async (mode) => {
    const file = await encrypted(mode, (bytes) => {
      // GCM: any byte fails the tag. CBC: the byte XORed into the last plaintext byte, the
      // padding's length, which becomes > 16 — never valid (a byte of the last 16 garbles them,
      // and one time in 256 the garbage is valid padding: then the parse finds the damage).
      bytes[bytes.length - 17]! ^= 0x80;
    });
    const { io, err, out } = capture();
    expect(await main(['verify', file, '--key', keys[mode]], io)).toBe(3);
    expect([...err, ...out].join('\n')).toMatch(/Cipher block 120 is corrupted .* The key is right: block 0 decrypted/);
  });

  it.each(modes)(
    '%s: framing damage in block 0 (iv_len 12) is a finding that says nothing about the key',
    async (mode) => {
      const file = await encrypted(mode, (bytes) => {
        new DataView(bytes.buffer).setInt32(mode === 'AES-GCM' ? 24 : 8, 12, true);
      });
      const { io, err } = capture();
      expect(await main(['verify', file, '--key', keys[mode]], io)).toBe(3);
      expect(err.join('\n')).toMatch(/iv_len must be 16, got 12.*says nothing about the key/);
    },
  );

  it('bytes appended after the last block: exit 3, named as bytes that do not form a block', async () => {
    const good = readFileSync(await encrypted('AES-GCM'));
    const file = path.join(dir, 'gcm-appended.ckpt');
    const appended = Buffer.from('PK\x03\x04 not a block at all');
    writeFileSync(file, Buffer.concat([good, appended]));
    const { io, err } = capture();
    expect(await main(['verify', file, '--key', keys['AES-GCM']], io)).toBe(3);
    expect(err.join('\n')).toContain(
      `After its 121 complete cipher blocks the file has ${appended.length} bytes that do not form a block`,
    );
  });
});
