/**
 * `target.push(...items)` for lists whose length a file decides: spreading passes every item as
 * an argument, and above ~120,000 of them the call overflows the stack.
 */
export function pushAll<T>(target: T[], items: Iterable<T>): void {
  for (const item of items) target.push(item);
}
