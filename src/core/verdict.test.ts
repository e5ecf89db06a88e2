import { describe, expect, it } from 'vitest';
import { concatBytes } from '../base/bytes';
import { encryptBytes } from '../crypto/encrypt';
import { encodeRecord } from '../formats/ckpt/write';
import { verifyIntegrity } from '../integrity/verify';
import { MemorySource } from '../io/byte-source';
import { fixtureSource, hexToBytes } from '../test/fixtures';
import { describeVerdict } from './messages';
import { openCheckpoint } from './open';
import { fileVerdict } from './summary';

/** ckpt-format.md §12.3: the worked file's records and its crc_num trailer (CRC 0x5F3FCC5F). */
const WORKED_CKPT = hexToBytes(
  [
    '0a2c0a0966632e776569676874121f080208021207466c6f617433321a100000803f000000400000404000008040',
    '0a200a0766632e62696173121508021207466c6f617433321a080000003f000000bf',
    '0a1e0a0965706f63685f6e756d12111205496e7436341a080300000000000000',
    '0a150a026c72120f1207466c6f617433321a040ad7233c',
    '0a120a05747261696e12091204426f6f6c1a0101',
    '0a190a046e6f74651211080012037374721a086800000069000000',
    '6372635f6e756d0000000000005f3fcc5f',
  ].join(''),
);

async function openBytes(bytes: Uint8Array, key?: Uint8Array) {
  return openCheckpoint(new MemorySource(bytes), key ? { key } : {});
}

describe('fileVerdict: one verdict that says only what was established', () => {
  it('a stored CRC is "not checked yet" until verified, then "verified"', async () => {
    const opened = await openBytes(WORKED_CKPT);
    const before = fileVerdict(opened.index);
    expect(before).toMatchObject({ level: 'clean', crc: 'not-verified' });
    expect(describeVerdict(before).crc).toContain('not checked yet');
    const report = await verifyIntegrity(opened);
    const after = fileVerdict(opened.index, report);
    expect(after).toMatchObject({ level: 'clean', crc: 'verified' });
    expect(describeVerdict(after).headline).toBe('No structural problems found.');
  });

  it('a CRC mismatch in a structurally sound file is a finding, not "No structural problems found"', async () => {
    const damaged = WORKED_CKPT.slice();
    damaged[40]! ^= 0x01; // inside fc.weight's content
    const opened = await openBytes(damaged);
    expect(fileVerdict(opened.index).level).toBe('clean'); // nothing is known before verifying
    const verdict = fileVerdict(opened.index, await verifyIntegrity(opened));
    expect(verdict).toMatchObject({ level: 'finding', crc: 'mismatch', structuralFindings: 0 });
    const words = describeVerdict(verdict);
    expect(words.headline).toMatch(/^Finding: the CRC does not match/);
    expect(words.headline).not.toContain('No structural problems');
  });

  it('a real safetensors file without crc_num: the CRC could not be checked, and nothing claims it is intact', async () => {
    const opened = await openCheckpoint(await fixtureSource('real', 'mnist-tinygrad__model.safetensors'));
    const report = await verifyIntegrity(opened);
    expect(report.crcStatus).toBe('absent');
    const verdict = fileVerdict(opened.index, report);
    expect(verdict).toMatchObject({ level: 'clean', crc: 'absent' });
    expect(describeVerdict(verdict).crc).toContain('could not be checked');
    expect(Object.values(describeVerdict(verdict)).join(' ')).not.toMatch(/intact|verified/);
  });

  it('a content size that contradicts the shape is a finding; a duplicate tag is only a note', async () => {
    const float = (n: number): Uint8Array => new Uint8Array(new Float32Array(n).buffer);
    const truncated = await openBytes(encodeRecord('w', [4], 'Float32', float(3)));
    const finding = fileVerdict(truncated.index);
    expect(finding).toMatchObject({ level: 'finding', structuralFindings: 1 });
    expect(describeVerdict(finding).headline).toBe('Finding: 1 structural problem (listed below).');

    const duplicated = await openBytes(
      concatBytes([
        encodeRecord('a', [1], 'Float32', float(1)),
        encodeRecord('b', [1], 'Float32', float(1)),
        encodeRecord('a', [1], 'Float32', float(1)),
      ]),
    );
    const notes = fileVerdict(duplicated.index);
    expect(notes.level).toBe('notes');
    expect(notes.structuralFindings).toBe(0);
    expect(describeVerdict(notes).crc).toContain('No CRC stored');
  });

  it('says why no CRC is stored in the words of the format that has none', async () => {
    const legacy = await openCheckpoint(await fixtureSource('pytorch', 'tiny_cnn_legacy.pt'));
    const verdict = fileVerdict(legacy.index);
    expect(verdict.crc).toBe('absent');
    const crc = describeVerdict(verdict, legacy.index.format).crc;
    expect(crc).toContain('legacy torch.save layout');
    expect(crc).not.toContain('MindSpore');
    expect(describeVerdict(verdict, 'safetensors').crc).toContain('other writers store none');
    expect(describeVerdict(verdict, 'ckpt').crc).toContain('crc_check=True');
  });

  it('an encrypted block that fails to decrypt is a finding', async () => {
    const content = new Uint8Array(300_000).map((_, i) => i & 255);
    const key = hexToBytes('000102030405060708090a0b0c0d0e0f');
    const file = await encryptBytes(encodeRecord('big.weight', [75_000], 'Float32', content), {
      mode: 'AES-GCM',
      key,
      blockBytes: 65_536,
    });
    file[2 * (48 + 65_536) + 1000]! ^= 0xff; // inside block 2's ciphertext
    const opened = await openBytes(file, key);
    const verdict = fileVerdict(opened.index, await verifyIntegrity(opened));
    expect(verdict).toMatchObject({ level: 'finding', encryption: { failed: true } });
    expect(describeVerdict(verdict).headline).toContain('an encrypted block failed to decrypt');
  });
});

describe('fileVerdict on PyTorch files', () => {
  it('how a file was saved (a DDP prefix, pickled classes) is a note; a pickle that would run a command is a finding', async () => {
    const ddp = await openCheckpoint(await fixtureSource('pytorch', 'tiny_cnn_ddp.pth'));
    expect(ddp.index.problems.map((p) => p.code)).toContain('ddp-prefix');
    expect(fileVerdict(ddp.index).level).toBe('notes');
    const whole = await openCheckpoint(await fixtureSource('pytorch', 'whole_module.pt'));
    expect(whole.index.problems.map((p) => p.code)).toContain('pickle-needs-classes');
    expect(fileVerdict(whole.index).level).not.toBe('finding');
    const malicious = await openCheckpoint(await fixtureSource('pytorch', 'malicious.pt'));
    expect(fileVerdict(malicious.index).level).toBe('finding');
  });
});
