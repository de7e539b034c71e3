// A campaign is not saved with a template that cannot compile: saveCampaign refuses it, naming the
// field, the line and the column, as the preview does, whoever calls it (API or editor).
// (Render-time problems depend on the user; the preview shows them, activation checks what it can.)
import { templateSyntaxProblem } from "../templating";
import type { CampaignDraft, FieldErrors } from "./schemas";

function check(errors: FieldErrors, path: string, source: string) {
  const problem = templateSyntaxProblem(source);
  if (!problem) return;
  errors[path] = problem.line ? `${problem.message} (line ${problem.line}, column ${problem.column ?? 1})` : problem.message;
}

export function templateSyntaxErrors(draft: CampaignDraft): FieldErrors {
  const errors: FieldErrors = {};
  draft.actions.forEach((action, i) => {
    check(errors, `actions.${i}.url`, action.url);
    action.fields.forEach((f, j) => check(errors, `actions.${i}.fields.${j}.value`, f.value));
    action.headers.forEach((h, j) => check(errors, `actions.${i}.headers.${j}.value`, h.value));
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
