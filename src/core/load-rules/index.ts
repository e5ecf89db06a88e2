export {
  canConvert,
  diffAgainstNetwork,
  diffJson,
  isGeSpecialCase,
  pythonShape,
  type CheckpointParam,
  type DiffOptions,
  type LoadDiff,
  type LoadError,
  type LoadedParam,
  type PythonException,
  type SkippedParam,
} from './diff';
export { manifestFromCheckpoint, openManifest } from './open-manifest';
export { editDistance, suggestFixes, type Suggestion } from './suggest';
export { compareCodePoints, parameterDictOrder } from './dict-order';
