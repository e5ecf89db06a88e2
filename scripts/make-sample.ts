// Generates public/samples/lenet-sample.ckpt: a LeNet-5 shaped checkpoint written with our
// MindSpore-compatible record encoder (not a real training run: weights are deterministic
// pseudo-random values scaled like He initialisation). It carries the kinds of entries real
// files have: Momentum state, Int32/Int64 scalars, a string, Float16 and BFloat16 tensors, and
// a crc_num trailer. Run: npx tsx scripts/make-sample.ts
import { writeFileSync, mkdirSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import { encodeRecord } from '../src/formats/ckpt/write';
import { encodeCrcTrailer } from '../src/base/crc-trailer';
import { encodeUtf32le } from '../src/base/decode';

let seed = 20261123;
function random(): number {
  // xorshift32: deterministic, so the committed sample is reproducible byte for byte.
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 0x100000000;
}
function gaussian(): number {
  return Math.sqrt(-2 * Math.log(random() + 1e-12)) * Math.cos(2 * Math.PI * random());
}

function float32Tensor(shape: number[], scale: number): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(count);
  for (let i = 0; i < count; i += 1) values[i] = gaussian() * scale;
  return new Uint8Array(values.buffer);
}

function toHalf(value: number): number {
  const f32 = new Float32Array([value]);
  const bits = new Uint32Array(f32.buffer)[0]!;
  const sign = (bits >>> 16) & 0x8000;
  const exponent = ((bits >>> 23) & 0xff) - 127 + 15;
  const mantissa = bits & 0x7fffff;
  if (exponent <= 0) return sign;
  if (exponent >= 31) return sign | 0x7c00;
  return sign | (exponent << 10) | Math.round(mantissa / 8192);
}

const records: Uint8Array[] = [];
const add = (name: string, dims: number[], type: string, content: Uint8Array): void => {
  records.push(encodeRecord(name, dims, type, content));
};

const layers: [string, number[]][] = [
  ['conv1.weight', [6, 1, 5, 5]],
  ['conv2.weight', [16, 6, 5, 5]],
  ['fc1.weight', [120, 400]],
  ['fc1.bias', [120]],
  ['fc2.weight', [84, 120]],
  ['fc2.bias', [84]],
];
for (const [name, shape] of layers)
  add(name, shape, 'Float32', float32Tensor(shape, Math.sqrt(2 / (shape.slice(1).reduce((a, b) => a * b, 1) || 1))));
// The classifier in half precision, its bias in bfloat16 (upper 16 bits of float32).
const fc3 = new Uint16Array(10 * 84).map(() => toHalf(gaussian() * 0.15));
add('fc3.weight', [10, 84], 'Float16', new Uint8Array(fc3.buffer));
const fc3bias = new Float32Array(10).map(() => gaussian() * 0.01);
add(
  'fc3.bias',
  [10],
  'BFloat16',
  new Uint8Array(new Uint16Array(new Uint32Array(fc3bias.buffer).map((b) => b >>> 16)).buffer),
);
for (const [name, shape] of layers) add(`moments.${name}`, shape, 'Float32', float32Tensor(shape, 1e-3));
add('learning_rate', [], 'Float32', new Uint8Array(new Float32Array([0.01]).buffer));
add('momentum', [], 'Float32', new Uint8Array(new Float32Array([0.9]).buffer));
add('global_step', [1], 'Int32', new Uint8Array(new Int32Array([1875]).buffer));
add('epoch_num', [], 'Int64', new Uint8Array(new BigInt64Array([1n]).buffer));
add('step_num', [], 'Int64', new Uint8Array(new BigInt64Array([1875n]).buffer));
add('note', [0], 'str', encodeUtf32le('Ckpt Lens sample: LeNet-5 shape, generated weights'));

const body = Buffer.concat(records);
const file = Buffer.concat([body, encodeCrcTrailer(crc32(body))]);
mkdirSync('public/samples', { recursive: true });
writeFileSync('public/samples/lenet-sample.ckpt', file);
console.log(`wrote public/samples/lenet-sample.ckpt (${file.length} bytes, ${records.length} records)`);
