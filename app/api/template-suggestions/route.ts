// The template editor's autocomplete list (internal, fetched once the marketer focuses a template).
import { withInternal } from "@/lib/api/with-internal";
import { loadTemplateSuggestions } from "@/lib/campaigns/template-suggestions";

export const dynamic = "force-dynamic";

export const GET = withInternal({ role: "viewer" }, async () => ({ suggestions: await loadTemplateSuggestions() }));
