/**
 * Squarified treemap layout (Bruls, Huijsing & van Wijk): lay rows of rectangles along the
 * shorter side of the remaining space, adding an item to the current row while that keeps the
 * row's worst aspect ratio from getting worse.
 */

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Placed<T> extends Rect {
  item: T;
}

function worstRatio(areas: readonly number[], side: number): number {
  const sum = areas.reduce((total, area) => total + area, 0);
  if (sum <= 0 || side <= 0) return Infinity;
  let max = -Infinity;
  let min = Infinity;
  for (const area of areas) {
    max = Math.max(max, area);
    min = Math.min(min, area);
  }
  return Math.max((side * side * max) / (sum * sum), (sum * sum) / (side * side * min));
}

/** Place items (any order) with areas proportional to weight(item) inside `bounds`; zero weights are left out. */
export function squarify<T>(items: readonly T[], weight: (item: T) => number, bounds: Rect): Placed<T>[] {
  const sorted = items
    .map((item) => ({ item, value: Math.max(0, weight(item)) }))
    .filter((entry) => entry.value > 0)
    .sort((a, b) => b.value - a.value);
  const total = sorted.reduce((sum, entry) => sum + entry.value, 0);
  if (total <= 0 || bounds.width <= 0 || bounds.height <= 0) return [];
  const scale = (bounds.width * bounds.height) / total;
  const out: Placed<T>[] = [];
  let space = { ...bounds };
  let row: { item: T; area: number }[] = [];

  const layoutRow = (): void => {
    const rowArea = row.reduce((sum, entry) => sum + entry.area, 0);
    const horizontal = space.width >= space.height; // row runs down the left side when wide
    const side = horizontal ? space.height : space.width;
    const thickness = side > 0 ? rowArea / side : 0;
    let offset = 0;
    for (const entry of row) {
      const length = thickness > 0 ? entry.area / thickness : 0;
      out.push(
        horizontal
          ? { item: entry.item, x: space.x, y: space.y + offset, width: thickness, height: length }
          : { item: entry.item, x: space.x + offset, y: space.y, width: length, height: thickness },
      );
      offset += length;
    }
    space = horizontal
      ? { x: space.x + thickness, y: space.y, width: Math.max(0, space.width - thickness), height: space.height }
      : { x: space.x, y: space.y + thickness, width: space.width, height: Math.max(0, space.height - thickness) };
    row = [];
  };

  for (const entry of sorted) {
    const area = entry.value * scale;
    const side = Math.min(space.width, space.height);
    const current = row.map((r) => r.area);
    if (row.length > 0 && worstRatio([...current, area], side) > worstRatio(current, side)) layoutRow();
    row.push({ item: entry.item, area });
  }
  if (row.length > 0) layoutRow();
  return out;
}
