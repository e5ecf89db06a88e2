/**
 * One shared copy of values that repeat across a million index entries. A tensor entry costs
 * a few hundred bytes; its shape array and dtype string are a third of that, yet a checkpoint
 * has a few hundred distinct shapes and a handful of dtypes. Shared arrays are frozen, so code
 * that would edit one entry's shape in place fails loudly instead of editing every entry.
 * A bounded cache: past `MAX_DISTINCT` values new ones are kept as they are.
 */
const MAX_DISTINCT = 65_536;

export class Interner {
  private readonly shapes = new Map<string, number[]>();
  private readonly strings = new Map<string, string>();

  /** A shared, frozen array equal to `dims` (or `dims` itself once the cache is full). */
  shape(dims: number[]): number[] {
    if (dims.length > 8) return dims;
    if (this.sameAsLast(dims)) return this.lastShape as number[];
    const key = dims.join(',');
    const known = this.shapes.get(key);
    if (known) {
      this.lastShape = known;
      return known;
    }
    if (this.shapes.size >= MAX_DISTINCT) return dims;
    Object.freeze(dims);
    this.shapes.set(key, dims);
    this.lastShape = dims;
    return dims;
  }

  /**
   * As `shape`, for dims the caller reuses (a scanner's scratch array): they are copied when kept,
   * never frozen. The last answer is remembered, so a run of equal shapes makes no lookup key.
   */
  shapeOf(dims: readonly number[]): number[] {
    if (this.sameAsLast(dims)) return this.lastShape as number[];
    return this.shape(dims.slice());
  }

  /** The last shared shape returned: a run of equal shapes needs no lookup key. */
  private lastShape: number[] | null = null;

  private sameAsLast(dims: readonly number[]): boolean {
    const last = this.lastShape;
    if (last === null || last.length !== dims.length) return false;
    for (let i = 0; i < dims.length; i += 1) if (last[i] !== dims[i]) return false;
    return true;
  }

  /** The last string returned: a run of equal ones (a dtype, record after record) needs no lookup. */
  private lastString: string | null = null;

  /** The first string equal to `text` seen by this interner. */
  string(text: string): string {
    if (text === this.lastString) return this.lastString;
    const known = this.strings.get(text);
    if (known !== undefined) {
      this.lastString = known;
      return known;
    }
    if (this.strings.size < MAX_DISTINCT) this.strings.set(text, text);
    this.lastString = text;
    return text;
  }
}
