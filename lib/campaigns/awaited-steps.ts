// THE rule of which earlier steps a campaign's step waits for: a step whose templates (any variant's)
// read an attribute that an earlier step (any variant of it) saves from its response is not sent to a
// user before that earlier step's delivery to the same user has finished (delivered, failed for good,
// suppressed or cancelled). Sent beside it (no delay, or one shorter than its answer and retries), it
// carried the attribute empty, or the value from before, silently. The engine applies it to every
// delivery (store/batch-context.ts, core/decide.ts), whatever saved the campaign (editor, API). The
// templates are read as sent, a secret header's value opened: step 1 gets an access token, step 2 sends
// it in a secret `Authorization: Bearer {{user.crmToken}}`. With the user lacking a value the earlier step
// would have saved, the step fails unsent when that step saved none: finished without an answer (failed,
// suppressed, cancelled), delivered with no value at the mapped path, or never planned for the user (a
// webhook added in front since) (store/batch-context.ts finds which, core/decide.ts unsavedAnswer decides).
// A step's TIMING reads too: "Measure from a time…" in a user attribute an earlier step saves (step 1 gets
// a due date, step 2 goes 10 hours before it) waits for that step in the same way, is planned due at once
// (core/plan.ts), and is timed from the value saved once the wait ends (core/plan.ts timeAfterEarlierStep,
// applied by core/decide.ts): read at fan-out, before step 1 had answered, it found no time and was
// suppressed for every user.
import { attributesRead, mappingEntries, readsEveryAttributeOf, type AttributeReadingTemplate } from "./unknown-attributes";

/**
 * A webhook or variant as this rule reads it: its row's place and mapping, and its templates as they are
 * sent (`template`: a secret header's value opened, as the engine loads it; never shown or stored here).
 */
export type StepForWaiting = {
  id: string;
  name: string;
  position: number;
  variantOfId: string | null;
  responseMapping: unknown;
  template: AttributeReadingTemplate;
  /** the step's timing (Action.subDelivery, stored JSON): a time measured from a user attribute reads it; a variant's is not read */
  subDelivery?: unknown;
};

/**
 * An earlier step a step waits for: its id, how the editor names it, and the attributes it saves that the
 * step reads; `timing`: the one among them the step's timing reads, when it does; `timingOnly`: the step's
 * templates read none of them (only its time waits: it is never failed for a value missing, decide.ts).
 */
export type AwaitedStep = { actionId: string; label: string; attributes: string[]; timing?: string; timingOnly?: true };

/** The user attribute a step's timing reads ("Measure from a time…" in a user attribute), or null. */
export function timingAttribute(subDelivery: unknown): string | null {
  const sub = (subDelivery && typeof subDelivery === "object" ? subDelivery : {}) as { kind?: unknown; source?: unknown; key?: unknown };
  return sub.kind === "relative" && sub.source === "user" && typeof sub.key === "string" && sub.key.trim() ? sub.key.trim() : null;
}

/**
 * For each step (by its id; a step waiting for none has no entry) the earlier steps it waits for, in
 * step order. Steps are ordered as planning orders them (position, then id); a variant's templates and
 * mapping count as its step's.
 */
export function awaitedSteps(actions: StepForWaiting[]): Map<string, AwaitedStep[]> {
  const steps = stepsInOrder(actions);
  const rowsOf = (step: StepForWaiting) => actions.filter((a) => a.id === step.id || a.variantOfId === step.id);
  const saves = steps.map((step) => new Set(rowsOf(step).flatMap((a) => mappingEntries(a.responseMapping).map((e) => e.attribute))));
  const out = new Map<string, AwaitedStep[]>();
  steps.forEach((step, index) => {
    if (index === 0) return;
    const reads = new Set(rowsOf(step).flatMap((a) => attributesRead(a.template)));
    // a template that reads the whole user ({{#with user}}, {{lookup user name}}) may show any attribute
    const readsAll = rowsOf(step).some((a) => readsEveryAttributeOf(a.template));
    const timing = timingAttribute(step.subDelivery);
    const awaited = steps.slice(0, index).flatMap((earlier, i): AwaitedStep[] => {
      const shown = [...saves[i]!].filter((name) => readsAll || reads.has(name));
      const times = timing !== null && saves[i]!.has(timing);
      const attributes = times && !shown.includes(timing) ? [...shown, timing] : shown;
      if (!attributes.length) return [];
      return [{ actionId: earlier.id, label: stepLabel(earlier), attributes, ...(times ? { timing } : {}), ...(shown.length ? {} : { timingOnly: true as const }) }];
    });
    if (awaited.length) out.set(step.id, awaited);
  });
  return out;
}

type StepRow = Pick<StepForWaiting, "id" | "name" | "position" | "variantOfId">;

/**
 * The steps (by id) whose timing reads a user attribute an earlier step of the same campaign (or a variant
 * of it) saves from its response, and the last such earlier step's label: planning plans them due at once
 * to wait for it (core/plan.ts planSteps), whatever the user has before. Reads no template: the same
 * rule as awaitedSteps' `timing`, for planners that load no template.
 */
export function timedByEarlierSteps(actions: Pick<StepForWaiting, "id" | "name" | "position" | "variantOfId" | "responseMapping" | "subDelivery">[]): Map<string, string> {
  const steps = stepsInOrder(actions);
  const out = new Map<string, string>();
  const saved = new Map<string, string>();
  for (const step of steps) {
    const timing = timingAttribute(step.subDelivery);
    const by = timing === null ? undefined : saved.get(timing);
    if (by) out.set(step.id, by);
    for (const a of actions) if (a.id === step.id || a.variantOfId === step.id) for (const e of mappingEntries(a.responseMapping)) saved.set(e.attribute, stepLabel(step));
  }
  return out;
}

/** A campaign's steps (variants are not steps) as planning orders them: position, then id. */
function stepsInOrder<T extends StepRow>(actions: T[]): T[] {
  return actions.filter((a) => !a.variantOfId).sort((a, b) => a.position - b.position || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** How the editor names a step: "Webhook 1 (Create contact)". */
export function stepLabel(step: Pick<StepRow, "name" | "position">): string {
  return `Webhook ${step.position + 1} (${step.name})`;
}

/**
 * The labels of a campaign's steps by action id, when it has more than one step (a chain the frequency
 * cap counts once: core/frequency-cap.ts ChainFate); null for a single step, which costs the cap nothing more.
 */
export function chainStepLabels(actions: StepRow[]): Map<string, string> | null {
  const steps = stepsInOrder(actions);
  return steps.length > 1 ? new Map(steps.map((step) => [step.id, stepLabel(step)])) : null;
}
