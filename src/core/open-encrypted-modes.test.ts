import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { concatBytes } from '../base/bytes';
import { encodeCrcTrailer } from '../base/crc-trailer';
import { isLensError, type LensError } from '../base/errors';
import { encryptBytes } from '../crypto/encrypt';
import { MemorySource } from '../io/byte-source';
import { runCli } from '../test/cli';
import { vectors } from '../test/crypto-vectors';
import { hexToBytes } from '../test/fixtures';
import { legacyFile } from '../test/legacy-cipher';
import { describeError, oneLine } from './messages';
import { openCheckpoint, type CheckpointOpenOptions } from './open';

const work = mkdtempSync(path.join(tmpdir(), 'ckpt-lens-modes-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const plaintext = hexToBytes(vectors.checkpoint_fixtures.protobuf_plaintext_hex);
const key = hexToBytes('000102030405060708090a0b0c0d0e0f');
const keyHex = '000102030405060708090a0b0c0d0e0f';
const iv = hexToBytes('55e827a72c2ddefbc132ec182cb647bd');

async function failure(bytes: Uint8Array, options: CheckpointOpenOptions): Promise<LensError> {
  try {
    await openCheckpoint(new MemorySource(bytes), options);
  } catch (error) {
    if (isLensError(error)) return error;
    throw error;
  }
  throw new Error('it opened');
}

function file(name: string, bytes: Uint8Array): string {
  const at = path.join(work, name);
  writeFileSync(at, bytes);
  return at;
}

const text = (result: { out: string[]; err: string[] }): string => [...result.out, ...result.err].join('\n');

describe('a MindSpore 1.3–1.6 file opened with the wrong mode: the mode is wrong, the file is fine', () => {
  // 116 bytes of plaintext: AES-GCM ciphertext of 116 bytes, which no CBC block can be.
  const legacyGcm = legacyFile(plaintext, key, iv, 'AES-GCM');

  it('as AES-CBC: not AES-CBC with this layout, try AES-GCM — not "block header damaged, get a fresh copy"', async () => {
    expect(plaintext.length % 16).not.toBe(0);
    const error = await failure(legacyGcm, { key, mode: 'AES-CBC' });
    expect(error.code).toBe('crypto-legacy-wrong-mode');
    const page = oneLine(describeError(error.code, error.details));
    expect(page).toContain("You chose AES-CBC, but block 0's cipher_len 116 is not a multiple of 16");
    expect(page).toContain('Choose AES-GCM and open it again.');
    const cli = await runCli('inspect', file('legacy-gcm.ckpt', legacyGcm), '--key', keyHex, '--mode', 'AES-CBC');
    expect(cli.code).toBe(1);
    expect(text(cli)).toContain('Run it again with --mode AES-GCM.');
    expect(text(cli)).not.toContain('fresh copy');
    expect(text(cli)).not.toContain('damaged');
  });

  it('as SM4-CBC: that layout had no SM4; the advice names the two modes, never "leave the mode on automatic"', async () => {
    const error = await failure(legacyGcm, { key, mode: 'SM4-CBC' });
    expect(error.code).toBe('crypto-legacy-wrong-mode');
    const cli = await runCli('inspect', file('legacy-gcm-sm4.ckpt', legacyGcm), '--key', keyHex, '--mode', 'SM4-CBC');
    expect(text(cli)).toContain('--mode AES-GCM');
    expect(text(cli)).toContain('--mode AES-CBC');
    expect(text(cli)).not.toMatch(/automatic|Leave out --mode/);
  });

  it('the CLI names --key and --mode where the page says "Enter the key"', async () => {
    const path_ = file('legacy-gcm-nokey.ckpt', legacyGcm);
    const noKey = await runCli('inspect', path_);
    expect(text(noKey)).toContain('--key');
    expect(text(noKey)).toContain('--mode AES-GCM or --mode AES-CBC');
    expect(text(noKey)).not.toContain('Enter the key');
    const error = await failure(legacyGcm, {});
    expect(describeError(error.code, error.details).action).toBe('Enter the key it was saved with to open it.');
    const noMode = await runCli('inspect', path_, '--key', keyHex);
    expect(text(noMode)).toContain(
      "Add --mode with the dec_mode it was saved with: --mode AES-GCM (MindSpore's default)",
    );
    const shortKey = await runCli('inspect', path_, '--key', '0011', '--mode', 'AES-GCM');
    expect(text(shortKey)).toContain('with --key');
    expect(text(shortKey)).not.toContain('Enter the');
  });
});

describe('blocks of two modes joined', () => {
  it('an AES-GCM block followed by an AES-CBC block mixes modes; it is not "bytes appended"', async () => {
    const gcm = await encryptBytes(plaintext, { mode: 'AES-GCM', key, blockBytes: 64 });
    const cbc = await encryptBytes(plaintext, { mode: 'AES-CBC', key, blockBytes: 64 });
    const gcmFirst = new DataView(gcm.buffer, gcm.byteOffset).getInt32(20, true) + 20;
    const cbcFirst = new DataView(cbc.buffer, cbc.byteOffset).getInt32(4, true) + 4;
    const mixed = concatBytes([gcm.subarray(0, gcmFirst), cbc.subarray(cbcFirst)]);
    const error = await failure(mixed, { key });
    expect(error.code).toBe('crypto-mixed-modes');
    const sentence = oneLine(describeError(error.code, error.details));
    expect(sentence).toContain(
      'Cipher block 1 starts with the AES-CBC block magic, but the block before it is AES-GCM',
    );
    expect(sentence).not.toContain('do not start with the block magic');
  });

  it('bytes that start with no magic after the blocks are still "extra bytes"', async () => {
    const gcm = await encryptBytes(plaintext, { mode: 'AES-GCM', key });
    const error = await failure(concatBytes([gcm, new Uint8Array(40).fill(7)]), { key });
    expect(error.code).toBe('crypto-trailing-bytes');
  });
});

describe('an encrypted file with a plaintext crc_num trailer', () => {
  it('verify does not say "no CRC stored" above the line that lists the trailer', async () => {
    const gcm = await encryptBytes(plaintext, { mode: 'AES-GCM', key });
    const path_ = file('gcm-crc.ckpt', concatBytes([gcm, encodeCrcTrailer(0)]));
    const result = await runCli('verify', path_, '--key', keyHex);
    expect(result.code).toBe(3);
    const out = text(result);
    expect(out).not.toContain('no CRC stored');
    expect(out).toContain('A crc_num trailer follows the encrypted blocks in plaintext; it is not checked');
    expect(out).toContain('A plaintext crc_num trailer follows the encrypted blocks');
  });
});
