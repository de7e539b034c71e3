// What a template sees: the variables of the authoring contract, built once per render.
import type { TemplateContext } from "../webhooks/types";

const RESERVED_USER_KEYS = new Set(["id", "email", "timezone"]);

/** Whether user.<name> (and an audience condition on <name>: lib/audience/segment.ts) reads a built-in field, never an attribute of that name. */
export function isBuiltInUserVariable(name: string): boolean {
  return RESERVED_USER_KEYS.has(name);
}

/** user.*, userAttribute.*, event.*, parameter.*, campaign.*, action.id, now. */
export function buildTemplateContext(ctx: TemplateContext): Record<string, unknown> {
  const attributes = ctx.user.attributes ?? {};
  const user: Record<string, unknown> = {};
  for (const k in attributes) if (Object.hasOwn(attributes, k) && !RESERVED_USER_KEYS.has(k)) user[k] = attributes[k];
  user.id = ctx.user.id;
  user.email = ctx.user.email ?? undefined;
  user.timezone = ctx.user.timezone ?? undefined;
  const params = ctx.event?.params ?? {};
  // Each value's preferred spelling comes before its aliases (userAttribute.<attribute>, parameter.<p>):
  // the editor's autocomplete (suggestions.ts) offers the first spelling it meets, and the other only
  // to someone typing it. user.<attribute> first: the spelling the README and the destination templates teach.
  return {
    user,
    userAttribute: attributes,
    event: ctx.event ? { name: ctx.event.name, params } : undefined,
    parameter: params,
    campaign: ctx.campaign ?? undefined,
    action: ctx.action ?? undefined,
    now: ctx.now.toISOString(),
  };
}

/** The first names of the variables above; a path starting with any other name reads nobody's data. */
const VARIABLE_ROOTS = new Set(["userAttribute", "user", "event", "parameter", "campaign", "action", "now"]);

/**
 * Whether a variable path names no variable of the contract ({{slack_webhook_path}}, a destination
 * template's placeholder): it renders empty for every user, so it is a value left to fill in.
 */
export function isPlaceholderPath(path: string): boolean {
  return !VARIABLE_ROOTS.has(path.split(".")[0]!);
}

/** The paths of `paths` that resolve to nothing in the context (rendered empty). */
export function missingPaths(paths: string[], context: Record<string, unknown>): string[] {
  return paths.filter((p) => {
    let cur: unknown = context;
    for (const part of p.split(".")) {
      if (cur === null || typeof cur !== "object" || !Object.hasOwn(cur, part)) return true;
      cur = (cur as Record<string, unknown>)[part];
    }
    return cur === undefined || cur === null;
  });
}
