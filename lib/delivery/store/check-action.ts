// Activation's check of one action: it must load (secrets decrypt) and render. What does not depend
// on data is judged for everyone (syntax, keys, header names, static values); a field that reads
// user or event data is judged with the sample context (a triggered campaign renders with a stored
// event of its trigger). A Number or Boolean data field that reads a value the sample lacks is judged
// with stand-ins for those values (a number, then true): "{{event.params.amount}}" passes, while
// "{{event.params.amount}} USD" is never a number and is refused. Other fields that read missing
// values show their problems per delivery. A name that is no variable at all ({{slack_webhook_path}}, a
// destination template's placeholder) renders empty for everyone and is refused, as is a secret header
// left without a value (it would never be sent), and so is a fixed destination the SSRF guard refuses
// whatever the data (an IP address or localhost it does not allow, a forbidden port). Problems are worded as the editor words them: at the field
// (fieldErrors, by the editor's paths), and in the list, not as an internal path.
import type { Action } from "../../db";
import { db } from "../../db";
import { loadWebhookTemplate } from "../../campaigns/action-template";
import { isUnsetSecretHeader, renderWebhookRequest, unsetSecretHeaderMessage } from "../../webhooks/render-request";
import { attributeRead, isPlaceholderPath, pathSegments } from "../../templating";
import { urlOrigin } from "../../campaigns/url-origin";
import { secretsAtTemplatedHost } from "../../campaigns/fixed-host-secrets";
import { signingFor, VARIANT_UNSIGNED } from "../../campaigns/secret-resolver";
import { currentAllowList, portOf, refusalWithoutLookup, type AllowList } from "../../webhooks/ssrf";
import type { TemplateContext, TemplateProblem, WebhookTemplate } from "../../webhooks/types";
import type { DeliveryRule } from "../core/rules";

export type ActivationSample = {
  event: TemplateContext["event"];
  campaign?: TemplateContext["campaign"];
  /** the SSRF guard's allow list as sending reads it now; without it a fixed destination is not judged */
  destinations?: AllowList;
};

/**
 * The context activation renders with: the campaign, a user with no attributes and, for a triggered
 * campaign, a stored event of its trigger; and the allow list the sender would use (Settings' entries
 * read afresh, as a send reads them).
 */
export async function activationSample(rule: DeliveryRule | null, campaign?: { id: string; name: string }): Promise<ActivationSample> {
  const named = campaign ? { id: campaign.id, name: campaign.name } : null;
  const destinations = await currentAllowList();
  if (rule?.when !== "triggered") return { event: null, campaign: named, destinations };
  // any one event of that name, found through the name index (no sort over all of them)
  const stored = await db().event.findFirst({ where: { name: rule.event }, select: { params: true } });
  const params = stored?.params && typeof stored.params === "object" && !Array.isArray(stored.params) ? (stored.params as Record<string, unknown>) : {};
  return { event: { name: rule.event, params }, campaign: named, destinations };
}

/**
 * Why the SSRF guard would refuse every send of this URL template, in its words, or null. Only a
 * destination that is the same for everyone (no template in the scheme, host or port) and needs no DNS
 * lookup is judged: a host name may resolve differently by the time it is sent to. Activation refuses
 * it; the live preview says it at the URL as it is typed (lib/campaigns/preview.ts).
 */
export function destinationRefusal(url: string, destinations: AllowList | undefined): string | null {
  const origin = destinations ? urlOrigin(url) : null;
  if (!origin) return null;
  const at = new URL(origin);
  return refusalWithoutLookup(at.hostname, portOf(at), destinations!);
}

function refusedDestination(url: string, destinations: AllowList | undefined): string | null {
  const reason = destinationRefusal(url, destinations);
  return reason && `every delivery would be refused: ${reason}`;
}

/** "Data field "amount"", "Header "X-Api-Key"", "URL": the field as the marketer named it. */
export function activationFieldLabel(field: string, template: Pick<WebhookTemplate, "fields" | "headers">): string {
  if (field === "url") return "URL";
  if (field === "fields") return "Body";
  const match = /^(fields|headers)\[(\d+)\]\.(key|name|value)$/.exec(field);
  if (!match) return field;
  const [, list, index, part] = match;
  const i = Number(index);
  if (list === "fields") {
    const key = template.fields[i]?.key.trim();
    return part === "value" && key ? `Data field "${key}"` : `Data field ${i + 1} ${part === "key" ? "key" : "value"}`;
  }
  const name = template.headers[i]?.name.trim();
  return part === "value" && name ? `Header "${name}"` : `Header ${i + 1} ${part}`;
}

