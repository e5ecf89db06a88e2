/**
 * Every command, in the order --help lists them: its definition (cli/definitions/, loaded at
 * startup) and its run (cli/commands/<name>.ts), imported only when that command runs. The bundle
 * (scripts/build-cli.mjs, esbuild with splitting) turns each import() into a chunk of its own, so
 * `--help`, `help <command>`, `--version` and a mistyped command compile none of the code that
 * reads checkpoints.
 */
import { compareDefinition } from './definitions/compare';
import { convertDefinition } from './definitions/convert';
import { diffDefinition } from './definitions/diff';
import { inspectDefinition } from './definitions/inspect';
import { joinDefinition } from './definitions/join';
import { layoutDefinition } from './definitions/layout';
import { mergeDefinition } from './definitions/merge';
import { resliceDefinition } from './definitions/reslice';
import { statsDefinition } from './definitions/stats';
import { verifyDefinition } from './definitions/verify';
import type { CliOptions } from './args';
import type { CliCommand, CliDefinition } from './types';

/**
 * A command whose run is imported by `load` the first time it runs. The input files it opened
 * are closed when it ends, however it ends (file-source.ts).
 */
function lazy<T extends CliOptions>(
  definition: CliDefinition<T>,
  load: () => Promise<{ run: CliCommand<T>['run'] }>,
): CliCommand<T> {
  return {
    ...definition,
    run: async (args, io) => {
      try {
        return await (await load()).run(args, io);
      } finally {
        await (await import('./file-source')).closeOpenFiles();
      }
    },
  };
}

export const commands: readonly CliCommand[] = [
  lazy(inspectDefinition, () => import('./commands/inspect')),
  lazy(convertDefinition, () => import('./commands/convert')),
  lazy(verifyDefinition, () => import('./commands/verify')),
  lazy(diffDefinition, () => import('./commands/diff')),
  lazy(layoutDefinition, () => import('./commands/layout')),
  lazy(mergeDefinition, () => import('./commands/merge')),
  lazy(resliceDefinition, () => import('./commands/reslice')),
  lazy(joinDefinition, () => import('./commands/join')),
  lazy(statsDefinition, () => import('./commands/stats')),
  lazy(compareDefinition, () => import('./commands/compare')),
];
