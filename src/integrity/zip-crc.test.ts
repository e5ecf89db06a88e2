import { readdirSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { ByteSource } from '../io/byte-source';
import { MemorySource } from '../io/byte-source';
import { openCheckpoint } from '../core/open';
import { describeZipCrc } from '../core/messages';
import { fileVerdict } from '../core/summary';
import { fixtureBytes, fixturePath, fixtureSource } from '../test/fixtures';
import { verifyIntegrity } from './verify';
import { checkZipCrcs } from './zip-crc';

/**
 * The archive's entries read here on their own (EOCD → central directory → local headers; the
 * fixtures need no zip64), so the test does not trust the reader it checks.
 */
interface RawEntry {
  name: string;
  flags: number;
  /** Where the entry's central directory record starts. */
  central: number;
  crc: number;
  local: number;
  data: number;
  size: number;
}

function rawEntries(bytes: Uint8Array): RawEntry[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let eocd = bytes.length - 22;
  while (view.getUint32(eocd, true) !== 0x06054b50) eocd -= 1;
  const count = view.getUint16(eocd + 10, true);
  let at = view.getUint32(eocd + 16, true);
  const out: RawEntry[] = [];
  for (let i = 0; i < count; i += 1) {
    expect(view.getUint32(at, true)).toBe(0x02014b50);
    const nameLength = view.getUint16(at + 28, true);
    const local = view.getUint32(at + 42, true);
    out.push({
      name: Buffer.from(bytes.subarray(at + 46, at + 46 + nameLength)).toString('utf8'),
      flags: view.getUint16(at + 8, true),
      central: at,
      crc: view.getUint32(at + 16, true),
      local,
      data: local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true),
      size: view.getUint32(at + 24, true),
    });
    at += 46 + nameLength + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
  }
  return out;
}

const zipFixtures = [
  ...readdirSync(fixturePath('pytorch'))
    .filter((name) => /\.(pt|pth)$/.test(name))
    .filter((name) => fixtureBytes('pytorch', name)[0] === 0x50)
    .map((name) => ['pytorch', name]),
  ...readdirSync(fixturePath('pytorch', 'sharded_bin'))
    .filter((name) => name.endsWith('.bin'))
    .map((name) => ['pytorch', 'sharded_bin', name]),
];

async function verifyBytes(bytes: Uint8Array) {
  const opened = await openCheckpoint(new MemorySource(bytes));
  return { opened, report: await verifyIntegrity(opened) };
}

/** Reads with their lengths recorded: the check must never ask for the whole archive at once. */
class RecordingSource implements ByteSource {
  lengths: number[] = [];
  constructor(private readonly inner: ByteSource) {}
  get size(): number {
    return this.inner.size;
  }
  read(offset: number, length: number, signal?: AbortSignal): Promise<Uint8Array> {
    this.lengths.push(length);
    return this.inner.read(offset, length, signal);
  }
}

