// Generates protobufjs static code for the small schemas in proto/ into src/generated/.
// checkpoint.proto is excluded on purpose: checkpoints are walked by hand, never decoded whole.
// `--check` regenerates into a temp dir and fails if the committed code has drifted.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const check = process.argv.includes('--check');
const protos = readdirSync('proto').filter((f) => f.endsWith('.proto') && f !== 'checkpoint.proto');
const outDir = check ? mkdtempSync(path.join(os.tmpdir(), 'proto-gen-')) : 'src/generated';
mkdirSync(outDir, { recursive: true });
const bin = (name) => path.join('node_modules', '.bin', name);
let drift = false;
for (const proto of protos) {
  const base = proto.replace(/\.proto$/, '');
  const js = path.join(outDir, `${base}.js`);
  // Each schema gets its own protobuf.roots entry: anf_ir and node_strategy both live in package
  // `mindspore.*`, and generated decoders look nested types up through the shared root, so a
  // shared root lets the module loaded last break the other's decoders.
  execFileSync(bin('pbjs'), [
    '-t',
    'static-module',
    '-w',
    'es6',
    '-r',
    base,
    '--force-number',
    '--no-beautify',
    '--no-delimited',
    '--no-verify',
    '--no-convert',
    '--no-service',
    '-o',
    js,
    path.join('proto', proto),
  ]);
  // Import with an explicit extension so Node ESM and Vite both resolve it.
  writeFileSync(js, readFileSync(js, 'utf8').replace('"protobufjs/minimal"', '"protobufjs/minimal.js"'));
  execFileSync(bin('pbts'), ['-o', path.join(outDir, `${base}.d.ts`), js]);
  if (check) {
    for (const ext of ['.js', '.d.ts']) {
      const committed = path.join('src/generated', base + ext);
      if (
        !existsSync(committed) ||
        readFileSync(committed, 'utf8') !== readFileSync(path.join(outDir, base + ext), 'utf8')
      ) {
        console.error(`src/generated/${base}${ext} is out of date: run npm run proto:gen`);
        drift = true;
      }
    }
  }
}
if (drift) process.exit(1);
console.log(`${check ? 'checked' : 'generated'} ${protos.length} schema(s)`);
