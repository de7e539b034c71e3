// The live preview: the action as typed, rendered by the one renderer for a sample user, masked.
import { db } from "../db";
import { maskRequest } from "../webhooks/mask";
import { renderWebhookRequest } from "../webhooks/render-request";
import type { BuiltRequest, TemplateProblem } from "../webhooks/types";
import { draftWebhookTemplate } from "./action-template";
import { renderableDraft, type ParsedSampleRequest } from "./preview-input";
import { sampleContext, SampleUserMissingError } from "./sample-context";
import type { FieldErrors } from "./schemas";

export type PreviewResult = {
  /** the request as it would be sent, credentials and Authorization masked; null when it cannot render */
  request: BuiltRequest | null;
  errors: TemplateProblem[];
  warnings: TemplateProblem[];
  /** what the save would refuse (strict schema), keyed like the form's field errors */
  problems: FieldErrors;
  user: { id: string } | null;
};

export const PASSWORD_CLEARED_WARNING = "The host changed, so the saved password will be cleared: type it again.";

/** The saved action whose stored secrets "••••" in the draft stands for. */
export async function secretSource(draft: { id?: string; copiedFrom?: string }) {
  const id = draft.id ?? draft.copiedFrom;
  return id ? db().action.findUnique({ where: { id } }) : null;
}

export async function previewAction(input: ParsedSampleRequest, now = new Date()): Promise<PreviewResult> {
  const { draft, problems } = renderableDraft(input.action);
  let context;
  try {
    context = await sampleContext({ ...input, attributes: input.attributes ?? null, actionId: draft.id }, now);
  } catch (err) {
    if (!(err instanceof SampleUserMissingError)) throw err;
    return { request: null, errors: [{ field: "user", message: err.message }], warnings: [], problems, user: null };
  }
  const { template, passwordClearedForHostChange } = draftWebhookTemplate(draft, await secretSource(draft), now);
  const extra: TemplateProblem[] = passwordClearedForHostChange ? [{ field: "url", message: PASSWORD_CLEARED_WARNING }] : [];
  const result = renderWebhookRequest(template, context, { webhookId: "msg_preview", timestamp: now, collectWarnings: true });
  const user = { id: context.user.id };
  if (!result.ok) return { request: null, errors: result.errors, warnings: [...extra, ...result.warnings], problems, user };
  const secretHeaders = template.headers.filter((h) => h.secret).map((h) => h.name);
  return { request: maskRequest(result.request, secretHeaders), errors: [], warnings: [...extra, ...result.warnings], problems, user };
}
