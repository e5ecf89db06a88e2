import { describe, expect, it } from 'vitest';
import { LensError } from '../../base/errors';
import { MemorySource } from '../../io/byte-source';
import { fixtureBytes } from '../../test/fixtures';
import { scanPytorch } from './scan';
import { entryDataRange, readZipDirectory } from './zip';

interface Member {
  name: string;
  data: Uint8Array;
  method?: number;
}

/** A stored zip written byte by byte; `zip64` saturates every size and offset field and adds the zip64 records. */
function buildZip(members: Member[], zip64 = false): Uint8Array {
  const out: number[] = [];
  const u16 = (v: number) => out.push(v & 0xff, (v >>> 8) & 0xff);
  const u32 = (v: number) => out.push(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff);
  const u64 = (v: number) => {
    u32(v % 2 ** 32);
    u32(Math.floor(v / 2 ** 32));
  };
  const offsets: number[] = [];
  for (const member of members) {
    offsets.push(out.length);
    const name = Buffer.from(member.name);
    u32(0x04034b50);
    u16(20);
    u16(0);
    u16(member.method ?? 0);
    u32(0);
    u32(0); // crc (not checked by a reader that only slices)
    u32(member.data.length);
    u32(member.data.length);
    u16(name.length);
    u16(0);
    out.push(...name, ...member.data);
  }
  const directoryStart = out.length;
  members.forEach((member, i) => {
    const name = Buffer.from(member.name);
    u32(0x02014b50);
    u16(45);
    u16(45);
    u16(0);
    u16(member.method ?? 0);
    u32(0);
    u32(0);
    u32(zip64 ? 0xffffffff : member.data.length);
    u32(zip64 ? 0xffffffff : member.data.length);
    u16(name.length);
    u16(zip64 ? 28 : 0);
    u16(0);
    u16(0);
    u16(0);
    u32(0);
    u32(zip64 ? 0xffffffff : (offsets[i] as number));
    out.push(...name);
    if (zip64) {
      u16(0x0001);
      u16(24);
      u64(member.data.length);
      u64(member.data.length);
      u64(offsets[i] as number);
    }
  });
  const directorySize = out.length - directoryStart;
  if (zip64) {
    const record = out.length;
    u32(0x06064b50);
    u64(44);
    u16(45);
    u16(45);
    u32(0);
    u32(0);
    u64(members.length);
    u64(members.length);
    u64(directorySize);
    u64(directoryStart);
    u32(0x07064b50);
    u32(0);
    u64(record);
    u32(1);
  }
  u32(0x06054b50);
  u16(0);
  u16(0);
  u16(zip64 ? 0xffff : members.length);
  u16(zip64 ? 0xffff : members.length);
  u32(zip64 ? 0xffffffff : directorySize);
  u32(zip64 ? 0xffffffff : directoryStart);
  u16(0);
  return Uint8Array.from(out);
}

/** The members of a real torch archive, as name and bytes. */
async function membersOf(file: string): Promise<Member[]> {
  const source = new MemorySource(fixtureBytes('pytorch', file));
  const members: Member[] = [];
  for (const entry of await readZipDirectory(source)) {
    const range = await entryDataRange(source, entry);
    members.push({ name: entry.name, data: await source.read(range.offset, range.length) });
  }
  return members;
}

async function valuesOf(source: MemorySource, ranges: { offset: number; length: number }[]): Promise<number[]> {
  const out: number[] = [];
  for (const range of ranges) out.push(...(await source.read(range.offset, range.length)));
  return out;
}

describe('the torch zip archive', () => {
  it('reads a zip64 archive (sizes and offsets in the zip64 extra field and records) like the original', async () => {
    const original = new MemorySource(fixtureBytes('pytorch', 'views.pt'));
    const expected = await scanPytorch(original);
    const rebuilt = new MemorySource(buildZip(await membersOf('views.pt'), true));
    const index = await scanPytorch(rebuilt);
    expect(index.tensors.map((t) => [t.name, t.shape, t.bytes])).toEqual(
      expected.tensors.map((t) => [t.name, t.shape, t.bytes]),
    );
    for (const [i, tensor] of index.tensors.entries()) {
      expect(await valuesOf(rebuilt, tensor.ranges)).toEqual(
        await valuesOf(original, expected.tensors[i]?.ranges ?? []),
      );
    }
  });

  it('refuses a deflated entry by name (torch stores every entry)', async () => {
    const members = (await membersOf('views.pt')).map((m) => (m.name.endsWith('data.pkl') ? { ...m, method: 8 } : m));
    await expect(scanPytorch(new MemorySource(buildZip(members)))).rejects.toMatchObject({
      code: 'zip-entry-compressed',
      details: { actual: 'views/data.pkl' },
    });
  });

  it('names the missing pickle and a missing storage', async () => {
    const members = await membersOf('views.pt');
    await expect(
      scanPytorch(new MemorySource(buildZip(members.filter((m) => !m.name.endsWith('data.pkl'))))),
    ).rejects.toMatchObject({ code: 'pt-missing-record', details: { actual: 'data.pkl' } });
    await expect(
      scanPytorch(new MemorySource(buildZip(members.filter((m) => m.name !== 'views/data/1')))),
    ).rejects.toMatchObject({ code: 'pt-missing-record', details: { actual: 'views/data/1' } });
  });

  it('a central directory claiming 2^40 bytes is refused before it is read (length lie)', async () => {
    const bytes = buildZip(await membersOf('views.pt'));
    const view = new DataView(bytes.buffer);
    view.setUint32(bytes.length - 10, 0xfffffff0, true); // EOCD: central directory size
    await expect(scanPytorch(new MemorySource(bytes))).rejects.toBeInstanceOf(LensError);
  });

  it('an archive cut short anywhere is a typed error, never a crash', async () => {
    const bytes = fixtureBytes('pytorch', 'tiny_cnn.pt');
    for (let cut = 1; cut < bytes.length; cut += 37) {
      const error = await scanPytorch(new MemorySource(bytes.subarray(0, cut))).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error, `cut at ${cut}`).toBeInstanceOf(LensError);
    }
  });
});
