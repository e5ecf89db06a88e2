/**
 * "1 parameter", "3 parameters", "1 entry", "2 entries": a count with its noun in the right
 * number, for every sentence that states a count. Irregular plurals are passed explicitly.
 */
export function plural(count: number, noun: string, pluralNoun = `${noun}s`): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? noun : pluralNoun}`;
}
