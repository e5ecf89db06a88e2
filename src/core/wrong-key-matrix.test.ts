/**
 * Wrong key vs damage, systematically: every mode (AES-GCM, AES-CBC, SM4-CBC, and the MindSpore
 * 1.3–1.6 layout), every key length MindSpore takes, 1, 2, 3 and 310 blocks, thousands of seeded
 * random wrong keys (so the 1-in-256 CBC padding chance happens many times), and the right key
 * with blocks damaged, removed, repeated, swapped, bytes appended or the file cut mid-block.
 * Real WebCrypto and the repo's SM4 WASM decrypt; bytes are made by the repo's own encryptor
 * (a test helper with node:crypto writes the legacy layout, which Ckpt Lens never writes), and
 * node:crypto (OpenSSL) is the independent oracle for which blocks' CBC padding checks.
 */
import { createDecipheriv } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../test/random';
import { concatBytes } from '../base/bytes';
import { isLensError } from '../base/errors';
import type { CipherMode } from '../base/types';
import { encryptBytes } from '../crypto/encrypt';
import { readFrameTable, type FrameTable } from '../crypto/frames';
import { encodeRecord } from '../formats/ckpt/write';
import { MemorySource } from '../io/byte-source';
import { runCli } from '../test/cli';
import { vectors } from '../test/crypto-vectors';
import { fixturePath, hexToBytes } from '../test/fixtures';
import { legacyBlocks } from '../test/legacy-cipher';
import { describeError, oneLine } from './messages';
import { openCheckpoint } from './open';

