// A {{user.X}} whose X no user has: a misspelt attribute ({{user.frstName}}) renders empty for every
// user, and the per-user preview only says "not set for this user". Found here from the templates' text
// and the attribute catalogue (the reading the editor's suggestions share), for the editor's fields and
// Activate's confirmation alike. A warning, not a refusal: attributes may still arrive through the API.
import { templateNeededVariables, templateVariables } from "../templating";
import { attributeRead, BUILT_IN_USER_FIELDS, readsEveryAttribute } from "../templating/context";
import { earlierStepMappings, fromEarlierStep, type EarlierStepMapping } from "./earlier-step-mappings";
export { earlierStepMappings, earlierStepTimingMessage, mappingEntries, type EarlierStepMapping } from "./earlier-step-mappings";
import { loadAttributeNames } from "./template-suggestions";
import { variantKey } from "./variants";
import { db } from "../db";
import { openStoredValue, storedHeaders } from "./secret-resolver";
import type { TemplateProblem } from "../webhooks/types";

/**
 * The templates of one webhook or variant as they are sent: a secret header's value in the clear (opened
 * server-side, as the engine and the preview have it; storedAttributeTemplate for a stored row). Only the
 * names it reads leave here, never a value.
 */
export type AttributeReadingTemplate = { url: string; fields: { key?: string; value: string }[]; headers: { name?: string; value: string; secret?: boolean }[] };

export type UnknownAttributeReference = {
  /** the preview's field key: "url", "fields[0].value", "headers[1].value" */
  field: string;
  /** where, in words: "the URL", 'data field "name"', 'header "X-Name"' */
  place: string;
  /** the variable as written: "user.frstName" */
  path: string;
  attribute: string;
  /** the closest known name, when close enough to be a likely misspelling */
  suggestion: string | null;
};

// how many unknown references of one webhook get a "did you mean" (each compares with every known name)
const MAX_SUGGESTIONS = 10;

/** Edit distance (insert, delete, replace, swap two neighbours; a letter's case costs nothing), bounded: past `max` it stops. */
function editDistance(a: string, b: string, max: number): number {
  a = a.toLowerCase();
  b = b.toLowerCase();
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let before: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) row[j] = Math.min(row[j]!, before[j - 2]! + 1);
      best = Math.min(best, row[j]!);
    }
    if (best > max) return max + 1;
    before = previous;
    previous = row;
  }
  return previous[b.length]!;
}

/** The known name closest to `name`, if a slip of a letter or two away (one for a short name). */
export function closestName(name: string, known: Iterable<string>): string | null {
  const max = name.length <= 4 ? 1 : 2;
  let best: { name: string; distance: number } | null = null;
  for (const candidate of known) {
    if (candidate === name) continue;
    const distance = editDistance(name, candidate, max);
    if (distance <= max && (!best || distance < best.distance)) best = { name: candidate, distance };
  }
  return best?.name ?? null;
}

/**
 * The {{user.X}} / {{userAttribute.X}} references of a webhook's URL, data values and header values to
 * an attribute not in `known` (the catalogue's names and those a response mapping saves). Built-in fields
 * (id, email, timezone) are always known; `{{event.x}}` is not looked at.
 */
export function unknownAttributeReferences(template: AttributeReadingTemplate, known: ReadonlySet<string>): UnknownAttributeReference[] {
  const found: UnknownAttributeReference[] = [];
  const candidates = [...known, ...BUILT_IN_USER_FIELDS];
  // a suggestion walks the whole catalogue: the first few references get one, not hundreds per preview
  let suggestions = MAX_SUGGESTIONS;
  for (const { field, place, path, attribute } of attributeReads(template)) {
    if (known.has(attribute)) continue;
    found.push({ field, place, path, attribute, suggestion: suggestions-- > 0 ? closestName(attribute, candidates) : null });
  }
  return found;
}