describe('PyTorch zip CRC-32s', () => {
  it('the real fixtures are torch zips with data descriptors (bit 3) on every non-empty entry', () => {
    expect(zipFixtures.length).toBeGreaterThanOrEqual(9);
    // torch writes an empty storage (dtypes.pt's empty tensor) without one: its local header's CRC (0) is compared too.
    const empty = rawEntries(fixtureBytes('pytorch', 'dtypes.pt')).find((entry) => entry.size === 0);
    expect(empty).toMatchObject({ name: 'dtypes/data/12', crc: 0 });
    expect((empty!.flags & 0x8) === 0).toBe(true);
    for (const parts of zipFixtures) {
      const entries = rawEntries(fixtureBytes(...parts)).filter((entry) => entry.size > 0);
      for (const entry of entries) expect((entry.flags & 0x8) !== 0, `${parts.join('/')} ${entry.name}`).toBe(true);
    }
  });

  it.each(zipFixtures.map((parts) => [parts.join('/'), parts] as const))(
    '%s: every entry is hashed and matches',
    async (_, parts) => {
      const bytes = fixtureBytes(...parts);
      const entries = rawEntries(bytes);
      // The stored CRCs are right (zlib computes the same over each entry's bytes).
      for (const entry of entries)
        expect(crc32(bytes.subarray(entry.data, entry.data + entry.size)), entry.name).toBe(entry.crc);
      const opened = await openCheckpoint(await fixtureSource(...parts));
      expect(opened.index.crc).toMatchObject({ present: true, ok: null, zipEntries: entries.length });
      const report = await verifyIntegrity(opened);
      expect(report.crcStatus).toBe('ok');
      expect(report.crc.ok).toBe(true);
      expect(report.zip).toMatchObject({
        entries: entries.length,
        checked: entries.length,
        mismatchCount: 0,
        uncheckedCount: 0,
        bytes: entries.reduce((sum, entry) => sum + entry.size, 0),
      });
      expect(report.bytesCovered).toBe(report.zip?.bytes);
      expect(fileVerdict(opened.index, report).crc).toBe('verified');
    },
  );

  it('a legacy (pre-1.6) file stores no CRC: absent, not ok', async () => {
    const opened = await openCheckpoint(await fixtureSource('pytorch', 'tiny_cnn_legacy.pt'));
    expect(opened.index.crc.present).toBe(false);
    const report = await verifyIntegrity(opened);
    expect(report.crcStatus).toBe('absent');
    expect(report.zip).toBeUndefined();
  });

  it('one flipped data byte: a mismatch naming the entry, with the CRC zlib computes over the changed bytes', async () => {
    const bytes = fixtureBytes('pytorch', 'tiny_cnn.pt');
    const target = rawEntries(bytes).find((entry) => entry.name === 'tiny_cnn/data/7') as RawEntry;
    expect(target.size).toBe(4608);
    bytes[target.data + 1000]! ^= 0x01;
    const { opened, report } = await verifyBytes(bytes);
    expect(report.crcStatus).toBe('mismatch');
    expect(report.ok).toBe(false);
    expect(report.zip?.mismatchCount).toBe(1);
    expect(report.zip?.mismatches).toEqual([
      {
        entry: 'tiny_cnn/data/7',
        central: target.crc,
        local: null,
        computed: crc32(bytes.subarray(target.data, target.data + target.size)),
      },
    ]);
    expect(fileVerdict(opened.index, report)).toMatchObject({ level: 'finding', crc: 'mismatch' });
    const lines = describeZipCrc(report.zip!);
    expect(lines[0]).toContain('CRC MISMATCH in 1 zip entry');
    expect(lines[1]).toContain('zip entry "tiny_cnn/data/7"');
  });

  it('one flipped byte in a stored CRC (central directory): a mismatch naming that entry', async () => {
    const bytes = fixtureBytes('pytorch', 'tiny_cnn.pt');
    const target = rawEntries(bytes).find((entry) => entry.name === 'tiny_cnn/byteorder') as RawEntry;
    bytes[target.central + 16 + 2]! ^= 0x40;
    const { report } = await verifyBytes(bytes);
    expect(report.crcStatus).toBe('mismatch');
    expect(report.zip?.mismatches).toEqual([
      { entry: 'tiny_cnn/byteorder', central: (target.crc ^ 0x400000) >>> 0, local: null, computed: target.crc },
    ]);
  });

  it('small windows: large entries stream window by window, small ones share windows; no read exceeds a window', async () => {
    const bytes = fixtureBytes('pytorch', 'tiny_cnn.pt');
    const entries = rawEntries(bytes);
    const source = new RecordingSource(new MemorySource(bytes));
    const check = await checkZipCrcs(source, { windowBytes: 512 });
    expect(check).toMatchObject({ entries: entries.length, checked: entries.length, mismatchCount: 0 });
    // Entries larger than the window exist (data/0, data/7, data/13, data.pkl) and were hashed right.
    expect(entries.filter((entry) => entry.size > 512).length).toBeGreaterThanOrEqual(4);
    // The central directory is read whole (its own bounded read); everything else in ≤ 512-byte reads.
    const directory = entries[0]!.central;
    const beyond = source.lengths.filter((length) => length > 512);
    expect(beyond.every((length) => length <= bytes.length - directory)).toBe(true);
    expect(beyond.length).toBeLessThanOrEqual(2);

    const target = entries.find((entry) => entry.name === 'tiny_cnn/data/7') as RawEntry;
    bytes[target.data + target.size - 1]! ^= 0x80;
    const damaged = await checkZipCrcs(new MemorySource(bytes), { windowBytes: 512 });
    expect(damaged.mismatches.map((m) => m.entry)).toEqual(['tiny_cnn/data/7']);
  });

  it('progress runs to 1 and the windows can be hashed elsewhere (as the app does on its pool)', async () => {
    const bytes = fixtureBytes('pytorch', 'dtypes.pt');
    const fractions: number[] = [];
    let hashedElsewhere = 0;
    const check = await checkZipCrcs(new MemorySource(bytes), {
      onProgress: (fraction) => fractions.push(fraction),
      windowCrc: async (window) => {
        hashedElsewhere += window.length;
        return crc32(window);
      },
    });
    expect(check.mismatchCount).toBe(0);
    expect(hashedElsewhere).toBe(check.bytes);
    expect(fractions.at(-1)).toBe(1);
    expect(fractions.every((f, i) => i === 0 || f >= (fractions[i - 1] as number))).toBe(true);
  });
});