const work = mkdtempSync(path.join(tmpdir(), 'ckpt-lens-key-matrix-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function randomBytes(next: () => number, length: number): Uint8Array {
  return Uint8Array.from({ length }, () => Math.floor(next() * 256));
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

const BLOCK_BYTES = 4096;

/**
 * A checkpoint of small records (every 4096-byte block holds record headers), about `target`
 * bytes, whose last block's plaintext length leaves a CBC padding of `pad` bytes or more (≥ 4
 * proves a key) — or, with `shortPad`, exactly 1 byte (no block can prove the key).
 */
function checkpoint(target: number, seed: number, shortPad = false): Uint8Array {
  const next = seededRandom(seed);
  const records: Uint8Array[] = [];
  let size = 0;
  for (let i = 0; size < target; i += 1) {
    const count = 8 + Math.floor(next() * 150);
    const record = encodeRecord(`net.layer${i}.weight`, [count], 'Float32', randomBytes(next, count * 4));
    records.push(record);
    size += record.length;
  }
  const lastPad = (): number => 16 - ((size % BLOCK_BYTES) % 16);
  const fits = (): boolean => (shortPad ? lastPad() === 1 : lastPad() >= 4);
  for (let i = 0; !fits(); i += 1) {
    const record = encodeRecord(`s${i}`, [1], 'Int8', new Uint8Array(1));
    records.push(record);
    size += record.length;
  }
  return concatBytes(records);
}

interface Config {
  name: string;
  mode: CipherMode;
  layout: 'current' | 'legacy';
  keyLength: number;
}

const CONFIGS: Config[] = [
  ...[16, 24, 32].map((keyLength): Config => ({
    name: `AES-GCM k${keyLength}`,
    mode: 'AES-GCM',
    layout: 'current',
    keyLength,
  })),
  ...[16, 24, 32].map((keyLength): Config => ({
    name: `AES-CBC k${keyLength}`,
    mode: 'AES-CBC',
    layout: 'current',
    keyLength,
  })),
  { name: 'SM4-CBC k16', mode: 'SM4-CBC', layout: 'current', keyLength: 16 },
  ...[16, 32].map((keyLength): Config => ({
    name: `legacy AES-GCM k${keyLength}`,
    mode: 'AES-GCM',
    layout: 'legacy',
    keyLength,
  })),
  ...[16, 32].map((keyLength): Config => ({
    name: `legacy AES-CBC k${keyLength}`,
    mode: 'AES-CBC',
    layout: 'legacy',
    keyLength,
  })),
];

/** Plaintext sizes for 1, 2, 3 and 310 blocks of 4096 bytes. */
const BLOCK_COUNTS: [number, number][] = [
  [1, 1500],
  [2, 6000],
  [3, 10000],
  [310, 309 * BLOCK_BYTES + 1000],
];

interface Built {
  bytes: Uint8Array;
  key: Uint8Array;
  table: FrameTable;
  config: Config;
}

const builtCache = new Map<string, Promise<Built>>();

function build(config: Config, blocks: number, options: { shortPad?: boolean } = {}): Promise<Built> {
  const id = `${config.name}/${blocks}/${options.shortPad ? 'short' : 'long'}`;
  let pending = builtCache.get(id);
  if (!pending) {
    pending = (async () => {
      const seed = blocks * 1000 + config.keyLength + (config.layout === 'legacy' ? 7 : 0) + config.mode.length;
      const next = seededRandom(seed);
      const key = randomBytes(next, config.keyLength);
      const size = (BLOCK_COUNTS.find(([count]) => count === blocks) as [number, number])[1];
      const plaintext = checkpoint(size, seed, options.shortPad);
      const ivFor = (): Uint8Array => randomBytes(next, 16);
      const bytes =
        config.layout === 'legacy'
          ? legacyBlocks(plaintext, key, ivFor, config.mode, BLOCK_BYTES)
          : await encryptBytes(plaintext, { mode: config.mode, key, blockBytes: BLOCK_BYTES, ivFor });
      const table = await readFrameTable(new MemorySource(bytes), { mode: config.mode });
      expect(table.count).toBe(blocks);
      return { bytes, key, table, config };
    })();
    builtCache.set(id, pending);
  }
  return pending;
}

const modeOption = (config: Config): { mode?: CipherMode } => (config.layout === 'legacy' ? { mode: config.mode } : {});

interface Outcome {
  code: string;
  details: Record<string, unknown>;
  title: string;
  detail: string;
}

async function open(bytes: Uint8Array, key: Uint8Array, config: Config): Promise<Outcome> {
  try {
    await openCheckpoint(new MemorySource(bytes), { key, ...modeOption(config) });
  } catch (error) {
    if (!isLensError(error)) throw error;
    const message = describeError(error.code, error.details, 'cli');
    return { code: error.code, details: { ...error.details }, title: message.title, detail: message.detail };
  }
  return { code: 'ok', details: {}, title: '', detail: '' };
}

/**
 * node:crypto's verdict on each block's CBC padding with `key` (null: invalid; otherwise the
 * padding length) — computed apart from Ckpt Lens's own ciphers.
 */
function oraclePads(built: Built, key: Uint8Array): (number | null)[] {
  const { table, bytes, config } = built;
  const cipherName = config.mode === 'SM4-CBC' ? 'sm4-cbc' : `aes-${key.length * 8}-cbc`;
  const pads: (number | null)[] = [];
  for (let block = 0; block < table.count; block += 1) {
    const start = (table.offsets[block] as number) + (config.layout === 'legacy' ? 32 : 32);
    const end = start + (table.cipherLengths[block] as number);
    const iv = end - start > 16 ? bytes.subarray(end - 32, end - 16) : table.ivs.subarray(block * 16, block * 16 + 16);
    const decipher = createDecipheriv(cipherName, key, iv);
    try {
      const plain = Buffer.concat([decipher.update(bytes.subarray(end - 16, end)), decipher.final()]);
      pads.push(16 - plain.length);
    } catch {
      pads.push(null);
    }
  }
  return pads;
}

/** What every wrong-key verdict must be: "Wrong key", never a claim that the key is right. */
function expectWrongKey(outcome: Outcome, context: string): void {
  expect(outcome.code, `${context}: ${outcome.title}: ${outcome.detail}`).toBe('crypto-wrong-key');
  expect(outcome.title).toBe('Wrong key');
  expect(outcome.detail, context).not.toMatch(/key is right|cut short|appended/);
}

/** Wrong keys per case: many where a chance pass can happen (CBC, legacy), fewer where each is slow or cannot. */
function wrongKeyCount(config: Config, blocks: number): number {
  if (blocks > 3) return config.mode === 'AES-GCM' ? 20 : 40;
  if (config.layout === 'current' && config.mode === 'AES-GCM') return 300;
  if (config.layout === 'legacy' && config.mode === 'AES-GCM') return 300;
  return blocks === 1 ? 2000 : 1000;
}

describe('wrong keys in every mode, key length and block count: always "Wrong key"', () => {
  const chances = { block0: 0, others: 0 };
  const cases = CONFIGS.flatMap((config) => BLOCK_COUNTS.map(([blocks]) => [config.name, blocks, config] as const));
  it.each(cases)('%s, %i blocks', async (_name, blocks, config) => {
    const built = await build(config, blocks);
    // The right key opens it.
    expect((await open(built.bytes, built.key, config)).code).toBe('ok');
    const next = seededRandom(blocks * 7919 + config.keyLength * 31 + config.name.length);
    const cbc = config.mode !== 'AES-GCM';
    const lengths = config.mode === 'SM4-CBC' ? [16] : [16, 24, 32];
    let block0ByChance = 0;
    let othersByChance = 0;
    const total = wrongKeyCount(config, blocks);
    for (let i = 0; i < total; i += 1) {
      const key = randomBytes(next, lengths[i % lengths.length] as number);
      const outcome = await open(built.bytes, key, config);
      const context = `${config.name}, ${blocks} blocks, wrong key ${i}`;
      expectWrongKey(outcome, context);
      if (!cbc) continue;
      // What the sentence says about the blocks must be what OpenSSL finds.
      const pads = oraclePads(built, key);
      expect(
        pads.some((pad) => pad !== null && pad >= 4),
        context,
      ).toBe(false);
      const failing = pads.flatMap((pad, block) => (pad === null ? [block] : []));
      if (pads[0] !== null) block0ByChance += 1;
      if (failing.some((block) => block > 0) && pads.slice(1).some((pad) => pad !== null)) othersByChance += 1;
      const named = (outcome.details.blocksTried as number[] | undefined) ?? [];
      for (const block of named) expect(failing, `${context}: block ${block} named as failing`).toContain(block);
      if (outcome.details.failedCount !== undefined) expect(outcome.details.failedCount, context).toBe(failing.length);
      // Block 0 passing its padding check is never said to fail it.
      if (pads[0] !== null) expect(outcome.detail, context).not.toMatch(/^Cipher block 0 does not decrypt/);
      if (failing.length === 0) expect(outcome.detail, context).toMatch(/pass(es)? (its|their) padding check/);
    }
    chances.block0 += block0ByChance;
    chances.others += othersByChance;
  });

  it('the 1-in-256 chances did happen, many times, in the cases above (their verdicts were checked there)', () => {
    // About 6 × 4,000 / 256 ≈ 94 wrong keys whose block 0 passes its padding check, and most
    // wrong keys on the 310-block files have some other block passing.
    expect(chances.block0, 'block 0 passing its padding check by chance').toBeGreaterThanOrEqual(40);
    expect(chances.others, 'another block passing while some fail').toBeGreaterThanOrEqual(100);
  });

  it.each(['AES-CBC', 'SM4-CBC'] as const)(
    '%s: every block passing a 1-byte padding check (what a wrong key does by chance) proves nothing',
    async (mode) => {
      // The plaintext is not a checkpoint, and each block's plaintext leaves 1 byte of padding:
      // opening it with the key it was made with is exactly what a wrong key sees when every
      // block's padding checks by chance (1 in 256^blocks).
      for (const blocks of [1, 2, 3]) {
        const next = seededRandom(blocks + 99);
        const key = randomBytes(next, 16);
        const garbage = randomBytes(next, (blocks - 1) * (BLOCK_BYTES - 1) + 15 * 16 + 15);
        const bytes = await encryptBytes(garbage, { mode, key, blockBytes: BLOCK_BYTES - 1 });
        // blockBytes 4095: 15 mod 16, a 1-byte pad in every block.
        const config: Config = { name: mode, mode, layout: 'current', keyLength: 16 };
        const outcome = await open(bytes, key, config);
        expectWrongKey(outcome, `${mode}, ${blocks} blocks all passing by chance`);
        // Garbage that even begins like a checkpoint record (one time in ~10^5 for a wrong key).
        const recordLike = garbage.slice();
        recordLike.set([0x0a, 0x40, 0x0a, 0x05], 0);
        const likeOutcome = await open(
          await encryptBytes(recordLike, { mode, key, blockBytes: BLOCK_BYTES - 1 }),
          key,
          config,
        );
        expectWrongKey(likeOutcome, `${mode}, ${blocks} blocks, record-like garbage`);
      }
    },
  );

  it('legacy AES-GCM (no key check at all): garbage beginning like a record is still "Wrong key"', async () => {
    const next = seededRandom(4242);
    const key = randomBytes(next, 16);
    const garbage = randomBytes(next, 3000);
    garbage.set([0x0a, 0x40, 0x0a, 0x05], 0);
    const bytes = legacyBlocks(garbage, key, () => randomBytes(next, 16), 'AES-GCM', 1000);
    const config: Config = { name: 'legacy', mode: 'AES-GCM', layout: 'legacy', keyLength: 16 };
    expectWrongKey(await open(bytes, key, config), 'legacy GCM record-like garbage');
  });

  it('1.3–1.6 files read with the wrong mode: "Wrong key", naming the mode as the other suspect', async () => {
    const next = seededRandom(1316);
    const key = randomBytes(next, 16);
    // Whole 16-byte units, so AES-GCM ciphertext can be read as AES-CBC at all.
    const plaintext = checkpoint(3 * BLOCK_BYTES, 5);
    const whole = plaintext.subarray(0, plaintext.length - (plaintext.length % 16));
    for (const [written, read] of [
      ['AES-GCM', 'AES-CBC'],
      ['AES-CBC', 'AES-GCM'],
    ] as const) {
      const bytes = legacyBlocks(whole, key, () => randomBytes(next, 16), written, BLOCK_BYTES);
      const config: Config = { name: 'legacy', mode: read, layout: 'legacy', keyLength: 16 };
      const outcome = await open(bytes, key, config);
      expectWrongKey(outcome, `legacy ${written} read as ${read}`);
      expect(outcome.detail).toMatch(/1\.3–1\.6/);
      const run = await cli('verify', save(bytes), '--key', hex(key), '--mode', read);
      expect(run.code).toBe(1);
      expect(run.text).toMatch(/^Wrong key: .*1\.3–1\.6/);
    }
  });

  it('SM4-CBC with a key of another length is "the key has the wrong length", not a wrong key or damage', async () => {
    const built = await build(CONFIGS.find((config) => config.mode === 'SM4-CBC') as Config, 2);
    for (const length of [15, 24, 32]) {
      const outcome = await open(built.bytes, new Uint8Array(length).fill(7), built.config);
      expect(outcome.code).toBe('crypto-key-length');
      expect(outcome.detail).not.toMatch(/damaged|tampered|key is right/);
    }
  });
});

describe('the fixtures and vectors of ../shared/fixtures/crypto with wrong keys', () => {
  const files = vectors.checkpoint_fixtures.files.filter((file) => file.mode !== null);
  it.each(files.map((file) => [file.file, file] as const))('%s', async (_name, file) => {
    const bytes = new Uint8Array(readFileSync(fixturePath('crypto', file.file)));
    const config: Config = { name: file.file, mode: file.mode as CipherMode, layout: 'current', keyLength: 16 };
    expect((await open(bytes, hexToBytes(file.key as string), config)).code).toBe('ok');
    const next = seededRandom(file.length + file.file.length * 131 + (file.mode as string).length);
    let chance = 0;
    for (let i = 0; i < 1500; i += 1) {
      const key = randomBytes(next, 16);
      const outcome = await open(bytes, key, config);
      expectWrongKey(outcome, `${file.file}, wrong key ${i}`);
      if (/proves nothing|not a checkpoint/.test(outcome.detail)) chance += 1;
    }
    if (file.mode !== 'AES-GCM') expect(chance).toBeGreaterThanOrEqual(2);
  });
});

/** The CLI on a file: exit code and everything printed. */
async function cli(...argv: string[]): Promise<{ code: number; text: string }> {
  const result = await runCli(...argv);
  return { code: result.code, text: [...result.err, ...result.out].join('\n') };
}

let fileCount = 0;
function save(bytes: Uint8Array): string {
  const at = path.join(work, `f${(fileCount += 1)}.ckpt`);
  writeFileSync(at, bytes);
  return at;
}

const modeArgs = (config: Config): string[] => (config.layout === 'legacy' ? ['--mode', config.mode] : []);

describe('through the CLI: verify, inspect and convert with --key and --key-file', () => {
  const chosen = CONFIGS.filter((config) => config.keyLength !== 32 || config.layout === 'legacy');
  it.each(chosen.map((config) => [config.name, config] as const))('%s', async (_name, config) => {
    for (const blocks of [1, 3, 310]) {
      const built = await build(config, blocks);
      const file = save(built.bytes);
      const next = seededRandom(blocks + config.keyLength);
      for (let i = 0; i < 3; i += 1) {
        const wrong = hex(randomBytes(next, config.keyLength));
        const keyFile = path.join(work, `key-${fileCount}-${i}.txt`);
        writeFileSync(keyFile, `${wrong}\n`);
        const out = path.join(work, `out-${fileCount}-${i}.ckpt`);
        const runs = [
          await cli('verify', file, '--key', wrong, ...modeArgs(config)),
          await cli('inspect', file, '--key-file', keyFile, ...modeArgs(config)),
          await cli('convert', file, out, '--key', wrong, ...modeArgs(config)),
          await cli('verify', file, '--key-file', keyFile, '--json', ...modeArgs(config)),
        ];
        for (const run of runs) {
          expect(run.code, run.text).toBe(1);
          expect(run.text).toMatch(/Wrong key: /);
          expect(run.text).not.toMatch(/key is right|cut short|tampered/);
        }
      }
      const right = await cli('verify', file, '--key', hex(built.key), ...modeArgs(config));
      expect(right.code, right.text).toBe(0);
    }
  });
});

type Edit = (bytes: Uint8Array, table: FrameTable) => Uint8Array;

const blockEnd = (table: FrameTable, block: number): number =>
  block + 1 < table.count ? (table.offsets[block + 1] as number) : table.fileSize;
const blockSlice = (bytes: Uint8Array, table: FrameTable, block: number): Uint8Array =>
  bytes.subarray(table.offsets[block] as number, blockEnd(table, block));
const blocksOf = (bytes: Uint8Array, table: FrameTable): Uint8Array[] =>
  Array.from({ length: table.count }, (_, block) => blockSlice(bytes, table, block));

/** Flips bits of one byte: GCM fails the tag; CBC at the padding's position makes the padding > 16. */
const flipAt =
  (where: (table: FrameTable) => number, mask = 0x80): Edit =>
  (bytes, table) => {
    const out = bytes.slice();
    const at = where(table);
    out[at] = (out[at] as number) ^ mask;
    return out;
  };

const tailOf = (block: number) => (table: FrameTable) => blockEnd(table, block) - 17;
const startOf = (block: number) => (table: FrameTable) => (table.offsets[block] as number) + (table.tags ? 48 : 32);

/** Damage with the right key, and what `verify` must say. */
interface DamageCase {
  name: string;
  edit: Edit;
  /** 3: an integrity finding; 1: "Wrong key" (no intact block can prove the key); [0, 3]: CBC content the format cannot check. */
  expected: (config: Config, blocks: number) => number | readonly number[];
  pattern?: RegExp | ((config: Config) => RegExp | null);
}

function damageCases(blocks: number): DamageCase[] {
  const last = blocks - 1;
  const middle = Math.floor(blocks / 2);
  const targets = [...new Set([0, middle, last])];
  const out: DamageCase[] = [];
  for (const block of targets) {
    out.push({
      name: `block ${block}'s tag / padding altered`,
      edit: flipAt(tailOf(block)),
      expected: (config) =>
        config.layout === 'legacy' && config.mode === 'AES-GCM' ? [0, 1, 3] : blocks === 1 ? 1 : 3,
      pattern: (config) =>
        config.layout === 'legacy' && config.mode === 'AES-GCM'
          ? null
          : blocks === 1
            ? /^Wrong key/
            : new RegExp(`Cipher block ${block} is corrupted`),
    });
    out.push({
      name: `block ${block}'s first ciphertext byte altered`,
      edit: flipAt(startOf(block), 0x01),
      expected: (config) =>
        config.layout === 'legacy' && config.mode === 'AES-GCM'
          ? [0, 1, 3]
          : config.mode === 'AES-GCM' && config.layout === 'current'
            ? blocks === 1
              ? 1
              : 3
            : block === 0
              ? 3
              : [0, 3],
    });
  }
  if (blocks > 1) {
    for (const block of targets) {
      out.push({
        name: `block ${block} removed`,
        edit: (bytes, table) => concatBytes(blocksOf(bytes, table).filter((_, i) => i !== block)),
        expected: (config) => (config.layout === 'legacy' && config.mode === 'AES-GCM' ? [1, 3] : 3),
      });
      out.push({
        name: `block ${block} repeated`,
        edit: (bytes, table) => concatBytes(blocksOf(bytes, table).flatMap((b, i) => (i === block ? [b, b] : [b]))),
        expected: () => 3,
      });
    }
    out.push({
      name: `blocks ${Math.max(0, last - 1)} and ${last} swapped`,
      edit: (bytes, table) => {
        const parts = blocksOf(bytes, table);
        [parts[last - 1], parts[last]] = [parts[last] as Uint8Array, parts[last - 1] as Uint8Array];
        return concatBytes(parts);
      },
      expected: (config) => (config.layout === 'legacy' && config.mode === 'AES-GCM' ? [1, 3] : 3),
    });
  }
  out.push({
    name: 'bytes appended',
    edit: (bytes) => concatBytes([bytes, new TextEncoder().encode('\n# appended by a text editor\n')]),
    expected: () => 3,
    pattern: /^Extra bytes after the encrypted blocks/,
  });
  out.push({
    name: 'cut short in the middle of the last block',
    edit: (bytes, table) => bytes.slice(0, (table.offsets[last] as number) + 40),
    expected: () => 3,
    pattern: /cut short/,
  });
  return out;
}

describe('the right key on damaged files: verify says damage (exit 3), never "Wrong key" when a block proves the key', () => {
  const cases = CONFIGS.filter((config) => config.keyLength !== 24).flatMap((config) =>
    BLOCK_COUNTS.map(([blocks]) => [config.name, blocks, config] as const),
  );
  it.each(cases)('%s, %i blocks', async (_name, blocks, config) => {
    const built = await build(config, blocks);
    for (const damage of damageCases(blocks)) {
      const bytes = damage.edit(built.bytes, built.table);
      const run = await cli('verify', save(bytes), '--key', hex(built.key), ...modeArgs(config));
      const expected = damage.expected(config, blocks);
      const context = `${config.name}, ${blocks} blocks, ${damage.name}: ${run.text}`;
      if (typeof expected === 'number') expect(run.code, context).toBe(expected);
      else expect(expected, context).toContain(run.code);
      const pattern = typeof damage.pattern === 'function' ? damage.pattern(config) : damage.pattern;
      if (pattern) expect(run.text, context).toMatch(pattern);
      if (run.code === 3) expect(run.text, context).not.toMatch(/Wrong key/);
      // "The key is right" only when a block other than the damaged one proved it.
      const proof =
        /key is right: block (\d+)|padding of cipher block (\d+) checks|cipher block (\d+) authenticated|every cipher block read up to that point authenticates/.exec(
          run.text,
        );
      if (/The key is right/.test(run.text)) expect(proof, context).not.toBeNull();
    }
  });

  it.each(['AES-CBC', 'SM4-CBC'] as const)(
    '%s, one block whose right padding is 1 byte: damage there cannot be told from a wrong key, and the sentence says both',
    async (mode) => {
      const config = CONFIGS.find((c) => c.mode === mode && c.layout === 'current' && c.keyLength === 16) as Config;
      const built = await build(config, 1, { shortPad: true });
      expect((await open(built.bytes, built.key, config)).code).toBe('ok');
      const bytes = flipAt(tailOf(0))(built.bytes, built.table);
      const run = await cli('verify', save(bytes), '--key', hex(built.key));
      expect(run.code).toBe(1);
      expect(run.text).toMatch(/^Wrong key: .*the block was altered/);
      expect(oneLine(describeError('crypto-wrong-key', { block: 0, blockCount: 1 }))).toMatch(/cannot be told apart/);
    },
  );
});

describe('an encrypted file mangled by a text conversion', () => {
  const files = vectors.checkpoint_fixtures.files.filter((file) => file.mode !== null);
  it.each(files.map((file) => [file.file, file] as const))(
    '%s: "mangled by a text conversion", with or without the key — not "not encrypted" or "not a checkpoint"',
    async (_name, file) => {
      const original = readFileSync(fixturePath('crypto', file.file));
      // What an editor or a copy-paste does: bytes that are not UTF-8 become EF BF BD.
      const mangled = save(new Uint8Array(Buffer.from(original.toString('utf8'), 'utf8')));
      for (const argv of [
        ['inspect', mangled, '--key', file.key as string],
        ['verify', mangled],
      ]) {
        const run = await cli(...argv);
        expect(run.code).toBe(1);
        expect(run.text).toMatch(/^The file was mangled by a text conversion: .*cipher block magic/);
        expect(run.text).not.toMatch(/not encrypted|Not a checkpoint/);
      }
    },
  );
});
