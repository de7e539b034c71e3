import { actorOf } from "@/lib/api/authenticate";
import { refusingUnknownWebhookKeys } from "@/lib/api/schemas/webhook-keys";
import { templatePatchBodySchema } from "@/lib/api/schemas/templates";
import { deleteTemplateByApi, templateById, updateTemplateByApi } from "@/lib/api/templates";
import { withApi } from "@/lib/api/with-api";

export const dynamic = "force-dynamic";

export const GET = withApi({ role: "viewer" }, async ({ params }) => templateById(params.id ?? ""));

/** Renames or edits a saved template; webhooks made from it do not change. */
export const PATCH = withApi({ body: refusingUnknownWebhookKeys(templatePatchBodySchema), role: "editor" }, async ({ body, params, principal }) =>
  updateTemplateByApi(params.id ?? "", body, actorOf(principal)),
);

export const DELETE = withApi({ role: "editor" }, async ({ params, principal }) => {
  await deleteTemplateByApi(params.id ?? "", actorOf(principal));
  return new Response(null, { status: 204 });
});
