// Text neither database takes alike: PostgreSQL cannot store U+0000 in text or JSON, and a string
// holding a lone UTF-16 surrogate ("\ud800" alone) Prisma refuses on both databases (its query
// protocol cannot carry it: "unexpected end of hex escape") while the raw node-postgres handle
// (lib/db/raw.ts) would store U+FFFD in its place. Input holding either is refused before it gets
// there, on both databases alike: the API's body and URL checks, the auth route, every server action,
// the campaign schema, ids and header values ask here.
// No imports: the campaign schema runs in the browser too.

/** Half of a UTF-16 pair without its other half. */
export const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Text a query can carry on both databases: no U+0000, no lone surrogate. */
export function isStorableText(text: string): boolean {
  return !text.includes("\u0000") && !LONE_SURROGATE.test(text);
}

/** `tooLarge`: the walk stopped at its budget of values before finding anything (see unstorableText). */
export type UnstorableText = { path: string; problem: string; tooLarge?: true };

/**
 * The first key or string neither database can store (U+0000 or a lone surrogate): its path and what
 * it holds, or null. Only plain objects and arrays are entered (what JSON and the schemas take), each
 * once, and each distinct string is read once: a server action's arguments can name one long string
 * from thousands of keys (40,000 references to a 240,000-character string took 29 s read each time).
 * `maxValues` bounds the walk (keys and values counted): past it, `tooLarge` and no path.
 */
export function unstorableText(value: unknown, maxValues = Infinity): UnstorableText | null {
  let problem = "";
  const checked = new Set<string>();
  const bad = (text: string) => {
    if (checked.has(text)) return false;
    checked.add(text);
    if (text.includes("\0")) problem = "the NUL character (U+0000)";
    else if (LONE_SURROGATE.test(text)) problem = "a broken character (half of a UTF-16 surrogate pair, such as \\ud800 alone)";
    return problem !== "";
  };
  const found = pathOf(value, bad, maxValues);
  if (found === TOO_LARGE) return { path: "", problem: `more than ${maxValues.toLocaleString("en-US")} values`, tooLarge: true };
  return found === null ? null : { path: found, problem };
}

// U+0000 or half of a surrogate pair, as a JSON escape: the only way either reaches a string JSON.parse
// returns (raw control characters are invalid JSON; broken UTF-8 bytes decode to U+FFFD).
const ESCAPE_UNSTORABLE = /\\u(0000|d[89a-f])/i;

/** unstorableText of a parsed JSON document, given its text too: the walk runs only when an escape could have made one. */
export function unstorableJson(text: string, parsed: unknown): UnstorableText | null {
  return ESCAPE_UNSTORABLE.test(text) ? unstorableText(parsed) : null;
}

const TOO_LARGE = Symbol("too large");

function isPlain(v: object): boolean {
  if (Array.isArray(v)) return true;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

// A loop over a stack, each object once: a server action's arguments may nest deeper than the call
// stack or refer to themselves. Keys and values are visited in order, a key before its value.
function pathOf(value: unknown, bad: (text: string) => boolean, maxValues: number): string | null | typeof TOO_LARGE {
  const seen = new WeakSet<object>();
  const stack: { value: unknown; path: string; key?: string }[] = [{ value, path: "" }];
  let visited = 0;
  while (stack.length) {
    if (++visited > maxValues) return TOO_LARGE;
    const next = stack.pop()!;
    if (next.key !== undefined && bad(next.key)) return next.path;
    const v = next.value;
    if (typeof v === "string") {
      if (bad(v)) return next.path;
      continue;
    }
    if (!v || typeof v !== "object" || seen.has(v) || !isPlain(v)) continue;
    seen.add(v);
    const entries = Object.entries(v);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, child] = entries[i]!;
      stack.push({ value: child, path: next.path ? `${next.path}.${key}` : key, key });
    }
  }
  return null;
}
