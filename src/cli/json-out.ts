import type { CliIo } from './types';

/** Items per write when a long list is streamed. */
const ITEMS_PER_LINE = 512;

/**
 * Print `value` as JSON, with the list under `listKey` written a few hundred items at a time,
 * each item written as JSON text by `itemJson` only when printed: a million-tensor listing never
 * exists as one string or as a second array of objects, and a slow reader is waited for (CliIo.drained).
 * The output is one JSON document on one line.
 */
export async function printJsonWithList<T>(
  io: CliIo,
  value: Record<string, unknown>,
  listKey: string,
  list: readonly T[],
  itemJson: (entry: T) => string,
): Promise<void> {
  const parts: string[] = [];
  for (const [key, field] of Object.entries(value)) {
    if (key === listKey) continue;
    if (field !== undefined) parts.push(`${JSON.stringify(key)}:${JSON.stringify(field)}`);
  }
  io.write(`{${parts.join(',')}${parts.length > 0 ? ',' : ''}${JSON.stringify(listKey)}:[`);
  for (let start = 0; start < list.length; start += ITEMS_PER_LINE) {
    const end = Math.min(list.length, start + ITEMS_PER_LINE);
    const line: string[] = [];
    for (let i = start; i < end; i += 1) line.push(itemJson(list[i] as T));
    io.write(`${line.join(',')}${end < list.length ? ',' : ''}`);
    if (io.drained) await io.drained();
  }
  io.out(']}');
}
