// A campaign is not saved with a template that cannot compile (or is too complex to: the limits of
// lib/templating, per field and per webhook): saveCampaign refuses it, naming the field, the line and
// the column, as the preview does, whoever calls it (API or editor), in every variant of a webhook.
// (Render-time problems depend on the user; the preview shows them, activation checks what it can.)
import { MAX_EXPRESSIONS, MAX_REQUEST_EXPRESSIONS, webhookSyntaxProblems } from "../templating";
import type { CampaignDraft, FieldErrors } from "./schemas";

/** One webhook's (or variant's) templates: a draft's, or a stored campaign's as the editor reads it (getCampaignDraft). */
type WebhookContent = { url: string; fields?: readonly { value: string }[]; headers?: readonly { value: string }[] };

/** One webhook's (or variant's) templates, in the order they render, under `prefix` ("actions.0."). */
function check(errors: FieldErrors, prefix: string, webhook: WebhookContent) {
  const fields = webhook.fields ?? [];
  const headers = webhook.headers ?? [];
  const paths = ["url", ...fields.map((_, j) => `fields.${j}.value`), ...headers.map((_, j) => `headers.${j}.value`)];
  const sources = [webhook.url, ...fields.map((f) => f.value), ...headers.map((h) => h.value)];
  webhookSyntaxProblems(sources).forEach((problem, k) => {
    if (problem) errors[prefix + paths[k]] = problem.line ? `${problem.message} (line ${problem.line}, column ${problem.column ?? 1})` : problem.message;
  });
}

export function templateSyntaxErrors(draft: { actions: (WebhookContent & { variants?: WebhookContent[] })[] }): FieldErrors {
  const errors: FieldErrors = {};
  draft.actions.forEach((action, i) => {
    check(errors, `actions.${i}.`, action);
    action.variants?.forEach((variant, k) => check(errors, `actions.${i}.variants.${k}.`, variant));
  });
  return errors;
}

/**
 * templateSyntaxErrors of a draft a schema refused for something else (an empty name): a save names
 * every problem at once, rather than the name first and the templates at the next try. Read from the
 * raw draft, leniently: what is not text is left to the schema's own issues.
 */
export function templateSyntaxErrorsOfRaw(raw: unknown): FieldErrors {
  const text = (v: unknown) => (typeof v === "string" ? v : "");
  const rows = (v: unknown) => (Array.isArray(v) ? v : []).map((r) => ({ key: "", name: "", value: text((r as { value?: unknown } | null)?.value) }));
  const content = (a: unknown) => {
    const o = (a && typeof a === "object" ? a : {}) as Record<string, unknown>;
    return { url: text(o.url), fields: rows(o.fields), headers: rows(o.headers) };
  };
  const actions = (raw && typeof raw === "object" && Array.isArray((raw as { actions?: unknown }).actions) ? (raw as { actions: unknown[] }).actions : []).map((a) => ({
    ...content(a),
    variants: Array.isArray((a as { variants?: unknown } | null)?.variants) ? (a as { variants: unknown[] }).variants.map(content) : [],
  }));
  return templateSyntaxErrors({ actions } as Parameters<typeof templateSyntaxErrors>[0]);
}

/**
 * What the campaign page says over the errors templateSyntaxErrors finds in a campaign as it is
 * stored (getCampaignDraft), null without any: one saved before a check existed (the template
 * limits) may hold them, and each of its deliveries then fails; Activate and Resume refuse it
 * (lib/delivery/store/lifecycle.ts). The errors themselves show at their fields from the start.
 */
export function storedTemplateErrorsMessage(errors: FieldErrors, status: string): string | null {
  const count = Object.keys(errors).length;
  if (!count) return null;
  const limits = `${MAX_EXPRESSIONS.toLocaleString("en")} expressions per field, ${MAX_REQUEST_EXPRESSIONS.toLocaleString("en")} per webhook`;
  const what = count === 1 ? "A template of this campaign does not pass the checks a save makes now" : `${count} templates of this campaign do not pass the checks a save makes now`;
  const consequence = status === "active" ? "its deliveries fail, sending nothing, until it is fixed and saved" : "Activate and Resume refuse it until it is fixed and saved";
  return `${what} (such as the template limits, ${limits}, which it was saved before): ${consequence}. The fields are marked below.`;
}

/** Thrown by saveCampaign: `fieldErrors` keyed like the form ("actions.0.fields.1.value"). */
export class TemplateSyntaxError extends Error {
  constructor(readonly fieldErrors: FieldErrors) {
    const count = Object.keys(fieldErrors).length;
    super(`${count === 1 ? "A template has a syntax error; fix it" : `${count} templates have a syntax error; fix them`}, then save again.`);
  }
}

/** Throws TemplateSyntaxError when a template of the draft does not compile. */
export function assertTemplatesCompile(draft: CampaignDraft): void {
  const errors = templateSyntaxErrors(draft);
  if (Object.keys(errors).length) throw new TemplateSyntaxError(errors);
}
