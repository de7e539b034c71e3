import { pluralWord } from "../../text/plural";

// the grouping of lib/text/plural.ts ("1,200")
const numbers = new Intl.NumberFormat("en");

// How far the delivery log counts (store/log-counts.ts) and how it writes a count that reached the cap;
// how many finished deliveries its success rate looks at (store/log-queries.ts deliveryStats).

/** Counts are exact up to this; past it the log says "10,000+". */
export const COUNT_CAP = 10_000;

/** The log's success rate is of the last this many finished deliveries (delivered or failed), newest first. */
export const SUCCESS_SAMPLE = 1000;

/** A count as the log writes it: "1,234", or "10,000+" when there are more. */
export function countText(n: number, more: boolean): string {
  return `${numbers.format(n)}${more ? "+" : ""}`;
}

/** "3 deliveries", or "10,000+ deliveries" when there are more. */
export function countedText(n: number, more: boolean, one: string, other: string): string {
  return `${countText(n, more)} ${more ? other : pluralWord(n, one, other)}`;
}
