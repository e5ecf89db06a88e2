// SM4 (GB/T 32907-2016) in CBC mode, AssemblyScript compiled to WASM by scripts/build-wasm.mjs.
// Table-driven: the S-box and the linear map L are folded into four 256-entry u32 tables, so a
// round is four loads and xors. No GC (`--runtime stub`); everything lives in memory allocated
// once by init(). The JS wrapper copies ≤ 1 MiB chunks into the I/O area and out again.
//
// I/O area layout (returned by init): [0,16) key, [16,32) chaining IV, [64, 64 + CHUNK) data.

const CHUNK: i32 = 1 << 20;
const DATA_OFFSET: usize = 64;

const SBOX: usize = memory.data<u8>([
  0xd6, 0x90, 0xe9, 0xfe, 0xcc, 0xe1, 0x3d, 0xb7, 0x16, 0xb6, 0x14, 0xc2, 0x28, 0xfb, 0x2c, 0x05, 0x2b, 0x67, 0x9a,
  0x76, 0x2a, 0xbe, 0x04, 0xc3, 0xaa, 0x44, 0x13, 0x26, 0x49, 0x86, 0x06, 0x99, 0x9c, 0x42, 0x50, 0xf4, 0x91, 0xef,
  0x98, 0x7a, 0x33, 0x54, 0x0b, 0x43, 0xed, 0xcf, 0xac, 0x62, 0xe4, 0xb3, 0x1c, 0xa9, 0xc9, 0x08, 0xe8, 0x95, 0x80,
  0xdf, 0x94, 0xfa, 0x75, 0x8f, 0x3f, 0xa6, 0x47, 0x07, 0xa7, 0xfc, 0xf3, 0x73, 0x17, 0xba, 0x83, 0x59, 0x3c, 0x19,
  0xe6, 0x85, 0x4f, 0xa8, 0x68, 0x6b, 0x81, 0xb2, 0x71, 0x64, 0xda, 0x8b, 0xf8, 0xeb, 0x0f, 0x4b, 0x70, 0x56, 0x9d,
  0x35, 0x1e, 0x24, 0x0e, 0x5e, 0x63, 0x58, 0xd1, 0xa2, 0x25, 0x22, 0x7c, 0x3b, 0x01, 0x21, 0x78, 0x87, 0xd4, 0x00,
  0x46, 0x57, 0x9f, 0xd3, 0x27, 0x52, 0x4c, 0x36, 0x02, 0xe7, 0xa0, 0xc4, 0xc8, 0x9e, 0xea, 0xbf, 0x8a, 0xd2, 0x40,
  0xc7, 0x38, 0xb5, 0xa3, 0xf7, 0xf2, 0xce, 0xf9, 0x61, 0x15, 0xa1, 0xe0, 0xae, 0x5d, 0xa4, 0x9b, 0x34, 0x1a, 0x55,
  0xad, 0x93, 0x32, 0x30, 0xf5, 0x8c, 0xb1, 0xe3, 0x1d, 0xf6, 0xe2, 0x2e, 0x82, 0x66, 0xca, 0x60, 0xc0, 0x29, 0x23,
  0xab, 0x0d, 0x53, 0x4e, 0x6f, 0xd5, 0xdb, 0x37, 0x45, 0xde, 0xfd, 0x8e, 0x2f, 0x03, 0xff, 0x6a, 0x72, 0x6d, 0x6c,
  0x5b, 0x51, 0x8d, 0x1b, 0xaf, 0x92, 0xbb, 0xdd, 0xbc, 0x7f, 0x11, 0xd9, 0x5c, 0x41, 0x1f, 0x10, 0x5a, 0xd8, 0x0a,
  0xc1, 0x31, 0x88, 0xa5, 0xcd, 0x7b, 0xbd, 0x2d, 0x74, 0xd0, 0x12, 0xb8, 0xe5, 0xb4, 0xb0, 0x89, 0x69, 0x97, 0x4a,
  0x0c, 0x96, 0x77, 0x7e, 0x65, 0xb9, 0xf1, 0x09, 0xc5, 0x6e, 0xc6, 0x84, 0x18, 0xf0, 0x7d, 0xec, 0x3a, 0xdc, 0x4d,
  0x20, 0x79, 0xee, 0x5f, 0x3e, 0xd7, 0xcb, 0x39, 0x48,
]);

