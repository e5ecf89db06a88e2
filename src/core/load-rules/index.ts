export { diffAgainstNetwork, pythonShape, type LoadDiff } from './diff';
export { openManifest } from './open-manifest';
export { parameterDictOrder, parameterDictPositions } from './dict-order';
