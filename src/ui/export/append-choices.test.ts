import { describe, expect, it } from 'vitest';
import type { TensorEntry } from '../../base/types';
import { planExport } from '../../core/export';
import { compileNameMap } from '../../core/name-map';
import { compileFilter, parseFilter } from '../../core/selection';
import { scanCheckpoint } from '../../formats/ckpt/scan';
import { fixtureSource } from '../../test/fixtures';
import { appendDictChoices, removalsToSend } from './append-choices';

const identity = (name: string): string => name;

async function lenet() {
  // learning_rate and momentum: dims [0] Float32 scalars; global_step: an Int32 [1] parameter.
  return scanCheckpoint(await fixtureSource('real', 'XMU_AI_ISP__checkpoint_lenet-1_1875.ckpt'));
}

function matchingOf(tensors: readonly TensorEntry[], filter: string): number[] {
  const predicate = compileFilter(parseFilter(filter));
  return tensors.flatMap((tensor, i) => (predicate(tensor) ? [i] : []));
}

describe('the export panel offers exactly the append_dict values it writes', () => {
  it('lists the scalar values, not the [1]-shaped global_step, and marks those the filter leaves out', async () => {
    const index = await lenet();
    const matching = matchingOf(index.tensors, 'not startsWith("momentum")');
    const choices = appendDictChoices(index.tensors, matching, identity, new Set());
    expect(choices.map((c) => [c.sourceName, c.state])).toEqual([
      ['learning_rate', 'written'],
      ['momentum', 'excluded'],
    ]);
  });

  it('ticks agree with what planExport writes, with a removal, a filter and a rename', async () => {
    const index = await lenet();
    const matching = matchingOf(index.tensors, 'not startsWith("momentum")');
    const map = compileNameMap({ exact: { learning_rate: 'lr' }, rules: [] });
    // The user unticked learning_rate (written as lr) and, earlier, momentum (now filtered out).
    const choices = appendDictChoices(index.tensors, matching, map.apply, new Set(['lr', 'momentum']));
    expect(choices.map((c) => [c.writtenName, c.state])).toEqual([
      ['lr', 'removed'],
      ['momentum', 'excluded'],
    ]);
    const selected = new Set(matching);
    const plan = planExport(index, {
      select: (entry) => selected.has(index.tensors.indexOf(entry)),
      renames: map.apply,
      appendDict: { remove: removalsToSend(choices) },
    });
    for (const choice of choices) {
      const written = plan.tensors.some((t) => t.sourceName === choice.sourceName);
      expect(written, choice.sourceName).toBe(choice.state === 'written');
    }
    expect(plan.tensors.some((t) => t.sourceName === 'global_step')).toBe(true);
  });

  it('keeps every value ticked and written without a filter', async () => {
    const index = await lenet();
    const all = index.tensors.map((_, i) => i);
    const choices = appendDictChoices(index.tensors, all, identity, new Set());
    const plan = planExport(index, { appendDict: { remove: removalsToSend(choices) } });
    expect(choices.every((c) => c.state === 'written')).toBe(true);
    for (const choice of choices) expect(plan.tensors.some((t) => t.sourceName === choice.sourceName)).toBe(true);
  });
});
