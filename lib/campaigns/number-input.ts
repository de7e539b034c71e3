// How a number field of a campaign reads its input. The editor's forms hold what was typed ("15") and
// their server actions coerce it; the public API takes JSON numbers only, as it does for every other
// number (a delay's `seconds`): `"15"` there is a 400 naming the field. Client-safe (zod only).
import { z } from "zod";

export type NumberSource = "typed" | "json";

export function numberInput(source: NumberSource, message: string) {
  if (source === "typed") return z.coerce.number(message);
  return z.number({ error: (issue) => (typeof issue.input === "string" ? `Send a JSON number, not a string (${JSON.stringify(issue.input).slice(0, 40)})` : message) });
}
