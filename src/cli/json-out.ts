import type { CliIo } from './types';

/** Items per write when a long list is streamed. */
const ITEMS_PER_LINE = 512;
/**
 * Characters per write, whichever limit comes first: a write is one string, and V8 allocates a
 * string over 128 KiB as a large object, each slow to make and to free — 512 stats items with
 * histograms (~200 KB) made joining them and checking them for control characters (main.ts)
 * ten times slower per byte, 3.5 s of a million-tensor `stats --json`.
 */
const CHARS_PER_LINE = 48 * 1024;

/** `"key":value` for each defined field. */
function members(value: Record<string, unknown>, skip?: string): string[] {
  const parts: string[] = [];
  for (const [key, field] of Object.entries(value)) {
    if (key === skip) continue;
    if (field !== undefined) parts.push(`${JSON.stringify(key)}:${JSON.stringify(field)}`);
  }
  return parts;
}

/**
 * One JSON document on one line whose list under `listKey` is written as its items come, a few
 * hundred at a time (each item's JSON text given by the caller): `head`'s fields come before
 * the list, and the fields given to `end` after it. Standard output is waited for after each
 * write (CliIo.drained), so a slow reader never makes a million items pile up in memory. An
 * error before the end closes the document with an "error" member (CliIo.endJsonWithError).
 */
export function streamJsonList(io: CliIo, head: Record<string, unknown>, listKey: string) {
  const before = members(head, listKey);
  io.write(`{${before.join(',')}${before.length > 0 ? ',' : ''}${JSON.stringify(listKey)}:[`);
  let line: string[] = [];
  let lineChars = 0;
  let written = 0;
  const flush = async (): Promise<void> => {
    if (line.length === 0) return;
    io.write(`${written > 0 ? ',' : ''}${line.join(',')}`);
    written += line.length;
    line = [];
    lineChars = 0;
    if (io.drained) await io.drained();
  };
  io.endJsonWithError = (error) => {
    io.endJsonWithError = undefined;
    io.out(`${written > 0 && line.length > 0 ? ',' : ''}${line.join(',')}],"error":${JSON.stringify(error)}}`);
  };
  return {
    async add(itemJson: string): Promise<void> {
      line.push(itemJson);
      lineChars += itemJson.length;
      if (line.length >= ITEMS_PER_LINE || lineChars >= CHARS_PER_LINE) await flush();
    },
    async end(tail: Record<string, unknown> = {}): Promise<void> {
      await flush();
      io.endJsonWithError = undefined;
      const after = members(tail);
      io.out(`]${after.length > 0 ? ',' : ''}${after.join(',')}}`);
    },
  };
}

/**
 * Print `value` as JSON, with the list under `listKey` written last, a few hundred items at a
 * time, each item written as JSON text by `itemJson` only when printed: a million-tensor listing
 * never exists as one string or as a second array of objects.
 */
export async function printJsonWithList<T>(
  io: CliIo,
  value: Record<string, unknown>,
  listKey: string,
  list: readonly T[],
  itemJson: (entry: T) => string,
): Promise<void> {
  const out = streamJsonList(io, value, listKey);
  for (const item of list) await out.add(itemJson(item));
  await out.end();
}
