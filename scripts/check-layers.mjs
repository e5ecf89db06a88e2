// Lower layers never import higher ones, and nothing imports in a cycle. The layer order is the
// architecture: base → io → formats → crypto → integrity → core → workers → store → ui → app.
// cli sits beside workers (Node only); test helpers are available to tests.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const SRC = path.resolve('src');
const rank = {
  base: 0,
  io: 1,
  formats: 2,
  crypto: 3,
  integrity: 4,
  core: 5,
  generated: 0,
  wasm: 0,
  workers: 6,
  cli: 6,
  store: 7,
  ui: 8,
  app: 9,
  test: 10,
};

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? walk(full) : /\.(ts|tsx)$/.test(name) ? [full] : [];
  });
}

const files = walk(SRC);
const graph = new Map();
const problems = [];
for (const file of files) {
  const layer = path.relative(SRC, file).split(path.sep)[0];
  const isTest = /\.test\.tsx?$/.test(file);
  const text = readFileSync(file, 'utf8');
  const deps = [];
  for (const match of text.matchAll(/(?:import|export)\s[^'"]*?from\s+['"](\.[^'"]+)['"]/g)) {
    const typeOnly = /^(?:import|export)\s+type\s/.test(match[0]);
    const target = path.resolve(path.dirname(file), match[1]);
    const targetLayer = path.relative(SRC, target).split(path.sep)[0];
    if (!(targetLayer in rank)) continue;
    if (!isTest && layer !== 'test' && targetLayer === 'test')
      problems.push(`${path.relative('.', file)} imports test helpers`);
    // A worker client may import the worker API's *types* (comlink's wrap<typeof api>).
    if (!isTest && !typeOnly && rank[targetLayer] > rank[layer]) {
      problems.push(`${path.relative('.', file)} (${layer}) imports ${match[1]} (${targetLayer}), a higher layer`);
    }
    if (layer === 'cli' && ['store', 'ui', 'app', 'workers'].includes(targetLayer)) {
      problems.push(`${path.relative('.', file)}: the CLI must not import browser layers (${targetLayer})`);
    }
    if (!typeOnly) deps.push(target);
  }
  graph.set(
    file.replace(/\.(ts|tsx)$/, ''),
    deps.map((d) => d.replace(/\.(ts|tsx)$/, '')),
  );
}

// Cycle check over value imports.
const state = new Map();
function visit(node, stack) {
  if (state.get(node) === 'done') return;
  if (state.get(node) === 'open') {
    problems.push(
      `import cycle: ${[...stack.slice(stack.indexOf(node)), node].map((n) => path.relative(SRC, n)).join(' → ')}`,
    );
    return;
  }
  state.set(node, 'open');
  for (const dep of graph.get(node) ?? []) visit(dep, [...stack, node]);
  state.set(node, 'done');
}
for (const node of graph.keys()) visit(node, []);

if (problems.length > 0) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log(`layers ok: ${files.length} files, no upward imports, no cycles`);
