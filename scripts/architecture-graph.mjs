// Draws the layer graph in docs/architecture.md from the code: dependency-cruiser reads every
// import (type-only and dynamic included) under src/, and each arrow is "imports from" (no
// counts, so only a new or vanished layer dependency changes the picture). `--check` fails when the committed picture is not the code's (run by lint).
import { readFileSync, writeFileSync } from 'node:fs';
import { cruise } from 'dependency-cruiser';

const DOC = 'docs/architecture.md';
const BEGIN = '<!-- layer-graph:begin (npm run docs:graph) -->';
const END = '<!-- layer-graph:end -->';
const ORDER = [
  'app',
  'ui',
  'store',
  'workers',
  'cli',
  'core',
  'integrity',
  'crypto',
  'formats',
  'io',
  'base',
  'generated',
];

const layerOf = (file) => /^src\/([^/]+)\//.exec(file)?.[1];
const shipped = (file) =>
  !/\.test\.tsx?$/.test(file) && !file.startsWith('src/test/') && !file.startsWith('src/generated/wasm/');

const { output } = await cruise(['src'], {
  tsPreCompilationDeps: true,
  tsConfig: { fileName: 'tsconfig.json' },
  doNotFollow: { path: 'node_modules' },
  exclude: { path: '^src/generated/wasm/' },
});
const edges = new Map();
for (const module of output.modules) {
  if (!shipped(module.source)) continue;
  const from = layerOf(module.source);
  for (const dependency of module.dependencies) {
    const to = layerOf(dependency.resolved);
    if (!from || !to || from === to || !shipped(dependency.resolved)) continue;
    edges.set(`${from} ${to}`, (edges.get(`${from} ${to}`) ?? 0) + 1);
  }
}
const rank = (layer) => (ORDER.includes(layer) ? ORDER.indexOf(layer) : ORDER.length);
const lines = ['```mermaid', 'flowchart TD'];
for (const key of [...edges.keys()].sort((a, b) => {
  const [fa, ta] = a.split(' ');
  const [fb, tb] = b.split(' ');
  return rank(fa) - rank(fb) || rank(ta) - rank(tb);
})) {
  const [from, to] = key.split(' ');
  lines.push(`  ${from} --> ${to}`);
}
lines.push('```');
const graph = `${BEGIN}\n\n${lines.join('\n')}\n\n${END}`;

const doc = readFileSync(DOC, 'utf8');
const start = doc.indexOf(BEGIN);
const stop = doc.indexOf(END);
if (start < 0 || stop < 0) throw new Error(`${DOC} has no ${BEGIN} … ${END} section`);
const next = doc.slice(0, start) + graph + doc.slice(stop + END.length);
if (process.argv.includes('--check')) {
  if (next !== doc) {
    console.error(`${DOC}: the layer graph is not the code's; run npm run docs:graph`);
    process.exit(1);
  }
  console.log(`${DOC}: the layer graph matches the code`);
} else {
  writeFileSync(DOC, next);
  console.log(`${DOC}: layer graph written (${edges.size} arrows)`);
}
