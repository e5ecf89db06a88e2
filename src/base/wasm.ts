import { internalError } from './errors';
/**
 * The embedded WASM kernels (src/wasm/*.ts, compiled by scripts/build-wasm.mjs into base64 in
 * src/generated/wasm/): decoded and instantiated here, so nothing is fetched and the CSP needs only
 * 'wasm-unsafe-eval'. Each kernel module keeps its own exports type and warm-up.
 */
function base64ToBytes(base64: string): Uint8Array<ArrayBuffer> {
  const binary = atob(base64);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) out[i] = binary.charCodeAt(i);
  return out;
}

/** Instantiates an embedded module; an AssemblyScript `abort` becomes an Error naming `kernel`. */
export async function instantiateEmbeddedWasm<Exports>(base64: string, kernel: string): Promise<Exports> {
  const imports = {
    env: {
      abort(): never {
        throw internalError(`${kernel} kernel aborted`);
      },
    },
  };
  const module = await WebAssembly.compile(base64ToBytes(base64));
  const instance = await WebAssembly.instantiate(module, imports);
  return instance.exports as unknown as Exports;
}