/** Each {{ }} variable of the URL, data values and header values (a secret header's too) that reads an attribute, once per field. */
function attributeReads(template: AttributeReadingTemplate, variables: (source: string) => string[] = templateVariables): { field: string; place: string; path: string; attribute: string }[] {
  const sources = [
    { field: "url", place: "the URL", source: template.url },
    ...template.fields.map((f, i) => ({ field: `fields[${i}].value`, place: f.key ? `data field "${f.key}"` : `data field ${i + 1}`, source: f.value })),
    ...template.headers.map((h, i) => ({ field: `headers[${i}].value`, place: h.name ? `header "${h.name}"` : `header ${i + 1}`, source: h.value })),
  ];
  return sources.flatMap(({ field, place, source }) =>
    source.includes("{{")
      ? [...new Set(variables(source))].flatMap((path) => {
          const attribute = attributeRead(path);
          return attribute === null ? [] : [{ field, place, path, attribute }];
        })
      : [],
  );
}

/** Beside the field: "No user has the attribute `frstName`: did you mean `firstName`?" */
export function unknownAttributeFieldMessage(ref: UnknownAttributeReference): string {
  return ref.suggestion
    ? `No user has the attribute \`${ref.attribute}\`: did you mean \`${ref.suggestion}\`?`
    : `No user has the attribute \`${ref.attribute}\` yet: it renders empty for every user`;
}

/** In Activate's confirmation: "`{{user.frstName}}` in the URL: no user has this attribute yet; it renders empty". */
export function unknownAttributeActivationMessage(ref: UnknownAttributeReference, webhook?: string): string {
  const mean = ref.suggestion ? ` (did you mean \`${ref.suggestion}\`?)` : "";
  return `${webhook ? `${webhook}: ` : ""}\`{{${ref.path}}}\` in ${ref.place}: no user has this attribute yet; it renders empty${mean}`;
}

const EARLIER_STEP_WAIT = "each user's request waits for that answer";

/** The earlier steps the editor sends with a preview or a test send (preview-input.ts), as "Webhook 1", "Webhook 2", ... */
export function sampleEarlierStepMappings(earlierSteps: { responseMappings: unknown[] }[]): EarlierStepMapping[] {
  return earlierStepMappings(earlierSteps.map((s, i) => ({ label: `Webhook ${i + 1}`, mappings: s.responseMappings })), earlierSteps.length);
}

/** Each read of an attribute an earlier step saves (the first step saving it), once per field: the preview's notes and a test send's. */
function earlierStepReads(template: AttributeReadingTemplate, earlier: EarlierStepMapping[]) {
  const setBefore = new Map<string, EarlierStepMapping>();
  for (const m of earlier) if (!setBefore.has(m.attribute)) setBefore.set(m.attribute, m);
  return attributeReads(template).flatMap((read) => {
    const from = setBefore.get(read.attribute);
    return from ? [{ ...read, from }] : [];
  });
}

/**
 * Beside the field (a note, not a warning): "Set from Webhook 1's response (`$.id`): each user's request waits for
 * that answer" (the engine holds it until that step is done with the user: lib/campaigns/awaited-steps.ts)
 */
export function earlierStepFieldMessage(from: EarlierStepMapping): string {
  return `Set ${fromEarlierStep(from)}: ${EARLIER_STEP_WAIT}`;
}

// Whether the value was there, never the value: a step may send it as a secret (`Bearer {{user.accessToken}}`)
// that the request beside this line shows masked, and the line is kept with the send (review)
const shownValue = (value: unknown) => (value === undefined || value === null || value === "" ? "empty" : "saved before, not shown");

/**
 * A test send's lines beside its request, one per attribute it reads that an earlier step saves: a test
 * send does not wait for that step's answer (only a delivery does), so it used the sample user's value as
 * it is now. "crmId is set from Webhook 1's response (`$.id`), which a test send does not wait for: this
 * test used Mary's current value (empty)". `who`: the sample user as the sentence names them.
 */
export function earlierStepTestSendNotes(template: AttributeReadingTemplate, earlier: EarlierStepMapping[], user: { attributes: Record<string, unknown> }, who: string): string[] {
  const lines = earlierStepReads(template, earlier).map(
    ({ attribute, from }) => `${attribute} is set ${fromEarlierStep(from)}, which a test send does not wait for: this test used ${who}'s current value (${shownValue(user.attributes[attribute])})`,
  );
  return [...new Set(lines)];
}

