export {
  compileNameMap,
  exportNameMapJson,
  parseNameMapJson,
  previewNameMap,
  readNameMapSource,
  type NameMap,
  type NameMapSpec,
  type RenamePreview,
} from './name-map';
export { NAME_MAP_PRESETS, PYTORCH_TO_MINDSPORE_RULES, type NameMapPreset } from './presets';
export { inferLayer, proposeAutoMap, type AutoMapLayer, type AutoMapProposal, type AutoMapResult } from './automap';
