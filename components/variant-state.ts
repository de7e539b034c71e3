// A webhook's A/B variants in the editor: tab 0 is the webhook itself (A), tab k its variant k
// (B, C, ...). Each tab is edited with the same ActionEditor through a view that puts the variant's
// content over the webhook's settings; edits of the content go back to the variant.
import { MAX_EXTRA_VARIANTS, variantKey } from "@/lib/campaigns/variants";
import { uid, type ActionState, type VariantState } from "./campaign-draft-state";

// not `signing`: the webhook's secret signs every variant, so every tab shows (and changes) the webhook's
const CONTENT_KEYS = ["id", "copiedFrom", "name", "method", "url", "contentType", "fields", "headers"] as const;
type ContentKey = (typeof CONTENT_KEYS)[number];
const isContentKey = (k: string): k is ContentKey => (CONTENT_KEYS as readonly string[]).includes(k);

/** The tab as ActionEditor edits it: the variant's content over the webhook's settings. */
export function contentOf(action: ActionState, tab: number): ActionState {
  const variant = tab > 0 ? action.variants[tab - 1] : undefined;
  if (!variant) return action;
  const view: ActionState = { ...action };
  for (const k of CONTENT_KEYS) (view as Record<string, unknown>)[k] = variant[k];
  return view;
}

/** An edit made on the tab's view, as a patch of the webhook: content edits of B, C, ... go to that variant. */
export function patchAt(action: ActionState, tab: number, patch: Partial<ActionState>): Partial<ActionState> {
  if (tab === 0 || !action.variants[tab - 1]) return patch;
  const own: Partial<VariantState> = {};
  const rest: Partial<ActionState> = {};
  for (const [k, v] of Object.entries(patch)) {
    if (isContentKey(k)) (own as Record<string, unknown>)[k] = v;
    else (rest as Record<string, unknown>)[k] = v;
  }
  return { ...rest, variants: action.variants.map((v, i) => (i === tab - 1 ? { ...v, ...own } : v)) };
}

/** Even splits that add up to 100, the remainder to A: 3 variants are 34/33/33. */
function evenSplits(count: number): string[] {
  const base = Math.floor(100 / count);
  return Array.from({ length: count }, (_, i) => String(i === 0 ? 100 - base * (count - 1) : base));
}

/** A new variant, a copy of the tab's content (saved secrets come along as the secret resolver allows); splits even again. */
export function withNewVariant(action: ActionState, tab: number): Partial<ActionState> | null {
  if (action.variants.length >= MAX_EXTRA_VARIANTS) return null;
  const source = contentOf(action, tab);
  const key = variantKey(action.variants.length + 1);
  const added: VariantState = {
    uid: uid(),
    copiedFrom: source.id ?? source.copiedFrom,
    name: `${action.name || "Webhook"} ${key}`.slice(0, 80),
    method: source.method,
    url: source.url,
    contentType: source.contentType,
    fields: source.fields.map((f) => ({ ...f, uid: uid() })),
    headers: source.headers.map((h) => ({ ...h, uid: uid() })),
    splitPercent: "0",
  };
  const variants = [...action.variants, added];
  const splits = evenSplits(variants.length + 1);
  return { splitPercent: splits[0], variants: variants.map((v, i) => ({ ...v, splitPercent: splits[i + 1]! })) };
}

/** Without variant `tab` (1 = B); with none left, A takes everyone again. */
export function withoutVariant(action: ActionState, tab: number): Partial<ActionState> {
  const variants = action.variants.filter((_, i) => i !== tab - 1);
  if (variants.length === 0) return { variants, splitPercent: "100" };
  const removed = Number(action.variants[tab - 1]?.splitPercent) || 0;
  // the removed share goes to A, so the rest still adds up
  return { variants, splitPercent: String((Number(action.splitPercent) || 0) + removed) };
}
