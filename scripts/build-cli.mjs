// Bundles the Node CLI into dist-cli/ with esbuild: plain JS, no tsx at run time, the WASM kernels
// embedded (they are generated TS modules — run build-wasm.mjs first). Two entries: the CLI
// (`ckpt-lens`, package.json "bin") and the worker thread of `merge --max-process-num`, which
// merge-pool.ts finds beside the CLI as ./merge-member.mjs. `splitting` puts every dynamic
// import() (the WASM kernels, and anything a command loads lazily) in a chunk of its own that
// is read only when used, and shares the code both entries use.
import { rmSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

const OUT_DIR = path.resolve('dist-cli');

rmSync(OUT_DIR, { recursive: true, force: true });
const result = await build({
  entryPoints: { 'ckpt-lens': 'src/cli/main.ts', 'merge-member': 'src/cli/merge-member.ts' },
  outdir: OUT_DIR,
  outExtension: { '.js': '.mjs' },
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  minify: true,
  legalComments: 'linked',
  metafile: true,
  logLevel: 'warning',
  // CommonJS dependencies (protobufjs) call require(); an ES module bundle has none of its own.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
});
const bytes = Object.values(result.metafile.outputs).reduce((sum, output) => sum + output.bytes, 0);
process.stdout.write(
  `build-cli: src/cli → dist-cli/ (${Object.keys(result.metafile.outputs).length} files, ${Math.round(bytes / 1024)} KiB)\n`,
);
