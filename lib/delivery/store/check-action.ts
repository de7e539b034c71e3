// Activation's check of one action: it must load (secrets decrypt) and render. What does not depend
// on data is judged for everyone (syntax, keys, header names, static values); a field that reads
// user or event data is judged only when the sample context holds every value it reads (a triggered
// campaign renders with a stored event of its trigger), otherwise its problems show up per delivery.
// Problems are worded as the editor words them: at the field, not as an internal path.
import type { Action } from "../../db/generated/sqlite/client";
import { db } from "../../db";
import { loadWebhookTemplate } from "../../campaigns/action-template";
import { renderWebhookRequest } from "../../webhooks/render-request";
import type { TemplateContext, TemplateProblem, WebhookTemplate } from "../../webhooks/types";
import type { DeliveryRule } from "../core/rules";

export type ActivationSample = { event: TemplateContext["event"]; campaign?: TemplateContext["campaign"] };

/** The context activation renders with: the campaign, a user with no attributes and, for a triggered campaign, a stored event of its trigger. */
export async function activationSample(rule: DeliveryRule | null, campaign?: { id: string; name: string }): Promise<ActivationSample> {
  const named = campaign ? { id: campaign.id, name: campaign.name } : null;
  if (rule?.when !== "triggered") return { event: null, campaign: named };
  // any one event of that name, found through the name index (no sort over all of them)
  const stored = await db().event.findFirst({ where: { name: rule.event }, select: { params: true } });
  const params = stored?.params && typeof stored.params === "object" && !Array.isArray(stored.params) ? (stored.params as Record<string, unknown>) : {};
  return { event: { name: rule.event, params }, campaign: named };
}

/** "Data field "amount"", "Header "X-Api-Key"", "URL": the field as the marketer named it. */
function activationFieldLabel(field: string, template: Pick<WebhookTemplate, "fields" | "headers">): string {
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

function describe(p: TemplateProblem, template: WebhookTemplate): string {
  const where = p.line ? ` (line ${p.line}, column ${p.column ?? 1})` : "";
  return `${activationFieldLabel(p.field, template)}${where}: ${p.message}`;
}

/** The action's problems that no data can fix, in the editor's words; [] when it can be activated. */
export function checkActionRenders(action: Action, sample: ActivationSample = { event: null }, now = new Date()): string[] {
  let template: WebhookTemplate;
  try {
    template = loadWebhookTemplate(action, now);
  } catch (err) {
    return [(err as Error).message];
  }
  const ctx: TemplateContext = { user: { id: "activation-check", attributes: {} }, event: sample.event, campaign: sample.campaign ?? null, action: { id: action.id }, now };
  const result = renderWebhookRequest(template, ctx, { webhookId: "msg_check", timestamp: now, collectWarnings: true });
  if (result.ok) return [];
  // a field reading a value the sample lacks renders empty here; its real value is only known per delivery
  const dependsOnMissingData = new Set(result.warnings.map((w) => w.field));
  return result.errors.filter((e) => !dependsOnMissingData.has(e.field)).map((e) => describe(e, template));
}
