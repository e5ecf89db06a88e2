export type { NetworkManifest, NetworkParam } from './types';
