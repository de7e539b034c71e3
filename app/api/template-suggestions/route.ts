// The template editor's autocomplete list (internal, fetched once the marketer focuses a template).
import { withInternal } from "@/lib/api/with-internal";
import { loadAttributeChoices, loadTemplateSuggestions } from "@/lib/campaigns/template-suggestions";

export const dynamic = "force-dynamic";

// `attributes`: the attribute catalogue the same reading made, for "Save response to user"
export const GET = withInternal({ role: "viewer" }, async () => ({ suggestions: await loadTemplateSuggestions(), attributes: await loadAttributeChoices() }));
