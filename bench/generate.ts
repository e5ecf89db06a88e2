// Generates benchmark inputs on a tmpfs (cold file pages get evicted within minutes on these
// machines, so /dev/shm keeps runs comparable): a .ckpt with many tensors and a .safetensors.
import { closeSync, existsSync, mkdirSync, openSync, renameSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';
import { encodeRecord, encodeRecordHeader } from '../src/formats/ckpt/write';

const MiB = 1024 * 1024;

/** A reusable block of float32 values in [-1, 1): content is never all zeros. */
export function patternBlock(bytes: number): Uint8Array {
  const floats = new Float32Array(bytes / 4);
  let seed = 12345;
  for (let i = 0; i < floats.length; i += 1) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    floats[i] = seed / 0x80000000 - 1;
  }
  return new Uint8Array(floats.buffer);
}

function writeContent(fd: number, block: Uint8Array, length: number): void {
  let left = length;
  while (left > 0) {
    const n = Math.min(left, block.length);
    writeSync(fd, block, 0, n);
    left -= n;
  }
}

export interface BenchInputs {
  ckpt: string;
  safetensors: string;
  tensors: number;
  sizeBytes: number;
}

/** Tensor sizes: a deterministic mix of small (bias-like) and large (weight-like) tensors. */
export function tensorSizes(total: number, count: number): number[] {
  const weights = Array.from({ length: count }, (_, i) =>
    i % 10 === 0 ? 1 : i % 3 === 0 ? 0.02 : 0.6 + ((i * 7919) % 97) / 97,
  );
  const sum = weights.reduce((a, b) => a + b, 0);
  return weights.map((w) => Math.max(4, Math.floor(((w / sum) * total) / 4) * 4));
}

