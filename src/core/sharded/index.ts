export { openShardedCheckpoint } from './open';
