import {
  analyzeSet,
  checkReplicas,
  rankInputs,
  setLayoutJson,
  withReplicaReports,
  type Box,
  type ParameterPlan,
  type SetLayout,
} from '../../core/distributed';
import { describeLayoutProblem, describeSetProblem } from '../../core/messages';
import { formatShape } from '../../core/summary';
import { EXIT } from '../args';
import {
  collectRankPaths,
  foreignRankProblems,
  openRankPaths,
  parseInputFormat,
  readStrategies,
} from '../distributed-input';
import { shown } from '../terminal';
import type { ArgsOf, CliIo } from '../types';
import type { layoutDefinition } from '../definitions/layout';
import { plural } from '../../base/plural';

const boxText = (box: Box): string => `[${box.map(([start, stop]) => `${start}:${stop}`).join(', ')}]`;

/** Up to this many distinct boxes are listed per parameter in the text output. */
const MAX_BOXES_SHOWN = 16;

function printParameter(io: CliIo, plan: ParameterPlan): void {
  const shape = plan.fullShape ? formatShape(plan.fullShape) : '?';
  const slice = plan.sliceShape ? formatShape(plan.sliceShape) : '?';
  const split = plan.split.length > 0 ? plan.split.join('×') : '-';
  const where =
    plan.kind === 'extra'
      ? 'not in strategy'
      : `dev ${JSON.stringify(plan.layout?.devMatrix)} map ${JSON.stringify(plan.layout?.tensorMap)}` +
        (plan.optShards > 1 ? ` opt ${plan.optShards}` : '') +
        (plan.stages.length > 1 || plan.stages[0] !== 0 ? ` stage ${plan.stages.join(',')}` : '');
  io.out(`${shown(plan.name)}  ${shown(plan.dtype ?? '?')}  full ${shape}  slice ${slice}  split ${split}  ${where}`);
  if (plan.kind === 'sharded' && plan.holdings.length > 0) {
    const groups = new Map<string, number[]>();
    for (const holding of plan.holdings) {
      const key = boxText(holding.box);
      groups.set(key, [...(groups.get(key) ?? []), holding.rank]);
    }
    if (groups.size <= MAX_BOXES_SHOWN) {
      for (const [box, ranks] of groups) {
        const sources = plan.holdings.filter((h) => h.source && ranks.includes(h.rank)).map((h) => h.rank);
        io.out(`    ${box} ← ranks ${ranks.join(' ')}${sources.length > 0 ? ` (read from ${sources[0]})` : ''}`);
      }
    } else {
      io.out(`    ${plural(groups.size, 'distinct slice')} over ${plural(plan.holdings.length, 'rank')}`);
    }
  }
  for (const problem of plan.problems) {
    if (problem.severity === 'info') continue;
    io.out(`    ! ${describeLayoutProblem(problem.code, problem.detail, problem.ranks)}`);
  }
}

export function printLayout(io: CliIo, layout: SetLayout): void {
  io.out(
    `${plural(layout.ranks.length, 'rank file')}; the strategy describes ${plural(layout.expectedRanks.length, 'rank')} ` +
      `(${plural(layout.deviceCount, 'device')} × ${plural(layout.stages.length, 'stage')})`,
  );
  // Parameters some rank file holds, and those whose layout itself is broken (they have no holdings to show).
  const present = layout.parameters.filter(
    (plan) =>
      plan.holdings.some((h) => h.present) ||
      plan.kind === 'extra' ||
      plan.problems.some((p) => p.severity === 'error' && p.code !== 'not-in-files'),
  );
  for (const plan of present) printParameter(io, plan);
  const absent = layout.parameters.length - present.length;
  if (absent > 0) io.out(`(${plural(absent, 'strategy parameter')} ${absent === 1 ? 'is' : 'are'} in no rank file)`);
  for (const problem of layout.problems) {
    io.out(`! ${describeSetProblem(problem.code, problem.detail, problem.ranks)}`);
  }
}

export async function run({ values, positionals }: ArgsOf<typeof layoutDefinition>, io: CliIo): Promise<number> {
  const strategy = await readStrategies(values.strategy);
  const paths = collectRankPaths(positionals, parseInputFormat(values['input-format']));
  const files = await openRankPaths(paths, { key: values.key, keyText: values['key-text'] });
  let layout = analyzeSet(strategy, rankInputs(files));
  if (values['check-replicas']) layout = withReplicaReports(layout, await checkReplicas(files, layout));
  if (values.json) io.out(JSON.stringify(setLayoutJson(layout)));
  else printLayout(io, layout);
  // Replicas that differ, slices that contradict the others (a rank file does not belong), or a
  // parameter or set problem that stops the merge: what load_distributed_checkpoint would hit.
  const blocked =
    layout.problems.some((problem) => problem.severity === 'error') ||
    layout.parameters.some((plan) => plan.problems.some((problem) => problem.severity === 'error'));
  return foreignRankProblems(layout).length > 0 || blocked ? EXIT.integrityFailed : EXIT.ok;
}
