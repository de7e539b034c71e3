// Starting a webhook from a destination template, in the editor or anywhere else: a copy of the
// template's webhook as a new, unsaved draft. Client-safe (no database): the picker calls it in the browser.
import type { DestinationTemplateView } from "./destination-template-schemas";
import type { ActionDraftInput } from "./schemas";
import { isPlaceholderPath } from "../templating/context";

/** A new webhook draft copied from a template (not saved): Action.templateId records where it started. */
export function actionDraftFromTemplate(template: DestinationTemplateView): ActionDraftInput & { templateId: string } {
  const { webhook } = template;
  return {
    templateId: template.id,
    name: template.name.slice(0, 80),
    method: webhook.method,
    url: webhook.url,
    contentType: webhook.contentType,
    fields: webhook.fields.map((f) => ({ ...f })),
    headers: webhook.headers.map((h) => ({ name: h.name, value: h.secret ? "" : h.value, secret: h.secret })),
  };
}

/** {{ }} names in a template that read no data: the parts to fill in ("slack_webhook_path"). */
export function fillInPlaceholders(text: string): string[] {
  const names = [...text.matchAll(/\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g)].map((m) => m[1]!).filter(isPlaceholderPath);
  return [...new Set(names)];
}
