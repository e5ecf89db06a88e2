// The architecture as rules (ARCHITECTURE.md): layers import only downwards, plus the "never"
// rules. Type-only and dynamic imports count like any other (tsPreCompilationDeps). Checked by
// `npm run lint`; `npm run docs:graph` draws docs/architecture-graph.svg from the same rules.

/** Lowest first. A layer may import its own and lower layers. */
const LAYERS = [
  ['base', 'generated', 'wasm'],
  ['io'],
  ['formats'],
  ['crypto'],
  ['integrity'],
  ['core'],
  ['workers', 'cli'],
  ['store'],
  ['ui'],
  ['app'],
];

const dir = (names) => `^src/(${names.join('|')})/`;
const NOT_TESTS = '\\.test\\.tsx?$';

const layerRules = LAYERS.slice(0, -1).map((layer, rank) => ({
  name: `layer-${layer.join('-')}`,
  comment: `${layer.join('/')} must not import a higher layer (${LAYERS.slice(rank + 1)
    .flat()
    .join(', ')})`,
  severity: 'error',
  from: { path: dir(layer), pathNot: NOT_TESTS },
  to: { path: dir(LAYERS.slice(rank + 1).flat()) },
}));

const BELOW_WORKERS = ['base', 'generated', 'io', 'formats', 'crypto', 'integrity', 'core'];

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'No import cycles, through barrels and type-only imports included.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    ...layerRules,
    {
      name: 'cli-not-browser',
      comment: 'The CLI runs on the same core as the app, never on its browser layers.',
      severity: 'error',
      from: { path: '^src/cli/' },
      to: { path: dir(['workers', 'store', 'ui', 'app']) },
    },
    {
      name: 'cli-definitions-light',
      comment:
        'Command definitions (name, help, options) are loaded on every run, --help included: plain data, ' +
        'on args.ts and types.ts only. What reads files lives in cli/commands/ and beside it.',
      severity: 'error',
      from: { path: '^src/cli/definitions/' },
      to: { pathNot: ['^src/cli/definitions/', '^src/cli/(args|types)\\.ts$'] },
    },
    {
      name: 'cli-startup-light',
      comment:
        'What `ckpt-lens --help` compiles (main, program, the command list) reaches command runs, core, ' +
        'formats and the sentences of errors only through import(), which the bundle loads when used.',
      severity: 'error',
      from: { path: '^src/cli/(main|program|command-list)\\.ts$' },
      to: {
        pathNot: [
          '^src/cli/(definitions/|(args|types|terminal|program|command-list)\\.ts$)',
          '^src/base/errors\\.ts$',
          '^package\\.json$',
          'node_modules/commander/',
        ],
        dependencyTypesNot: ['dynamic-import', 'type-only', 'core'],
      },
    },
    {
      name: 'crypto-never-formats',
      comment:
        'Crypto is below the formats in what it knows: the cipher-magic table and the crc_num trailer bytes are in base, byte sources in io.',
      severity: 'error',
      from: { path: '^src/crypto/', pathNot: NOT_TESTS },
      to: { path: '^src/formats/' },
    },
    {
      name: 'test-helpers-only-in-tests',
      comment: 'src/test holds helpers for tests; shipped code never imports them.',
      severity: 'error',
      from: { path: '^src/', pathNot: [NOT_TESTS, '^src/test/'] },
      to: { path: '^src/test/' },
    },
    {
      name: 'lower-layers-no-ui-libraries',
      comment: 'Below the workers: no React, store or worker plumbing, so it runs unchanged in Node.',
      severity: 'error',
      from: { path: dir(BELOW_WORKERS) },
      to: { path: 'node_modules/(react|react-dom|zustand|comlink|@tanstack)/' },
    },
    {
      name: 'lower-layers-no-node',
      comment: 'Below the workers, shipped code runs in the browser too: no Node built-ins.',
      severity: 'error',
      from: { path: dir(BELOW_WORKERS), pathNot: NOT_TESTS },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'browser-no-node',
      comment: 'The page and its workers never import Node built-ins.',
      severity: 'error',
      from: { path: dir(['workers', 'store', 'ui', 'app']), pathNot: NOT_TESTS },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'ui-no-workers',
      comment:
        'One door (ARCHITECTURE.md "State and UI"): the page reaches the workers only through store actions; ' +
        'components may import the wire types, as types, and nothing else of workers/.',
      severity: 'error',
      from: { path: dir(['ui', 'app']) },
      to: { path: '^src/workers/', pathNot: '^src/workers/wire\\.ts$' },
    },
    {
      name: 'ui-wire-types-only',
      comment: 'The wire module is imported as types only above the store (`import type`).',
      severity: 'error',
      from: { path: dir(['ui', 'app']) },
      to: { path: '^src/workers/wire\\.ts$', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'store-one-bridge',
      comment: 'Only store/bridge.ts talks to the worker at run time; other store modules import the wire types only.',
      severity: 'error',
      from: { path: '^src/store/', pathNot: ['^src/store/bridge\\.ts$', NOT_TESTS] },
      to: { path: '^src/workers/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'store-workers-through-wire',
      comment: 'The store names worker types through the wire module, not through the feature files.',
      severity: 'error',
      from: { path: '^src/store/', pathNot: NOT_TESTS },
      to: {
        path: '^src/workers/',
        pathNot: ['^src/workers/wire\\.ts$', '^src/workers/transfer\\.ts$', '^src/workers/worker\\.ts$'],
      },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^src/generated/wasm/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
    },
    reporterOptions: {
      dot: {
        collapsePattern: '^src/[^/]+/',
      },
    },
  },
};
