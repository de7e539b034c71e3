import { actorOf } from "@/lib/api/authenticate";
import { refusingUnknownWebhookKeys } from "@/lib/api/schemas/webhook-keys";
import { templateBodySchema } from "@/lib/api/schemas/templates";
import { saveTemplateByApi, templateList } from "@/lib/api/templates";
import { withApi } from "@/lib/api/with-api";

export const dynamic = "force-dynamic";

/** The built-in templates, then the saved ones. */
export const GET = withApi({ role: "viewer" }, async () => templateList());

/** Saves a webhook as a template, without its secrets. */
export const POST = withApi({ body: refusingUnknownWebhookKeys(templateBodySchema), role: "editor" }, async ({ body, principal }) =>
  Response.json(await saveTemplateByApi(body, actorOf(principal)), { status: 201 }),
);
