import { describe, expect, it } from 'vitest';
import { squarify, type Rect } from './treemap-layout';

const area = (r: Rect): number => r.width * r.height;

function overlaps(a: Rect, b: Rect): boolean {
  const eps = 1e-9;
  return (
    a.x + eps < b.x + b.width && b.x + eps < a.x + a.width && a.y + eps < b.y + b.height && b.y + eps < a.y + a.height
  );
}

describe('squarify', () => {
  it('reproduces the paper example: areas proportional, inside the bounds, no overlaps', () => {
    // Bruls et al. 2000: weights 6,6,4,3,2,2,1 in a 6×4 rectangle.
    const weights = [6, 6, 4, 3, 2, 2, 1];
    const placed = squarify(weights, (w) => w, { x: 0, y: 0, width: 6, height: 4 });
    expect(placed).toHaveLength(7);
    for (const p of placed) {
      expect(area(p)).toBeCloseTo(p.item, 9);
      expect(p.x).toBeGreaterThanOrEqual(-1e-9);
      expect(p.y).toBeGreaterThanOrEqual(-1e-9);
      expect(p.x + p.width).toBeLessThanOrEqual(6 + 1e-9);
      expect(p.y + p.height).toBeLessThanOrEqual(4 + 1e-9);
    }
    for (let i = 0; i < placed.length; i += 1)
      for (let j = i + 1; j < placed.length; j += 1) expect(overlaps(placed[i] as Rect, placed[j] as Rect)).toBe(false);
    // The paper's first row: the two 6s stacked on the left, each 3 wide and 2 high.
    expect(placed.slice(0, 2).map((p) => [p.width, p.height])).toEqual([
      [3, 2],
      [3, 2],
    ]);
  });

  it('leaves out zero weights and handles an empty input', () => {
    expect(squarify([0, 0], (w) => w, { x: 0, y: 0, width: 10, height: 10 })).toEqual([]);
    expect(squarify([5, 0], (w) => w, { x: 0, y: 0, width: 10, height: 10 })).toHaveLength(1);
  });
});
