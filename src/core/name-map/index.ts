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
export { NAME_MAP_PRESETS } from './presets';
export { proposeAutoMap, type AutoMapResult } from './automap';
