// Template problems and field errors in the marketer's words: "Field 3 value (line 1, column 7): ...".
import type { TemplateProblem } from "../webhooks/types";
import { variantKey } from "./variants";

const LIST_LABELS: Record<string, string> = { fields: "Field", headers: "Header", responseMapping: "Save response to user, row" };

/** "url" | "fields[2].value" | "fields.2.value" | "headers[0].name" -> "URL" | "Field 3 value" | "Header 1 name". */
export function fieldLabel(field: string): string {
  if (field === "url") return "URL";
  if (field === "user") return "Preview as";
  if (field === "body") return "Body";
  // a variants' problem (lib/campaigns/variants.ts), shown in the preview too
  if (field === "splitPercent") return "Variant splits";
  if (field === "controlPercent") return "Control group";
  if (field === "variants") return "Variants";
  const split = /^variants\.(\d+)\.splitPercent$/.exec(field);
  // variants.0 is the second variant, B (the step itself is A)
  if (split) return `Split ${variantKey(Number(split[1]) + 1)}`;
  const match = /^(fields|headers|responseMapping)(?:\[(\d+)\]|\.(\d+))(?:\.(\w+))?$/.exec(field);
  if (!match) return field;
  const [, list, a, b, part] = match;
  const n = Number(a ?? b) + 1;
  return `${LIST_LABELS[list!]} ${n}${part ? ` ${part}` : ""}`;
}

export function describeProblem(p: TemplateProblem): string {
  const where = p.line ? ` (line ${p.line}, column ${p.column ?? 1})` : "";
  return `${fieldLabel(p.field)}${where}: ${p.message}`;
}