/** A stored zip written here with correct CRCs; `descriptor` sets bit 3 and zeroes the local CRC. */
function buildZip(members: { name: string; data: Uint8Array; method?: number }[], descriptor = false): Uint8Array {
  const out: number[] = [];
  const u16 = (v: number) => out.push(v & 0xff, (v >>> 8) & 0xff);
  const u32 = (v: number) => out.push(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff);
  const offsets: number[] = [];
  for (const member of members) {
    offsets.push(out.length);
    const name = Buffer.from(member.name);
    u32(0x04034b50);
    u16(20);
    u16(descriptor ? 8 : 0);
    u16(member.method ?? 0);
    u32(0);
    u32(descriptor ? 0 : crc32(member.data));
    u32(descriptor ? 0 : member.data.length);
    u32(descriptor ? 0 : member.data.length);
    u16(name.length);
    u16(0);
    out.push(...name, ...member.data);
    if (descriptor) {
      u32(0x08074b50);
      u32(crc32(member.data));
      u32(member.data.length);
      u32(member.data.length);
    }
  }
  const start = out.length;
  members.forEach((member, i) => {
    const name = Buffer.from(member.name);
    u32(0x02014b50);
    u16(20);
    u16(20);
    u16(descriptor ? 8 : 0);
    u16(member.method ?? 0);
    u32(0);
    u32(crc32(member.data));
    u32(member.data.length);
    u32(member.data.length);
    u16(name.length);
    u16(0);
    u16(0);
    u16(0);
    u16(0);
    u32(0);
    u32(offsets[i] as number);
    out.push(...name);
  });
  const size = out.length - start;
  u32(0x06054b50);
  u16(0);
  u16(0);
  u16(members.length);
  u16(members.length);
  u32(size);
  u32(start);
  u16(0);
  return Uint8Array.from(out);
}

describe('zip CRC-32s of entries without a data descriptor', () => {
  const members = [
    { name: 'a/data.pkl', data: Uint8Array.from([1, 2, 3, 4, 5]) },
    { name: 'a/data/0', data: new Uint8Array(300).map((_, i) => (i * 7) & 0xff) },
    { name: 'a/empty', data: new Uint8Array(0) },
  ];

  it('both stored CRCs match: ok; with a data descriptor the zeroed local CRC is not compared', async () => {
    for (const descriptor of [false, true]) {
      const check = await checkZipCrcs(new MemorySource(buildZip(members, descriptor)));
      expect(check).toMatchObject({ entries: 3, checked: 3, mismatchCount: 0, uncheckedCount: 0, bytes: 305 });
    }
  });

  it('a flipped byte in a local header CRC: a mismatch naming the entry and both stored values', async () => {
    const bytes = buildZip(members);
    const local = bytes.indexOf(0x50, Buffer.from(bytes).indexOf(Buffer.from('a/data.pkl')) + 10);
    // The second entry's local header: its CRC field is at +14.
    expect(Buffer.from(bytes.subarray(local, local + 4)).readUInt32LE(0)).toBe(0x04034b50);
    bytes[local + 14]! ^= 0x01;
    const check = await checkZipCrcs(new MemorySource(bytes));
    const right = crc32(members[1]!.data);
    expect(check.mismatches).toEqual([
      { entry: 'a/data/0', central: right, local: (right ^ 1) >>> 0, computed: right },
    ]);
    expect(describeZipCrc(check)[1]).toContain('in its local header');
  });

  it('a compressed entry cannot be hashed: counted as unchecked, so the file is not "ok"', async () => {
    const bytes = buildZip([members[0]!, { name: 'a/deflated', data: Uint8Array.of(9, 9), method: 8 }]);
    const check = await checkZipCrcs(new MemorySource(bytes));
    expect(check).toMatchObject({ entries: 2, checked: 1, mismatchCount: 0, uncheckedCount: 1 });
    expect(check.unchecked[0]).toMatchObject({ entry: 'a/deflated' });
    expect(check.unchecked[0]?.reason).toContain('compressed (method 8)');
  });
});
