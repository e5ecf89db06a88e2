import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LensError } from '../../base/errors';
import { MAX_PICKLE_MARKS, MAX_PICKLE_MEMO, MAX_PICKLE_STRING_BYTES } from '../../base/limits';
import { MemorySource } from '../../io/byte-source';
import { fixtureBytes } from '../../test/fixtures';
import { flattenPickle } from './flatten';
import { readPickle, type PyValue } from './pickle';
import { scanPytorch } from './scan';
import { viewContent } from './gather';
import type { TensorEntry } from '../../base/types';
import { entryDataRange, readZipDirectory } from './zip';

/** A pickle written opcode by opcode. */
class Pickle {
  private readonly bytes: number[] = [];
  op(...bytes: number[]): this {
    this.bytes.push(...bytes);
    return this;
  }
  text(text: string): this {
    return this.op(...Buffer.from(text, 'latin1'));
  }
  proto(version = 2): this {
    return this.op(0x80, version);
  }
  global(module: string, name: string): this {
    return this.op(0x63).text(`${module}\n${name}\n`);
  }
  unicode(text: string): this {
    const raw = Buffer.from(text, 'utf8');
    return this.op(0x58, ...u32(raw.length), ...raw);
  }
  int(value: number): this {
    return value < 256 ? this.op(0x4b, value) : this.op(0x4a, ...u32(value));
  }
  mark(): this {
    return this.op(0x28);
  }
  tuple(): this {
    return this.op(0x74);
  }
  reduce(): this {
    return this.op(0x52);
  }
  stop(): Uint8Array {
    return Uint8Array.from([...this.bytes, 0x2e]);
  }
  /** A float32 tensor of `numel` elements in storage `key`: _rebuild_tensor_v2(storage, offset, size, stride, False, OrderedDict()). */
  tensor(key: string, numel: number, offset: number, shape: number[], strides: number[]): this {
    this.global('torch._utils', '_rebuild_tensor_v2').mark();
    this.mark()
      .unicode('storage')
      .global('torch', 'FloatStorage')
      .unicode(key)
      .unicode('cpu')
      .int(numel)
      .tuple()
      .op(0x51);
    this.int(offset).mark();
    for (const dim of shape) this.int(dim);
    this.tuple().mark();
    for (const stride of strides) this.int(stride);
    this.tuple().op(0x89).global('collections', 'OrderedDict').op(0x29).reduce();
    return this.tuple().reduce();
  }
}

function u32(value: number): number[] {
  return [value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff];
}

function u64(value: number): number[] {
  return [...u32(value % 2 ** 32), ...u32(Math.floor(value / 2 ** 32))];
}

/** The code of the LensError `fn` throws. */
function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof LensError) return error.code;
    throw error;
  }
  throw new Error('did not throw');
}

/**
 * A legacy (pre-1.6) torch.save file built byte by byte: magic number, protocol, sys info, the
 * main pickle, the storage key list, then each storage as an 8-byte element count and its bytes.
 */
function legacyFile(main: Uint8Array, storages: [string, Float32Array][]): Uint8Array {
  const magic = new Pickle().proto().op(0x8a, 10, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19).stop();
  const protocol = new Pickle().proto().op(0x4d, 0xe9, 0x03).stop();
  const sysInfo = new Pickle().proto().op(0x7d).mark().unicode('little_endian').op(0x88).op(0x75).stop();
  const keys = new Pickle().proto().op(0x5d).mark();
  for (const [key] of storages) keys.unicode(key);
  const parts: Uint8Array[] = [magic, protocol, sysInfo, main, keys.op(0x65).stop()];
  for (const [, values] of storages) {
    parts.push(Uint8Array.from(u64(values.length)), new Uint8Array(values.buffer));
  }
  return new Uint8Array(Buffer.concat(parts));
}

