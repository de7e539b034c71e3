import { actorOf } from "@/lib/api/authenticate";
import { removeSigningSecretByApi, rotateSigningSecretByApi } from "@/lib/api/campaigns";
import { withApi } from "@/lib/api/with-api";

export const dynamic = "force-dynamic";

/** Generates the webhook's Standard Webhooks signing secret (shown this once), or replaces it (the old one stays valid 24 h). */
export const POST = withApi({ role: "editor" }, async ({ params, principal }) => rotateSigningSecretByApi(params.id ?? "", params.actionId ?? "", actorOf(principal)));

/** The webhook's requests are no longer signed. */
export const DELETE = withApi({ role: "editor" }, async ({ params, principal }) => removeSigningSecretByApi(params.id ?? "", params.actionId ?? "", actorOf(principal)));
