import { describe, expect, it } from 'vitest';
import { noun, plural } from './plural';

describe('plural', () => {
  it('uses the singular for exactly one, the plural otherwise', () => {
    expect(plural(1, 'parameter')).toBe('1 parameter');
    expect(plural(0, 'parameter')).toBe('0 parameters');
    expect(plural(2, 'value')).toBe('2 values');
    expect(plural(1.5, 'byte')).toBe('1.5 bytes');
  });

  it('takes an irregular plural and groups large counts', () => {
    expect(plural(1, 'entry', 'entries')).toBe('1 entry');
    expect(plural(12345, 'entry', 'entries')).toBe('12,345 entries');
    expect(noun(1, 'match', 'matches')).toBe('match');
    expect(noun(3, 'match', 'matches')).toBe('matches');
  });
});

describe('counts past 2^53', () => {
  it('are not printed with made-up digits', () => {
    expect(plural(2 ** 64, 'element')).toBe('about 1.84e+19 elements');
    expect(plural(Number.MAX_SAFE_INTEGER, 'element')).toBe('9,007,199,254,740,991 elements');
  });
});
