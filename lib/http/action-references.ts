// What a "$" string in a server action's arguments may say, checked before React decodes them (its
// parseModelString, react-server-dom-*/server): most prefixes name another part of the body ("$1", "$1:a:b",
// "$Q1" a Map, "$W1" a Set, "$i1" an iterator, "$h1" a server reference, "$@1" a promise, "$B1" a file,
// "$A1"…"$V1" typed arrays, "$R1"/"$X1" streams), and a part that is missing, or not yet read (busboy hands
// React the parts in order, and React resolves a part as soon as it arrives), throws "Invalid forward
// reference": a 500. "$n" with over 300 digits throws "BigInt is too large": a 500 too. No action of ours takes a
// Map, Set, iterator, file, typed array, stream or function, so those are refused outright; what is
// left is what React's client writes for plain data and FormData: the values below, "$K<id>" (a FormData
// argument, read from the body's "<id>_<name>" fields, never failing), "$<id>[:key…]", an outlined model in a
// part the body holds before this one, at a path that part has, and "$@<id>", such a part as a promise (how a
// form posted before the page's JavaScript ran sends a bound action's arguments).

/** The "$" strings that name no other part: escaped dollars, dates, temporary references, special numbers. */
const PLAIN = /^\$(?:\$|T|D|undefined$|NaN$|Infinity$|-Infinity$|-0$)/;
/** React refuses a BigInt of more than 300 characters after "$n" (the sign counts). */
const BIGINT = /^\$n-?\d+$/;
const MAX_BIGINT_CHARS = 300;
const FORM_DATA = /^\$K[0-9a-f]+$/i;
// React's own cases come first: "$A…" and "$B…" are a typed array and a file, not parts 0xA… and 0xB…
const MODEL = /^\$(@?)(?![AB])([0-9a-fA-F]+)((?::[^:]*)*)$/;

/** A part React decodes as a model: its id within its group (its name's prefix), and its JSON text. */
export type ModelPart = { prefix: string; id: number; text: string };

/** Why a "$" string cannot be decoded in a part of `prefix` given the parts read before it, or null. */
function dollarRefusal(value: string, prefix: string, earlier: Map<string, unknown>, formData: boolean): string | null {
  // "$T" is a temporary reference, which React resolves only for a fetch action: a form posted
  // without JavaScript ($ACTION_ parts) has no set for it ("Could not reference an opaque temporary reference", a 500)
  if (value.startsWith("$T") && prefix.startsWith("$ACTION_")) return "a temporary reference, which a form's fields cannot hold";
  if (PLAIN.test(value)) return null;
  if (value.startsWith("$n")) return BIGINT.test(value) && value.length - 2 <= MAX_BIGINT_CHARS ? null : "a big integer that is not one, or has more than 300 digits";
  if (FORM_DATA.test(value)) return formData ? null : "a form's data, which a text body cannot hold";
  const model = MODEL.exec(value);
  if (!model) return "a kind of value no action takes";
  const target = earlier.get(prefix + parseInt(model[2]!, 16));
  if (target === undefined) return "a part the body does not hold before it";
  // "$@<id>" is the part as a promise (a form's bound arguments): no path
  if (model[1] && model[3]) return "a kind of value no action takes";
  let at: unknown = target;
  for (const key of model[3]!.split(":").slice(1)) {
    // React walks the decoded value, own keys of plain objects and arrays only
    if (at === null || typeof at !== "object" || !Object.hasOwn(at, key)) return "a path its part does not have";
    at = (at as Record<string, unknown>)[key];
    if (typeof at === "string" && at.startsWith("$")) return "a path through another reference";
  }
  return null;
}

/**
 * Why these model parts (in the order the body holds them) cannot be decoded, or null. `formData`: whether
 * the body is multipart (a text body is the one part "0" and has no FormData entries).
 */
export function referencesRefusal(parts: ModelPart[], formData: boolean): string | null {
  const earlier = new Map<string, unknown>();
  for (const part of parts) {
    let bad: string | null = null;
    let parsed: unknown;
    try {
      parsed = JSON.parse(part.text, (_key, value: unknown) => {
        if (bad === null && typeof value === "string" && value.startsWith("$")) {
          const why = dollarRefusal(value, part.prefix, earlier, formData);
          if (why) bad = `${JSON.stringify(value.slice(0, 20))}: ${why}`;
        }
        return value;
      });
    } catch {
      return "the action's data is not JSON";
    }
    if (bad !== null) return `the action's data refers to ${bad}`;
    // React keeps the first part of a name, a check of the last would read another
    if (earlier.has(part.prefix + part.id)) return `the action's data holds part ${part.id} twice`;
    earlier.set(part.prefix + part.id, parsed);
  }
  return null;
}
