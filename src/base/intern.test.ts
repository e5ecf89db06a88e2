import { describe, expect, it } from 'vitest';
import { Interner } from './intern';

describe('Interner', () => {
  it('gives one shared, frozen array per distinct shape', () => {
    const intern = new Interner();
    const a = intern.shape([3, 4]);
    const b = intern.shape([3, 4]);
    expect(b).toBe(a);
    expect(intern.shape([4, 3])).not.toBe(a);
    expect(Object.isFrozen(a)).toBe(true);
    expect(() => (a as number[]).push(1)).toThrow(TypeError);
    expect(intern.shape([])).toBe(intern.shape([]));
  });

  it('keeps shapes of more than 8 dims as they are', () => {
    const intern = new Interner();
    const long = [1, 1, 1, 1, 1, 1, 1, 1, 1];
    expect(intern.shape(long)).toBe(long);
    expect(Object.isFrozen(long)).toBe(false);
  });

  it('stops caching past 65,536 distinct values and still returns equal ones', () => {
    const intern = new Interner();
    for (let i = 0; i < 65_536; i += 1) intern.shape([i]);
    const fresh = [70_000];
    expect(intern.shape(fresh)).toBe(fresh);
    expect(intern.shape([70_000])).not.toBe(fresh);
    expect(intern.shape([5])).toEqual([5]);
    expect(intern.string('Float32')).toBe('Float32');
  });
});
