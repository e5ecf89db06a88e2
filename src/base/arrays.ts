/**
 * `target.push(...items)` for lists whose length a file decides: spreading passes every item as
 * an argument, and above ~120,000 of them the call overflows the stack.
 */
export function pushAll<T>(target: T[], items: Iterable<T>): void {
  for (const item of items) target.push(item);
}

/** A typed array twice as long (or `least`), holding what `array` held. */
export function grown<T extends Uint8Array | Int32Array | Uint32Array | Float64Array>(array: T, least = 0): T {
  const next = new (array.constructor as new (length: number) => T)(Math.max(least, array.length * 2));
  next.set(array);
  return next;
}

/**
 * `items.map(fn)` with at most `limit` calls in flight, results in item order. Many small reads
 * (a zip's local headers) cost their latency once per batch instead of once each. The first
 * failure stops new calls and is what the promise rejects with.
 */
export async function mapConcurrently<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const index = next++;
      try {
        results[index] = await fn(items[index] as T, index);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
