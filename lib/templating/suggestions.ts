// What the editor's autocomplete offers after `{{`: the variables a template can read and the
// helpers it may call. The variables are read off buildTemplateContext itself, probed with the
// attribute and event parameter names seen so far, and the helpers are the renderer's own, so this
// list cannot drift from what actually renders.
import { buildTemplateContext, writtenSegment } from "./context";
import { helperImplementations } from "./helpers";

export type TemplateSuggestion = {
  name: string;
  kind: "variable" | "helper";
  detail?: string;
  /** another spelling of this variable (userAttribute.city of user.city): offered only to a name typed this way (autocomplete.ts) */
  aliasOf?: string;
};

export type SuggestionSources = {
  /** the attribute catalogue (lib/audience/attribute-catalogue.ts) */
  attributes: { name: string; types: string[] }[];
  /** event names seen, each with the parameter names seen on it */
  events: { name: string; params: string[] }[];
};

/** Bounds on what one suggestion list carries, whatever the audience holds. */
export const MAX_SUGGESTED_ATTRIBUTES = 500;
const MAX_SUGGESTED_PARAMS = 200;

export const HELPER_NAMES: readonly string[] = Object.keys(helperImplementations({ json: (s) => s, urlencoded: (s) => s }));

/** A helper's line in the list where "helper" alone would not tell what it does. */
const HELPER_DETAILS: Record<string, string> = { required: "helper · skips the user when the value is empty" };

/** How a name is offered as a path segment (context.ts writtenSegment), or null: an escaped `]` or an empty name is not offered. */
function pathSegment(name: string): string | null {
  return name.includes("]") || name === "" ? null : writtenSegment(name);
}

function listOf(names: string[], max = 4) {
  return names.length > max ? `${names.slice(0, max).join(", ")}, …` : names.join(", ");
}

/**
 * Every variable and helper, in a fixed order: the user's own fields, the
 * attributes in the catalogue's order, the event and its parameters, the campaign, the action, now,
 * then the helpers. A variable's other spellings (userAttribute.<attribute>, parameter.<p>) follow it,
 * marked `aliasOf`. Typing filters this list keeping that order within each match tier (autocomplete.ts),
 * so `{{us` offers user.id, user.email, user.timezone before the attributes, however many there are.
 */
export function templateSuggestions(sources: SuggestionSources): TemplateSuggestion[] {
  // Each probe value is unique, so a value met twice is an alias of the spelling met first; probes are
  // made in the order above, which sorts the list (an object's keys would put "9" before "age").
  const details = new Map<string, { detail: string | undefined; order: number }>();
  let n = 0;
  const probe = (detail?: string) => {
    const marker = `\u0000probe-${n}`;
    details.set(marker, { detail, order: n++ });
    return marker;
  };
  const user = { id: probe("the user's id"), email: probe("the user's email"), timezone: probe("IANA time zone") };
  const attributes: Record<string, unknown> = {};
  for (const a of sources.attributes.slice(0, MAX_SUGGESTED_ATTRIBUTES)) attributes[a.name] = probe(`attribute · ${a.types.join(", ") || "string"}`);
  const eventNames = sources.events.map((e) => e.name);
  const eventName = probe(eventNames.length ? `event: ${listOf(eventNames)}` : "the triggering event's name");
  const paramEvents = new Map<string, string[]>();
  for (const e of sources.events) for (const p of e.params) paramEvents.set(p, [...(paramEvents.get(p) ?? []), e.name]);
  const params: Record<string, unknown> = {};
  for (const [p, events] of [...paramEvents].slice(0, MAX_SUGGESTED_PARAMS)) params[p] = probe(`parameter of ${listOf(events)}`);

  const context = buildTemplateContext({
    user: { ...user, attributes },
    event: { name: eventName, params },
    campaign: { id: probe(), name: probe() },
    action: { id: probe() },
    now: new Date(0),
  });

  const seen = new Map<unknown, string>();
  const variables: (TemplateSuggestion & { order: number })[] = [];
  const walk = (value: unknown, path: string) => {
    if (value !== null && typeof value === "object" && !Array.isArray(value)) {
      for (const key of Object.keys(value)) {
        const segment = pathSegment(key);
        if (segment) walk((value as Record<string, unknown>)[key], path ? `${path}.${segment}` : segment);
      }
      return;
    }
    if (value === undefined) return;
    const preferred = seen.get(value);
    if (preferred === undefined) seen.set(value, path);
    // `now` is no probe: the one value the context makes itself, last of the variables
    const probed = typeof value === "string" ? details.get(value) : undefined;
    const detail = probed ? probed.detail : "ISO-8601, UTC";
    variables.push({ name: path, kind: "variable", ...(detail ? { detail } : {}), ...(preferred === undefined ? {} : { aliasOf: preferred }), order: probed?.order ?? Infinity });
  };
  walk(context, "");
  variables.sort((a, b) => a.order - b.order);
  return [...variables.map(({ order: _, ...v }) => v), ...HELPER_NAMES.map((name): TemplateSuggestion => ({ name, kind: "helper", detail: HELPER_DETAILS[name] ?? "helper" }))];
}
