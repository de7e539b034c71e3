// A query string, read one way by the pages and by both API wrappers: a key repeated (?q=a&q=b)
// counts once, as its first value. Pages get it from Next.js as a list (the campaign list and the Users
// page read it so); withApi and withInternal read the URL's searchParams through queryObject. First,
// not refused: a page's filter link with a repeated key keeps working, and the API lists what the page shows.

/** The value of a query-string key: its first when the key is repeated. */
export function firstQueryValue(value: unknown): unknown {
  return Array.isArray(value) ? value[0] : value;
}

/** A URL's query as one value per key, the first of a repeated key (Object.fromEntries kept the last). */
export function queryObject(params: URLSearchParams): Record<string, string> {
  const first = new Map<string, string>();
  for (const [name, value] of params) if (!first.has(name)) first.set(name, value);
  // fromEntries, not query[name] = value: a key named __proto__ stays a key
  return Object.fromEntries(first);
}
