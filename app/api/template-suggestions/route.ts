// The template editor's autocomplete list (internal, fetched once the marketer focuses a template).
import { refusal } from "@/lib/auth/guard";
import { loadTemplateSuggestions } from "@/lib/campaigns/template-suggestions";

export const dynamic = "force-dynamic";

export async function GET(request: Request) {
  const refused = await refusal(request.headers, "viewer");
  if (refused) return refused;
  return Response.json({ suggestions: await loadTemplateSuggestions() });
}
