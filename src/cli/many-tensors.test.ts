import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeRecord } from '../formats/ckpt/write';
import { runCli } from '../test/cli';

/**
 * A file with more tensors than a function call can take arguments (about 120k in Node): the
 * text table's column width was `Math.max(...names)` and overflowed the stack ("Something went
 * wrong inside Ckpt Lens"); `stats` made one read and 64 KiB of scratch per tensor.
 */
const COUNT = 150_000;
const dir = mkdtempSync(path.join(tmpdir(), 'ckpt-lens-many-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function manyTensors(): string {
  const file = path.join(dir, 'many.safetensors');
  const parts: string[] = [];
  for (let i = 0; i < COUNT; i += 1)
    parts.push(`"layer.${i}.w":{"dtype":"F32","shape":[1],"data_offsets":[${i * 4},${i * 4 + 4}]}`);
  let json = `{${parts.join(',')}}`;
  json += ' '.repeat((8 - (json.length % 8)) % 8);
  const header = Buffer.from(json);
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(header.length));
  const data = Buffer.alloc(COUNT * 4);
  data.writeFloatLE(-2.5, (COUNT - 1) * 4);
  writeFileSync(file, Buffer.concat([length, header, data]));
  return file;
}

describe(`a file of ${COUNT.toLocaleString('en-US')} tensors`, () => {
  const file = manyTensors();

  it('inspect prints every tensor in its text table', async () => {
    const { code, out, err } = await runCli('inspect', file);
    expect(err).toEqual([]);
    expect(code).toBe(0);
    expect(out.filter((line) => line.startsWith('layer.')).length).toBe(COUNT);
    // The last tensor, with its one value read from the data (-2.5).
    expect(out.at(-1)).toMatch(/^layer\.149999\.w\s+Float32\s+\[1\]\s+4 {2}= -2\.5$/);
  }, 60_000);

  it('stats measures every tensor and reads the last one right', async () => {
    const { code, out, err } = await runCli('stats', file);
    expect(err).toEqual([]);
    expect(code).toBe(0);
    expect(out.at(-1)).toBe('NaN/Inf audit: clean (150,000 tensors, 150,000 values)');
    expect(out.at(-2)).toBe('many.safetensors: 150,000 tensors measured');
    const last = out.find((line) => line.startsWith('layer.149999.w ')) ?? '';
    expect(last.split(/\s+/).slice(3, 7)).toEqual(['-2.5', '-2.5', '-2.5', '0']);
  }, 120_000);
});

/**
 * A million-tensor index must fit the CLI in 512 MiB (issue 14): here 400,000 tensors, run as a
 * user runs the CLI (its own process, through tsx) with V8's old space capped at 128 MiB — before
 * the lean entries the safetensors file needed 144 MiB and the 1M-tensor file took 680 MB. The
 * peak RSS (tsx included, ~85 MB of it; sampled every 5 ms) is checked against a bound too.
 */
const BIG = 400_000;
const HEAP_MIB = 128;
const RSS_BOUND_MIB = 360;

/** Runs the CLI in a child process with a capped heap; its stdout is a file. */
function runCapped(
  ...argv: string[]
): Promise<{ code: number | null; stderr: string; out: string; maxRssMiB: number }> {
  const outFile = path.join(dir, 'out.json');
  const rssFile = path.join(dir, 'rss.txt');
  const preload = path.join(dir, 'rss.mjs');
  writeFileSync(
    preload,
    // Sampled, not resourceUsage().maxRSS: Linux starts a forked child's maximum at its parent's
    // RSS, so that would measure the test runner.
    [
      `import { writeFileSync } from 'node:fs';`,
      `let peak = 0;`,
      `const sample = () => { peak = Math.max(peak, process.memoryUsage.rss()); };`,
      `setInterval(sample, 5).unref();`,
      `process.on('exit', () => { sample(); writeFileSync(${JSON.stringify(rssFile)}, String(peak)); });`,
    ].join('\n'),
  );
  rmSync(rssFile, { force: true });
  const fd = openSync(outFile, 'w');
  const main = path.resolve('src/cli/main.ts');
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [`--max-old-space-size=${HEAP_MIB}`, '--import', 'tsx', '--import', preload, main, ...argv],
      { stdio: ['ignore', fd, 'pipe'] },
    );
    let stderr = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (text: string) => (stderr += text));
    child.on('close', (code, signal) => {
      closeSync(fd);
      resolve({
        code: code ?? (signal as unknown as number),
        stderr,
        out: readFileSync(outFile, 'latin1'),
        maxRssMiB: existsSync(rssFile) ? Number(readFileSync(rssFile, 'latin1')) / 2 ** 20 : Infinity,
      });
    });
  });
}