// Static addresses, so every table load has a constant base the compiler folds into the offset.
const tables: usize = memory.data(4096, 16); // 4 × 256 u32: T_j[x] = L(sbox[x] << (24 - 8j))
const encKeys: usize = memory.data(128, 16); // 32 u32
const decKeys: usize = memory.data(128, 16); // 32 u32, reversed
let io: usize = 0;

function sbox(x: u32): u32 {
  return <u32>load<u8>(SBOX + <usize>x);
}

function tau(w: u32): u32 {
  return (sbox(w >>> 24) << 24) | (sbox((w >>> 16) & 255) << 16) | (sbox((w >>> 8) & 255) << 8) | sbox(w & 255);
}

function linear(b: u32): u32 {
  return b ^ rotl<u32>(b, 2) ^ rotl<u32>(b, 10) ^ rotl<u32>(b, 18) ^ rotl<u32>(b, 24);
}

function linearKey(b: u32): u32 {
  return b ^ rotl<u32>(b, 13) ^ rotl<u32>(b, 23);
}

function roundT(w: u32): u32 {
  return (
    load<u32>(tables + ((<usize>(w >>> 24)) << 2)) ^
    load<u32>(tables + 1024 + ((<usize>((w >>> 16) & 255)) << 2)) ^
    load<u32>(tables + 2048 + ((<usize>((w >>> 8) & 255)) << 2)) ^
    load<u32>(tables + 3072 + ((<usize>(w & 255)) << 2))
  );
}

function readBE(p: usize): u32 {
  return bswap<u32>(load<u32>(p));
}

function writeBE(p: usize, v: u32): void {
  store<u32>(p, bswap<u32>(v));
}

/** Builds the tables once; returns the address of the I/O area. */
export function init(): usize {
  if (io != 0) return io;
  io = heap.alloc(DATA_OFFSET + <usize>CHUNK);
  for (let x: u32 = 0; x < 256; x++) {
    const t = linear(sbox(x) << 24);
    store<u32>(tables + ((<usize>x) << 2), t);
    store<u32>(tables + 1024 + ((<usize>x) << 2), rotr<u32>(t, 8));
    store<u32>(tables + 2048 + ((<usize>x) << 2), rotr<u32>(t, 16));
    store<u32>(tables + 3072 + ((<usize>x) << 2), rotr<u32>(t, 24));
  }
  return io;
}

export function chunkBytes(): i32 {
  return CHUNK;
}

/** Expands the 16-byte key at io[0,16). */
export function setKey(): void {
  let k0 = readBE(io) ^ 0xa3b1bac6;
  let k1 = readBE(io + 4) ^ 0x56aa3350;
  let k2 = readBE(io + 8) ^ 0x677d9197;
  let k3 = readBE(io + 12) ^ 0xb27022dc;
  for (let i: u32 = 0; i < 32; i++) {
    const base = 4 * i;
    const ck =
      (((base * 7) & 255) << 24) |
      ((((base + 1) * 7) & 255) << 16) |
      ((((base + 2) * 7) & 255) << 8) |
      (((base + 3) * 7) & 255);
    const rk = k0 ^ linearKey(tau(k1 ^ k2 ^ k3 ^ ck));
    store<u32>(encKeys + ((<usize>i) << 2), rk);
    store<u32>(decKeys + ((<usize>(31 - i)) << 2), rk);
    k0 = k1;
    k1 = k2;
    k2 = k3;
    k3 = rk;
  }
}

function cryptBlock(keys: usize, src: usize, dst: usize): void {
  let x0 = readBE(src);
  let x1 = readBE(src + 4);
  let x2 = readBE(src + 8);
  let x3 = readBE(src + 12);
  for (let r: usize = 0; r < 128; r += 16) {
    x0 ^= roundT(x1 ^ x2 ^ x3 ^ load<u32>(keys + r));
    x1 ^= roundT(x2 ^ x3 ^ x0 ^ load<u32>(keys + r + 4));
    x2 ^= roundT(x3 ^ x0 ^ x1 ^ load<u32>(keys + r + 8));
    x3 ^= roundT(x0 ^ x1 ^ x2 ^ load<u32>(keys + r + 12));
  }
  writeBE(dst, x3);
  writeBE(dst + 4, x2);
  writeBE(dst + 8, x1);
  writeBE(dst + 12, x0);
}

