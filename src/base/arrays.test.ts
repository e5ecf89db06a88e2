import { describe, expect, it } from 'vitest';
import { mapConcurrently, pushAll } from './arrays';

describe('pushAll', () => {
  it('appends more items than a spread call can take as arguments', () => {
    const target = [0];
    pushAll(target, new Array<number>(300_000).fill(1));
    expect(target.length).toBe(300_001);
  });
});

describe('mapConcurrently', () => {
  it('keeps item order, never runs more than the limit at once', async () => {
    let running = 0;
    let peak = 0;
    const results = await mapConcurrently([5, 1, 4, 2, 3, 0, 6], 3, async (value) => {
      running += 1;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, value));
      running -= 1;
      return value * 10;
    });
    expect(results).toEqual([50, 10, 40, 20, 30, 0, 60]);
    expect(peak).toBe(3);
  });

  it('rejects with the first failure and starts no call after it', async () => {
    const started: number[] = [];
    await expect(
      mapConcurrently([0, 1, 2, 3, 4, 5, 6, 7], 2, async (value) => {
        started.push(value);
        await new Promise((resolve) => setTimeout(resolve, 1));
        if (value === 1) throw new Error('one');
        return value;
      }),
    ).rejects.toThrow('one');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(started.length).toBeLessThan(8);
  });
});
