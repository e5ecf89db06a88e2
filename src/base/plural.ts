const englishPlural = new Intl.PluralRules('en-US');
/** Made on first use: its locale data takes ~30 ms to load in Chromium. */
let countFormat: Intl.NumberFormat | null = null;

/**
 * A count with its noun in the right number: `plural(1, 'parameter')` → "1 parameter",
 * `plural(1234, 'entry', 'entries')` → "1,234 entries". The count is formatted as the UI formats
 * counts (en-US grouping); pass the plural form when it is not the noun plus "s".
 */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${countText(count)} ${noun(count, singular, pluralForm)}`;
}

/**
 * A count as en-US digits; past 2^53 a double no longer holds every integer, so the digits would
 * be made up ("18,446,744,073,709,552,000"): such a count is written as what it is, about 1.8e19.
 */
function countText(count: number): string {
  if (Number.isFinite(count) && Math.abs(count) > Number.MAX_SAFE_INTEGER) return `about ${count.toPrecision(3)}`;
  countFormat ??= new Intl.NumberFormat('en-US');
  return countFormat.format(count);
}

/** Only the noun, for sentences that place the count elsewhere ("All 12 parameters"). */
export function noun(count: number, singular: string, pluralForm = `${singular}s`): string {
  return englishPlural.select(count) === 'one' ? singular : pluralForm;
}
