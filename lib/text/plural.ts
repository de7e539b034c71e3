// Every count the app words: "1 delivery", "3 deliveries", "1,200 users". One rule (English plural
// categories from Intl.PluralRules), one place; the number is grouped the same way everywhere.
const rules = new Intl.PluralRules("en");
const numbers = new Intl.NumberFormat("en");

/** "delivery" or "deliveries" for n, without the number. */
export function pluralWord(n: number, one: string, other: string): string {
  return rules.select(n) === "one" ? one : other;
}

/** "1 delivery", "2 deliveries", "1,200 deliveries". */
export function plural(n: number, one: string, other: string): string {
  return `${numbers.format(n)} ${pluralWord(n, one, other)}`;
}
