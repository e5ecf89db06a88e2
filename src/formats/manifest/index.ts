export { normalizeDtypeName } from './dtype-names';
export { looksLikeGraphMeta, mindsporeNameOfAnfDataType, parseGraphMeta } from './graph-meta';
export { parseJsonManifest } from './json';
export { parseManifestBytes, sniffManifest, type ManifestSniff } from './parse';
export { parseTextManifest } from './text';
export type { ManifestKind, NetworkManifest, NetworkParam } from './types';
