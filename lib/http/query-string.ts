// A page's query string as Next.js hands it over: a key repeated (?q=a&q=b) arrives as a list, and
// counts once, as its first value (the campaign list and the Users page read it so).

/** The value of a query-string key: its first when the key is repeated. */
export function firstQueryValue(value: unknown): unknown {
  return Array.isArray(value) ? value[0] : value;
}
