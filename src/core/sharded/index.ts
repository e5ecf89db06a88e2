export { openShardedCheckpoint, type ShardSetInput } from './open';
