/**
 * `record[key] = value` for keys that come from a file. A plain assignment of `__proto__` sets the
 * object's prototype instead of a property, so a tensor or metadata entry of that name would
 * silently vanish from an index, a header or a map; this defines an own property whatever the key.
 */
export function setOwn<T>(record: Record<string, T>, key: string, value: T): void {
  // Only `__proto__` is an accessor on Object.prototype; every other key assigns as it defines
  // (and a plain store is several times cheaper than defineProperty, per tensor of an export).
  if (key === '__proto__')
    Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
  else record[key] = value;
}