/** Stand-ins tried, in turn, for the values a typed field reads that the sample lacks. */
const STAND_INS: unknown[] = [1, true];

/** Puts `value` at a template path ("event.params.amount", "user.plan") in the context it is read from; false if it has no place there. */
function placeStandIn(ctx: TemplateContext, path: string, value: unknown): boolean {
  // "userAttribute.[plan.tier]" reads the attribute "plan.tier": the written path's segments, brackets kept whole
  const segments = pathSegments(path);
  const [root, ...rest] = segments;
  let target: Record<string, unknown> | undefined;
  let keys = rest;
  if (attributeRead(segments) !== null) target = ctx.user.attributes;
  else if (root === "user" && rest[0] === "email" && rest.length === 1) return ((ctx.user.email = String(value)), true);
  else if (root === "user" && rest[0] === "timezone" && rest.length === 1) return ((ctx.user.timezone = String(value)), true);
  else if (root === "event" && rest[0] === "params" && ctx.event) [target, keys] = [ctx.event.params, rest.slice(1)];
  else if (root === "parameter" && ctx.event) target = ctx.event.params;
  // a template may name "__proto__" or "constructor": writing there would change every object in the process
  if (!target || keys.length === 0 || keys.some((k) => UNSAFE_KEYS.has(k))) return false;
  for (const key of keys.slice(0, -1)) {
    const next = Object.hasOwn(target, key) ? target[key] : undefined;
    target = (target[key] = next && typeof next === "object" ? next : {}) as Record<string, unknown>;
  }
  target[keys.at(-1)!] = value;
  return true;
}

const UNSAFE_KEYS = new Set(["__proto__", "constructor", "prototype"]);
/** The type errors stand-ins can settle; any other error (a limit, the time budget) is judged as it is. */
const TYPE_ERROR = /is not a number$|is not true or false$/;

type Judged = { problem: TemplateProblem; standIn?: { paths: string[]; value: unknown } };