// The catalogue is a shared reading up to 30 s old: a name missing from it may be one just imported, so a
// reading older than this is taken again before a name is called unknown (a typo re-reads at most this often).
const RECHECK_AFTER_MS = 5_000;

/**
 * The names known to exist: the catalogue's and `alsoKnown`. The shared reading is read again when it
 * lacks one of `names` and is older than `recheckAfterMs` (Activate asks with 0: it warns of no name
 * a user just imported has; the preview, asked at each pause in typing, with a few seconds).
 */
export async function knownAttributeNames(names: string[], alsoKnown: string[] = [], recheckAfterMs = RECHECK_AFTER_MS): Promise<Set<string>> {
  try {
    const known = new Set([...(await loadAttributeNames()), ...alsoKnown]);
    if (names.every((n) => known.has(n))) return known;
    return new Set([...(await loadAttributeNames({ maxAgeMs: recheckAfterMs })), ...alsoKnown]);
  } catch {
    // a warning never blocks: without the catalogue, no name is called unknown (the preview and Activate go on)
    return new Set([...names, ...alsoKnown]);
  }
}

/** The attribute names a webhook's templates read (for knownAttributeNames). */
export function attributesRead(template: AttributeReadingTemplate): string[] {
  return [...new Set(attributeReads(template).map((r) => r.attribute))];
}

/**
 * The attribute names a webhook's templates show (empty when missing), not only test: a follow-up whose
 * user lacks one its earlier step did not save is not sent (lib/delivery/core/decide.ts unsavedAnswer);
 * `{{#if user.coupon}}{{user.coupon}}{{else}}none{{/if}}` says itself what to send without it.
 */
export function attributesNeeded(template: AttributeReadingTemplate): string[] {
  return [...new Set(attributeReads(template, templateNeededVariables).map((r) => r.attribute))];
}

/**
 * Whether a webhook's templates read the whole user (`{{#with user}}{{crmId}}{{/with}}`, `{{#each
 * userAttribute}}`, `{{lookup user name}}`), so any attribute may be what they show.
 */
export function readsEveryAttributeOf(template: AttributeReadingTemplate): boolean {
  return [template.url, ...template.fields.map((f) => f.value), ...template.headers.map((h) => h.value)].some((source) => source.includes("{{") && templateVariables(source).some(readsEveryAttribute));
}

/** A webhook or variant as stored (an Action row). */
type StoredAction = { id: string; name: string; position: number; variantOfId: string | null; urlTemplate: string; fields: unknown; headers: unknown; responseMapping: unknown };

const listOf = <T>(raw: unknown): T[] => (Array.isArray(raw) ? (raw as T[]) : []);

/**
 * A stored webhook's or variant's templates as they are sent, its secret headers opened (a secret
 * `Authorization: Bearer {{user.crmToken}}` reads crmToken); one that cannot be opened reads nothing
 * (its requests fail with that error). Server-side only: the opened values stay here.
 */
export function storedAttributeTemplate(action: Pick<StoredAction, "urlTemplate" | "fields" | "headers">): AttributeReadingTemplate {
  const headers = storedHeaders(action).map((h) => {
    if (!h.secret) return h;
    try {
      return { ...h, value: openStoredValue(h.value) };
    } catch {
      return { ...h, value: "" };
    }
  });
  return { url: action.urlTemplate, fields: listOf(action.fields), headers };
}

/** One reference to an unknown attribute in a campaign's stored webhook or variant, and where it is. */
export type CampaignUnknownAttribute = {
  ref: UnknownAttributeReference;
  /** the webhook's or variant's own row */
  actionId: string;
  /** "Webhook 1 (CRM)" or "Webhook 1 (CRM), variant B", as the editor and activation's problems name it */
  webhook: string;
  /** the field by the campaign body's path, as activation's field errors name it: "actions.0.url", "actions.0.variants.0.fields.1.value" */
  field: string;
  /** the campaign's only webhook, without variants: the editor's line leaves its name out ("the URL" is its URL) */
  only: boolean;
};

