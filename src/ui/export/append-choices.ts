import { rowsOf } from '../../base/tensor-columns';
import type { Tensors } from '../../core/summary';
import { isAppendDictValue } from '../../formats/ckpt/append-dict';

/** One append_dict value of the source file, as the export panel offers it. */
export interface AppendChoice {
  /** Index into index.tensors. */
  index: number;
  sourceName: string;
  /** The name it is written under (after the name map). */
  writtenName: string;
  /** 'excluded': the filter leaves it out, so it is not written whatever the tick says. */
  state: 'written' | 'removed' | 'excluded';
}

/**
 * The source's append_dict values (str records and append_dict-typed scalars, never a [1]-shaped
 * weight) and whether the export writes each: the filter decides first, then the "keep" tick.
 * `removed` holds written (renamed) names, as the export plan matches them.
 */
export function appendDictChoices(
  list: Tensors,
  matching: readonly number[],
  rename: (name: string) => string,
  removed: ReadonlySet<string>,
): AppendChoice[] {
  const tensors = rowsOf(list);
  const selected = new Set(matching);
  const choices: AppendChoice[] = [];
  for (let index = 0; index < tensors.length; index += 1) {
    if (!isAppendDictValue({ kind: tensors.kind(index), shape: tensors.shape(index), dtype: tensors.dtype(index) }))
      continue;
    const sourceName = tensors.name(index);
    const writtenName = rename(sourceName);
    const state = !selected.has(index) ? 'excluded' : removed.has(writtenName) ? 'removed' : 'written';
    choices.push({ index, sourceName, writtenName, state });
  }
  return choices;
}

/** The removals to send: only values the filter keeps (the plan refuses to remove what it never selected). */
export function removalsToSend(choices: readonly AppendChoice[]): string[] {
  return [...new Set(choices.filter((choice) => choice.state === 'removed').map((choice) => choice.writtenName))];
}
