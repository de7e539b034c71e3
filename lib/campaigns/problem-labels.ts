// Template problems and field errors in the marketer's words: "Field 3 value (line 1, column 7): ...".
import type { TemplateProblem } from "../webhooks/types";
import { variantKey } from "./variants";

const LIST_LABELS: Record<string, string> = { fields: "Field", headers: "Header", responseMapping: "Save response to user, row" };

/** The draft's data keys and header names, to name a field by what the marketer typed rather than its number. */
export type ProblemNames = { fields?: readonly { key: string }[]; headers?: readonly { name: string }[] };

/**
 * "url" | "fields[2].value" | "fields.2.value" | "headers[0].name" -> "URL" | "Field 3 value" | "Header 1 name";
 * with the draft's `names`, a field or header that has a key or name is named by it: 'Field "city" value'.
 */
export function fieldLabel(field: string, names: ProblemNames = {}): string {
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
  const index = Number(a ?? b);
  // a key or name is shown only where it says which row: not for the key or name itself
  const given = part === "value" ? (list === "fields" ? names.fields?.[index]?.key : list === "headers" ? names.headers?.[index]?.name : undefined)?.trim() : undefined;
  const which = given ? `"${given.length > 40 ? `${given.slice(0, 40)}…` : given}"` : String(index + 1);
  return `${LIST_LABELS[list!]} ${which}${part ? ` ${part}` : ""}`;
}

export function describeProblem(p: TemplateProblem): string {
  const where = p.line ? ` (line ${p.line}, column ${p.column ?? 1})` : "";
  return `${p.label ?? fieldLabel(p.field)}${where}: ${p.message}`;
}

/** The problems of rendering `draft` (the rows it rendered, in its order), each labelled by its key or header name. */
export function labelledProblems(problems: TemplateProblem[], draft: ProblemNames): TemplateProblem[] {
  return problems.map((p) => ({ ...p, label: fieldLabel(p.field, draft) }));
}

/** A webhook of the editor as a refusal names it: its name, its rows' keys and names, its variants'. */
export type NamedWebhook = ProblemNames & { name: string; variants?: readonly (ProblemNames & { name: string })[] };

/**
 * Where a refusal's first webhook problem is, in the page's words ('webhook “Slack”, Header
 * "Authorization" value'), from its field errors by the editor's paths ("actions.1.headers.1.value",
 * "actions.0.variants.0.url"); the first webhook on the page, as the focus goes to the first field
 * with an error. null when none is at a webhook's field (the delivery settings', a timing's).
 */
export function webhookProblemPlace(fieldErrors: Record<string, string>, webhooks: readonly NamedWebhook[]): string | null {
  const found = Object.keys(fieldErrors).flatMap((path) => {
    const m = /^actions\.(\d+)\.(?:variants\.(\d+)\.)?(.+)$/.exec(path);
    return m && !m[3]!.startsWith("subDelivery.") ? [{ step: Number(m[1]), variant: m[2] === undefined ? null : Number(m[2]), field: m[3]! }] : [];
  });
  if (!found.length) return null;
  const first = found.reduce((a, b) => (b.step < a.step || (b.step === a.step && (b.variant ?? -1) < (a.variant ?? -1)) ? b : a));
  const webhook = webhooks[first.step];
  const content = first.variant === null ? webhook : webhook?.variants?.[first.variant];
  const which = webhook ? `webhook “${webhook.name.trim() || first.step + 1}”` : `webhook ${first.step + 1}`;
  // variants.0 is the second variant, B (the webhook itself is A)
  const variant = first.variant === null ? "" : `, variant ${variantKey(first.variant + 1)}`;
  return `${which}${variant}, ${fieldLabel(first.field, content ?? {})}`;
}

/** One problem of a refused save, in the page's words ("Webhook 1 field `plan`"), and its field's path. */
export type SaveProblem = { path: string; label: string };

const DETAIL_LABELS: Record<string, string> = { name: "Name", description: "Description" };
// a webhook's fields from the top of its card down (others after them)
const FIELD_ORDER = ["name", "method", "url", "contentType", "fields", "headers", "responseMapping"];

/**
 * Each problem of a refused save, named as the marketer finds it and in the page's order: the
 * campaign's details, the webhooks in turn, then the Delivery section ("delivery." paths). `webhooks`:
 * the editor's, for the data keys ("Webhook 1 field `plan`") and header names.
 */
export function saveProblems(fieldErrors: Record<string, string>, webhooks: readonly NamedWebhook[]): SaveProblem[] {
  const placed = Object.keys(fieldErrors).map((path, order) => {
    const m = /^actions\.(\d+)\.(?:variants\.(\d+)\.)?(.+)$/.exec(path);
    if (!m || m[3]!.startsWith("subDelivery.")) {
      const delivery = path.startsWith("delivery.") || !!m;
      return { path, label: delivery ? "Delivery settings" : (DETAIL_LABELS[path] ?? path), rank: [delivery ? 2 : 0, 0, 0, 0, 0, order] };
    }
    const step = Number(m[1]);
    const variant = m[2] === undefined ? null : Number(m[2]);
    const field = m[3]!;
    const content = variant === null ? webhooks[step] : webhooks[step]?.variants?.[variant];
    const key = /^fields\.(\d+)\.value$/.exec(field);
    const given = key ? content?.fields?.[Number(key[1])]?.key.trim() : undefined;
    const what = given ? `field \`${given.length > 40 ? `${given.slice(0, 40)}…` : given}\`` : fieldLabel(field, content ?? {});
    // variants.0 is the second variant, B (the webhook itself is A)
    const which = `Webhook ${step + 1}${variant === null ? "" : ` variant ${variantKey(variant + 1)}`}`;
    const row = /^(\w+)\.(\d+)/.exec(field);
    return { path, label: `${which} ${what}`, rank: [1, step, variant ?? -1, FIELD_ORDER.indexOf(row?.[1] ?? field) >>> 0, Number(row?.[2] ?? 0), order] };
  });
  placed.sort((a, b) => {
    const i = a.rank.findIndex((r, j) => r !== b.rank[j]);
    return i < 0 ? 0 : a.rank[i]! - b.rank[i]!;
  });
  // one line per place: a webhook's several Delivery problems read as one
  return placed.filter((p, i) => placed.findIndex((q) => q.label === p.label) === i).map(({ path, label }) => ({ path, label }));
}