describe('the pickle machine', () => {
  it('handles protocol 0 text opcodes (INT, LONG, FLOAT, STRING, UNICODE, PUT/GET, DICT, LIST)', () => {
    const bytes = new Pickle()
      .mark()
      .text('S"a\\nb"\np0\n') // STRING, PUT 0
      .text('I42\n')
      .text('g0\n') // GET 0
      .text('F0.5\n')
      .text('L12345678901234567890L\n')
      .text('I01\n') // True
      .text('Vcaf\\u00e9\n')
      .text('N')
      .op(0x64) // DICT from the MARK
      .stop();
    const { value } = readPickle(bytes);
    expect(value).toEqual({
      kind: 'dict',
      entries: [
        ['a\nb', 42],
        ['a\nb', 0.5],
        [12345678901234567890n, true],
        ['café', null],
      ],
    } satisfies PyValue);
  });

  it('handles protocol 4–5 framing, SHORT_BINUNICODE, STACK_GLOBAL, MEMOIZE, sets and bytes', () => {
    const bytes = new Pickle()
      .proto(5)
      .op(0x95, ...u64(0)) // FRAME
      .op(0x8c, 11)
      .text('collections')
      .op(0x94)
      .op(0x8c, 11)
      .text('OrderedDict')
      .op(0x94, 0x93, 0x94) // STACK_GLOBAL
      .op(0x29, 0x52) // ()  REDUCE
      .op(0x8c, 1)
      .text('s')
      .op(0x8f, 0x28, 0x4b, 1, 0x4b, 2, 0x90) // EMPTY_SET, ADDITEMS
      .op(0x73) // SETITEM
      .op(0x8c, 1)
      .text('b')
      .op(0x43, 3, 1, 2, 3) // SHORT_BINBYTES
      .op(0x73)
      .stop();
    const { value, calls, classes } = readPickle(bytes);
    expect(calls).toEqual([]);
    expect(classes).toEqual([]);
    expect(value).toEqual({
      kind: 'dict',
      entries: [
        ['s', { kind: 'set', items: [1, 2] }],
        ['b', { kind: 'bytes', bytes: Uint8Array.of(1, 2, 3) }],
      ],
    });
  });

  it('refuses EXT1/2/4 and out-of-band buffers, and names an unknown opcode', () => {
    expect(codeOf(() => readPickle(Uint8Array.of(0x80, 2, 0x82, 1, 0x2e)))).toBe('pickle-unsupported-opcode');
    expect(codeOf(() => readPickle(Uint8Array.of(0x80, 5, 0x97, 0x2e)))).toBe('pickle-unsupported-opcode');
    expect(codeOf(() => readPickle(Uint8Array.of(0x80, 2, 0xff, 0x2e)))).toBe('pickle-bad-opcode');
  });

  it('truncation of a real pickle at every byte is a typed error, never a crash', async () => {
    const archive = new MemorySource(fixtureBytes('pytorch', 'tiny_cnn_checkpoint.pth'));
    const entry = (await readZipDirectory(archive)).find((e) => e.name.endsWith('/data.pkl'));
    if (!entry) throw new Error('no data.pkl');
    const range = await entryDataRange(archive, entry);
    const pickle = await archive.read(range.offset, range.length);
    expect(readPickle(pickle).length).toBe(pickle.length);
    for (let cut = 0; cut < pickle.length; cut += 1) {
      expect(
        codeOf(() => readPickle(pickle.subarray(0, cut))),
        `cut at ${cut}`,
      ).toBe('pickle-truncated');
    }
  });

  it('a stack of MARKs past the limit is refused (stack exhaustion attack)', () => {
    const bytes = new Uint8Array(MAX_PICKLE_MARKS + 3).fill(0x28);
    bytes[0] = 0x80;
    bytes[1] = 2;
    expect(codeOf(() => readPickle(bytes))).toBe('pt-limit');
  });

  it('a huge memo index is refused before it is stored (memo exhaustion attack)', () => {
    const bytes = new Pickle()
      .proto()
      .op(0x4e, 0x72, ...u32(MAX_PICKLE_MEMO + 1))
      .stop();
    expect(codeOf(() => readPickle(bytes))).toBe('pt-limit');
    expect(
      codeOf(() =>
        readPickle(
          new Pickle()
            .proto()
            .op(0x6a, ...u32(7))
            .stop(),
        ),
      ),
    ).toBe('pickle-malformed');
  });

  it('a string claiming 2^40 bytes is refused before any allocation (length bomb)', () => {
    const bytes = new Pickle()
      .proto(4)
      .op(0x8d, ...u64(2 ** 40))
      .stop();
    expect(codeOf(() => readPickle(bytes))).toBe('pt-limit');
    const bigBytes = new Pickle()
      .proto(3)
      .op(0x42, ...u32(MAX_PICKLE_STRING_BYTES + 1))
      .stop();
    expect(codeOf(() => readPickle(bigBytes))).toBe('pt-limit');
  });

  it('deeply nested lists are a typed error when walked (nesting attack)', () => {
    const depth = 5000;
    const p = new Pickle().proto();
    for (let i = 0; i < depth; i += 1) p.op(0x5d);
    for (let i = 1; i < depth; i += 1) p.op(0x61);
    expect(codeOf(() => flattenPickle(readPickle(p.stop())))).toBe('pt-limit');
  });

  it('a key named __proto__ stays data (prototype pollution attack)', () => {
    const bytes = new Pickle().proto().op(0x7d).unicode('__proto__').unicode('polluted').op(0x73).stop();
    const { metadata } = flattenPickle(readPickle(bytes));
    expect(Object.getPrototypeOf(metadata)).toBe(Object.prototype);
    expect(Object.keys(metadata)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('a list that contains itself is a typed error when walked (memo cycle attack)', () => {
    const bytes = new Pickle().proto().op(0x5d, 0x71, 0, 0x68, 0, 0x61).stop();
    expect(codeOf(() => flattenPickle(readPickle(bytes)))).toBe('pt-limit');
  });

  it('one list shared 2^60 times is a typed error when walked (billion-laughs attack)', () => {
    const p = new Pickle().proto().op(0x5d, 0x4b, 1, 0x61, 0x71, 0); // [1] in memo 0
    for (let level = 1; level <= 60; level += 1) p.op(0x68, level - 1, 0x68, level - 1, 0x86, 0x71, level); // (x, x)
    expect(codeOf(() => flattenPickle(readPickle(p.stop())))).toBe('pt-limit');
  });
});

describe('hostile pickles: nothing named by a file is ever called', () => {
  afterEach(() => vi.restoreAllMocks());

  const dangerous: [string, string, string][] = [
    ['posix', 'system', 'touch /tmp/x'],
    ['os', 'system', 'rm -rf ~'],
    ['nt', 'system', 'del C:\\'],
    ['builtins', 'eval', 'print(1)'],
    ['builtins', 'exec', 'import os'],
    ['__builtin__', 'eval', '1+1'],
    ['subprocess', 'check_output', 'id'],
    // Names that exist in JavaScript: a reader that looked names up would reach these.
    ['process', 'exit', '1'],
    ['globalThis', 'eval', 'globalThis.pwned = 1'],
    ['', 'Function', 'return 1'],
  ];

  it.each(dangerous)('%s.%s is reported with its argument and never run', async (module, name, arg) => {
    const exit = vi.spyOn(process, 'exit').mockImplementation((() => {
      throw new Error('process.exit was called');
    }) as never);
    const evalSpy = vi.spyOn(globalThis, 'eval');
    const main = new Pickle()
      .proto()
      .op(0x7d)
      .mark()
      .unicode('weight')
      .tensor('0', 2, 0, [2], [1])
      .unicode('payload')
      .global(module, name)
      .unicode(arg)
      .op(0x85)
      .reduce()
      .op(0x75)
      .stop();
    const index = await scanPytorch(new MemorySource(legacyFile(main, [['0', Float32Array.of(1, 2)]])));
    expect(exit).not.toHaveBeenCalled();
    expect(evalSpy).not.toHaveBeenCalled();
    expect((globalThis as Record<string, unknown>).pwned).toBeUndefined();
    expect(index.tensors.map((t) => t.name)).toEqual(['weight']);
    const mapped = module === '__builtin__' ? 'builtins' : module;
    const quoted = `'${arg.replace(/\\/g, '\\\\')}'`;
    expect(index.problems).toContainEqual({
      code: 'pickle-calls-function',
      detail: `${mapped}.${name}(${quoted})`,
      offset: expect.any(Number) as number,
    });
  });

  it('INST and OBJ (protocol 0 calls) are reported like REDUCE', () => {
    const inst = new Pickle().mark().unicode('id').text('ios\nsystem\n').stop();
    expect(readPickle(inst).calls.map((c) => c.callee)).toEqual(['os.system']);
    const obj = new Pickle().mark().global('subprocess', 'Popen').unicode('ls').op(0x6f).stop();
    expect(readPickle(obj).calls.map((c) => `${c.callee}(${c.args})`)).toEqual(["subprocess.Popen('ls')"]);
  });

  it('the reader’s source has no way to call a name: no eval, Function, dynamic import or global lookup', () => {
    const here = path.dirname(fileURLToPath(import.meta.url));
    for (const file of ['pickle.ts', 'flatten.ts', 'scan.ts', 'zip.ts']) {
      const source = readFileSync(path.join(here, file), 'utf8');
      expect(source, file).not.toMatch(
        /\beval\s*\(|new\s+Function|\bFunction\s*\(|\bimport\s*\(|\brequire\s*\(|globalThis|Reflect\.|\[\s*callee\s*\]/,
      );
    }
  });
});

describe('the legacy layout, built byte by byte', () => {
  it('reads tensors, views of one storage and the storage offsets', async () => {
    const main = new Pickle()
      .proto()
      .op(0x7d)
      .mark()
      .unicode('a')
      .tensor('k', 6, 0, [2, 3], [3, 1])
      .unicode('t')
      .tensor('k', 6, 0, [3, 2], [1, 3])
      .unicode('tail')
      .tensor('k', 6, 4, [2], [1])
      .op(0x75)
      .stop();
    const values = Float32Array.of(0, 1, 2, 3, 4, 5);
    const source = new MemorySource(legacyFile(main, [['k', values]]));
    const index = await scanPytorch(source);
    const read = async (name: string): Promise<number[]> => {
      const entry = index.tensors.find((t) => t.name === name);
      const out: number[] = [];
      for (const range of entry?.ranges ?? []) {
        const bytes = await source.read(range.offset, range.length);
        out.push(...new Float32Array(new Uint8Array(bytes).buffer));
      }
      return out;
    };
    expect(await read('a')).toEqual([0, 1, 2, 3, 4, 5]);
    expect(await read('t')).toEqual([0, 3, 1, 4, 2, 5]);
    expect(await read('tail')).toEqual([4, 5]);
  });

  it('a view reaching past its storage is listed with a problem and no ranges (out-of-bounds stride attack)', async () => {
    const main = new Pickle().proto().op(0x7d).mark().unicode('x').tensor('k', 2, 0, [2], [1000]).op(0x75).stop();
    const index = await scanPytorch(new MemorySource(legacyFile(main, [['k', Float32Array.of(1, 2)]])));
    expect(index.tensors[0]).toMatchObject({ name: 'x', ranges: [], problems: [{ code: 'view-outside-storage' }] });
  });

  it('a broadcast view (expand, stride 0) of 200,000 elements is not listed as 200,000 ranges but gathered', async () => {
    const main = new Pickle().proto().op(0x7d).mark().unicode('w').tensor('k', 4, 1, [200_000], [0]).op(0x75).stop();
    const source = new MemorySource(legacyFile(main, [['k', Float32Array.of(1, 2, 3, 4)]]));
    const index = await scanPytorch(source);
    const entry = index.tensors[0] as TensorEntry;
    // One range: the 4 bytes of storage it repeats (element 1), its values gathered from them.
    expect(entry).toMatchObject({ name: 'w', bytes: 800_000, view: { gathered: true } });
    expect(entry.problems).toBeUndefined();
    expect(entry.ranges).toHaveLength(1);
    expect(Array.from(new Float32Array((await source.read(entry.ranges[0]!.offset, 4)).slice().buffer))).toEqual([2]);
    const { source: values } = viewContent(source, entry);
    const read = new Float32Array((await values.read(0, 800_000)).slice().buffer);
    expect(read.every((value) => value === 2)).toBe(true);
    // A small broadcast is still read, its one value repeated.
    const small = new Pickle().proto().op(0x7d).mark().unicode('w').tensor('k', 4, 1, [3], [0]).op(0x75).stop();
    const smallIndex = await scanPytorch(new MemorySource(legacyFile(small, [['k', Float32Array.of(1, 2, 3, 4)]])));
    expect(smallIndex.tensors[0]?.ranges.map((range) => range.length)).toEqual([4, 4, 4]);
  });

  it('a storage count past the end of the file is a typed error (length lie)', async () => {
    const main = new Pickle().proto().op(0x7d).mark().unicode('x').tensor('k', 2, 0, [2], [1]).op(0x75).stop();
    const file = legacyFile(main, [['k', Float32Array.of(1, 2)]]);
    const lying = file.slice(0, file.length - 8);
    lying.set(u64(2 ** 40), lying.length - 8);
    await expect(scanPytorch(new MemorySource(lying))).rejects.toMatchObject({ code: 'pt-bad-legacy' });
  });

  it('a tensor naming a storage the key list lacks is a typed error (fuzz: views_legacy.pt byteset@712=a,442=5b)', async () => {
    const main = new Pickle().proto().op(0x7d).mark().unicode('x').tensor('k', 2, 0, [2], [1]).op(0x75).stop();
    const file = legacyFile(main, [['other', Float32Array.of(1, 2)]]);
    await expect(scanPytorch(new MemorySource(file))).rejects.toMatchObject({ code: 'pt-bad-legacy' });
    const listed = legacyFile(main, []);
    await expect(scanPytorch(new MemorySource(listed))).rejects.toMatchObject({
      code: 'pt-missing-record',
      details: { actual: 'k' },
    });
  });

  it('a big-endian file is refused by name', async () => {
    const main = new Pickle().proto().op(0x7d).stop();
    const file = legacyFile(main, []);
    // sys info: little_endian True (0x88) → False (0x89)
    const at = Buffer.from(file).indexOf(Buffer.from('little_endian')) + 'little_endian'.length;
    file[at] = 0x89;
    await expect(scanPytorch(new MemorySource(file))).rejects.toMatchObject({ code: 'pt-big-endian' });
  });
});
