// U+0000 cannot be stored in PostgreSQL text or JSON: input holding it is refused before it gets
// there, on both databases alike (the API's body reader and the campaign schema ask here). No
// imports: the campaign schema runs in the browser too.
/** The path of the first key or string holding U+0000, or null. */
export function pathOfNul(value: unknown, path = ""): string | null {
  if (typeof value === "string") return value.includes("\0") ? path : null;
  if (!value || typeof value !== "object") return null;
  for (const [key, child] of Object.entries(value)) {
    const at = path ? `${path}.${key}` : key;
    if (key.includes("\0")) return at;
    const found = pathOfNul(child, at);
    if (found !== null) return found;
  }
  return null;
}
