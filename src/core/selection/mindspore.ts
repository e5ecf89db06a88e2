/**
 * MindSpore's own selection in load_checkpoint (ckpt-format.md §8.2, §8.3): `specify_prefix`,
 * `filter_prefix` and `choice_func`, with their precedence, `_check_prefix` errors and the
 * "loaded parameter dict is empty after filter" error. `choice` is any predicate — in the UI a
 * compiled filter expression stands in for the Python callable.
 */
import { LensError } from '../../base/errors';

export interface MindSporeSelectionOptions<T> {
  /** str or list/tuple of str, as given to load_checkpoint; validated like `_check_prefix`. */
  specifyPrefix?: unknown;
  filterPrefix?: unknown;
  /** Stands in for `choice_func`; consulted only when both prefixes are absent. */
  choice?: (item: T) => boolean;
  /** For messages: the checkpoint's file name. */
  file?: string;
  /**
   * safetensors (MindSpore 2.5+): only choice_func is honoured; the prefixes are silently
   * ignored, without the deprecation warnings. Default 'ckpt'.
   */
  format?: 'ckpt' | 'safetensors';
}

export interface MindSporeSelection<T> {
  kept: T[];
  dropped: T[];
  /** True when a prefix was given, so MindSpore silently ignores choice_func. */
  choiceIgnored: boolean;
  /** Log lines MindSpore would print (deprecation warnings). */
  warnings: string[];
}

type Named = string | { name: string };

const nameOf = (item: Named): string => (typeof item === 'string' ? item : item.name);

/** `_check_prefix`: undefined/null → none; str → [str]; list → validated list. */
export function checkPrefix(prefix: unknown, argument: 'specify_prefix' | 'filter_prefix'): string[] | null {
  if (prefix === undefined || prefix === null) return null;
  if (typeof prefix === 'string') {
    if (prefix === '') {
      throw new LensError('selection-bad-prefix', {
        hint: 'ValueError',
        actual: `${argument}=""`,
        expected: 'an empty string is not a prefix',
      });
    }
    return [prefix];
  }
  if (!Array.isArray(prefix)) {
    throw new LensError('selection-bad-prefix', {
      hint: 'TypeError',
      actual: `${argument} of type ${typeof prefix}`,
      expected: 'the type should be str, list or tuple',
    });
  }
  if (prefix.length === 0) {
    throw new LensError('selection-bad-prefix', {
      hint: 'ValueError',
      actual: `${argument}=[]`,
      expected: 'the list or tuple must not be empty',
    });
  }
  for (const element of prefix as unknown[]) {
    if (typeof element !== 'string') {
      throw new LensError('selection-bad-prefix', {
        hint: 'TypeError',
        actual: `an element of ${argument} of type ${typeof element}`,
        expected: 'every element should be a str',
      });
    }
    if (element === '') {
      throw new LensError('selection-bad-prefix', {
        hint: 'ValueError',
        actual: `an empty string in ${argument}`,
        expected: 'every element should be a non-empty str',
      });
    }
  }
  return prefix as string[];
}

/** What the selection decided, whichever way the records are held. */
interface Decision {
  keep: (name: string, at: number) => boolean;
  choiceIgnored: boolean;
  warnings: string[];
}

function decide(
  options: Omit<MindSporeSelectionOptions<never>, 'choice'>,
  choice: ((at: number) => boolean) | undefined,
): Decision {
  const safetensors = options.format === 'safetensors';
  const specify = safetensors ? null : checkPrefix(options.specifyPrefix, 'specify_prefix');
  const filter = safetensors ? null : checkPrefix(options.filterPrefix, 'filter_prefix');
  const warnings: string[] = [];
  // The "specity" typo is MindSpore's own.
  if (specify) {
    warnings.push(
      'For load_checkpoint, this parameter `specity_prefix` will be deprecated, please use `choice_func` instead.',
    );
  }
  if (filter) {
    warnings.push(
      'For load_checkpoint, this parameter `filter_prefix` will be deprecated, please use `choice_func` instead.',
    );
  }
  const usePrefixes = specify !== null || filter !== null;
  const keep = (name: string, at: number): boolean => {
    if (name === 'random_op') return true;
    if (usePrefixes) {
      if (specify && !specify.some((prefix) => name.startsWith(prefix))) return false;
      return !(filter && filter.some((prefix) => name.startsWith(prefix)));
    }
    return choice ? choice(at) : true;
  };
  return { keep, choiceIgnored: usePrefixes && choice !== undefined, warnings };
}

/**
 * Which records load_checkpoint keeps (2.3–2.6 ckpt path), in file order. `random_op` is always
 * kept; specify_prefix keeps by startswith, then filter_prefix drops by startswith (so it wins);
 * choice is consulted only when neither prefix is given. Throws LensError('selection-empty') when
 * nothing is left, as MindSpore raises ValueError.
 */
export function selectLikeMindSpore<T extends Named>(
  items: readonly T[],
  options: MindSporeSelectionOptions<T> = {},
): MindSporeSelection<T> {
  const { choice } = options;
  const decision = decide(options, choice ? (at) => choice(items[at] as T) : undefined);
  const kept: T[] = [];
  const dropped: T[] = [];
  items.forEach((item, at) => (decision.keep(nameOf(item), at) ? kept : dropped).push(item));
  if (kept.length === 0) throw new LensError('selection-empty', options.file ? { file: options.file } : {});
  return { kept, dropped, choiceIgnored: decision.choiceIgnored, warnings: decision.warnings };
}

/**
 * As `selectLikeMindSpore`, for `count` records read by position (an index's rows): the
 * positions kept, ascending. `choice` is asked by position.
 */
export function selectPositionsLikeMindSpore(
  count: number,
  nameAt: (at: number) => string,
  options: MindSporeSelectionOptions<number> = {},
): number[] {
  const decision = decide(options, options.choice);
  const kept: number[] = [];
  for (let at = 0; at < count; at += 1) if (decision.keep(nameAt(at), at)) kept.push(at);
  if (kept.length === 0) throw new LensError('selection-empty', options.file ? { file: options.file } : {});
  return kept;
}
