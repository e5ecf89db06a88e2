/**
 * `record[key] = value` for keys that come from a file. A plain assignment of `__proto__` sets the
 * object's prototype instead of a property, so a tensor or metadata entry of that name would
 * silently vanish from an index, a header or a map; this defines an own property whatever the key.
 */
export function setOwn<T>(record: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
}
