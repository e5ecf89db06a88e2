export {
  compileNameMap,
  exportNameMapJson,
  parseNameMapJson,
  previewNameMap,
  type NameMap,
  type NameMapSpec,
  type RenamePreview,
} from './name-map';
export { NAME_MAP_PRESETS } from './presets';
