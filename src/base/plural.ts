const englishPlural = new Intl.PluralRules('en-US');

/**
 * A count with its noun in the right number: `plural(1, 'parameter')` → "1 parameter",
 * `plural(1234, 'entry', 'entries')` → "1,234 entries". The count is formatted as the UI formats
 * counts (en-US grouping); pass the plural form when it is not the noun plus "s".
 */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count.toLocaleString('en-US')} ${noun(count, singular, pluralForm)}`;
}

/** Only the noun, for sentences that place the count elsewhere ("All 12 parameters"). */
export function noun(count: number, singular: string, pluralForm = `${singular}s`): string {
  return englishPlural.select(count) === 'one' ? singular : pluralForm;
}
