import { DISTRIBUTED_OPTIONS, RANK_ARGUMENTS } from './shared';
import type { CliDefinition } from '../types';

export const layoutDefinition: CliDefinition<typeof DISTRIBUTED_OPTIONS> = {
  name: 'layout',
  summary:
    'which rank holds which slice of every parameter of a distributed checkpoint; exit 3 if a rank file does not belong or a parameter cannot be merged',
  arguments: RANK_ARGUMENTS,
  options: DISTRIBUTED_OPTIONS,
};
