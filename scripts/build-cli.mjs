// Bundles the Node CLI into dist-cli/ with esbuild: plain JS, no tsx at run time, the WASM kernels
// embedded (they are generated TS modules — run build-wasm.mjs first). Two entries: the CLI
// (`ckpt-lens`, package.json "bin") and the worker thread of `merge --max-process-num`, which
// merge-pool.ts finds beside itself as ./merge-member.mjs — in the bundle merge-pool is in a
// chunk (merge runs from one), so the worker is written among the chunks. `splitting` puts every dynamic
// import() in a chunk of its own that is read only when used — each command's run
// (src/cli/command-list.ts), the sentences of errors, the WASM kernels — and shares the code
// both entries use. What `ckpt-lens --help` compiles is the entry and the chunks it imports
// statically: `node scripts/build-cli.mjs --analyze` lists their inputs, and
// scripts/build-cli.test.ts keeps them to the command line's definitions and commander.
import { rmSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

/**
 * commander requires node:child_process when it loads, for executable subcommands (`git-style`
 * binaries), which ckpt-lens does not have; loading it pulls in net, dgram and the stream
 * wrappers, about a tenth of `node -e 0` on the bench machine. Here commander gets a stand-in
 * that requires the real module on first use, so `--help` never loads it.
 */
const lazyChildProcessForCommander = {
  name: 'lazy-child-process-for-commander',
  setup(build) {
    build.onResolve({ filter: /^node:child_process$/ }, (args) =>
      /[\\/]node_modules[\\/]commander[\\/]/.test(args.importer)
        ? { path: 'node:child_process', namespace: 'lazy-child-process' }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'lazy-child-process' }, () => ({
      contents: "module.exports = new Proxy({}, { get: (_, key) => require('node:child_process')[key] });",
      loader: 'js',
    }));
  },
};

/** esbuild's options for dist-cli/ (without outdir, so a test can build the same in memory). */
export const CLI_BUILD_OPTIONS = {
  plugins: [lazyChildProcessForCommander],
  entryPoints: { 'ckpt-lens': 'src/cli/main.ts', 'chunks/merge-member': 'src/cli/merge-member.ts' },
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
};

/**
 * What node compiles before the CLI's first line runs: the `ckpt-lens` entry and every chunk it
 * imports statically (not through import()), each with its size and the inputs bundled into it.
 */
export function startupOutputs(metafile) {
  const outputs = metafile.outputs;
  const entry = Object.keys(outputs).find((file) => outputs[file].entryPoint === 'src/cli/main.ts');
  const files = [];
  const visit = (file) => {
    if (files.includes(file)) return;
    files.push(file);
    for (const dependency of outputs[file].imports)
      if (dependency.kind === 'import-statement' && !dependency.external) visit(dependency.path);
  };
  visit(entry);
  return files.map((file) => ({
    file,
    bytes: outputs[file].bytes,
    inputs: Object.entries(outputs[file].inputs)
      .map(([input, { bytesInOutput }]) => ({ input, bytes: bytesInOutput }))
      .sort((a, b) => b.bytes - a.bytes),
  }));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const outdir = path.resolve('dist-cli');
  rmSync(outdir, { recursive: true, force: true });
  const result = await build({ ...CLI_BUILD_OPTIONS, outdir });
  const bytes = Object.values(result.metafile.outputs).reduce((sum, output) => sum + output.bytes, 0);
  const startup = startupOutputs(result.metafile);
  const startupBytes = startup.reduce((sum, output) => sum + output.bytes, 0);
  process.stdout.write(
    `build-cli: src/cli → dist-cli/ (${Object.keys(result.metafile.outputs).length} files, ${Math.round(bytes / 1024)} KiB; ` +
      `${Math.round(startupBytes / 1024)} KiB in ${startup.length} compiled at startup)\n`,
  );
  if (process.argv.includes('--analyze'))
    for (const output of startup) {
      process.stdout.write(`${path.relative(outdir, output.file)}: ${output.bytes} bytes\n`);
      for (const input of output.inputs) process.stdout.write(`  ${String(input.bytes).padStart(7)}  ${input.input}\n`);
    }
}