/**
 * Each reference of a campaign's webhooks and variants (as stored) to an attribute no user has and no
 * earlier step of the campaign saves from its response (earlierStepMappings: the step's own mapping and
 * a later one's have not answered when it sends). Another campaign's mapping does not count: nothing
 * orders its sends before this one's, and once it has saved the attribute for anyone, the catalogue has it.
 */
export async function campaignUnknownAttributeReferences(actions: StoredAction[]): Promise<CampaignUnknownAttribute[]> {
  const templates = new Map(actions.map((a) => [a.id, storedAttributeTemplate(a)]));
  const catalogue = await knownAttributeNames([...templates.values()].flatMap(attributesRead), [], 0);
  const found: CampaignUnknownAttribute[] = [];
  const steps = [...actions.filter((a) => !a.variantOfId)].sort((a, b) => a.position - b.position);
  const saving = steps.map((step) => ({ label: `Webhook ${step.position + 1}`, mappings: actions.filter((a) => a.id === step.id || a.variantOfId === step.id).map((a) => a.responseMapping) }));
  for (const [stepIndex, step] of steps.entries()) {
    const variants = actions.filter((a) => a.variantOfId === step.id);
    const known = new Set([...catalogue, ...earlierStepMappings(saving, stepIndex).map((m) => m.attribute)]);
    // "webhook", as the editor and activation's problems name them
    const label = `Webhook ${step.position + 1} (${step.name})`;
    for (const [i, action] of [step, ...variants].entries()) {
      const webhook = variants.length ? `${label}, variant ${variantKey(i)}` : label;
      const at = i ? `actions.${stepIndex}.variants.${i - 1}.` : `actions.${stepIndex}.`;
      for (const ref of unknownAttributeReferences(templates.get(action.id)!, known)) {
        found.push({ ref, actionId: action.id, webhook, field: `${at}${ref.field.replace(/\[(\d+)\]/g, ".$1")}`, only: steps.length === 1 && variants.length === 0 });
      }
    }
  }
  return found;
}

/** Activate's and Resume's warning lines for a campaign's webhooks and variants (as stored). */
export async function campaignUnknownAttributes(actions: StoredAction[]): Promise<string[]> {
  return (await campaignUnknownAttributeReferences(actions)).map((f) => unknownAttributeActivationMessage(f.ref, f.only ? undefined : f.webhook));
}

/** campaignUnknownAttributeReferences for the campaign as stored now (none for a campaign deleted meanwhile). */
export async function storedCampaignUnknownAttributes(campaignId: string): Promise<CampaignUnknownAttribute[]> {
  return campaignUnknownAttributeReferences(await db().action.findMany({ where: { campaignId }, orderBy: { position: "asc" } }));
}

/**
 * The live preview's notes for a draft webhook: each reference to an attribute no user has, at its field
 * ("fields[0].value"), with `path` (the preview's own "not set for this user" of it gives way). One an
 * earlier step of the campaign, as the editor has it (`earlier`), saves from its response is not unknown:
 * its note says so (`info`), as a fact, not a warning, whether users have the name already or not (the
 * request waits for that answer either way: lib/campaigns/awaited-steps.ts).
 */
export async function draftUnknownAttributeWarnings(template: AttributeReadingTemplate, earlier: EarlierStepMapping[]): Promise<TemplateProblem[]> {
  const read = attributesRead(template);
  if (read.length === 0) return [];
  const catalogue = await knownAttributeNames(read);
  // said even of a name users have already: each user's request still waits for that step's answer
  const notes = earlierStepReads(template, earlier).map(({ field, path, from }) => ({ field, message: earlierStepFieldMessage(from), path, atField: true as const, info: true as const }));
  const known = new Set([...catalogue, ...earlier.map((m) => m.attribute)]);
  const warnings = unknownAttributeReferences(template, known).map((ref) => ({ field: ref.field, message: unknownAttributeFieldMessage(ref), path: ref.path, atField: true as const }));
  return [...warnings, ...notes];
}
