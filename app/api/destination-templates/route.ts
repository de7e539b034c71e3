// The template library for the campaign editor's "Start from a template" (internal, fetched when it opens).
import { withInternal } from "@/lib/api/with-internal";
import { listDestinationTemplates } from "@/lib/campaigns/destination-templates";

export const dynamic = "force-dynamic";

export const GET = withInternal({ role: "viewer" }, async () => ({ templates: await listDestinationTemplates() }));
