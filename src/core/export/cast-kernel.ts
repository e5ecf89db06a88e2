/**
 * The float32 → float16 WASM SIMD kernel (src/wasm/cast16.ts, compiled by scripts/build-wasm.mjs
 * into src/generated/wasm/cast16.ts): the same bits and statistics as casts.ts's JS kernel, about
 * four times faster. Loaded lazily once (the bytes are embedded, no request); until it is loaded,
 * or where WASM SIMD is missing, casts.ts keeps using the JS kernel.
 */
import type { CastStats } from './cast-stats';
import { instantiateEmbeddedWasm } from '../../base/wasm';

interface Cast16Exports {
  memory: WebAssembly.Memory;
  init(): number;
  chunkBytes(): number;
  convert(count: number): void;
  statNans(): number;
  statOverflow(): number;
  statUnderflow(): number;
  statMaxAbsolute(): number;
  statMaxRelative(): number;
}

/** Memory for a conversion's result, `length` bytes (a pooled window). */
export type Allocate = (length: number) => Uint8Array;

export interface Cast16Kernel {
  /**
   * float32 (aligned, whole elements) → float16 bits, adding what happened to `stats`; into
   * `allocate(length)` when given (a pooled buffer: a fresh one costs Chromium page faults on
   * first touch, ~0.22 CPU-s per GiB of float32, about what the conversion itself costs).
   */
  convert(input: Uint8Array, stats: CastStats, allocate?: Allocate): Uint8Array;
}

async function instantiate(): Promise<Cast16Kernel> {
  const { cast16WasmBase64 } = await import('../../generated/wasm/cast16');
  const exports = await instantiateEmbeddedWasm<Cast16Exports>(cast16WasmBase64, 'cast');
  const io = exports.init();
  // V8 starts WASM in its baseline tier and only tiers up hot functions between calls.
  for (let i = 0; i < 8; i += 1) exports.convert(16 * 1024);
  const chunkElements = exports.chunkBytes() / 4;
  return {
    convert(input, stats, allocate) {
      const count = input.length / 4;
      const out = allocate ? allocate(count * 2) : new Uint8Array(count * 2);
      let nans = 0;
      let overflow = 0;
      let underflow = 0;
      let maxAbsolute = 0;
      let maxRelative = 0;
      // ≤ 1 MiB per call so V8 tiers the kernel up (ARCHITECTURE pitfalls).
      for (let first = 0; first < count; first += chunkElements) {
        const elements = Math.min(chunkElements, count - first);
        const memory = new Uint8Array(exports.memory.buffer);
        memory.set(input.subarray(first * 4, (first + elements) * 4), io);
        exports.convert(elements);
        out.set(memory.subarray(io + chunkElements * 4, io + chunkElements * 4 + elements * 2), first * 2);
        nans += exports.statNans();
        overflow += exports.statOverflow();
        underflow += exports.statUnderflow();
        maxAbsolute = Math.max(maxAbsolute, exports.statMaxAbsolute());
        maxRelative = Math.max(maxRelative, exports.statMaxRelative());
      }
      stats.elements += count;
      stats.nans += nans;
      stats.overflowToInfinity += overflow;
      stats.underflowToZero += underflow;
      stats.maxAbsoluteError = Math.max(stats.maxAbsoluteError, maxAbsolute);
      stats.maxRelativeError = Math.max(stats.maxRelativeError, maxRelative);
      return out;
    },
  };
}

let loading: Promise<Cast16Kernel | null> | null = null;
let loaded: Cast16Kernel | null = null;

/** Loads the kernel once; resolves null (JS kernel stays in use) where WASM SIMD is unavailable. */
export function loadCast16Kernel(): Promise<Cast16Kernel | null> {
  loading ??= instantiate().then(
    (kernel) => (loaded = kernel),
    () => null,
  );
  return loading;
}

/** The kernel if it has been loaded, else null. */
export function cast16Kernel(): Cast16Kernel | null {
  return loaded;
}