function bigSafetensors(): string {
  const file = path.join(dir, 'big.safetensors');
  const parts: string[] = [];
  for (let i = 0; i < BIG; i += 1)
    parts.push(`"t${i}":{"dtype":"F32","shape":[1],"data_offsets":[${i * 4},${i * 4 + 4}]}`);
  let json = `{${parts.join(',')}}`;
  json += ' '.repeat((8 - (json.length % 8)) % 8);
  const header = Buffer.from(json);
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(header.length));
  const data = Buffer.alloc(BIG * 4);
  data.writeFloatLE(0.5, (BIG - 1) * 4);
  writeFileSync(file, Buffer.concat([length, header, data]));
  return file;
}

/**
 * `encodeRecord(name, dims, tensorType, content)` for records under 128 bytes, written straight
 * into one buffer (two million encodeRecord calls took half a minute); checked against it below.
 */
function tinyRecords(
  count: number,
  nameOf: (i: number) => string,
  dims: number[],
  tensorType: string,
  contentOf: (i: number) => Uint8Array,
): Buffer {
  const tensorHead = Buffer.from([
    ...dims.flatMap((dim) => [0x08, dim]),
    0x12,
    tensorType.length,
    ...Buffer.from(tensorType),
  ]);
  let size = 0;
  for (let i = 0; i < count; i += 1) size += 8 + tensorHead.length + nameOf(i).length + contentOf(i).length;
  const file = Buffer.alloc(size);
  let at = 0;
  for (let i = 0; i < count; i += 1) {
    const name = nameOf(i);
    const content = contentOf(i);
    const tensorLength = tensorHead.length + 2 + content.length;
    file[at++] = 0x0a;
    file[at++] = 2 + name.length + 2 + tensorLength;
    file[at++] = 0x0a;
    file[at++] = name.length;
    at += file.write(name, at, 'latin1');
    file[at++] = 0x12;
    file[at++] = tensorLength;
    at += tensorHead.copy(file, at);
    file[at++] = 0x1a;
    file[at++] = content.length;
    file.set(content, at);
    at += content.length;
  }
  const first = encodeRecord(nameOf(0), dims, tensorType, contentOf(0));
  expect(file.subarray(0, first.length)).toEqual(Buffer.from(first));
  return file;
}

function bigCheckpoint(): string {
  const file = path.join(dir, 'big.ckpt');
  const value = (i: number) => {
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setFloat32(0, i, true);
    return bytes;
  };
  writeFileSync(
    file,
    tinyRecords(BIG, (i) => `layer.${i}.w`, [1], 'Float32', value),
  );
  return file;
}

/** Occurrences of `text` in `haystack`. */
function count(haystack: string, text: string): number {
  let found = 0;
  for (let at = haystack.indexOf(text); at >= 0; at = haystack.indexOf(text, at + text.length)) found += 1;
  return found;
}

describe(`${BIG.toLocaleString('en-US')} tensors in a CLI process with a ${HEAP_MIB} MiB heap`, () => {
  it('inspect --json lists every tensor of a safetensors file', async () => {
    const { code, stderr, out, maxRssMiB } = await runCapped('inspect', bigSafetensors(), '--json');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(count(out, '{"name":')).toBe(BIG);
    expect(
      out.endsWith(`{"name":"t${BIG - 1}","dtype":"Float32","rawDtype":"F32","shape":[1],"bytes":4,"value":0.5}]}\n`),
    ).toBe(true);
    expect(maxRssMiB).toBeLessThan(RSS_BOUND_MIB);
  }, 120_000);

  it('inspect --json lists every record of a .ckpt', async () => {
    const { code, stderr, out, maxRssMiB } = await runCapped('inspect', bigCheckpoint(), '--json');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(count(out, '{"name":')).toBe(BIG);
    expect(
      out.endsWith(`{"name":"layer.${BIG - 1}.w","dtype":"Float32","shape":[1],"bytes":4,"value":${BIG - 1}}]}\n`),
    ).toBe(true);
    expect(maxRssMiB).toBeLessThan(RSS_BOUND_MIB);
  }, 120_000);

  it('a .ckpt of 2,000,001 records is refused before its entries are made (it used to take 1.3 GB first)', async () => {
    const file = path.join(dir, 'too-many.ckpt');
    const none = new Uint8Array(0);
    writeFileSync(
      file,
      tinyRecords(
        2_000_001,
        (i) => `n${i}`,
        [],
        'Int8',
        () => none,
      ),
    );
    const { code, stderr, maxRssMiB } = await runCapped('inspect', file);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^Too many records: The file has more than 2000000 records \(in .*, at byte [\d,]+\)\./);
    expect(maxRssMiB).toBeLessThan(RSS_BOUND_MIB);
  }, 120_000);
});
