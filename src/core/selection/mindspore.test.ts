import { describe, expect, it } from 'vitest';
import { LensError } from '../../base/errors';
import { describeError } from '../messages';
import { filterPredicate } from './filter';
import { selectLikeMindSpore } from './mindspore';

// The net of test_serialize.py's choice_func cases (ckpt-format.md §12.1).
const NET = ['conv1.weight', 'bn1.moving_mean', 'bn1.moving_variance', 'bn1.gamma', 'bn1.beta', 'fc.weight', 'fc.bias'];
const subjects = NET.map((name) => ({ name, dtype: 'Float32', shape: [1] }));

function kept(options: Parameters<typeof selectLikeMindSpore<string>>[1]): string[] {
  return selectLikeMindSpore(NET, options).kept;
}

describe('selectLikeMindSpore', () => {
  it('reproduces the §12.1 choice_func counts table with filter expressions', () => {
    const table: [string, number][] = [
      ['startsWith("bn")', 4],
      ['startsWith("fc")', 2],
      ['startsWith("fc", "bn")', 6],
      ['not startsWith("fc")', 5],
      ['not startsWith("bn")', 3],
      ['not startsWith("bn") and not startsWith("fc")', 1],
      ['startsWith("bn") and not startsWith("bn1.moving")', 2],
      ['(startsWith("bn") or startsWith("fc")) and not startsWith("fc.weight")', 5],
    ];
    for (const [expression, count] of table) {
      const predicate = filterPredicate(expression);
      const selection = selectLikeMindSpore(subjects, { choice: (item) => predicate(item) });
      expect(selection.kept.length, expression).toBe(count);
    }
  });

  it('filter_prefix wins over specify_prefix', () => {
    expect(kept({ specifyPrefix: 'bn1', filterPrefix: 'bn1.moving' })).toEqual(['bn1.gamma', 'bn1.beta']);
    expect(kept({ specifyPrefix: ['fc', 'conv'], filterPrefix: ['fc.b'] })).toEqual(['conv1.weight', 'fc.weight']);
    expect(kept({ filterPrefix: 'bn1' })).toEqual(['conv1.weight', 'fc.weight', 'fc.bias']);
  });

  it('ignores choice_func when any prefix is given, and logs the deprecation warnings', () => {
    const selection = selectLikeMindSpore(NET, { specifyPrefix: 'fc', choice: () => false });
    expect(selection.kept).toEqual(['fc.weight', 'fc.bias']);
    expect(selection.choiceIgnored).toBe(true);
    expect(selection.warnings[0]).toContain('specity_prefix');
    const both = selectLikeMindSpore(NET, { filterPrefix: 'fc', choice: (name) => name === 'fc.bias' });
    expect(both.kept).toHaveLength(5);
    expect(both.warnings).toHaveLength(1);
  });

  it('always keeps random_op', () => {
    const names = ['random_op', ...NET];
    expect(selectLikeMindSpore(names, { specifyPrefix: 'fc' }).kept).toEqual(['random_op', 'fc.weight', 'fc.bias']);
    expect(selectLikeMindSpore(names, { choice: () => false }).kept).toEqual(['random_op']);
  });

  it('raises "loaded parameter dict is empty" when nothing is left (test_load_checkpoint_error_load)', () => {
    let caught: unknown;
    try {
      selectLikeMindSpore(NET, { choice: () => false, file: 'lenet.ckpt' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(LensError);
    const error = caught as LensError;
    expect(error.code).toBe('selection-empty');
    expect(describeError(error.code, error.details).detail).toContain(
      'The loaded parameter dict is empty after filter or specify',
    );
    expect(() => selectLikeMindSpore(NET, { specifyPrefix: 'nothing' })).toThrow(LensError);
    expect(() => selectLikeMindSpore(NET, { filterPrefix: ['conv', 'bn', 'fc'] })).toThrow(LensError);
  });

  it('_check_prefix: TypeError and ValueError cases', () => {
    const cases: [unknown, string][] = [
      [123, 'TypeError'],
      [{ a: 1 }, 'TypeError'],
      [[], 'ValueError'],
      [['fc', 3], 'TypeError'],
      [['fc', ''], 'ValueError'],
      ['', 'ValueError'],
    ];
    for (const [prefix, kind] of cases) {
      for (const key of ['specifyPrefix', 'filterPrefix'] as const) {
        let caught: unknown;
        try {
          selectLikeMindSpore(NET, { [key]: prefix });
        } catch (error) {
          caught = error;
        }
        expect(caught, JSON.stringify(prefix)).toBeInstanceOf(LensError);
        expect((caught as LensError).code).toBe('selection-bad-prefix');
        expect((caught as LensError).details.hint).toBe(kind);
      }
    }
    expect(kept({ specifyPrefix: null })).toEqual(NET);
  });

  it('safetensors (2.5+): prefixes are silently ignored, choice_func still applies', () => {
    const selection = selectLikeMindSpore(NET, {
      format: 'safetensors',
      specifyPrefix: 'fc',
      choice: (name) => name.startsWith('bn'),
    });
    expect(selection.kept).toHaveLength(4);
    expect(selection.warnings).toEqual([]);
    expect(selection.choiceIgnored).toBe(false);
  });
});
