// What type a stored attribute value is. Attributes are JSON, which has no date: a date is kept as ISO
// text, so any ISO-looking string reads as a date. The one rule for the attribute catalogue and for
// what the CSV import tells of a column before it stores it (import/mapping.ts columnTypeNote).
import { isIsoDateText } from "../date-input";

export type AttributeKind = "string" | "number" | "boolean" | "date" | "list";

export function kindOf(value: unknown): AttributeKind {
  if (Array.isArray(value)) return "list";
  if (typeof value === "number") return "number";
  if (typeof value === "boolean") return "boolean";
  if (typeof value === "string" && isIsoDateText(value)) return "date";
  return "string";
}