function judge(action: Action, sample: ActivationSample, now: Date, step: Action | undefined): { template: WebhookTemplate; judged: Judged[] } | { loadError: string } {
  let template: WebhookTemplate;
  try {
    template = loadWebhookTemplate(action, now, step);
  } catch (err) {
    return { loadError: (err as Error).message };
  }
  const context = (): TemplateContext => ({
    user: { id: "activation-check", attributes: {} },
    event: sample.event ? { name: sample.event.name, params: structuredClone(sample.event.params) } : null,
    campaign: sample.campaign ?? null,
    action: { id: action.id },
    now,
  });
  const render = (ctx: TemplateContext) => renderWebhookRequest(template, ctx, { webhookId: "msg_check", timestamp: now, collectWarnings: true, requiredAsValue: true });
  const result = render(context());
  // a placeholder ({{slack_webhook_path}} of a destination template) renders empty for every user: it
  // was meant to be replaced, and sending with it would fail (or reach the wrong place) for everyone
  const judged: Judged[] = result.warnings.filter((w) => w.path && isPlaceholderPath(w.path)).map((w) => ({ problem: { field: w.field, message: w.message } }));
  const refused = refusedDestination(template.url, sample.destinations);
  if (refused) judged.unshift({ problem: { field: "url", message: refused } });
  // a signed webhook's variant outside the place its secret was made for would reach its receiver unsigned
  if (action.variantOfId && signingFor(step, action.urlTemplate, now).signingWithheld) judged.push({ problem: { field: "url", message: VARIANT_UNSIGNED } });
  // a stored secret at a templated host is never sent (render-request.ts fails every delivery): said as the save says it
  for (const problem of secretsAtTemplatedHost(template)) judged.push({ problem });
  // a secret header nobody typed (the Generic JSON POST's Authorization) is never sent: every receiver would refuse the request
  template.headers.forEach((h, i) => {
    if (h.name.trim() && isUnsetSecretHeader(h)) judged.push({ problem: { field: `headers[${i}].value`, message: unsetSecretHeaderMessage(h.name.trim(), "activation") } });
  });
  if (result.ok) return { template, judged };
  // a field reading a value the sample lacks renders empty here; its real value is only known per delivery
  const missing = new Map<string, string[]>();
  for (const w of result.warnings) if (w.path) missing.set(w.field, [...(missing.get(w.field) ?? []), w.path]);
  // A Number or Boolean data field whose value the sample lacks is judged with stand-ins: refused only
  // if no stand-in renders a value of its type. Each stand-in is one render of the whole request with
  // every such field's missing values put in, so the check costs at most three renders however many
  // fields there are.
  const typedMissing: { error: TemplateProblem; paths: string[] }[] = [];
  for (const e of result.errors) {
    if (judged.some((j) => j.problem.field === e.field && j.problem.message === e.message)) continue;
    const paths = missing.get(e.field);
    if (!paths) {
      judged.push({ problem: e });
      continue;
    }
    const typed = /^fields\[(\d+)\]\.value$/.exec(e.field);
    const type = typed ? template.fields[Number(typed[1])]?.type : undefined;
    if ((type === "number" || type === "boolean") && TYPE_ERROR.test(e.message)) typedMissing.push({ error: e, paths });
  }
  if (!typedMissing.length) return { template, judged };
  const firstProblem = new Map<string, Judged>();
  const settled = new Set<string>();
  for (const value of STAND_INS) {
    const ctx = context();
    const placed = typedMissing.filter((f) => !settled.has(f.error.field) && f.paths.every((p) => placeStandIn(ctx, p, value)));
    if (!placed.length) break;
    const rendered = render(ctx);
    for (const f of placed) {
      const problem = rendered.ok ? undefined : rendered.errors.find((x) => x.field === f.error.field);
      if (!problem) settled.add(f.error.field);
      else if (!firstProblem.has(f.error.field)) firstProblem.set(f.error.field, { problem, standIn: { paths: f.paths, value } });
    }
  }
  // a field settled by some stand-in, or whose values had no place to go, is left to each delivery
  for (const f of typedMissing) {
    const problem = firstProblem.get(f.error.field);
    if (problem && !settled.has(f.error.field)) judged.push(problem);
  }
  return { template, judged };
}

/** A problem found with stand-ins says which: "\"1 USD\" is not a number, with 1 for event.params.amount: no value makes it one". */
function fieldMessage(j: Judged): string {
  if (!j.standIn) return j.problem.message;
  return `${j.problem.message}, with ${String(j.standIn.value)} for ${j.standIn.paths.join(", ")}: no value makes it one`;
}
const lineOf = (p: TemplateProblem) => (p.line ? ` (line ${p.line}, column ${p.column ?? 1})` : "");

export type ActionCheck = {
  /** in the editor's words, "Data field "amount": ..." */
  problems: string[];
  /** by the editor's paths within the webhook ("fields.0.value", "url") */
  fieldErrors: Record<string, string>;
};

/** The action's problems that no data can fix; none when it can be activated. `step`: a variant's step, whose secret signs it. */
export function checkAction(action: Action, sample: ActivationSample = { event: null }, now = new Date(), step?: Action): ActionCheck {
  const result = judge(action, sample, now, step);
  if ("loadError" in result) return { problems: [result.loadError], fieldErrors: {} };
  const fieldErrors: Record<string, string> = {};
  // at the field as the preview's errors are (PreviewPanel): the message, then where in the template
  for (const j of result.judged) fieldErrors[j.problem.field.replace(/\[(\d+)\]/g, ".$1")] ??= `${fieldMessage(j)}${lineOf(j.problem)}`;
  return { problems: result.judged.map((j) => `${activationFieldLabel(j.problem.field, result.template)}${lineOf(j.problem)}: ${fieldMessage(j)}`), fieldErrors };
}

/** The action's problems that no data can fix, in the editor's words; [] when it can be activated. */
export function checkActionRenders(action: Action, sample: ActivationSample = { event: null }, now = new Date(), step?: Action): string[] {
  return checkAction(action, sample, now, step).problems;
}
