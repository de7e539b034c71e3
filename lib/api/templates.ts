// The templates API between its routes and lib/campaigns/destination-templates.ts: the library's
// refusals as API errors (404 unknown, 409 built-in or name taken).
import {
  deleteDestinationTemplate,
  DestinationTemplateError,
  getDestinationTemplate,
  listDestinationTemplates,
  saveDestinationTemplate,
  updateDestinationTemplate,
  type SavedTemplate,
} from "../campaigns/destination-templates";
import type { TemplateInputParsed, TemplatePatch } from "../campaigns/destination-template-schemas";
import { ApiError } from "./errors";

const notFound = (id: string) => new ApiError(404, "not_found", `No template with id ${JSON.stringify(id)}`);

function asApiError(err: unknown, id = ""): never {
  if (err instanceof DestinationTemplateError) {
    if (err.kind === "not_found") throw notFound(id);
    if (err.kind === "too_large") throw new ApiError(400, "validation_error", `${err.field}: ${err.message}`, [{ path: err.field ?? "webhook", message: err.message }]);
    throw new ApiError(409, "conflict", err.message, err.field ? [{ path: err.field, message: err.message }] : null);
  }
  throw err;
}

const saved = ({ template, cleared }: SavedTemplate) => ({ ...template, cleared });

export async function templateList() {
  return { templates: await listDestinationTemplates() };
}

export async function templateById(id: string) {
  const template = await getDestinationTemplate(id);
  if (!template) throw notFound(id);
  return template;
}

export async function saveTemplateByApi(input: TemplateInputParsed, actor: string) {
  return saved(await saveDestinationTemplate(input, actor).catch((err) => asApiError(err)));
}

export async function updateTemplateByApi(id: string, patch: TemplatePatch, actor: string) {
  return saved(await updateDestinationTemplate(id, patch, actor).catch((err) => asApiError(err, id)));
}

export async function deleteTemplateByApi(id: string, actor: string) {
  const deleted = await deleteDestinationTemplate(id, actor).catch((err) => asApiError(err, id));
  if (!deleted) throw notFound(id);
}
