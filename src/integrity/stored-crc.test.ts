import { crc32 as zlibCrc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { concatBytes } from '../base/bytes';
import { describeStoredCrc, describeVerdict, storedCrcHex } from '../core/messages';
import { fileVerdict } from '../core/summary';
import { openCheckpoint } from '../core/open';
import { MemorySource } from '../io/byte-source';
import { checkpointBytes } from '../test/ckpt-records';
import { runCli } from '../test/cli';
import { verifyIntegrity } from './verify';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';

const work = mkdtempSync(path.join(tmpdir(), 'ckpt-lens-stored-crc-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const f32 = (...values: number[]): Uint8Array => new Uint8Array(Float32Array.from(values).buffer);
const BODY = checkpointBytes([
  ['fc.weight', [2, 2], 'Float32', f32(1, 2, 3, 4)],
  ['fc.bias', [2], 'Float32', f32(5, 6)],
]);

/** "crc_num" and 10 big-endian bytes: `high` as the first 6, the body's CRC-32 as the last 4. */
function trailer(high: number[], crc: number): Uint8Array {
  const out = new Uint8Array(17);
  out.set(new TextEncoder().encode('crc_num'), 0);
  out.set(high, 7);
  new DataView(out.buffer).setUint32(13, crc, false);
  return out;
}

function safetensorsWithCrc(crcText: string): Uint8Array {
  const header = JSON.stringify({
    __metadata__: { crc_num: crcText },
    a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
  });
  const text = new TextEncoder().encode(header);
  const out = new Uint8Array(8 + text.length + 8);
  new DataView(out.buffer).setBigUint64(0, BigInt(text.length), true);
  out.set(text, 8);
  out.set(f32(1, 2), 8 + text.length);
  return out;
}

async function verifyBytes(bytes: Uint8Array) {
  const opened = await openCheckpoint(new MemorySource(bytes));
  return { index: opened.index, report: await verifyIntegrity(opened) };
}

describe('a stored CRC that cannot be a CRC-32 is shown exactly, with why', () => {
  it('a ckpt trailer whose high bytes are not zero: its 10 bytes, not a rounded double; a mismatch', async () => {
    const crc = zlibCrc32(BODY);
    const { index, report } = await verifyBytes(concatBytes([BODY, trailer([1, 1, 1, 1, 1, 1], crc)]));
    const stored = `0x010101010101${crc.toString(16).padStart(8, '0')}`;
    expect(index.crc.expected).toBeNull();
    expect(index.crc.stored).toEqual({ text: stored, problem: 'above-32-bits' });
    expect(describeStoredCrc(index.crc)).toBe(`${stored} (not a CRC-32: larger than 2^32−1 = 4,294,967,295)`);
    // No CRC-32 equals it, so it matches no contents (MindSpore's check fails on it too).
    expect(report.crcStatus).toBe('mismatch');
    expect(report.crc.actual).toBe(crc);
    expect(storedCrcHex(report.crc)).toContain(stored);
  });

  it('a ckpt trailer of zeros and a CRC-32 is an ordinary stored CRC', async () => {
    const crc = zlibCrc32(BODY);
    const { index, report } = await verifyBytes(concatBytes([BODY, trailer([0, 0, 0, 0, 0, 0], crc)]));
    expect(index.crc.expected).toBe(crc);
    expect(index.crc.stored).toBeUndefined();
    expect(report.crcStatus).toBe('ok');
  });

  it('safetensors crc_num text above 2^32−1, negative, or not a number: the text itself', async () => {
    const huge = await verifyBytes(safetensorsWithCrc('99999999999999999999'));
    expect(describeStoredCrc(huge.index.crc)).toBe(
      '"99999999999999999999" (not a CRC-32: larger than 2^32−1 = 4,294,967,295)',
    );
    expect(huge.report.crcStatus).toBe('mismatch');

    const negative = await verifyBytes(safetensorsWithCrc('-1'));
    expect(describeStoredCrc(negative.index.crc)).toBe('"-1" (not a CRC-32: negative)');
    expect(negative.report.crcStatus).toBe('mismatch');

    const text = await verifyBytes(safetensorsWithCrc('abc'));
    expect(describeStoredCrc(text.index.crc)).toBe('"abc" (not a CRC-32: not a decimal number)');
    expect(text.report.crcStatus).toBe('unverifiable');
    expect(text.report.crcNote).toBe('crc_num "abc" is not a decimal number, so it cannot be a CRC-32');
  });

  it('the CLI prints the stored value exactly in inspect and verify', async () => {
    const crc = zlibCrc32(BODY);
    const file = path.join(work, 'prefix.ckpt');
    writeFileSync(file, concatBytes([BODY, trailer([1, 1, 1, 1, 1, 1], crc)]));
    const stored = `0x010101010101${crc.toString(16).padStart(8, '0')}`;
    const inspect = await runCli('inspect', file);
    expect(inspect.out.join('\n')).toContain(`crc_num: ${stored} (not a CRC-32`);
    expect(inspect.out.join('\n')).not.toMatch(/e\+21/);
    const verify = await runCli('verify', file);
    expect(verify.code).toBe(3);
    expect(verify.out.join('\n')).toContain(`CRC MISMATCH: stored ${stored} (not a CRC-32`);
    const json = await runCli('verify', '--json', file);
    const parsed = JSON.parse(json.out.join('')) as { crc: { expected: unknown; stored: { text: string } } };
    expect(parsed.crc.expected).toBeNull();
    expect(parsed.crc.stored.text).toBe(stored);
  });

  it('inspect: a stored value that cannot be a CRC-32 is a finding (exit 3) before any verify, in words and JSON', async () => {
    const crc = zlibCrc32(BODY);
    const files: [string, Uint8Array][] = [
      ['prefix.ckpt', concatBytes([BODY, trailer([0, 0, 0, 0, 0, 1], crc)])],
      ['huge.safetensors', safetensorsWithCrc('4294967296')],
      ['negative.safetensors', safetensorsWithCrc('-1')],
      ['text.safetensors', safetensorsWithCrc('abc')],
    ];
    for (const [name, bytes] of files) {
      const file = path.join(work, name);
      writeFileSync(file, bytes);
      const inspect = await runCli('inspect', file);
      expect(inspect.code, name).toBe(3);
      expect(inspect.out.join('\n'), name).toContain(
        'Finding: what is stored as the CRC cannot be a CRC-32, so no contents match it',
      );
      const json = await runCli('inspect', '--json', file);
      expect(json.code, name).toBe(3);
      expect((JSON.parse(json.out.join('')) as { verdict: string }).verdict, name).toBe('finding');
      // verify agrees: exit 3 whether it counts a mismatch (a number) or an unverifiable text.
      expect((await runCli('verify', file)).code, name).toBe(3);
    }
  });

  it('stats counts it as inspect does (exit 3, the stored value in words); convert says it instead of "not checked"', async () => {
    const crc = zlibCrc32(BODY);
    const files: [string, Uint8Array, string][] = [
      ['stats-prefix.ckpt', concatBytes([BODY, trailer([0, 0, 0, 0, 0, 1], crc)]), 'larger than 2^32−1'],
      ['stats-text.safetensors', safetensorsWithCrc('abc'), '"abc" (not a CRC-32: not a decimal number)'],
      ['stats-negative.safetensors', safetensorsWithCrc('-1'), '"-1" (not a CRC-32: negative)'],
    ];
    for (const [name, bytes, stored] of files) {
      const file = path.join(work, name);
      writeFileSync(file, bytes);
      const stats = await runCli('stats', file);
      expect(stats.code, name).toBe(3);
      const line = stats.out.find((l) => l.startsWith('! The stored CRC is '));
      expect(line, name).toContain(stored);
      expect(line, name).toContain('no contents match it, so a load that checks the CRC fails');
      const json = await runCli('stats', '--json', file);
      expect(json.code, name).toBe(3);
      expect((JSON.parse(json.out.join('')) as { otherFindings: string[] }).otherFindings[0], name).toContain(stored);
      expect((await runCli('stats', '--nan-audit', file)).code, name).toBe(3);

      const out = path.join(work, `${name}.out.safetensors`);
      const convert = await runCli('convert', file, out);
      expect(convert.code, name).toBe(0);
      const note = convert.err.find((l) => l.startsWith('note: The stored CRC is '));
      expect(note, name).toContain(stored);
      expect(convert.err.join('\n'), name).not.toContain('was not checked by this conversion');
    }
    // A CRC-32 that is merely unchecked changes nothing in stats.
    const plain = path.join(work, 'stats-unchecked.ckpt');
    writeFileSync(plain, concatBytes([BODY, trailer([0, 0, 0, 0, 0, 0], 1)]));
    const unchecked = await runCli('stats', plain);
    expect(unchecked.code).toBe(0);
    expect(unchecked.out.join('\n')).not.toContain('The stored CRC');
  });

  it('the page verdict: a finding before and after Verify integrity, never "No structural problems found." alone', async () => {
    for (const bytes of [safetensorsWithCrc('abc'), concatBytes([BODY, trailer([9, 0, 0, 0, 0, 0], 0)])]) {
      const opened = await openCheckpoint(new MemorySource(bytes));
      const before = fileVerdict(opened.index);
      expect(before).toMatchObject({ level: 'finding', crcImpossible: true });
      expect(describeVerdict(before).headline).toMatch(/^Finding: what is stored as the CRC cannot be a CRC-32/);
      const after = fileVerdict(opened.index, await verifyIntegrity(opened));
      expect(after.level).toBe('finding');
      expect(describeVerdict(after).headline).toMatch(/^Finding: what is stored as the CRC cannot be a CRC-32/);
    }
    // A CRC-32 that is simply wrong is known only once verified, as before.
    const wrong = await openCheckpoint(new MemorySource(concatBytes([BODY, trailer([0, 0, 0, 0, 0, 0], 1)])));
    expect(fileVerdict(wrong.index).level).toBe('clean');
  });
});
