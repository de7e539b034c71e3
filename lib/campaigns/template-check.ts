// A campaign is not saved with a template that cannot compile (or is too complex to: the limits of
// lib/templating, per field and per webhook): saveCampaign refuses it, naming the field, the line and
// the column, as the preview does, whoever calls it (API or editor), in every variant of a webhook.
// (Render-time problems depend on the user; the preview shows them, activation checks what it can.)
import { webhookSyntaxProblems } from "../templating";
import type { CampaignDraft, FieldErrors } from "./schemas";

type WebhookContent = Pick<CampaignDraft["actions"][number], "url" | "fields" | "headers">;

/** One webhook's (or variant's) templates, in the order they render, under `prefix` ("actions.0."). */
function check(errors: FieldErrors, prefix: string, webhook: WebhookContent) {
  const paths = ["url", ...webhook.fields.map((_, j) => `fields.${j}.value`), ...webhook.headers.map((_, j) => `headers.${j}.value`)];
  const sources = [webhook.url, ...webhook.fields.map((f) => f.value), ...webhook.headers.map((h) => h.value)];
  webhookSyntaxProblems(sources).forEach((problem, k) => {
    if (problem) errors[prefix + paths[k]] = problem.line ? `${problem.message} (line ${problem.line}, column ${problem.column ?? 1})` : problem.message;
  });
}

export function templateSyntaxErrors(draft: CampaignDraft): FieldErrors {
  const errors: FieldErrors = {};
  draft.actions.forEach((action, i) => {
    check(errors, `actions.${i}.`, action);
    action.variants.forEach((variant, k) => check(errors, `actions.${i}.variants.${k}.`, variant));
  });
  return errors;
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
