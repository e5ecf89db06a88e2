export { diffAgainstNetwork, pythonShape, type LoadDiff } from './diff';
export { openManifest } from './open-manifest';
export { parameterDictOrder } from './dict-order';
