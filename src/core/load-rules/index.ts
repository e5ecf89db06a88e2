export { diffAgainstNetwork, pythonShape, type LoadDiff } from './diff';
export { openManifest } from './open-manifest';
export { parameterDict, parameterDictPositions } from './dict-order';
