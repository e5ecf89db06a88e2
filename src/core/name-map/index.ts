export {
  compileNameMap,
  exportNameMapJson,
  parseNameMapJson,
  previewNameMap,
  readNameMapSource,
  type NameMap,
  type NameMapSpec,
  type RenamePreview,
  type RenameRule,
  type RenameStep,
} from './name-map';
export { NAME_MAP_PRESETS, PYTORCH_TO_MINDSPORE_RULES, type NameMapPreset } from './presets';
