import { describe, expect, it } from 'vitest';
import { plural } from './plural';

describe('plural', () => {
  it('one is singular; zero, many and irregular nouns are plural', () => {
    expect(plural(1, 'parameter')).toBe('1 parameter');
    expect(plural(0, 'parameter')).toBe('0 parameters');
    expect(plural(12_345, 'value')).toBe('12,345 values');
    expect(plural(2, 'entry', 'entries')).toBe('2 entries');
    expect(plural(1, 'entry', 'entries')).toBe('1 entry');
  });
});
