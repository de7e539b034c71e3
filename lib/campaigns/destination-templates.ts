// The destination template library: the built-in templates (builtin-destination-templates.ts) and the
// ones members saved (the DestinationTemplate table). Saving and editing go through templateSafeWebhook
// (template-secrets.ts), so no entry point can store a secret; every change is audited. Starting a
// webhook from a template makes a copy (actionDraftFromTemplate): editing the template later changes
// nothing in the webhooks made from it.
import { recordAudit } from "../auth/audit";
import { db } from "../db";
import { isUniqueViolation } from "../db/unique-violation";
import type { DestinationTemplate } from "../db";
import type { DataField } from "../webhooks/types";
import { BUILT_IN_TEMPLATES, isBuiltInTemplateId } from "./builtin-destination-templates";
import type { DestinationTemplateView, TemplateInputParsed, TemplatePatch, TemplateWebhook } from "./destination-template-schemas";
import { templateNameTaken } from "./template-name";
import { templateSafeWebhook } from "./template-secrets";

export { BUILT_IN_TEMPLATES, isBuiltInTemplateId } from "./builtin-destination-templates";
export { actionDraftFromTemplate, fillInPlaceholders } from "./template-apply";
export type { DestinationTemplateView } from "./destination-template-schemas";

export type TemplateErrorKind = "not_found" | "built_in" | "name_taken" | "too_large" | "library_full";

/** A refusal in words; `field` names the form field it is about. */
export class DestinationTemplateError extends Error {
  name = "DestinationTemplateError";
  constructor(
    message: string,
    readonly kind: TemplateErrorKind,
    readonly field?: string,
  ) {
    super(message);
  }
}

const notFound = () => new DestinationTemplateError("This template no longer exists; it may have been deleted.", "not_found");
const builtIn = () => new DestinationTemplateError("Built-in templates cannot be changed or deleted; save a webhook as a template of your own instead.", "built_in");

type StoredHeader = { name: string; value: string; secret: boolean };

