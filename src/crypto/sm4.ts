/**
 * Narrow wrapper over the SM4 WASM kernel (src/wasm/sm4.ts, compiled by scripts/build-wasm.mjs
 * into src/generated/wasm/sm4.ts). Loaded lazily on first use; the bytes are embedded, so no
 * request is made. Copy in, copy out, ≤ 1 MiB per call so V8 optimises the kernel; no WASM
 * handle escapes. One instance serves every key (the key is set before each call; calls are
 * synchronous, so they cannot interleave).
 */
import { internalError } from '../base/errors';
import { WASM_CHUNK_BYTES } from '../base/limits';
import type { RawBlockCipher } from './raw-cipher';
import { instantiateEmbeddedWasm } from '../base/wasm';

interface Sm4Exports {
  memory: WebAssembly.Memory;
  init(): number;
  chunkBytes(): number;
  setKey(): void;
  clearKey(): void;
  ecbEncrypt(length: number): void;
  cbcEncrypt(length: number): void;
  cbcDecrypt(length: number): void;
}

interface Sm4Kernel {
  exports: Sm4Exports;
  io: number;
  chunk: number;
}

let kernel: Promise<Sm4Kernel> | null = null;

async function instantiate(): Promise<Sm4Kernel> {
  const { sm4WasmBase64 } = await import('../generated/wasm/sm4');
  const exports = await instantiateEmbeddedWasm<Sm4Exports>(sm4WasmBase64, 'SM4');
  const io = exports.init();
  // Warm-up: V8 starts WASM in its baseline tier and only tiers up hot functions between calls.
  exports.setKey();
  for (let i = 0; i < 8; i += 1) {
    exports.cbcDecrypt(64 * 1024);
    exports.cbcEncrypt(64 * 1024);
  }
  new Uint8Array(exports.memory.buffer).fill(0, io, io + 64 + 64 * 1024);
  return { exports, io, chunk: Math.min(WASM_CHUNK_BYTES, exports.chunkBytes()) };
}

function loadKernel(): Promise<Sm4Kernel> {
  kernel ??= instantiate().catch((error: unknown) => {
    kernel = null;
    throw error;
  });
  return kernel;
}

const DATA_OFFSET = 64;

/** SM4 with one 16-byte key. Create with `await Sm4.create(key)`. */
export class Sm4 implements RawBlockCipher {
  private constructor(
    private readonly kernel: Sm4Kernel,
    private readonly key: Uint8Array,
  ) {}

  static async create(key: Uint8Array): Promise<Sm4> {
    if (key.length !== 16) throw internalError('SM4 key must be 16 bytes');
    return new Sm4(await loadKernel(), key.slice());
  }

  private run(
    iv: Uint8Array | null,
    data: Uint8Array,
    operation: 'ecbEncrypt' | 'cbcEncrypt' | 'cbcDecrypt',
  ): Uint8Array {
    if (data.length % 16 !== 0) throw internalError('SM4 data must be whole 16-byte blocks');
    const { exports, io, chunk } = this.kernel;
    let memory = new Uint8Array(exports.memory.buffer);
    memory.set(this.key, io);
    exports.setKey();
    if (iv) memory.set(iv.subarray(0, 16), io + 16);
    const out = new Uint8Array(data.length);
    for (let offset = 0; offset < data.length; offset += chunk) {
      const length = Math.min(chunk, data.length - offset);
      memory = new Uint8Array(exports.memory.buffer);
      memory.set(data.subarray(offset, offset + length), io + DATA_OFFSET);
      exports[operation](length);
      out.set(memory.subarray(io + DATA_OFFSET, io + DATA_OFFSET + length), offset);
    }
    // Do not leave key material in the shared kernel memory longer than needed.
    exports.clearKey();
    return out;
  }

  ecbEncrypt(data: Uint8Array): Uint8Array {
    return this.run(null, data, 'ecbEncrypt');
  }

  cbcEncrypt(iv: Uint8Array, data: Uint8Array): Uint8Array {
    return this.run(iv, data, 'cbcEncrypt');
  }

  cbcDecrypt(iv: Uint8Array, data: Uint8Array): Uint8Array {
    return this.run(iv, data, 'cbcDecrypt');
  }
}
