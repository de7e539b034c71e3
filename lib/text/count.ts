// One way to say "N things": the count in the reader's digits (1,000) and the noun that agrees with it
// ("1 delivery", "2 deliveries", "0 deliveries").

/** `countOf(1, "delivery", "deliveries")` -> "1 delivery"; the plural defaults to the noun + "s". */
export function countOf(n: number, one: string, other = `${one}s`): string {
  return `${n.toLocaleString("en")} ${n === 1 ? one : other}`;
}
