// What a template sees: the variables of the authoring contract, built once per render.
import type { TemplateContext } from "../webhooks/types";

/** The user's own fields: user.id, user.email, user.timezone. */
export const BUILT_IN_USER_FIELDS: readonly string[] = ["id", "email", "timezone"];
const RESERVED_USER_KEYS = new Set(BUILT_IN_USER_FIELDS);

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
/** The roots whose next segment names a user attribute (user.<attribute> but for the built-ins, userAttribute.<attribute>). */
const ATTRIBUTE_ROOTS = new Set(["user", "userAttribute"]);

const LITERALS = new Set(["true", "false", "null", "undefined"]);

/** How a name is written as a path segment: as is when Handlebars reads it as one name, else in brackets ("[plan.tier]", "[First name]"). */
export function writtenSegment(name: string): string {
  if (/^[A-Za-z_$][\w$-]*$/.test(name) && !LITERALS.has(name)) return name;
  return `[${name.replace(/[\\\]]/g, "\\$&")}]`;
}

/**
 * A variable path as a template writes it, from the segments Handlebars parsed (a PathExpression's
 * `parts`): ["userAttribute", "plan.tier"] is "userAttribute.[plan.tier]". Its `original` would not do:
 * it drops the brackets, and an attribute whose name holds a dot would read as a nested value.
 */
export function writtenPath(parts: readonly string[]): string {
  return parts.map(writtenSegment).join(".");
}

/** The segments of a written path (writtenPath's inverse): "userAttribute.[plan.tier]" is ["userAttribute", "plan.tier"]. */
export function pathSegments(path: string): string[] {
  const segments: string[] = [];
  const segment = /\[((?:\\.|[^\]\\])*)\](?:\.|$)|([^.]*)(?:\.|$)/y;
  while (segment.lastIndex < path.length) {
    const m = segment.exec(path);
    if (!m) break;
    segments.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, "$1") : m[2]!);
  }
  return segments;
}

/**
 * The user attribute a variable path reads, its name whole ("plan.tier" of `userAttribute.[plan.tier]`),
 * or null when it reads a built-in field (user.id, user.email, user.timezone) or no attribute at all. As
 * buildTemplateContext builds them: userAttribute.<name> is every attribute as stored, user.<name> all but
 * the built-ins' names. Takes a written path or its segments.
 */
export function attributeRead(path: string | readonly string[]): string | null {
  const [root, name] = typeof path === "string" ? pathSegments(path) : path;
  if (root === undefined || name === undefined || !ATTRIBUTE_ROOTS.has(root)) return null;
  return root === "user" && isBuiltInUserVariable(name) ? null : name;
}

/**
 * Whether a variable path reads every attribute at once: the whole `user` or `userAttribute` (`{{#with
 * user}}`, `{{#each userAttribute}}`, `{{lookup user someName}}`, `{{json user}}`), so which attribute
 * it shows is not written in the template.
 */
export function readsEveryAttribute(path: string | readonly string[]): boolean {
  const segments = typeof path === "string" ? pathSegments(path) : path;
  return segments.length === 1 && ATTRIBUTE_ROOTS.has(segments[0]!);
}

/**
 * Whether a variable path names no variable of the contract ({{slack_webhook_path}}, a destination
 * template's placeholder): it renders empty for every user, so it is a value left to fill in.
 */
export function isPlaceholderPath(path: string): boolean {
  return !VARIABLE_ROOTS.has(pathSegments(path)[0]!);
}

/** The paths of `paths` (as written: writtenPath) that resolve to nothing in the context (rendered empty). */
export function missingPaths(paths: string[], context: Record<string, unknown>): string[] {
  return paths.filter((p) => {
    let cur: unknown = context;
    for (const part of pathSegments(p)) {
      if (cur === null || typeof cur !== "object" || !Object.hasOwn(cur, part)) return true;
      cur = (cur as Record<string, unknown>)[part];
    }
    return cur === undefined || cur === null;
  });
}