/** Forgets the key: zeroes the raw key, the chaining IV and both round-key schedules. */
export function clearKey(): void {
  memory.fill(encKeys, 0, 128);
  memory.fill(decKeys, 0, 128);
  memory.fill(io, 0, 32);
}

/** ECB encryption in place of `length` bytes of data (known-answer tests). */
export function ecbEncrypt(length: i32): void {
  const data = io + DATA_OFFSET;
  for (let p: usize = 0; p < <usize>length; p += 16) cryptBlock(encKeys, data + p, data + p);
}

/** CBC encryption in place; the chaining IV at io[16,32) is advanced to the last ciphertext block. */
export function cbcEncrypt(length: i32): void {
  const data = io + DATA_OFFSET;
  const iv = io + 16;
  for (let p: usize = 0; p < <usize>length; p += 16) {
    const block = data + p;
    store<u64>(block, load<u64>(block) ^ load<u64>(iv));
    store<u64>(block + 8, load<u64>(block + 8) ^ load<u64>(iv + 8));
    cryptBlock(encKeys, block, block);
    store<u64>(iv, load<u64>(block));
    store<u64>(iv + 8, load<u64>(block + 8));
  }
}

// Two independent blocks per pass: CBC decryption has no chain between blocks, and
// interleaving their rounds hides the latency of the table loads.
function decryptPair(block: usize): void {
  let x0 = readBE(block);
  let x1 = readBE(block + 4);
  let x2 = readBE(block + 8);
  let x3 = readBE(block + 12);
  let y0 = readBE(block + 16);
  let y1 = readBE(block + 20);
  let y2 = readBE(block + 24);
  let y3 = readBE(block + 28);
  for (let r: usize = 0; r < 128; r += 16) {
    const k0 = load<u32>(decKeys + r);
    const k1 = load<u32>(decKeys + r + 4);
    const k2 = load<u32>(decKeys + r + 8);
    const k3 = load<u32>(decKeys + r + 12);
    x0 ^= roundT(x1 ^ x2 ^ x3 ^ k0);
    y0 ^= roundT(y1 ^ y2 ^ y3 ^ k0);
    x1 ^= roundT(x2 ^ x3 ^ x0 ^ k1);
    y1 ^= roundT(y2 ^ y3 ^ y0 ^ k1);
    x2 ^= roundT(x3 ^ x0 ^ x1 ^ k2);
    y2 ^= roundT(y3 ^ y0 ^ y1 ^ k2);
    x3 ^= roundT(x0 ^ x1 ^ x2 ^ k3);
    y3 ^= roundT(y0 ^ y1 ^ y2 ^ k3);
  }
  writeBE(block, x3);
  writeBE(block + 4, x2);
  writeBE(block + 8, x1);
  writeBE(block + 12, x0);
  writeBE(block + 16, y3);
  writeBE(block + 20, y2);
  writeBE(block + 24, y1);
  writeBE(block + 28, y0);
}

/** CBC decryption in place (no padding removed); the chaining IV is advanced likewise. */
export function cbcDecrypt(length: i32): void {
  const data = io + DATA_OFFSET;
  const iv = io + 16;
  let p: usize = 0;
  const end = <usize>length;
  for (; p + 32 <= end; p += 32) {
    const block = data + p;
    const a0 = load<u64>(block);
    const a1 = load<u64>(block + 8);
    const b0 = load<u64>(block + 16);
    const b1 = load<u64>(block + 24);
    decryptPair(block);
    store<u64>(block, load<u64>(block) ^ load<u64>(iv));
    store<u64>(block + 8, load<u64>(block + 8) ^ load<u64>(iv + 8));
    store<u64>(block + 16, load<u64>(block + 16) ^ a0);
    store<u64>(block + 24, load<u64>(block + 24) ^ a1);
    store<u64>(iv, b0);
    store<u64>(iv + 8, b1);
  }
  for (; p < end; p += 16) {
    const block = data + p;
    const c0 = load<u64>(block);
    const c1 = load<u64>(block + 8);
    cryptBlock(decKeys, block, block);
    store<u64>(block, load<u64>(block) ^ load<u64>(iv));
    store<u64>(block + 8, load<u64>(block + 8) ^ load<u64>(iv + 8));
    store<u64>(iv, c0);
    store<u64>(iv + 8, c1);
  }
}
