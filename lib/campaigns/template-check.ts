// A campaign is not saved with a template that cannot compile: the save names the field, the line
// and the column, as the preview does. (Render-time problems depend on the user; the preview shows them.)
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