function viewOf(row: DestinationTemplate): DestinationTemplateView {
  const fields = Array.isArray(row.fields) ? (row.fields as DataField[]) : [];
  const headers = Array.isArray(row.headers) ? (row.headers as StoredHeader[]) : [];
  return {
    id: row.id,
    builtIn: false,
    name: row.name,
    description: row.description,
    secretNote: row.secretNote,
    webhook: {
      method: row.method as DestinationTemplateView["webhook"]["method"],
      url: row.urlTemplate,
      contentType: row.contentType as DestinationTemplateView["webhook"]["contentType"],
      fields: fields.map((f) => ({ key: f.key, value: f.value, type: f.type })),
      // stored empty already; read as empty whatever a row holds
      headers: headers.map((h) => ({ name: h.name, value: h.secret ? "" : h.value, secret: !!h.secret })),
    },
    createdBy: row.createdBy,
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** The built-in templates, then the saved ones by name. */
export async function listDestinationTemplates(): Promise<DestinationTemplateView[]> {
  const saved = await db().destinationTemplate.findMany({ orderBy: { name: "asc" } });
  return [...BUILT_IN_TEMPLATES, ...saved.map(viewOf)];
}

export async function getDestinationTemplate(id: string): Promise<DestinationTemplateView | null> {
  if (isBuiltInTemplateId(id)) return BUILT_IN_TEMPLATES.find((t) => t.id === id) ?? null;
  const row = await db().destinationTemplate.findUnique({ where: { id } });
  return row ? viewOf(row) : null;
}

/** Refuses a name already used by a built-in or another saved template (whatever its case). */
async function assertNameFree(name: string, exceptId?: string) {
  const saved = await db().destinationTemplate.findMany({ select: { id: true, name: true } });
  const others = [...BUILT_IN_TEMPLATES, ...saved].filter((t) => t.id !== exceptId).map((t) => t.name);
  if (templateNameTaken(name, others)) throw new DestinationTemplateError(`A template named "${name}" already exists; choose another name.`, "name_taken", "name");
}

// Every member and API key reads the whole library at once (Settings, the editor's template picker,
// /api/destination-templates, /api/v1/templates): its size is bounded where it is written, so a read is
// at most MAX_SAVED_TEMPLATES x MAX_TEMPLATE_BYTES (12.5 MiB) however many saves an editor's key makes.
// A webhook's own limits (100 fields of 16 KiB) would allow 2.4 MB per template and no limit on their number.
/** The saved templates the library may hold (the built-in ones aside). */
export const MAX_SAVED_TEMPLATES = 100;
/** What a template's URL, field keys and values, header names and values may weigh together (UTF-8). */
export const MAX_TEMPLATE_BYTES = 128 * 1024;

function templateBytes(webhook: { url: string; fields: { key: string; value: string }[]; headers: { name: string; value: string }[] }): number {
  let bytes = Buffer.byteLength(webhook.url);
  for (const f of webhook.fields) bytes += Buffer.byteLength(f.key) + Buffer.byteLength(f.value);
  for (const h of webhook.headers) bytes += Buffer.byteLength(h.name) + Buffer.byteLength(h.value);
  return bytes;
}

async function assertRoomForOneMore() {
  if ((await db().destinationTemplate.count()) >= MAX_SAVED_TEMPLATES) {
    throw new DestinationTemplateError(`The library holds ${MAX_SAVED_TEMPLATES} saved templates, the most it can: delete one you no longer use first.`, "library_full");
  }
}

/** The columns a webhook draft gives a template: its secrets left out (template-secrets.ts), within MAX_TEMPLATE_BYTES. */
function webhookColumns(webhook: TemplateWebhook) {
  const safe = templateSafeWebhook(webhook);
  const bytes = templateBytes(safe);
  if (bytes > MAX_TEMPLATE_BYTES) {
    const kib = Math.ceil(bytes / 1024).toLocaleString("en-US");
    throw new DestinationTemplateError(`A template can hold at most ${MAX_TEMPLATE_BYTES / 1024} KiB of URL, fields and headers; this one holds ${kib} KiB. Keep the parts a webhook starts from.`, "too_large", "webhook");
  }
  return {
    data: { method: webhook.method, urlTemplate: safe.url, contentType: webhook.contentType, fields: safe.fields, headers: safe.headers },
    cleared: safe.cleared,
  };
}

/** A unique-name race lost at the database is the same refusal as the check's. */
function nameRace(err: unknown, name: string): never {
  if (isUniqueViolation(err)) throw new DestinationTemplateError(`A template named "${name}" already exists; choose another name.`, "name_taken", "name");
  throw err;
}

export type SavedTemplate = { template: DestinationTemplateView; cleared: string[] };

/** Saves a webhook as a template, without its secrets; `cleared` says what was left out. */
export async function saveDestinationTemplate(input: TemplateInputParsed, actor: string): Promise<SavedTemplate> {
  const { data, cleared } = webhookColumns(input.webhook);
  await assertNameFree(input.name);
  await assertRoomForOneMore();
  const row = await db()
    .destinationTemplate.create({ data: { ...data, name: input.name, description: input.description, secretNote: input.secretNote, createdBy: actor } })
    .catch((err) => nameRace(err, input.name));
  await recordAudit({ actor, action: "destination_template.created", target: row.id, details: { name: row.name } });
  return { template: viewOf(row), cleared };
}

/** Renames or edits a saved template (built-in ones are read-only). */
export async function updateDestinationTemplate(id: string, patch: TemplatePatch, actor: string): Promise<SavedTemplate> {
  if (isBuiltInTemplateId(id)) throw builtIn();
  const before = await db().destinationTemplate.findUnique({ where: { id } });
  if (!before) throw notFound();
  if (patch.name !== undefined && patch.name !== before.name) await assertNameFree(patch.name, id);
  const webhook = patch.webhook ? webhookColumns(patch.webhook) : null;
  const { count } = await db()
    .destinationTemplate.updateMany({
      where: { id },
      data: {
        ...(patch.name !== undefined ? { name: patch.name } : {}),
        ...(patch.description !== undefined ? { description: patch.description } : {}),
        ...(patch.secretNote !== undefined ? { secretNote: patch.secretNote } : {}),
        ...(webhook ? webhook.data : {}),
      },
    })
    .catch((err) => nameRace(err, patch.name ?? before.name));
  if (!count) throw notFound();
  const row = await db().destinationTemplate.findUniqueOrThrow({ where: { id } });
  const changed = Object.keys(patch).filter((k) => patch[k as keyof TemplatePatch] !== undefined);
  await recordAudit({ actor, action: "destination_template.updated", target: id, details: { name: row.name, ...(row.name !== before.name ? { from: before.name } : {}), changed } });
  return { template: viewOf(row), cleared: webhook?.cleared ?? [] };
}

/** Deletes a saved template; webhooks made from it keep what they copied. False when it was already gone. */
export async function deleteDestinationTemplate(id: string, actor: string): Promise<boolean> {
  if (isBuiltInTemplateId(id)) throw builtIn();
  const row = await db().destinationTemplate.findUnique({ where: { id }, select: { name: true } });
  if (!row) return false;
  const { count } = await db().destinationTemplate.deleteMany({ where: { id } });
  if (count) await recordAudit({ actor, action: "destination_template.deleted", target: id, details: { name: row.name } });
  return count > 0;
}
