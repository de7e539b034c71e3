// Text neither database can take: PostgreSQL cannot store U+0000 in text or JSON, and its jsonb
// refuses a lone UTF-16 surrogate (JSON can carry "\ud800"; a driver binding it as text writes
// U+FFFD instead, so the same id would compare differently on the two databases). Input holding
// either is refused before it gets there, on both databases alike: the API's body reader, the
// campaign schema, ids and header values ask here. No imports: the campaign schema runs in the browser too.

/** Half of a UTF-16 pair without its other half. */
export const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Text a query can carry on both databases: no U+0000, no lone surrogate. */
export function isStorableText(text: string): boolean {
  return !text.includes("\u0000") && !LONE_SURROGATE.test(text);
}

/** The path of the first key or string holding U+0000, or null. */
export function pathOfNul(value: unknown, path = ""): string | null {
  return pathOf(value, path, (text) => text.includes("\0"));
}

/** The first key or string neither database can store (U+0000 or a lone surrogate): its path and what it holds, or null. */
export function unstorableText(value: unknown): { path: string; problem: string } | null {
  let problem = "";
  const path = pathOf(value, "", (text) => {
    if (text.includes("\0")) problem = "the NUL character (U+0000)";
    else if (LONE_SURROGATE.test(text)) problem = "a broken character (half of a UTF-16 surrogate pair, such as \\ud800 alone)";
    return problem !== "";
  });
  return path === null ? null : { path, problem };
}

function pathOf(value: unknown, path: string, bad: (text: string) => boolean): string | null {
  if (typeof value === "string") return bad(value) ? path : null;
  if (!value || typeof value !== "object") return null;
  for (const [key, child] of Object.entries(value)) {
    const at = path ? `${path}.${key}` : key;
    if (bad(key)) return at;
    const found = pathOf(child, at, bad);
    if (found !== null) return found;
  }
  return null;
}