export function generateInputs(
  dir: string,
  sizeBytes: number,
  tensorCount: number,
  options: { safetensors?: boolean } = {},
): BenchInputs {
  mkdirSync(dir, { recursive: true });
  const ckpt = path.join(dir, `bench-${sizeBytes / MiB}MiB-${tensorCount}.ckpt`);
  const safetensors = path.join(dir, `bench-${sizeBytes / MiB}MiB-${tensorCount}.safetensors`);
  const sizes = tensorSizes(sizeBytes, tensorCount);
  const block = patternBlock(4 * MiB);
  if (!existsSync(ckpt) || statSync(ckpt).size < sizeBytes) {
    const fd = openSync(ckpt, 'w');
    sizes.forEach((bytes, i) => {
      writeSync(
        fd,
        encodeRecordHeader(`model.layers.${Math.floor(i / 10)}.block.param_${i}.weight`, [bytes / 4], 'Float32', bytes),
      );
      writeContent(fd, block, bytes);
    });
    closeSync(fd);
  }
  // /dev/shm is memory: write the safetensors twin only for runs that read it.
  if (options.safetensors !== false && (!existsSync(safetensors) || statSync(safetensors).size < sizeBytes)) {
    const header: Record<string, unknown> = { __metadata__: { format: 'ms' } };
    let offset = 0;
    sizes.forEach((bytes, i) => {
      header[`model.layers.${Math.floor(i / 10)}.block.param_${i}.weight`] = {
        dtype: 'F32',
        shape: [bytes / 4],
        data_offsets: [offset, offset + bytes],
      };
      offset += bytes;
    });
    let json = JSON.stringify(header);
    json += ' '.repeat((8 - (json.length % 8)) % 8);
    const headerBytes = new TextEncoder().encode(json);
    const fd = openSync(safetensors, 'w');
    const lengthBytes = new Uint8Array(8);
    new DataView(lengthBytes.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
    writeSync(fd, lengthBytes);
    writeSync(fd, headerBytes);
    writeContent(fd, block, offset);
    closeSync(fd);
  }
  return { ckpt, safetensors, tensors: tensorCount, sizeBytes };
}

/** A plaintext .ckpt with a CRC trailer and its encrypted twins, for the integrity and crypto rows. */
export interface CryptoInputs {
  crcCkpt: string;
  encrypted: Record<'AES-GCM' | 'AES-CBC' | 'SM4-CBC', string>;
  /** Raw SM4-CBC ciphertext of the same size for `openssl enc -d` (no MindSpore framing). */
  opensslSm4: string;
  key16: Uint8Array;
  plaintextBytes: number;
}

export async function generateCryptoInputs(dir: string, sizeBytes: number): Promise<CryptoInputs> {
  const { crc32 } = await import('node:zlib');
  const { encryptCheckpoint } = await import('../src/crypto/encrypt');
  const { encodeCrcTrailer } = await import('../src/base/crc-trailer');
  const { readFileSync, writeFileSync } = await import('node:fs');
  mkdirSync(dir, { recursive: true });
  const base = path.join(dir, `crypto-${sizeBytes / MiB}MiB`);
  const key16 = Uint8Array.from({ length: 16 }, (_, i) => i);
  const plain = `${base}.plain.ckpt`;
  const crcCkpt = `${base}.crc.ckpt`;
  // 64 tensors: big enough that the work is in the bytes, like a real model shard.
  if (!existsSync(crcCkpt)) {
    const inputs = generateInputs(dir, sizeBytes, 64);
    const body = readFileSync(inputs.ckpt);
    writeFileSync(plain, body);
    writeFileSync(crcCkpt, Buffer.concat([body, encodeCrcTrailer(crc32(body))]));
  }
  const encrypted = {} as CryptoInputs['encrypted'];
  for (const mode of ['AES-GCM', 'AES-CBC', 'SM4-CBC'] as const) {
    const file = `${base}.${mode}.ckpt`;
    encrypted[mode] = file;
    if (existsSync(file)) continue;
    const fd = openSync(file, 'w');
    const body = readFileSync(plain);
    const chunks = (function* () {
      for (let at = 0; at < body.length; at += 64 * MiB) yield body.subarray(at, at + 64 * MiB);
    })();
    for await (const block of encryptCheckpoint(chunks, { mode, key: key16 })) writeSync(fd, block);
    closeSync(fd);
  }
  const opensslSm4 = `${base}.openssl-sm4.bin`;
  if (!existsSync(opensslSm4)) {
    const { execFileSync } = await import('node:child_process');
    try {
      execFileSync('openssl', [
        'enc',
        '-sm4-cbc',
        '-K',
        Buffer.from(key16).toString('hex'),
        '-iv',
        '00'.repeat(16),
        '-in',
        plain,
        '-out',
        opensslSm4,
      ]);
    } catch {
      // no openssl with SM4 here: the row says so
    }
  }
  return { crcCkpt, encrypted, opensslSm4, key16, plaintextBytes: statSync(plain).size };
}

/** The name of tiny tensor `i` of generateManyTensors and generateManyRecords. */
const manyName = (i: number): string =>
  `model.layers.${Math.floor(i / 100)}.block${i % 100}.${i % 2 ? 'bias' : 'weight'}`;

/** A safetensors file with `count` tiny tensors: the app's table and filter at 100k rows. */
export function generateManyTensors(dir: string, count: number): string {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `many-${count}.safetensors`);
  if (existsSync(file)) return file;
  const header: Record<string, unknown> = {};
  for (let i = 0; i < count; i += 1) {
    header[manyName(i)] = {
      dtype: 'F32',
      shape: [1],
      data_offsets: [i * 4, i * 4 + 4],
    };
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8);
  const headerBytes = new TextEncoder().encode(json);
  const fd = openSync(file, 'w');
  const lengthBytes = new Uint8Array(8);
  new DataView(lengthBytes.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  writeSync(fd, lengthBytes);
  writeSync(fd, headerBytes);
  writeSync(fd, new Uint8Array(count * 4));
  closeSync(fd);
  return file;
}

/**
 * The same tiny tensors as a .ckpt: `count` records of one `[1]` Float32 value each (a million
 * make 51 MiB), for the CLI's million-record index row.
 */
export function generateManyRecords(dir: string, count: number): string {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `many-${count}.ckpt`);
  if (existsSync(file)) return file;
  const fd = openSync(`${file}.partial`, 'w');
  const value = new Uint8Array(4);
  let batch: Uint8Array[] = [];
  const flush = (): void => {
    writeSync(fd, Buffer.concat(batch));
    batch = [];
  };
  for (let i = 0; i < count; i += 1) {
    batch.push(encodeRecord(manyName(i), [1], 'Float32', value));
    if (batch.length === 10_000) flush();
  }
  if (batch.length > 0) flush();
  closeSync(fd);
  renameSync(`${file}.partial`, file);
  return file;
}
